import { randomBytes, randomUUID } from 'node:crypto';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { HttpResponse, Network, startNetwork, waitFor } from './support/network';

/*
 * Tenant isolation on a shared node, through EVERY endpoint of the agency API: the endpoints are
 * read from the node's own OpenAPI document, so a new endpoint is covered the day it is added.
 * H42's key, on the node that also hosts H41, must not read, list, send as, act on, or learn the
 * existence of H41's documents: for each endpoint taking a document id, H41's id must get exactly
 * the answer a random id gets.
 */
jest.setTimeout(120_000);

const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };
const H42 = { code: '000.00.00.H42', name: 'UBND tỉnh Hà Tĩnh' };

function documentFrom(from: string, to: string): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: from },
      to: [{ organId: to }],
      code: { codeNumber: randomBytes(4).toString('hex'), codeNotation: 'ISO-LT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'Văn bản mật của một đơn vị khác',
    },
    traceHeaderList: { traceHeader: [] },
    attachments: [
      { contentId: 'a', attachmentName: 'a.txt', contentType: 'text/plain', data: Buffer.from('bí mật') },
    ],
  };
}

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: unknown }>>;
}

describe('tenant isolation on a shared node, endpoint by endpoint', () => {
  let net: Network;
  let sentByH41: string;
  let receivedByH41: string;
  let receivedDocumentId: string;
  let endpoints: { method: string; path: string }[];

  beforeAll(async () => {
    net = await startNetwork([
      { id: 'node-vpcp', mode: 'dedicated', agencies: [G22] },
      { id: 'node-shared', mode: 'shared', agencies: [H41, H42] },
    ]);
    const sent = await net
      .agency(H41.code)
      .post<{ id: string }>('/api/v1/documents', buildEdxml(documentFrom(H41.code, G22.code)));
    expect(sent.status).toBe(202);
    sentByH41 = sent.body.id;
    const incoming = await net
      .agency(G22.code)
      .post<{ documentId: string }>('/api/v1/documents', buildEdxml(documentFrom(G22.code, H41.code)));
    expect(incoming.status).toBe(202);
    receivedDocumentId = incoming.body.documentId;
    receivedByH41 = await waitFor('the document in H41 inbox', async () => {
      const inbox = await net.agency(H41.code).get<{ id: string; documentId: string }[]>('/api/v1/inbox');
      return inbox.body.find((i) => i.documentId === receivedDocumentId)?.id;
    });

    const openapi = await net.agency(H41.code).get<OpenApi>('/docs-json');
    expect(openapi.status).toBe(200);
    endpoints = Object.entries(openapi.body.paths)
      .filter(([path]) => path.startsWith('/api/v1/') && !path.startsWith('/api/v1/admin'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method, path })));
  });

  afterAll(async () => {
    await net?.close();
  });

  /** Calls an endpoint as an agency, with the document id (and attachment index 0) filled in. */
  const call = (
    agency: string,
    endpoint: { method: string; path: string },
    id: string,
  ): Promise<HttpResponse> => {
    const path = endpoint.path.replace('{id}', id).replace('{index}', '0');
    const client = net.agency(agency);
    // A body every POST endpoint would accept from the owner: scoping must refuse before validation.
    return endpoint.method === 'get'
      ? client.get(path)
      : client.post(path, { statusCode: '03', reason: 'thử', changes: { subject: 'x' } });
  };

  const ownerIdFor = (path: string) => (path.startsWith('/api/v1/inbox') ? receivedByH41 : sentByH41);

  it('covers every document endpoint of the OpenAPI document', () => {
    const withId = endpoints.filter((e) => e.path.includes('{id}'));
    // inbox: item, package, attachment, taken, statuses; sent: item, package, revoke, update, replace, withdraw.
    expect(withId.length).toBeGreaterThanOrEqual(10);
  });

  it("answers H42 on H41's documents exactly as on documents that do not exist", async () => {
    const checked: string[] = [];
    for (const endpoint of endpoints.filter((e) => e.path.includes('{id}'))) {
      const own = await call(H42.code, endpoint, ownerIdFor(endpoint.path));
      const missing = await call(H42.code, endpoint, randomUUID());
      const label = `${endpoint.method.toUpperCase()} ${endpoint.path}`;
      expect({ label, status: own.status }).toEqual({ label, status: missing.status });
      expect({ label, body: own.text }).toEqual({ label, body: missing.text });
      expect({ label, refused: own.status >= 400 }).toEqual({ label, refused: true });
      checked.push(label);
    }
    expect(checked.length).toBeGreaterThanOrEqual(10);
    // The owner still sees its documents: the answers above are scoping, not missing rows.
    expect((await net.agency(H41.code).get(`/api/v1/inbox/${receivedByH41}`)).status).toBe(200);
    expect((await net.agency(H41.code).get(`/api/v1/documents/sent/${sentByH41}`)).status).toBe(200);
  });

  it("never lists H41's documents to H42, and refuses H42 a filter on H41 as on an unknown agency", async () => {
    const lists = endpoints.filter(
      (e) => e.method === 'get' && !e.path.includes('{') && e.path !== '/api/v1/directory',
    );
    expect(lists.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/api/v1/inbox', '/api/v1/documents/sent']),
    );
    for (const list of lists) {
      const all = await net
        .agency(H42.code)
        .get(list.path === '/api/v1/inbox' ? `${list.path}?includeTaken=true` : list.path);
      expect(all.status).toBe(200);
      expect(all.text).not.toContain(sentByH41);
      expect(all.text).not.toContain(receivedByH41);
      expect(all.text).not.toContain(receivedDocumentId);
      const filtered = await net.agency(H42.code).get(`${list.path}?agency=${H41.code}`);
      const unknown = await net.agency(H42.code).get(`${list.path}?agency=000.00.00.Q99`);
      expect({ path: list.path, status: filtered.status, body: filtered.text }).toEqual({
        path: list.path,
        status: unknown.status,
        // The refusal names the agency asked for, and nothing else differs.
        body: unknown.text.replace('000.00.00.Q99', H41.code),
      });
      expect(filtered.status).toBe(403);
    }
  });

  it('refuses H42 to send as H41 exactly as as an agency hosted nowhere', async () => {
    const asH41 = await net
      .agency(H42.code)
      .post('/api/v1/documents', buildEdxml(documentFrom(H41.code, G22.code)));
    const asNobody = await net
      .agency(H42.code)
      .post('/api/v1/documents', buildEdxml(documentFrom('000.00.00.Q99', G22.code)));
    expect(asH41.status).toBe(403);
    expect(asH41.text).toBe(asNobody.text.replace('000.00.00.Q99', H41.code));
  });
});
