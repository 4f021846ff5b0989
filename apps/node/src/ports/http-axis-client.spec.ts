import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AXIS_PATHS } from '@lienthong/protocol';
import { TEST_CONFIG } from '../testing/unit-fakes';
import { HttpAxisClient } from './http-axis-client';

type Route = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('HttpAxisClient', () => {
  let server: Server;
  let routes: Record<string, Route>;
  let client: HttpAxisClient;

  beforeEach(async () => {
    routes = {};
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const route = routes[`${req.method} ${req.url}`];
        if (route) route(req, body, res);
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    client = new HttpAxisClient({ ...TEST_CONFIG, axisUrl: `http://127.0.0.1:${port}` });
  });

  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const json = (res: ServerResponse, status: number, value: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

  it('enrolls with the token, node id and CSR as JSON', async () => {
    let received: unknown;
    routes[`POST ${AXIS_PATHS.enroll}`] = (_, body, res) => {
      received = JSON.parse(body);
      json(res, 200, { agencyCode: '000.00.00.H41', certificatePem: 'CERT', caCertificatePem: 'CA' });
    };
    await expect(client.enroll({ token: 't', nodeId: 'node-test', csrPem: 'CSR' })).resolves.toEqual({
      agencyCode: '000.00.00.H41',
      certificatePem: 'CERT',
      caCertificatePem: 'CA',
    });
    expect(received).toEqual({ token: 't', nodeId: 'node-test', csrPem: 'CSR' });
  });

  it("turns the axis's refusal into ENROLLMENT_REFUSED with its sentence", async () => {
    routes[`POST ${AXIS_PATHS.enroll}`] = (_, __, res) =>
      json(res, 422, {
        statusCode: 422,
        code: 'ENROLLMENT_TOKEN_USED',
        message: 'The token was used already',
      });
    await expect(client.enroll({ token: 't', nodeId: 'n', csrPem: 'c' })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'ENROLLMENT_REFUSED',
      message: expect.stringContaining('The token was used already'),
      details: { axisCode: 'ENROLLMENT_TOKEN_USED' },
    });
  });

  it('reads the directory, the CA and the CRL; a missing CRL is undefined', async () => {
    routes[`GET ${AXIS_PATHS.directory}`] = (_, __, res) =>
      json(res, 200, [{ code: '000.00.00.G22', name: 'VPCP', state: 'active' }]);
    routes[`GET ${AXIS_PATHS.caCertificate}`] = (_, __, res) => res.writeHead(200).end('PEM');
    await expect(client.directory()).resolves.toEqual([
      { code: '000.00.00.G22', name: 'VPCP', state: 'active' },
    ]);
    await expect(client.caCertificates()).resolves.toBe('PEM');
    await expect(client.crl()).resolves.toBeUndefined();
  });

  it('reports an unreachable or failing axis as unavailable', async () => {
    routes[`GET ${AXIS_PATHS.caCertificate}`] = (_, __, res) => json(res, 500, { message: 'boom' });
    await expect(client.caCertificates()).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'AXIS_UNAVAILABLE',
    });
    const down = new HttpAxisClient({ ...TEST_CONFIG, axisUrl: 'http://127.0.0.1:9' });
    await expect(down.directory()).rejects.toMatchObject({ kind: 'unavailable', code: 'AXIS_UNAVAILABLE' });
  });
});
