import type { AuditService } from '../audit/audit.service';
import { AppError } from '@lienthong/common';
import { createRootCa, generateRsaKeyPair, issueAgencyCertificate, parseCrl } from '@lienthong/pki';
import type { TrustNotification } from '@lienthong/protocol';
import type { AxisConfig } from '../config/axis-config';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { AgencyRepository } from '../directory/agency.repository';
import type { TrustNotifier } from '../topology/trust-notifier';
import type { CaService } from './ca.service';
import type { CertificateRecord, Revocation } from './certificate';
import type { CertificateRepository } from './certificate.repository';
import type { CrlRecord } from './crl';
import type { CrlRepository } from './crl.repository';
import { CrlService } from './crl.service';
import { LibPkiRepository } from './lib-pki.repository';
import { RevocationService } from './revocation.service';

const tx = {} as Transaction;
const root = createRootCa({ commonName: 'Unit Test Root' });
const pki = new LibPkiRepository();
const signer = pki.openCa(root.keyPem, 'unused', root.certPem);
const agencyCert = issueAgencyCertificate({
  caKeyPem: root.keyPem,
  caCertPem: root.certPem,
  organId: '000.00.00.H41',
  name: 'UBND tỉnh Nghệ An',
  publicKeyPem: generateRsaKeyPair().publicKeyPem,
});

