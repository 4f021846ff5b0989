import { createPrivateKey } from 'node:crypto';
import {
  AuditRecord,
  bodyHash,
  chainRecords,
  CheckpointRecord,
  CheckpointRequest,
  GENESIS_HASH,
  signCheckpointRequest,
  verifyCheckpoint,
} from '@lienthong/audit';
import { createRootCa, issueAgencyCertificate, normalizeSerial, parseCertificate } from '@lienthong/pki';
import type { CertificateRepository } from '../certificates/certificate.repository';
import type { CaService } from '../certificates/ca.service';
import type { Transaction, TransactionRunner } from '../database/transaction';
import type { AuditRepository } from './audit.repository';
import type { AuditService } from './audit.service';
import { CheckpointService } from './checkpoint.service';

const ca = createRootCa({ commonName: 'test axis CA' });
const records: AuditRecord[] = Array.from({ length: 5 }, (_, i) => ({
  action: 'document.submitted',
  actor: 'api-key:k',
  documentId: `d${i}`,
  time: new Date(Date.UTC(2026, 10, 27, 0, 0, i)),
}));
const entries = chainRecords({ seq: 0, hash: GENESIS_HASH }, records);
const hashes = entries.map((e) => bodyHash(e));
const agency = issueAgencyCertificate({
  caKeyPem: ca.keyPem,
  caCertPem: ca.certPem,
  organId: '000.00.00.G22',
  name: 'VPCP',
});
const agencyKey = createPrivateKey(agency.keyPem!);
const serial = normalizeSerial(parseCertificate(agency.certPem).serialNumber);

/** A request as node n1 signs it (with the key of an agency the axis issued to n1). */
const req = (r: Omit<CheckpointRequest, 'proof'>): CheckpointRequest =>
  signCheckpointRequest(r, agencyKey, agency.certPem);

function setUp(issuedTo = 'n1') {
  const certificates = {
    findBySerialForUpdate: jest.fn(async (s: string) =>
      s === serial
        ? { serial, agencyCode: '000.00.00.G22', nodeId: issuedTo, pem: agency.certPem }
        : undefined,
    ),
  } as unknown as CertificateRepository;
  const saved: CheckpointRecord[] = [];
  const recorded: unknown[] = [];
  const repository = {
    lockNode: jest.fn(async () => undefined),
    latestCheckpoint: jest.fn(async (nodeId: string) => saved.filter((c) => c.nodeId === nodeId).at(-1)),
    saveCheckpoint: jest.fn(async (c: CheckpointRecord) => void saved.push(c)),
  } as unknown as AuditRepository;
  const transactions = {
    run: (work: (tx: Transaction) => Promise<unknown>) => work({} as Transaction),
  } as TransactionRunner;
  const caService = {
    signer: () => ({ certPem: ca.certPem, key: createPrivateKey(ca.keyPem) }),
  } as unknown as CaService;
  const audit = { record: jest.fn(async (r: unknown) => void recorded.push(r)) } as unknown as AuditService;
  return {
    service: new CheckpointService(repository, transactions, caService, audit, certificates),
    saved,
    recorded,
  };
}

describe('CheckpointService', () => {
  it('signs a head that continues the last one, and the signature checks out with the CA', async () => {
    const { service, recorded } = setUp();
    const first = await service.sign(
      req({
        nodeId: 'n1',
        fromSeq: 1,
        bodyHashes: hashes.slice(0, 3),
        seq: 3,
        headHash: entries[2].hash,
      }),
    );
    expect(verifyCheckpoint(first, ca.certPem)).toMatchObject({
      valid: true,
      payload: { nodeId: 'n1', seq: 3 },
    });
    const second = await service.sign(
      req({
        nodeId: 'n1',
        fromSeq: 4,
        bodyHashes: hashes.slice(3),
        seq: 5,
        headHash: entries[4].hash,
      }),
    );
    expect(second.seq).toBe(5);
    expect(recorded).toEqual([
      expect.objectContaining({ action: 'checkpoint.signed' }),
      expect.objectContaining({ action: 'checkpoint.signed' }),
    ]);
    // Sending the same head again is answered with the same checkpoint.
    expect(
      await service.sign(
        req({
          nodeId: 'n1',
          fromSeq: 4,
          bodyHashes: hashes.slice(3),
          seq: 5,
          headHash: entries[4].hash,
        }),
      ),
    ).toEqual(second);
  });

  it('refuses, and audits, entries that do not continue the signed history', async () => {
    const { service, recorded } = setUp();
    await service.sign(
      req({
        nodeId: 'n1',
        fromSeq: 1,
        bodyHashes: hashes.slice(0, 3),
        seq: 3,
        headHash: entries[2].hash,
      }),
    );
    const rewritten = chainRecords({ seq: 0, hash: GENESIS_HASH }, [records[0], ...records.slice(2)]);
    await expect(
      service.sign(
        req({
          nodeId: 'n1',
          fromSeq: 4,
          bodyHashes: [bodyHash(rewritten[3])],
          seq: 4,
          headHash: rewritten[3].hash,
        }),
      ),
    ).rejects.toMatchObject({ kind: 'conflict', code: 'CHECKPOINT_MISMATCH' });
    expect(recorded.at(-1)).toMatchObject({
      action: 'checkpoint.refused',
      details: { reason: 'CHECKPOINT_MISMATCH' },
    });
  });

  it('asks for the entries from the last checkpoint on', async () => {
    const { service } = setUp();
    await expect(
      service.sign(
        req({
          nodeId: 'n1',
          fromSeq: 3,
          bodyHashes: hashes.slice(2),
          seq: 5,
          headHash: entries[4].hash,
        }),
      ),
    ).rejects.toMatchObject({ code: 'CHECKPOINT_OUT_OF_STEP', details: { lastSeq: 0 } });
  });

  it('refuses a request not signed by the node itself', async () => {
    const { service } = setUp('node-b');
    await expect(
      service.sign(
        req({ nodeId: 'n1', fromSeq: 1, bodyHashes: hashes.slice(0, 1), seq: 1, headHash: entries[0].hash }),
      ),
    ).rejects.toMatchObject({ kind: 'forbidden', code: 'CHECKPOINT_NOT_AUTHORIZED' });
    const forged = req({
      nodeId: 'n1',
      fromSeq: 1,
      bodyHashes: hashes.slice(0, 1),
      seq: 1,
      headHash: entries[0].hash,
    });
    await expect(setUp().service.sign({ ...forged, headHash: entries[1].hash })).rejects.toMatchObject({
      code: 'CHECKPOINT_NOT_AUTHORIZED',
    });
  });

  it('refuses a malformed request', async () => {
    const { service } = setUp();
    await expect(
      service.sign(req({ nodeId: 'n 1', fromSeq: 1, bodyHashes: ['x'], seq: 2, headHash: 'nope' })),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'CHECKPOINT_INVALID' });
  });
});
