import type { AuditService } from '../audit/audit.service';
import { AppError } from '@lienthong/common';
import { createCsr, createRootCa, generateRsaKeyPair, readAgencyIdentity } from '@lienthong/pki';
import type { TrustNotification } from '@lienthong/protocol';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { Agency } from '../directory/agency';
import type { AgencyRepository } from '../directory/agency.repository';
import type { TrustNotifier } from '../topology/trust-notifier';
import type { CaService } from './ca.service';
import type { NewCertificate } from './certificate';
import type { CertificateRepository } from './certificate.repository';
import type { Enrollment, NewEnrollment } from './enrollment';
import type { EnrollmentRepository } from './enrollment.repository';
import { ENROLLMENT_TTL_MS, hashEnrollmentToken } from './enrollment-token';
import { EnrollmentService } from './enrollment.service';
import { LibPkiRepository } from './lib-pki.repository';

const H41: Agency = {
  code: '000.00.00.H41',
  name: 'UBND tỉnh Nghệ An',
  state: 'active',
  createdAt: new Date(),
  updatedAt: new Date(),
};
const tx = {} as Transaction;
const root = createRootCa({ commonName: 'Unit Test Root', passphrase: 'unit-test-passphrase' });
const pki = new LibPkiRepository();
const signer = pki.openCa(root.keyPem, 'unit-test-passphrase', root.certPem);
const nodeKey = generateRsaKeyPair();

function setup(agency: Agency | null = H41, options: { commitFails?: boolean } = {}) {
  // What happened, in order: commits and notifications.
  const events: string[] = [];
  const enrollments = new Map<string, Enrollment & { tokenHash: string; expiredAt?: Date }>();
  const recorded: NewCertificate[] = [];
  const agencies = {
    findByCode: jest.fn(async (code: string) => (agency?.code === code ? agency : undefined)),
    attachCertificate: jest.fn(async () => undefined),
  };
  const enrollmentRepo = {
    create: jest.fn(async (e: NewEnrollment) => {
      const row = { id: `id-${enrollments.size}`, createdAt: new Date(), ...e };
      enrollments.set(e.tokenHash, row);
      return row;
    }),
    findByTokenHashForUpdate: jest.fn(async (hash: string) => enrollments.get(hash)),
    markUsed: jest.fn(async (id: string, use: { usedAt: Date }) => {
      for (const e of enrollments.values()) if (e.id === id) e.usedAt = use.usedAt;
    }),
    expireUnused: jest.fn(async (code: string, at: Date) => {
      for (const e of enrollments.values()) if (e.agencyCode === code && !e.usedAt) e.expiresAt = at;
    }),
  };
  const certificates = { record: jest.fn(async (c: NewCertificate) => void recorded.push(c)) };
  const transactions = {
    run: async (work: (t: Transaction) => Promise<unknown>) => {
      const result = await work(tx);
      if (options.commitFails) throw new Error('connection terminated');
      events.push('commit');
      return result;
    },
  };
  const notifier = {
    notify: jest.fn(async (n: TrustNotification) => void events.push(`notify ${n.type}`)),
  };
  const ca = { signer: () => signer, caCertificatePem: () => signer.certPem };
  const service = new EnrollmentService(
    agencies as unknown as AgencyRepository,
    enrollmentRepo as unknown as EnrollmentRepository,
    certificates as unknown as CertificateRepository,
    transactions as unknown as TransactionRunner,
    ca as unknown as CaService,
    pki,
    notifier as unknown as TrustNotifier,
    {
      record: jest.fn(async () => undefined),
      recordMany: jest.fn(async () => undefined),
    } as unknown as AuditService,
  );
  const token = async (at = new Date()) => (await service.issueToken(H41.code, tx, at)).token;
  return { service, enrollments, recorded, agencies, enrollmentRepo, token, notifier, events };
}

