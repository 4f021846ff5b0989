import { AppError } from '@lienthong/common';
import { createRootCa, issueAgencyCertificate } from '@lienthong/pki';
import type { AxisConfig } from '../config/axis-config';
import type { CaStorageRepository } from './ca-storage.repository';
import { CaService } from './ca.service';
import { LibPkiRepository } from './lib-pki.repository';

const PASSPHRASE = 'unit-test-passphrase';
const config = (extra: Partial<AxisConfig> = {}) =>
  ({ dataDir: '/data/axis', caPassphrase: PASSPHRASE, trustAnchorPaths: [], ...extra }) as AxisConfig;

function storage(files: { keyPem?: string; certPem?: string }, texts: Record<string, string> = {}) {
  return {
    read: jest.fn(async () => ({ ...files })),
    writeNew: jest.fn(
      async (_: string, written: { keyPem: string; certPem: string }) => void Object.assign(files, written),
    ),
    readText: jest.fn(async (path: string) => texts[path]),
  };
}

describe('CaService', () => {
  const pki = new LibPkiRepository();

  it('makes a CA on the first start, its key encrypted with the passphrase', async () => {
    const files: { keyPem?: string; certPem?: string } = {};
    const store = storage(files);
    const ca = new CaService(config(), store as unknown as CaStorageRepository, pki);
    await ca.onModuleInit();
    expect(store.writeNew).toHaveBeenCalledWith('/data/axis', expect.anything());
    expect(files.keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(ca.caCertificatePem()).toBe(files.certPem);
    expect(ca.signer().key.type).toBe('private');
  });

  it('loads the CA it made before, and nothing else', async () => {
    const existing = createRootCa({ commonName: 'Existing', passphrase: PASSPHRASE });
    const store = storage({ ...existing });
    const ca = new CaService(config(), store as unknown as CaStorageRepository, pki);
    await ca.load();
    expect(store.writeNew).not.toHaveBeenCalled();
    expect(ca.caCertificatePem()).toBe(existing.certPem);
  });

  it('refuses to start on half a CA or the wrong passphrase', async () => {
    const existing = createRootCa({ commonName: 'Existing', passphrase: PASSPHRASE });
    const half = new CaService(
      config(),
      storage({ certPem: existing.certPem }) as unknown as CaStorageRepository,
      pki,
    );
    await expect(half.load()).rejects.toThrow(AppError);
    const wrong = new CaService(
      config({ caPassphrase: 'another-passphrase' }),
      storage({ ...existing }) as unknown as CaStorageRepository,
      pki,
    );
    await expect(wrong.load()).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_WRONG' });
  });

  it('serves extra trust anchors after its own certificate, refusing a non-CA one', async () => {
    const existing = createRootCa({ commonName: 'Existing', passphrase: PASSPHRASE });
    const government = createRootCa({ commonName: 'Government CA' });
    const store = storage({ ...existing }, { '/etc/gov.pem': government.certPem });
    const ca = new CaService(
      config({ trustAnchorPaths: ['/etc/gov.pem'] }),
      store as unknown as CaStorageRepository,
      pki,
    );
    await ca.load();
    expect(ca.trustBundlePem()).toBe(existing.certPem + government.certPem);

    const leaf = issueAgencyCertificate({
      caKeyPem: government.keyPem,
      caCertPem: government.certPem,
      organId: '000.00.00.G22',
      name: 'VPCP',
    });
    const bad = new CaService(
      config({ trustAnchorPaths: ['/etc/leaf.pem'] }),
      storage({ ...existing }, { '/etc/leaf.pem': leaf.certPem }) as unknown as CaStorageRepository,
      pki,
    );
    await expect(bad.load()).rejects.toThrow(/not a CA certificate/);
  });
});