function setup(options: { detached?: boolean; commitFails?: boolean } = {}) {
  // What happened, in order: commits and notifications.
  const events: string[] = [];
  const certificates = new Map<string, CertificateRecord>([
    [
      agencyCert.serialNumber,
      {
        serial: agencyCert.serialNumber,
        agencyCode: '000.00.00.H41',
        nodeId: 'node-nghean',
        pem: agencyCert.certPem,
        notBefore: new Date(),
        notAfter: new Date(),
        issuedAt: new Date(),
      },
    ],
  ]);
  const crls: CrlRecord[] = [];
  const certificateRepo = {
    findBySerialForUpdate: jest.fn(async (serial: string) => certificates.get(serial)),
    markRevoked: jest.fn(async (r: Revocation) => {
      const c = certificates.get(r.serial);
      if (c) Object.assign(c, { revokedAt: r.revokedAt, revocationReason: r.reason });
    }),
    listRevocations: jest.fn(async () =>
      [...certificates.values()]
        .filter((c) => c.revokedAt)
        .map((c) => ({ serial: c.serial, revokedAt: c.revokedAt as Date, reason: c.revocationReason! })),
    ),
  };
  const crlRepo = {
    findLatest: jest.fn(async () => crls[crls.length - 1]),
    lockIssuance: jest.fn(async () => undefined),
    save: jest.fn(async (crl: CrlRecord) => void crls.push(crl)),
  };
  const agencies = { detachCertificate: jest.fn(async () => options.detached ?? true) };
  const transactions = {
    run: async (work: (t: Transaction) => Promise<unknown>) => {
      const result = await work(tx);
      if (options.commitFails) throw new Error('could not serialize access');
      events.push('commit');
      return result;
    },
  } as unknown as TransactionRunner;
  const notifier = {
    notify: jest.fn(async (n: TrustNotification) => void events.push(`notify ${n.type}`)),
  };
  const crl = new CrlService(
    { crlValidityHours: 24 } as AxisConfig,
    { signer: () => signer } as unknown as CaService,
    pki,
    crlRepo as unknown as CrlRepository,
    certificateRepo as unknown as CertificateRepository,
    transactions,
    notifier as unknown as TrustNotifier,
  );
  const service = new RevocationService(
    certificateRepo as unknown as CertificateRepository,
    agencies as unknown as AgencyRepository,
    crl,
    transactions,
    notifier as unknown as TrustNotifier,
    {
      record: jest.fn(async () => undefined),
      recordMany: jest.fn(async () => undefined),
    } as unknown as AuditService,
  );
  return { service, crl, crls, crlRepo, agencies, notifier, events };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('RevocationService', () => {
  it('publishes a CRL that lists the serial with its reason, in the same transaction', async () => {
    const { service, crl, crls, crlRepo, agencies } = setup();
    const before = await crl.current();
    expect(parseCrl(before.pem).entries.size).toBe(0);

    const result = await service.revoke(agencyCert.serialNumber.toLowerCase(), 'keyCompromise');
    expect(result).toMatchObject({
      serial: agencyCert.serialNumber,
      agencyCode: '000.00.00.H41',
      crlNumber: '2',
    });
    expect(crls).toHaveLength(2);
    const published = parseCrl((await crl.current()).pem);
    expect(published.entries.get(agencyCert.serialNumber)).toMatchObject({ reason: 'keyCompromise' });
    expect(published.crlNumber).toBe('2');
    expect(crlRepo.save).toHaveBeenCalledWith(expect.anything(), tx);
    expect(agencies.detachCertificate).toHaveBeenCalledWith(agencyCert.serialNumber, tx);
  });

  it('refuses a second revocation (409), an unknown serial (404) and one that is not hex (422)', async () => {
    const { service, notifier } = setup();
    await service.revoke(agencyCert.serialNumber, 'superseded');
    notifier.notify.mockClear();
    expect((await failure(service.revoke(agencyCert.serialNumber, 'keyCompromise'))).code).toBe(
      'CERTIFICATE_ALREADY_REVOKED',
    );
    expect((await failure(service.revoke('7FFF', 'keyCompromise'))).kind).toBe('not-found');
    expect((await failure(service.revoke('not-hex', 'keyCompromise'))).kind).toBe('invalid');
    expect(notifier.notify).not.toHaveBeenCalled();
  });

  it('tells the nodes once committed: the new CRL, and the agency whose certificate it was', async () => {
    const { service, notifier, events } = setup();
    const now = new Date('2026-11-27T08:00:00Z');
    const result = await service.revoke(agencyCert.serialNumber, 'keyCompromise', now);
    expect(events).toEqual(['commit', 'notify crl-updated', 'notify directory-updated']);
    expect(notifier.notify).toHaveBeenCalledWith({
      type: 'crl-updated',
      crlNumber: result.crlNumber,
      thisUpdate: now.toISOString(),
    });
    expect(notifier.notify).toHaveBeenCalledWith({
      type: 'directory-updated',
      agencyCode: '000.00.00.H41',
      change: 'certificate-revoked',
    });
  });

  it('says nothing of the directory when the certificate was not the one it handed out', async () => {
    const { service, events } = setup({ detached: false });
    await service.revoke(agencyCert.serialNumber, 'superseded');
    expect(events).toEqual(['commit', 'notify crl-updated']);
  });

  it('tells nobody when the transaction fails', async () => {
    const { service, notifier } = setup({ commitFails: true });
    await expect(service.revoke(agencyCert.serialNumber, 'keyCompromise')).rejects.toThrow(/serialize/);
    expect(notifier.notify).not.toHaveBeenCalled();
  });
});

describe('CrlService', () => {
  const hour = 3_600_000;

  it('issues the first CRL on demand and hands out the same one while it is fresh', async () => {
    const { crl, crls } = setup();
    const t0 = new Date('2026-11-27T00:00:00Z');
    const first = await crl.current(t0);
    expect(first).toMatchObject({
      number: 1n,
      thisUpdate: t0,
      nextUpdate: new Date(t0.getTime() + 24 * hour),
    });
    expect(await crl.current(new Date(t0.getTime() + 11 * hour))).toBe(first);
    expect(crls).toHaveLength(1);
  });

  it('re-issues once half the validity has passed, with a higher number', async () => {
    const { crl } = setup();
    const t0 = new Date('2026-11-27T00:00:00Z');
    await crl.current(t0);
    const second = await crl.current(new Date(t0.getTime() + 12 * hour));
    expect(second.number).toBe(2n);
    expect(parseCrl(second.pem).crlNumber).toBe('2');
  });

  it('tells the nodes after committing a new CRL, not when handing out the fresh one', async () => {
    const { crl, notifier, events } = setup();
    const t0 = new Date('2026-11-27T00:00:00Z');
    await crl.current(t0);
    await crl.current(new Date(t0.getTime() + hour));
    const t1 = new Date(t0.getTime() + 12 * hour);
    await crl.scheduledCheck(t1);
    expect(events).toEqual(['commit', 'notify crl-updated', 'commit', 'notify crl-updated']);
    expect(notifier.notify).toHaveBeenLastCalledWith({
      type: 'crl-updated',
      crlNumber: '2',
      thisUpdate: t1.toISOString(),
    });
  });

  it('tells nobody when the re-issue does not commit, and the scheduled check goes on', async () => {
    const { crl, notifier } = setup({ commitFails: true });
    await expect(crl.current()).rejects.toThrow(/serialize/);
    await expect(crl.scheduledCheck()).resolves.toBeUndefined();
    expect(notifier.notify).not.toHaveBeenCalled();
  });
});