const csr = (key = nodeKey) =>
  createCsr({ privateKeyPem: key.privateKey, organId: '000.00.00.G22', name: 'Impostor' });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('EnrollmentService', () => {
  describe('tokens', () => {
    it('stores only the SHA-256 of a 32-byte token, good for seven days', async () => {
      const { service, enrollments } = setup();
      const now = new Date('2026-11-27T08:00:00Z');
      const { token, expiresAt } = await service.issueToken(H41.code, tx, now);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(expiresAt.getTime() - now.getTime()).toBe(ENROLLMENT_TTL_MS);
      expect([...enrollments.keys()]).toEqual([hashEnrollmentToken(token)]);
      expect(JSON.stringify([...enrollments.values()])).not.toContain(token);
    });

    it('makes a new token supersede the unused ones', async () => {
      const { service, token } = setup();
      const first = await token();
      await token();
      const error = await failure(service.enroll({ token: first, nodeId: 'node-a', csrPem: csr() }));
      expect(error.code).toBe('ENROLLMENT_TOKEN_EXPIRED');
    });

    it('refuses a new token for an unknown or suspended agency', async () => {
      expect((await failure(setup(null).service.createForAgency(H41.code))).code).toBe('AGENCY_NOT_FOUND');
      const suspended = setup({ ...H41, state: 'suspended' });
      expect((await failure(suspended.service.createForAgency(H41.code))).kind).toBe('conflict');
    });
  });

  describe('enroll', () => {
    it('certifies the key for the directory’s code and name, and spends the token', async () => {
      const { service, token, recorded, agencies, enrollmentRepo } = setup();
      const response = await service.enroll({ token: await token(), nodeId: 'node-nghean', csrPem: csr() });
      expect(response.agencyCode).toBe(H41.code);
      expect(response.caCertificatePem).toBe(signer.certPem);
      const identity = readAgencyIdentity(response.certificatePem);
      expect(identity).toMatchObject({ organId: H41.code, name: H41.name });
      expect(recorded).toEqual([
        expect.objectContaining({
          serial: identity.serialNumber,
          agencyCode: H41.code,
          nodeId: 'node-nghean',
        }),
      ]);
      expect(enrollmentRepo.markUsed).toHaveBeenCalledWith(
        'id-0',
        expect.objectContaining({ nodeId: 'node-nghean', certificateSerial: identity.serialNumber }),
        tx,
      );
      expect(agencies.attachCertificate).toHaveBeenCalledWith(
        H41.code,
        { nodeId: 'node-nghean', certificateSerial: identity.serialNumber },
        tx,
      );
    });

    it('tells the nodes the agency’s entry changed, once committed', async () => {
      const { service, token, notifier, events } = setup();
      const issued = await token();
      await service.createForAgency(H41.code); // a new token changes nothing nodes see
      expect(notifier.notify).not.toHaveBeenCalled();
      events.length = 0;
      await expect(
        service.enroll({ token: issued, nodeId: 'node-nghean', csrPem: csr() }),
      ).rejects.toMatchObject({ code: 'ENROLLMENT_TOKEN_EXPIRED' });
      expect(notifier.notify).not.toHaveBeenCalled();
      await service.enroll({ token: await token(), nodeId: 'node-nghean', csrPem: csr() });
      expect(events).toEqual(['commit', 'notify directory-updated']);
      expect(notifier.notify).toHaveBeenCalledWith({
        type: 'directory-updated',
        agencyCode: H41.code,
        change: 'enrolled',
      });
    });

    it('tells nobody when the transaction fails', async () => {
      const { service, token, notifier } = setup(H41, { commitFails: true });
      const issued = await token();
      await expect(service.enroll({ token: issued, nodeId: 'n', csrPem: csr() })).rejects.toThrow(
        /connection terminated/,
      );
      expect(notifier.notify).not.toHaveBeenCalled();
    });

    it('refuses an unknown token: 401', async () => {
      const error = await failure(
        setup().service.enroll({ token: 'never-issued', nodeId: 'n', csrPem: csr() }),
      );
      expect(error).toMatchObject({ kind: 'unauthenticated', code: 'ENROLLMENT_TOKEN_INVALID' });
    });

    it('refuses a reused token: 409, and issues nothing', async () => {
      const { service, token, recorded } = setup();
      const once = await token();
      await service.enroll({ token: once, nodeId: 'node-a', csrPem: csr() });
      const error = await failure(service.enroll({ token: once, nodeId: 'node-b', csrPem: csr() }));
      expect(error).toMatchObject({ kind: 'conflict', code: 'ENROLLMENT_TOKEN_USED' });
      expect(recorded).toHaveLength(1);
    });

    it('refuses an expired token: 401', async () => {
      const { service, token, recorded } = setup();
      const old = await token(new Date(Date.now() - ENROLLMENT_TTL_MS - 1000));
      const error = await failure(service.enroll({ token: old, nodeId: 'n', csrPem: csr() }));
      expect(error).toMatchObject({ kind: 'unauthenticated', code: 'ENROLLMENT_TOKEN_EXPIRED' });
      expect(recorded).toHaveLength(0);
    });

    it('refuses a token whose agency is unknown', async () => {
      const { service, token, agencies } = setup();
      const issued = await token();
      agencies.findByCode.mockResolvedValue(undefined);
      const error = await failure(service.enroll({ token: issued, nodeId: 'n', csrPem: csr() }));
      expect(error).toMatchObject({ kind: 'not-found', code: 'AGENCY_NOT_FOUND' });
    });

    it('refuses a suspended agency: 403', async () => {
      const { service, token, recorded } = setup({ ...H41, state: 'suspended' });
      const error = await failure(service.enroll({ token: await token(), nodeId: 'n', csrPem: csr() }));
      expect(error).toMatchObject({ kind: 'forbidden', code: 'AGENCY_SUSPENDED' });
      expect(recorded).toHaveLength(0);
    });

    it('refuses a malformed request or a weak key without spending the token', async () => {
      const { service, token, enrollmentRepo } = setup();
      const issued = await token();
      const bad = await failure(service.enroll({ token: issued, nodeId: 'n', csrPem: 'not a CSR' }));
      expect(bad).toMatchObject({ kind: 'invalid', code: 'CSR_INVALID' });
      const weak = generateRsaKeyPair({ modulusLength: 1024 });
      const error = await failure(service.enroll({ token: issued, nodeId: 'n', csrPem: csr(weak) }));
      expect(error).toMatchObject({ kind: 'invalid', code: 'CSR_WEAK_KEY' });
      expect(enrollmentRepo.markUsed).not.toHaveBeenCalled();
    });
  });
});
