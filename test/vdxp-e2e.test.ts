import { randomBytes } from 'node:crypto';
import {
  buildEdxml,
  EdocPackage,
  formatEdxmlDate,
  formatEdxmlTimestamp,
  parseEdxml,
  StatusPackage,
} from '@lienthong/edxml';
import { Network, startNetwork, waitFor } from './support/network';
import { SdkClient, sdkReads, VdxpResponse } from './support/vdxp-client';

/*
 * Agency software that only speaks the official VPCP SDK's protocol, on a whole lienthong network
 * (axis, a dedicated node, a shared node; real PostgreSQL and RabbitMQ): the clients sign every
 * request exactly as the SDK does (test/support/vdxp-client.ts), and switching to lienthong meant
 * only a connector and an endpoint URL. H41, on the shared node, sends G22, on the dedicated node,
 * a document; G22's software lists, fetches and takes it and answers 03 then 06; H41's software
 * follows each step with getSentEdocList.
 */
jest.setTimeout(120_000);

const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };
const H42 = { code: '000.00.00.H42', name: 'UBND tỉnh Hà Tĩnh' };

interface ReceivedItem {
  docId: string;
  from: string;
  to: string;
  messageType: string;
}

interface SentItem {
  senderDocId: string;
  fromCode: string;
  toCode: string;
  sendStatus: string;
  receiveStatus: string;
  receiveStatusDesc: string;
  title: string;
  notation: string;
}

function okData<T>(res: VdxpResponse): T {
  const read = sdkReads(res.json);
  if (read.ErrorCode !== '0') throw new Error(`VDXP answered ${res.status}: ${res.body.toString('utf8')}`);
  return read.data as T;
}

