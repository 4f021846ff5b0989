import { AppError } from '@lienthong/common';
import { UnwiredAuditLog } from '../audit/audit-log';
import type { StoredConnector, VdxpFailure } from '../domain/connector';
import { ConnectorRepository } from '../repositories/connector.repository';
import { fakeAgencies } from '../testing/unit-fakes';
import { ConnectorsService } from './connectors.service';
import { SecretBox } from './secret-box';

class MemoryConnectors extends ConnectorRepository {
  readonly rows = new Map<string, StoredConnector>();
  readonly failures: VdxpFailure[] = [];
  async insert(c: StoredConnector) {
    if (this.rows.has(c.systemId)) return false;
    this.rows.set(c.systemId, c);
    return true;
  }
  async findEnabled(id: string) {
    const c = this.rows.get(id);
    return c && !c.disabledAt ? c : undefined;
  }
  async find(id: string) {
    return this.rows.get(id);
  }
  async list() {
    return [...this.rows.values()];
  }
  async setSecret(id: string, secretCiphertext: string, at: Date) {
    const c = this.rows.get(id);
    if (c) this.rows.set(id, { ...c, secretCiphertext, secretSetAt: at });
    return this.rows.get(id);
  }
  async disable(id: string, at: Date) {
    const c = this.rows.get(id);
    if (c && !c.disabledAt) this.rows.set(id, { ...c, disabledAt: at });
    return this.rows.get(id);
  }
  async recordFailure(f: VdxpFailure) {
    this.failures.push(f);
  }
  async listFailures() {
    return this.failures;
  }
}

const H41 = '000.00.00.H41';
const SECRET = 'TEST-ONLY-secret-0123456789abcdef';

async function code(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

describe('ConnectorsService', () => {
  const box = new SecretBox({ keyPassphrase: 'passphrase-of-the-node' });
  let repo: MemoryConnectors;
  let service: ConnectorsService;
  let audit: UnwiredAuditLog;

  beforeEach(() => {
    repo = new MemoryConnectors();
    audit = new UnwiredAuditLog();
    service = new ConnectorsService(repo, fakeAgencies(H41), box, audit);
  });

  it('keeps a given secret (the software keeps its configuration), encrypted, and gives it back to verify HMACs', async () => {
    const created = await service.create({ systemId: 'vxp.saas.03', agencies: [H41, H41], secret: SECRET });
    expect(created).toMatchObject({ systemId: 'vxp.saas.03', agencies: [H41], secret: SECRET });
    const stored = repo.rows.get('vxp.saas.03')!;
    expect(stored.secretCiphertext).not.toContain(SECRET);
    const found = await service.secretOf('vxp.saas.03');
    expect(found?.secret).toBe(SECRET);
    expect(found?.caller).toEqual({
      keyId: 'connector:vxp.saas.03',
      systemId: 'vxp.saas.03',
      agencies: [H41],
    });
    expect(await service.list()).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
  });

  it('makes a random secret when none is given', async () => {
    const a = await service.create({ systemId: 'a', agencies: [H41] });
    const b = await service.create({ systemId: 'b', agencies: [H41] });
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toBe(b.secret);
  });

  it('refuses agencies not hosted here, odd system ids, weak secrets and a second connector of one id', async () => {
    expect(await code(service.create({ systemId: 'x', agencies: ['000.00.00.X99'] }))).toBe(
      'AGENCY_NOT_HOSTED',
    );
    expect(await code(service.create({ systemId: 'x', agencies: [] }))).toBe('NO_AGENCIES');
    expect(await code(service.create({ systemId: 'bad id', agencies: [H41] }))).toBe('INVALID_SYSTEM_ID');
    expect(await code(service.create({ systemId: 'x', agencies: [H41], secret: 'short' }))).toBe(
      'INVALID_SECRET',
    );
    await service.create({ systemId: 'x', agencies: [H41] });
    expect(await code(service.create({ systemId: 'x', agencies: [H41] }))).toBe('CONNECTOR_EXISTS');
  });

  it('rotates (the old secret is gone) and disables (no secret is handed out any more)', async () => {
    await service.create({ systemId: 'vxp.saas.03', agencies: [H41], secret: SECRET });
    const rotated = await service.rotate('vxp.saas.03');
    expect(rotated.secret).not.toBe(SECRET);
    expect((await service.secretOf('vxp.saas.03'))?.secret).toBe(rotated.secret);
    expect(await code(service.rotate('nobody'))).toBe('CONNECTOR_NOT_FOUND');
    expect((await service.disable('vxp.saas.03')).disabledAt).toBeDefined();
    expect(audit.appended.map((r) => r.action)).toEqual([
      'connector.created',
      'connector.secret-rotated',
      'connector.disabled',
    ]);
    expect(JSON.stringify(audit.appended)).not.toContain(SECRET);
    expect(JSON.stringify(audit.appended)).not.toContain(rotated.secret);
    expect(await service.secretOf('vxp.saas.03')).toBeUndefined();
    expect(await code(service.disable('nobody'))).toBe('CONNECTOR_NOT_FOUND');
  });
});

describe('SecretBox', () => {
  const box = new SecretBox({ keyPassphrase: 'passphrase-of-the-node' });

  it('opens what it sealed, only for the record it was sealed for and only with the same passphrase', () => {
    const sealed = box.seal(SECRET, 'vxp.saas.03');
    expect(sealed).toMatch(/^v1:/);
    expect(box.open(sealed, 'vxp.saas.03')).toBe(SECRET);
    expect(() => box.open(sealed, 'vxp.saas.04')).toThrow();
    expect(() =>
      new SecretBox({ keyPassphrase: 'another-passphrase' }).open(sealed, 'vxp.saas.03'),
    ).toThrow();
    const parts = sealed.split(':');
    parts[4] = Buffer.from('x'.repeat(SECRET.length)).toString('base64');
    expect(() => box.open(parts.join(':'), 'vxp.saas.03')).toThrow();
  });
});
