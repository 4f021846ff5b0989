import { Command } from 'commander';
import { AdminFetch, connectorCommand } from './connector.command';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

function harness(answer: (call: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const lines: string[] = [];
  const fetchImpl: AdminFetch = async (url, init) => {
    const call = {
      url,
      method: init.method,
      headers: init.headers,
      body: init.body ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const { status, body } = answer(call);
    return { status, text: async () => JSON.stringify(body) };
  };
  const out = {
    result: (t: string) => lines.push(t),
    info: (t: string) => lines.push(`info: ${t}`),
    error: () => undefined,
  };
  const program = new Command('lienthong').exitOverride().addCommand(connectorCommand(out, fetchImpl));
  const run = (...argv: string[]) => program.parseAsync(argv, { from: 'user' });
  return { calls, lines, run };
}

const view = {
  systemId: 'vxp.saas.03',
  name: 'vxp.saas.03',
  agencies: ['000.00.00.H41'],
  secretSetAt: '2026-11-27T00:00:00.000Z',
  createdAt: '2026-11-27T00:00:00.000Z',
};

describe('lienthong connector', () => {
  const saved = process.env.NODE_ADMIN_TOKEN;
  beforeEach(() => (process.env.NODE_ADMIN_TOKEN = 'admin-token-from-the-environment'));
  afterAll(() => (process.env.NODE_ADMIN_TOKEN = saved));

  it('create: posts to the admin API with the bearer token and prints the secret once', async () => {
    const h = harness(() => ({ status: 201, body: { ...view, secret: 's3cr3t-made-by-the-node' } }));
    await h.run(
      'connector',
      'create',
      '--node',
      'http://node:3100/',
      '--system-id',
      'vxp.saas.03',
      '--agency',
      '000.00.00.H41',
    );
    expect(h.calls).toEqual([
      {
        url: 'http://node:3100/api/v1/admin/connectors',
        method: 'POST',
        headers: {
          authorization: 'Bearer admin-token-from-the-environment',
          'content-type': 'application/json',
        },
        body: { systemId: 'vxp.saas.03', agencies: ['000.00.00.H41'] },
      },
    ]);
    expect(h.lines).toContain('systemid=vxp.saas.03');
    expect(h.lines).toContain('secret=s3cr3t-made-by-the-node');
  });

  it('list, rotate and disable call their routes', async () => {
    const h = harness((call) => ({
      status: 200,
      body:
        call.method === 'GET'
          ? [view, { ...view, systemId: 'b', disabledAt: 'x' }]
          : { ...view, secret: 'new', disabledAt: 'now' },
    }));
    await h.run('connector', 'list', '--node', 'http://node:3100');
    await h.run('connector', 'rotate', 'vxp.saas.03', '--node', 'http://node:3100');
    await h.run('connector', 'disable', 'vxp.saas.03', '--node', 'http://node:3100');
    expect(h.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET http://node:3100/api/v1/admin/connectors',
      'POST http://node:3100/api/v1/admin/connectors/vxp.saas.03/rotate',
      'POST http://node:3100/api/v1/admin/connectors/vxp.saas.03/disable',
    ]);
    expect(h.lines[0]).toBe('vxp.saas.03\tenabled\t000.00.00.H41\tvxp.saas.03');
    expect(h.lines[1]).toMatch(/^b\tdisabled/);
    expect(h.lines).toContain('secret=new');
  });

  it('failures lists what the software reported as failed', async () => {
    const h = harness(() => ({
      status: 200,
      body: [
        {
          documentId: 'd1',
          agency: '000.00.00.H41',
          systemId: 'vxp.saas.03',
          reason: 'unreadable',
          reportedAt: 't',
        },
      ],
    }));
    await h.run('connector', 'failures', '--node', 'http://node:3100', '--limit', '5');
    expect(h.calls[0].url).toBe('http://node:3100/api/v1/admin/connectors/failures?limit=5');
    expect(h.lines).toEqual(['t\t000.00.00.H41\td1\tvxp.saas.03\tunreadable']);
  });

  it('turns a refusal into one sentence, and needs an admin token', async () => {
    const h = harness(() => ({
      status: 409,
      body: { code: 'CONNECTOR_EXISTS', message: 'A connector vxp.saas.03 exists already' },
    }));
    await expect(
      h.run('connector', 'create', '--system-id', 'vxp.saas.03', '--agency', '000.00.00.H41'),
    ).rejects.toThrow('The node refused: A connector vxp.saas.03 exists already [CONNECTOR_EXISTS]');
    delete process.env.NODE_ADMIN_TOKEN;
    await expect(h.run('connector', 'list')).rejects.toThrow(/NODE_ADMIN_TOKEN/);
  });
});
