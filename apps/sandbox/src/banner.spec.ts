import { formatBanner } from './banner';

describe('formatBanner', () => {
  const input = {
    embedded: true,
    dataDir: '/repo/.lienthong-data',
    axisUrl: 'http://127.0.0.1:3000',
    operatorToken: 'operator-token',
    nodes: { 'node-vpcp': 'http://127.0.0.1:3101', 'node-shared': 'http://127.0.0.1:3102' },
    apiKeys: { '000.00.00.G22': 'lt_g22', '000.00.00.H41': 'lt_h41', '000.00.00.H57': 'lt_h57' },
    examples: {
      metadata: '/repo/.lienthong-data/examples/cong-van.json',
      attachment: '/repo/.lienthong-data/examples/ke-hoach.txt',
    },
    cwd: '/repo',
  };

  it('says where everything is, the keys, and what to try', () => {
    const text = formatBanner(input).join('\n');
    expect(text).toMatch(/embedded mode/);
    expect(text).toMatch(/data +\.lienthong-data/);
    expect(text).toMatch(/dashboard +http:\/\/127\.0\.0\.1:3000\/dashboard +operator token: operator-token/);
    expect(text).toMatch(/node-vpcp +http:\/\/127\.0\.0\.1:3101\/docs/);
    expect(text).toMatch(/node-shared +http:\/\/127\.0\.0\.1:3102\/docs/);
    for (const [code, key] of Object.entries(input.apiKeys))
      expect(text).toMatch(new RegExp(`${code} .+API key: ${key}`));
    // The sender's node and key, the recipient's inbox with its own key.
    expect(text).toMatch(
      /curl -sS -X POST http:\/\/127\.0\.0\.1:3101\/api\/v1\/documents -H 'x-api-key: lt_g22'/,
    );
    expect(text).toMatch(/curl -sS http:\/\/127\.0\.0\.1:3102\/api\/v1\/inbox -H 'x-api-key: lt_h41'/);
    expect(text).toMatch(/npm run demo/);
  });

  it('names the real infrastructure when not embedded', () => {
    expect(formatBanner({ ...input, embedded: false })[0]).toMatch(/PostgreSQL .* RabbitMQ/);
  });
});
