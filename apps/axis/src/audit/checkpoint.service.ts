import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import {
  CHECKPOINT_TYPE,
  checkpointRequestSigned,
  CheckpointRecord,
  CheckpointRequest,
  foldLinks,
  GENESIS_HASH,
  signCheckpoint,
} from '@lienthong/audit';
import { normalizeSerial, parseCertificate } from '@lienthong/pki';
import { CaService } from '../certificates/ca.service';
import { CertificateRepository } from '../certificates/certificate.repository';
import { Transaction, TransactionRunner } from '../database/transaction';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

const HEX64 = /^[0-9a-f]{64}$/;
/** A larger gap between two checkpoints is sent in several requests. */
export const MAX_CHECKPOINT_LINKS = 200_000;

/**
 * Signs a node's chain head with the axis CA key, but only as the continuation of the last head it
 * signed for that node: the node sends the body hashes of every entry since, and the axis folds them
 * onto its own copy of the last head. A node that rewrote or dropped an entry already covered cannot
 * get a new checkpoint: the refusal is itself audited.
 */
@Injectable()
export class CheckpointService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly transactions: TransactionRunner,
    private readonly ca: CaService,
    private readonly audit: AuditService,
    private readonly certificates: CertificateRepository,
  ) {}

  async sign(request: CheckpointRequest, now = new Date()): Promise<CheckpointRecord> {
    validate(request);
    let refusal: { code: string; message: string; details: Record<string, unknown> } | undefined;
    const result = await this.transactions.run(async (tx) => {
      await this.assertFromNode(request, tx);
      await this.repository.lockNode(request.nodeId, tx);
      const last = await this.repository.latestCheckpoint(request.nodeId, tx);
      const lastSeq = last?.seq ?? 0;
      if (last && request.seq === last.seq && request.headHash === last.headHash) return last;
      if (request.fromSeq !== lastSeq + 1) {
        throw AppError.conflict(
          'CHECKPOINT_OUT_OF_STEP',
          `The last checkpoint of ${request.nodeId} is at entry ${lastSeq}; send the entries from ${lastSeq + 1}`,
          { lastSeq },
        );
      }
      const head = foldLinks(request.fromSeq, last?.headHash ?? GENESIS_HASH, request.bodyHashes);
      if (head !== request.headHash) {
        refusal = {
          code: 'CHECKPOINT_MISMATCH',
          message: `The entries sent do not continue the history the axis signed at entry ${lastSeq}: the log of ${request.nodeId} was changed`,
          details: { lastSeq },
        };
        return undefined;
      }
      const signedAt = now.toISOString();
      const ca = this.ca.signer();
      const signed = signCheckpoint(
        {
          type: CHECKPOINT_TYPE,
          version: 1,
          nodeId: request.nodeId,
          seq: request.seq,
          headHash: request.headHash,
          signedAt,
        },
        ca.key,
        ca.certPem,
      );
      const record: CheckpointRecord = {
        nodeId: request.nodeId,
        seq: request.seq,
        headHash: request.headHash,
        signedAt,
        ...signed,
      };
      await this.repository.saveCheckpoint(record, tx);
      await this.audit.record(
        {
          action: 'checkpoint.signed',
          actor: `node:${request.nodeId}`,
          details: {
            nodeId: request.nodeId,
            seq: request.seq,
            headHash: request.headHash,
            entries: request.bodyHashes.length,
          },
          time: now,
        },
        tx,
      );
      return record;
    });
    if (!result) {
      const r = refusal!;
      await this.audit.record({
        action: 'checkpoint.refused',
        actor: `node:${request.nodeId}`,
        details: {
          nodeId: request.nodeId,
          fromSeq: request.fromSeq,
          seq: request.seq,
          headHash: request.headHash,
          reason: r.code,
        },
        time: now,
      });
      throw AppError.conflict(r.code, r.message, r.details);
    }
    return result;
  }

  /**
   * Only the node itself may extend its chain: the request is signed with the key of an agency it
   * hosts, whose certificate the axis issued to that node and has not revoked.
   */
  private async assertFromNode(request: CheckpointRequest, tx: Transaction): Promise<void> {
    const refuse = (why: string) =>
      AppError.forbidden(
        'CHECKPOINT_NOT_AUTHORIZED',
        `The checkpoint request is not from node ${request.nodeId}: ${why}`,
      );
    let serial: string;
    try {
      serial = normalizeSerial(parseCertificate(request.proof.certificatePem).serialNumber);
    } catch {
      throw refuse('its certificate cannot be read');
    }
    const issued = await this.certificates.findBySerialForUpdate(serial, tx);
    if (!issued || pemBody(issued.pem) !== pemBody(request.proof.certificatePem)) {
      throw refuse('the axis did not issue its certificate');
    }
    if (issued.nodeId !== request.nodeId) throw refuse(`the certificate was issued to node ${issued.nodeId}`);
    if (issued.revokedAt) throw refuse('the certificate is revoked');
    if (!checkpointRequestSigned(request)) throw refuse('the signature does not match');
  }

  list(nodeId: string): Promise<CheckpointRecord[]> {
    return this.repository.listCheckpoints(nodeId);
  }
}

function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----|\s/g, '');
}

function validate(r: CheckpointRequest): void {
  const problems: string[] = [];
  if (typeof r?.proof?.certificatePem !== 'string' || typeof r.proof.signature !== 'string')
    problems.push('proof');
  if (typeof r?.nodeId !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(r.nodeId)) problems.push('nodeId');
  if (!Number.isSafeInteger(r?.fromSeq) || r.fromSeq < 1) problems.push('fromSeq');
  if (!Number.isSafeInteger(r?.seq) || r.seq < 1) problems.push('seq');
  if (typeof r?.headHash !== 'string' || !HEX64.test(r.headHash)) problems.push('headHash');
  const links = r?.bodyHashes;
  if (
    !Array.isArray(links) ||
    links.length === 0 ||
    links.length > MAX_CHECKPOINT_LINKS ||
    !links.every((h) => typeof h === 'string' && HEX64.test(h))
  ) {
    problems.push('bodyHashes');
  } else if (problems.length === 0 && r.seq !== r.fromSeq + links.length - 1) {
    // The links run from fromSeq to seq exactly.
    problems.push('seq');
  }
  if (problems.length > 0) {
    throw AppError.invalid(
      'CHECKPOINT_INVALID',
      `The checkpoint request is not valid: ${problems.join(', ')}`,
      {
        fields: problems,
      },
    );
  }
}
