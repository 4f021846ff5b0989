import { AppError } from '@lienthong/common';
import { createRootCa, generateRsaKeyPair, issueAgencyCertificate, parseCrl } from '@lienthong/pki';
import type { AxisConfig } from '../config/axis-config';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { AgencyRepository } from '../directory/agency.repository';
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

function setup() {
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
  const agencies = { detachCertificate: jest.fn(async () => undefined) };
  const transactions = {
    run: (work: (t: Transaction) => Promise<unknown>) => work(tx),
  } as unknown as TransactionRunner;
  const crl = new CrlService(
    { crlValidityHours: 24 } as AxisConfig,
    { signer: () => signer } as unknown as CaService,
    pki,
    crlRepo as unknown as CrlRepository,
    certificateRepo as unknown as CertificateRepository,
    transactions,
  );
  const service = new RevocationService(
    certificateRepo as unknown as CertificateRepository,
    agencies as unknown as AgencyRepository,
    crl,
    transactions,
  );
  return { service, crl, crls, crlRepo, agencies };
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
    const { service } = setup();
    await service.revoke(agencyCert.serialNumber, 'superseded');
    expect((await failure(service.revoke(agencyCert.serialNumber, 'keyCompromise'))).code).toBe(
      'CERTIFICATE_ALREADY_REVOKED',
    );
    expect((await failure(service.revoke('7FFF', 'keyCompromise'))).kind).toBe('not-found');
    expect((await failure(service.revoke('not-hex', 'keyCompromise'))).kind).toBe('invalid');
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
});
