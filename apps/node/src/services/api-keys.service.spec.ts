import type { ApiKeyRepository } from '../repositories/api-key.repository';
import { fakeAgencies, Mocked } from '../testing/unit-fakes';
import { ApiKeysService, hashApiKey } from './api-keys.service';

const H41 = '000.00.00.H41';

function setUp() {
  const stored = new Map<string, { id: string; name: string; agencies: string[]; createdAt: Date }>();
  const keys: Mocked<ApiKeyRepository> = {
    insert: jest.fn((key, hash: string) => Promise.resolve(void stored.set(hash, key))),
    findEnabledByHash: jest.fn((hash: string) => Promise.resolve(stored.get(hash))),
    list: jest.fn(() => Promise.resolve([...stored.values()])),
    disable: jest.fn(() => Promise.resolve(undefined)),
  };
  return { service: new ApiKeysService(keys, fakeAgencies(H41)), keys };
}

describe('ApiKeysService', () => {
  it('shows the key once and stores only its SHA-256', async () => {
    const { service, keys } = setUp();
    const created = await service.create('software', [H41]);
    expect(created.key).toMatch(/^lt_[A-Za-z0-9_-]{43}$/);
    const [record, hash] = keys.insert.mock.calls[0];
    expect(hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(record)).not.toContain(created.key);
    await expect(service.authenticate(created.key)).resolves.toEqual({ keyId: created.id, agencies: [H41] });
  });

  it('refuses keys for agencies not hosted here, and unknown or missing keys', async () => {
    const { service } = setUp();
    await expect(service.create('x', ['000.00.00.Q99'])).rejects.toMatchObject({ code: 'AGENCY_NOT_HOSTED' });
    await expect(service.authenticate(undefined)).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(service.authenticate('lt_guess')).rejects.toMatchObject({ code: 'API_KEY_INVALID' });
    await expect(service.disable('nope')).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
  });
});