describe('VDXP end to end: SDK-signed software on a shared node and a dedicated node', () => {
  let net: Network;
  let sender: SdkClient;
  let recipient: SdkClient;

  beforeAll(async () => {
    net = await startNetwork([
      { id: 'node-vpcp', mode: 'dedicated', agencies: [G22] },
      { id: 'node-shared', mode: 'shared', agencies: [H41, H42] },
    ]);
    const shared = await net.admin('node-shared').post<{ secret: string }>('/api/v1/admin/connectors', {
      systemId: 'vxp.saas.03',
      name: 'QLVB dùng chung',
      agencies: [H41.code, H42.code],
    });
    expect(shared.status).toBe(201);
    const dedicated = await net
      .admin('node-vpcp')
      .post<{ secret: string }>('/api/v1/admin/connectors', { systemId: 'vpcp.qlvb', agencies: [G22.code] });
    expect(dedicated.status).toBe(201);
    // The only change in the software's configuration: service.endpoint (plus its connector).
    sender = new SdkClient(`${net.nodeOf(H41.code).url}/vdxp`, 'vxp.saas.03', shared.body.secret);
    recipient = new SdkClient(`${net.nodeOf(G22.code).url}/vdxp`, 'vpcp.qlvb', dedicated.body.secret);
  });

  afterAll(async () => {
    await net?.close();
  });

  const sentState = (docId: string) =>
    // A new SDK object each time, as software that constructs its service per call would.
    new SdkClient(`${net.nodeOf(H41.code).url}/vdxp`, sender.systemId, secretOf(sender)).call(
      'getSentEdocList',
      {
        servicetype: 'eDoc',
        messagetype: 'edoc',
        docId,
      },
    );

  const waitForReceiveStatus = (docId: string, statusCode: string) =>
    waitFor(`receiveStatus ${statusCode} at the sender`, async () => {
      const items = okData<SentItem[]>(await sentState(docId));
      return items.find((i) => i.toCode === G22.code && i.receiveStatus === statusCode);
    });

  it('carries a document and its statuses 03 and 06, each step visible to the sender', async () => {
    // 1. The sender's software hands in a package it built, with an attachment.
    const attachment = randomBytes(4096);
    const pkg: EdocPackage = {
      kind: 'edoc',
      messageHeader: {
        from: { organId: H41.code, organName: H41.name },
        to: [{ organId: G22.code, organName: G22.name }],
        code: { codeNumber: `${randomBytes(3).readUIntBE(0, 3)}`, codeNotation: 'UBND-VX' },
        promulgationInfo: { place: 'Nghệ An', promulgationDate: formatEdxmlDate(new Date()) },
        documentType: { type: '1', typeName: 'Công văn' },
        subject: 'Báo cáo tình hình triển khai liên thông văn bản',
      },
      traceHeaderList: { traceHeader: [] },
      attachments: [
        {
          contentId: 'bao-cao',
          attachmentName: 'bao-cao.pdf',
          contentType: 'application/pdf',
          data: attachment,
        },
      ],
    };
    const sent = await sender.sendEdoc(Buffer.from(buildEdxml(pkg)), {
      servicetype: 'eDoc',
      messagetype: 'edoc',
      from: H41.code,
    });
    expect(sdkReads(sent.json)).toMatchObject({ status: 'OK', ErrorCode: '0' });
    const docId = (sent.json as { DocId: string }).DocId;
    expect(docId).toMatch(/^[0-9a-f-]{36}$/);

    // 2. The recipient's receive loop, on one SDK object (frozen timestamp, parameters carried over).
    const item = await waitFor('the document in the inbox of G22', async () => {
      const items = okData<ReceivedItem[]>(
        await recipient.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' }),
      );
      return items.find((i) => i.from === H41.code);
    });
    expect(item).toMatchObject({ to: G22.code, messageType: 'edoc' });
    expect(
      (await recipient.call('countReceiveEdoc', { servicetype: 'eDoc', messagetype: 'edoc' })).json?.count,
    ).toBe(1);
    const fetched = okData<string>(
      await recipient.call('getEdoc', { docId: item.docId, filePath: 'edoc-store' }),
    );
    const received = parseEdxml(Buffer.from(fetched, 'base64'), { identifierMode: 'lenient' }).package;
    if (received.kind !== 'edoc') throw new Error('not a document');
    expect(received.messageHeader.subject).toBe(pkg.messageHeader.subject);
    expect(received.attachments[0].data.equals(attachment)).toBe(true);
    // Signed by the sender's node with H41's key: the trace header it appended names H41.
    expect(received.traceHeaderList.traceHeader.map((t) => t.organId)).toContain(H41.code);
    const downloaded = await recipient.call(
      'downloadEdoc',
      { docId: item.docId, filePath: 'edoc-store' },
      { method: 'GET' },
    );
    expect(downloaded.body.equals(Buffer.from(fetched, 'base64'))).toBe(true);

    expect(
      sdkReads((await recipient.call('updateStatus', { docId: item.docId, status: 'done' })).json).ErrorCode,
    ).toBe('0');
    const after = okData<ReceivedItem[]>(
      await recipient.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'edoc' }),
    );
    expect(after.find((i) => i.docId === item.docId)).toBeUndefined();

    // 3. The sender sees it arrived (01, sent by the recipient's node on receipt).
    const arrived = await waitForReceiveStatus(docId, '01');
    expect(arrived).toMatchObject({
      senderDocId: docId,
      fromCode: H41.code,
      sendStatus: 'done',
      title: pkg.messageHeader.subject,
      notation: `${pkg.messageHeader.code.codeNumber}/UBND-VX`,
    });

    // 4. The recipient's software answers 03, then 06, as status packages through sendEdoc.
    const documentId = received.messageHeader.documentId!;
    const answer = async (statusCode: '03' | '06', description: string) => {
      const status: StatusPackage = {
        kind: 'status',
        messageHeader: {
          from: { organId: G22.code, organName: G22.name },
          responseFor: {
            organId: H41.code,
            code: `${pkg.messageHeader.code.codeNumber}/UBND-VX`,
            promulgationDate: pkg.messageHeader.promulgationInfo.promulgationDate,
            documentId,
          },
          statusCode,
          description,
          timestamp: formatEdxmlTimestamp(new Date()),
        },
      };
      const res = await recipient.sendEdoc(Buffer.from(buildEdxml(status)), {
        servicetype: 'eDoc',
        messagetype: 'status',
        from: G22.code,
      });
      expect(sdkReads(res.json)).toMatchObject({ status: 'OK', ErrorCode: '0' });
      expect((res.json as { DocId: string }).DocId).toMatch(/^[0-9a-f-]{36}$/);
    };
    await answer('03', 'Đã tiếp nhận văn bản');
    expect(await waitForReceiveStatus(docId, '03')).toMatchObject({ receiveStatusDesc: 'Đã tiếp nhận' });
    await answer('06', 'Đã hoàn thành xử lý');
    expect(await waitForReceiveStatus(docId, '06')).toMatchObject({ receiveStatusDesc: 'Hoàn thành' });

    // 5. The sender's software also receives the three status packages, and takes them.
    const statuses = await waitFor('01, 03 and 06 among the received statuses of H41', async () => {
      const items = okData<ReceivedItem[]>(
        await sender.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype: 'status' }),
      );
      const fromG22 = items.filter((i) => i.from === G22.code && i.to === H41.code);
      return fromG22.length === 3 ? fromG22 : undefined;
    });
    for (const s of statuses) {
      const bytes = Buffer.from(okData<string>(await sender.call('getEdoc', { docId: s.docId })), 'base64');
      expect(parseEdxml(bytes, { identifierMode: 'lenient' }).package.kind).toBe('status');
      expect(
        sdkReads((await sender.call('updateStatus', { docId: s.docId, status: 'done' })).json).ErrorCode,
      ).toBe('0');
    }
    expect((await sender.call('countReceiveStatus', {})).json?.count).toBe(0);

    // 6. The axis's operator sees the same story.
    await waitFor('status 06 at the axis', async () => {
      const res = await net.operator.get<{ deliveries: { recipient: string; statusCode?: string }[] }>(
        `/api/v1/documents/${docId}/timeline`,
      );
      return res.status === 200 &&
        res.body.deliveries.some((d) => d.recipient === G22.code && d.statusCode === '06')
        ? true
        : undefined;
    });
  });

  it('keeps tenants apart: the shared connector cannot read G22’s inbox, G22’s cannot send as H41', async () => {
    const h42Only = okData<ReceivedItem[]>(
      await new SdkClient(`${net.nodeOf(H41.code).url}/vdxp`, sender.systemId, secretOf(sender)).call(
        'getReceivedEdocList',
        { servicetype: 'eDoc', messagetype: 'edoc' },
      ),
    );
    expect(h42Only.every((i) => i.to === H41.code || i.to === H42.code)).toBe(true);
    const pkg: EdocPackage = {
      kind: 'edoc',
      messageHeader: {
        from: { organId: H41.code },
        to: [{ organId: H42.code }],
        code: { codeNumber: '1', codeNotation: 'GIA-MAO' },
        promulgationInfo: { promulgationDate: formatEdxmlDate(new Date()) },
        documentType: { type: '1' },
        subject: 'Giả mạo',
      },
      traceHeaderList: { traceHeader: [] },
      attachments: [],
    };
    const res = await recipient.sendEdoc(Buffer.from(buildEdxml(pkg)), {
      servicetype: 'eDoc',
      messagetype: 'edoc',
    });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ status: 'FAIL', ErrorCode: '403', DocId: '' });
  });
});

/** The secret a client was made with (kept private on the class; tests only). */
function secretOf(client: SdkClient): string {
  return (client as unknown as { secret: string }).secret;
}
