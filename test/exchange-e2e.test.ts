import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as amqp from 'amqplib';
import { AMQP_URL } from '@lienthong/bus/testing/amqp';
import { BusTopology } from '@lienthong/bus';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import { startNetwork, Network, waitFor } from './support/network';

/*
 * The whole exchange, each part its own Nest app and database, on real PostgreSQL and RabbitMQ:
 * the axis, two dedicated nodes and one shared node hosting two agencies. Agencies are onboarded
 * through the operator and admin APIs only.
 */
jest.setTimeout(120_000);

const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H57 = { code: '000.00.00.H57', name: 'UBND tỉnh Thừa Thiên Huế' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };
const H42 = { code: '000.00.00.H42', name: 'UBND tỉnh Hà Tĩnh' };

interface NodeDelivery {
  code: string;
  state: string;
  lastStatusCode?: string;
  timeline: { event: string; statusCode?: string; detail?: string }[];
}

interface AxisTimeline {
  deliveries: { recipient: string; state: string; statusCode?: string; detail?: string }[];
  events: { event: string; recipient: string; statusCode?: string }[];
}

interface InboxItem {
  id: string;
  documentId?: string;
  sender: string;
}

let serial = 0;
function documentFrom(
  from: { code: string; name: string },
  to: string[],
  attachments: Buffer[],
): EdocPackage {
  serial += 1;
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: from.code, organName: from.name },
      to: to.map((organId) => ({ organId })),
      code: { codeNumber: `${serial}${randomBytes(3).toString('hex')}`, codeNotation: 'E2E-LT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: `Văn bản thử nghiệm liên thông số ${serial}`,
    },
    traceHeaderList: { traceHeader: [] },
    attachments: attachments.map((data, i) => ({
      contentId: `att-${i}`,
      attachmentName: `tep-dinh-kem-${i}.pdf`,
      contentType: 'application/pdf',
      data,
    })),
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the exchange: axis, dedicated and shared nodes', () => {
  let net: Network;

  beforeAll(async () => {
    net = await startNetwork([
      { id: 'node-vpcp', mode: 'dedicated', agencies: [G22] },
      { id: 'node-hue', mode: 'dedicated', agencies: [H57] },
      { id: 'node-shared', mode: 'shared', agencies: [H41, H42] },
    ]);
  });

  afterAll(async () => {
    await net?.close();
  });

  /** Every document this suite sent, to compare the nodes' and the axis's views at the end. */
  const sentDocuments: { sender: string; id: string; recipients: string[] }[] = [];

  async function send(from: { code: string; name: string }, to: string[], attachments = [randomBytes(2048)]) {
    const pkg = documentFrom(from, to, attachments);
    const res = await net
      .agency(from.code)
      .post<{ id: string; documentId: string }>('/api/v1/documents', buildEdxml(pkg));
    if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${res.text}`);
    sentDocuments.push({ sender: from.code, id: res.body.id, recipients: to });
    return { ...res.body, pkg };
  }

  const inboxItem = (agency: string, documentId: string) =>
    waitFor(`${documentId} in the inbox of ${agency}`, async () => {
      const res = await net.agency(agency).get<InboxItem[]>('/api/v1/inbox?includeTaken=true');
      return res.body.find((item) => item.documentId === documentId);
    });

  const nodeDelivery = async (sender: string, id: string, recipient: string) => {
    const res = await net.agency(sender).get<{ deliveries: NodeDelivery[] }>(`/api/v1/documents/sent/${id}`);
    return res.body.deliveries.find((d) => d.code === recipient);
  };

  const statusesSeenBySender = (sender: string, id: string, recipient: string, codes: string[]) =>
    waitFor(`statuses ${codes.join(',')} from ${recipient} at ${sender}`, async () => {
      const delivery = await nodeDelivery(sender, id, recipient);
      const seen = (delivery?.timeline ?? []).filter((e) => e.event === 'status').map((e) => e.statusCode);
      return codes.every((c) => seen.includes(c)) ? delivery : undefined;
    });

  const axisState = (documentUuid: string, recipient: string, state: string) =>
    waitFor(`axis state ${state} for ${recipient}`, async () => {
      const res = await net.operator.get<AxisTimeline>(`/api/v1/documents/${documentUuid}/timeline`);
      const delivery =
        res.status === 200 ? res.body.deliveries.find((d) => d.recipient === recipient) : undefined;
      return delivery?.state === state ? res.body : undefined;
    });

  describe.each([
    ['dedicated → shared', G22, H41],
    ['shared → dedicated', H41, G22],
    ['dedicated → dedicated', G22, H57],
    ['shared → the other tenant of the same shared node', H41, H42],
  ])('%s', (_label, from, to) => {
    it('arrives byte-identical and verified, and status 01 comes back on its own', async () => {
      const attachment = randomBytes(100 * 1024);
      const sent = await send(from, [to.code], [attachment, randomBytes(10)]);
      const item = await inboxItem(to.code, sent.documentId);
      expect(item.sender).toBe(from.code);

      const received = await net.agency(to.code).get(`/api/v1/inbox/${item.id}/package`);
      const original = await net.agency(from.code).get(`/api/v1/documents/sent/${sent.id}/package`);
      expect(received.status).toBe(200);
      expect(sha256(received.bytes)).toBe(sha256(original.bytes));
      expect(received.text).toContain('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');

      const file = await net.agency(to.code).get(`/api/v1/inbox/${item.id}/attachments/0`);
      expect(file.status).toBe(200);
      expect(sha256(file.bytes)).toBe(sha256(attachment));

      await statusesSeenBySender(from.code, sent.id, to.code, ['01']);
      await axisState(sent.id, to.code, 'arrived');
    });
  });

  it('carries the recipient software’s 03 and 06 to the sender and to the axis timeline', async () => {
    const sent = await send(G22, [H41.code]);
    const item = await inboxItem(H41.code, sent.documentId);
    expect((await net.agency(H41.code).post(`/api/v1/inbox/${item.id}/taken`)).status).toBeLessThan(300);
    for (const statusCode of ['03', '06']) {
      const res = await net.agency(H41.code).post(`/api/v1/inbox/${item.id}/statuses`, {
        statusCode,
        description: `Trạng thái ${statusCode}`,
      });
      expect(res.status).toBe(202);
    }
    const delivery = await statusesSeenBySender(G22.code, sent.id, H41.code, ['01', '03', '06']);
    expect(delivery.lastStatusCode).toBe('06');
    const timeline = await axisState(sent.id, H41.code, 'finished');
    const steps = timeline.events.filter((e) => e.recipient === H41.code).map((e) => e.statusCode ?? e.event);
    expect(steps).toEqual(
      expect.arrayContaining(['submitted', 'published', 'delivered', '01', 'taken', '03', '06']),
    );
  });

  it('tracks each recipient of one document separately, at the node and at the axis', async () => {
    const sent = await send(G22, [H41.code, H57.code]);
    const [forH41, forH57] = await Promise.all([
      inboxItem(H41.code, sent.documentId),
      inboxItem(H57.code, sent.documentId),
    ]);
    await net.agency(H41.code).post(`/api/v1/inbox/${forH41.id}/statuses`, { statusCode: '03' });
    await statusesSeenBySender(G22.code, sent.id, H41.code, ['01', '03']);
    await statusesSeenBySender(G22.code, sent.id, H57.code, ['01']);
    expect((await nodeDelivery(G22.code, sent.id, H57.code))?.lastStatusCode).toBe('01');
    await axisState(sent.id, H41.code, 'accepted');
    const timeline = await axisState(sent.id, H57.code, 'arrived');
    expect(timeline.deliveries).toHaveLength(2);
    expect(forH57.id).not.toBe(forH41.id);
  });

  it('refuses a recipient the directory does not know, and fails visibly when its queue is gone', async () => {
    const unknown = documentFrom(G22, ['000.00.00.Z99'], []);
    const refused = await net
      .agency(G22.code)
      .post<{ code: string; message: string }>('/api/v1/documents', buildEdxml(unknown));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('UNKNOWN_RECIPIENT');
    expect(refused.body.message).toContain('000.00.00.Z99');

    // An agency in the directory whose queue has disappeared from the broker (operator mistake).
    const orphan = { code: '000.00.00.H99', name: 'Cơ quan có hàng đợi bị xóa' };
    expect((await net.operator.post('/api/v1/agencies', orphan)).status).toBe(201);
    await deleteQueue(new BusTopology({ prefix: net.prefix }).agencyInbox(orphan.code));
    await waitFor('the orphan in the node directory', async () => {
      const dir = await net.agency(G22.code).get<{ code: string }[]>('/api/v1/directory');
      return dir.body.some((e) => e.code === orphan.code) || undefined;
    });
    const sent = await send(G22, [orphan.code]);
    const failed = await waitFor('a failed delivery', async () => {
      const delivery = await nodeDelivery(G22.code, sent.id, orphan.code);
      return delivery?.state === 'failed' ? delivery : undefined;
    });
    expect(JSON.stringify(failed.timeline)).toMatch(/UNROUTABLE|no queue|unroutable/i);
    await axisState(sent.id, orphan.code, 'failed');
  });

  it('quarantines a tampered package, answers 02 with the reason, and stores a redelivery once', async () => {
    const sent = await send(G22, [H41.code]);
    const item = await inboxItem(H41.code, sent.documentId);
    await statusesSeenBySender(G22.code, sent.id, H41.code, ['01']);
    const signed = (await net.agency(G22.code).get(`/api/v1/documents/sent/${sent.id}/package`)).text;

    // Someone with access to the broker replays the package with a changed subject.
    const tampered = Buffer.from(signed.replace('Văn bản thử nghiệm', 'Văn bản giả mạo'));
    await publishRaw(H41.code, tampered, randomUUID(), G22.code);
    const rejected = await statusesSeenBySender(G22.code, sent.id, H41.code, ['02']);
    const reason = rejected.timeline.find((e) => e.statusCode === '02')?.detail ?? '';
    expect(reason).toMatch(/signature|digest/i);

    // The same message id twice: the first is a new copy, the second a redelivery stored once.
    const messageId = randomUUID();
    await publishRaw(H41.code, Buffer.from(signed), messageId, G22.code);
    await publishRaw(H41.code, Buffer.from(signed), messageId, G22.code);
    const copiesOf = async () =>
      (await net.agency(H41.code).get<InboxItem[]>('/api/v1/inbox?includeTaken=true')).body.filter(
        (i) => i.documentId === sent.documentId,
      );
    await waitFor('the replayed copy', async () => ((await copiesOf()).length >= 2 ? true : undefined));
    await waitFor('both replays consumed', async () =>
      (await queueMessages(new BusTopology({ prefix: net.prefix }).agencyInbox(H41.code))) === 0
        ? true
        : undefined,
    );
    const copies = await copiesOf();
    expect(copies).toHaveLength(2);
    expect(copies.map((c) => c.id)).toContain(item.id);
  });

  it('revokes, updates and replaces across nodes; the 15/16 answers reach the sender and the axis', async () => {
    const original = await send(G22, [H41.code, H57.code]);
    await Promise.all([inboxItem(H41.code, original.documentId), inboxItem(H57.code, original.documentId)]);
    const requestIn = (agency: string, type: number) =>
      waitFor(`a type-${type} package at ${agency}`, async () => {
        const res = await net
          .agency(agency)
          .get<(InboxItem & { businessDocType?: number })[]>('/api/v1/inbox?includeTaken=true');
        return res.body.find((i) => i.documentId === original.documentId && i.businessDocType === type);
      });

    const revoke = await net
      .agency(G22.code)
      .post(`/api/v1/documents/sent/${original.id}/revoke`, { reason: 'Ban hành nhầm' });
    expect(revoke.status).toBe(202);
    const [revokedAtH41, revokedAtH57] = await Promise.all([requestIn(H41.code, 1), requestIn(H57.code, 1)]);
    expect(
      (await net.agency(H41.code).post(`/api/v1/inbox/${revokedAtH41.id}/statuses`, { statusCode: '15' }))
        .status,
    ).toBe(202);
    expect(
      (await net.agency(H57.code).post(`/api/v1/inbox/${revokedAtH57.id}/statuses`, { statusCode: '16' }))
        .status,
    ).toBe(202);
    await statusesSeenBySender(G22.code, original.id, H41.code, ['15']);
    await statusesSeenBySender(G22.code, original.id, H57.code, ['16']);
    await axisState(original.id, H41.code, 'revoke-update-agreed');
    await axisState(original.id, H57.code, 'revoke-update-refused');

    const update = await net.agency(G22.code).post(`/api/v1/documents/sent/${original.id}/update`, {
      reason: 'Sửa trích yếu',
      changes: { subject: 'Trích yếu đã sửa' },
      receivers: [{ organId: H41.code, receiverType: 0 }],
    });
    expect(update.status).toBe(202);
    const updatedAtH41 = await requestIn(H41.code, 2);
    const detail = await net
      .agency(H41.code)
      .get<{ metadata: { messageHeader: { subject: string } } }>(`/api/v1/inbox/${updatedAtH41.id}`);
    expect(detail.body.metadata.messageHeader.subject).toBe('Trích yếu đã sửa');

    const replacement = documentFrom(G22, [H57.code], [randomBytes(512)]);
    const replace = await net
      .agency(G22.code)
      .post<{ id: string }>(
        `/api/v1/documents/sent/${original.id}/replace?reason=${encodeURIComponent('Thay thế văn bản')}`,
        buildEdxml(replacement),
      );
    expect(replace.status).toBe(202);
    const replacedAtH57 = await waitFor('the replacement at H57', async () => {
      const res = await net
        .agency(H57.code)
        .get<(InboxItem & { businessDocType?: number })[]>('/api/v1/inbox?includeTaken=true');
      return res.body.find((i) => i.businessDocType === 3);
    });
    expect(replacedAtH57.sender).toBe(G22.code);
    sentDocuments.push({ sender: G22.code, id: replace.body.id, recipients: [H57.code] });
  });

  it('shows at the axis, for every document and recipient, the statuses the sender node saw', async () => {
    expect(sentDocuments.length).toBeGreaterThanOrEqual(8);
    for (const doc of sentDocuments) {
      for (const recipient of doc.recipients) {
        const nodeCodes = async () =>
          ((await nodeDelivery(doc.sender, doc.id, recipient))?.timeline ?? [])
            .filter((e) => e.event === 'status')
            .map((e) => e.statusCode)
            .sort();
        const axisCodes = async () => {
          const res = await net.operator.get<AxisTimeline>(`/api/v1/documents/${doc.id}/timeline`);
          return res.body.events
            .filter((e) => e.recipient === recipient && e.statusCode)
            .map((e) => e.statusCode)
            .sort();
        };
        await waitFor(`the axis to agree on ${doc.id} → ${recipient}`, async () => {
          const [atNode, atAxis] = await Promise.all([nodeCodes(), axisCodes()]);
          return JSON.stringify([...new Set(atNode)]) === JSON.stringify([...new Set(atAxis)])
            ? true
            : undefined;
        });
      }
    }
  });

  // Last: H57 cannot sign anything valid after this.
  it('makes a revocation bite at once: the axis pushes the CRL, the next package is quarantined with 02', async () => {
    const agency = await net.operator.get<{ certificateSerial: string }>(`/api/v1/agencies/${H57.code}`);
    const revoked = await net.operator.post(`/api/v1/certificates/${agency.body.certificateSerial}/revoke`, {
      reason: 'keyCompromise',
    });
    expect(revoked.status).toBe(200);
    // The nodes poll the axis once an hour (TRUST_REFRESH_SECONDS): only the notification can do
    // this. The directory comes in the same refresh as the CRL; H57's certificate leaves it.
    await waitFor('the revocation at the node of G22', async () => {
      const directory = await net
        .agency(G22.code)
        .get<{ code: string; certificatePem?: string }[]>('/api/v1/directory');
      const entry = directory.body.find((e) => e.code === H57.code);
      return entry && entry.certificatePem === undefined ? true : undefined;
    });
    const sent = await send(H57, [G22.code]);
    const rejected = await statusesSeenBySender(H57.code, sent.id, G22.code, ['02']);
    expect(rejected.timeline.find((e) => e.statusCode === '02')?.detail).toMatch(/revoked/i);
    const inbox = await net.agency(G22.code).get<InboxItem[]>('/api/v1/inbox?includeTaken=true');
    expect(inbox.body.map((i) => i.documentId)).not.toContain(sent.documentId);
  });

  async function withChannel<T>(work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      const result = await work(channel);
      await channel.close();
      return result;
    } finally {
      await connection.close();
    }
  }

  function queueMessages(queue: string) {
    return withChannel(async (ch) => (await ch.checkQueue(queue)).messageCount);
  }

  function deleteQueue(queue: string) {
    return withChannel((ch) => ch.deleteQueue(queue));
  }

  function publishRaw(recipient: string, body: Buffer, messageId: string, from: string) {
    const topology = new BusTopology({ prefix: net.prefix });
    return withChannel(async (ch) => {
      ch.publish(topology.documentsExchange, recipient, body, {
        messageId,
        persistent: true,
        headers: {
          [MESSAGE_HEADERS.kind]: 'edoc',
          [MESSAGE_HEADERS.from]: from,
          [MESSAGE_HEADERS.document]: randomUUID(),
        },
      });
      await (ch as amqp.ConfirmChannel).waitForConfirms();
    });
  }
});
