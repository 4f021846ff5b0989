import { createHash, createPublicKey, KeyObject, sign, verify, X509Certificate } from 'node:crypto';
import { canonicalJson } from './canonical';

export const CHECKPOINT_TYPE = 'lienthong.audit-checkpoint';

/** What the axis signs: a node's chain head at one moment. */
export interface CheckpointPayload {
  type: typeof CHECKPOINT_TYPE;
  version: 1;
  nodeId: string;
  seq: number;
  headHash: string;
  /** ISO 8601, when the axis signed it. */
  signedAt: string;
}

/** A checkpoint as stored and exchanged: the exact signed text, its signature, the signer. */
export interface SignedCheckpoint {
  /** Canonical JSON of a CheckpointPayload: the bytes (UTF-8) the signature covers. */
  payload: string;
  /** RSA PKCS#1 v1.5 with SHA-256 over `payload`, base64. */
  signature: string;
  /** The signer's certificate (the axis CA), PEM. */
  certificatePem: string;
}

export function checkpointPayloadText(payload: CheckpointPayload): string {
  return canonicalJson(payload);
}

export function signCheckpoint(
  payload: CheckpointPayload,
  key: KeyObject,
  certificatePem: string,
): SignedCheckpoint {
  const text = checkpointPayloadText(payload);
  const signature = sign('sha256', Buffer.from(text, 'utf8'), key).toString('base64');
  return { payload: text, signature, certificatePem };
}

export function parseCheckpointPayload(text: string): CheckpointPayload {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (
    value?.type !== CHECKPOINT_TYPE ||
    value.version !== 1 ||
    typeof value.nodeId !== 'string' ||
    typeof value.seq !== 'number' ||
    typeof value.headHash !== 'string' ||
    typeof value.signedAt !== 'string'
  ) {
    throw new TypeError('not a lienthong audit checkpoint');
  }
  return value as unknown as CheckpointPayload;
}

export interface CheckpointVerification {
  valid: boolean;
  payload?: CheckpointPayload;
  problem?: string;
}

/**
 * Checks the signature with the key of `signerPem` (the trusted axis CA); the certificate the
 * checkpoint carries must be that one.
 */
export function verifyCheckpoint(checkpoint: SignedCheckpoint, signerPem: string): CheckpointVerification {
  let payload: CheckpointPayload;
  try {
    payload = parseCheckpointPayload(checkpoint.payload);
  } catch {
    return { valid: false, problem: 'the checkpoint is not readable' };
  }
  if (checkpointPayloadText(payload) !== checkpoint.payload) {
    return { valid: false, payload, problem: 'the checkpoint is not in canonical form' };
  }
  let key: KeyObject;
  try {
    const trusted = new X509Certificate(signerPem);
    if (
      checkpoint.certificatePem &&
      !new X509Certificate(checkpoint.certificatePem).raw.equals(trusted.raw)
    ) {
      return {
        valid: false,
        payload,
        problem: 'the checkpoint was signed by another certificate than the axis CA',
      };
    }
    key = createPublicKey(trusted.publicKey.export({ type: 'spki', format: 'pem' }));
    const signedAt = new Date(payload.signedAt);
    if (!(signedAt >= new Date(trusted.validFrom) && signedAt <= new Date(trusted.validTo))) {
      return {
        valid: false,
        payload,
        problem: 'the axis certificate was not valid when the checkpoint was signed',
      };
    }
  } catch {
    return { valid: false, payload, problem: 'the axis certificate cannot be read' };
  }
  const ok = verify(
    'sha256',
    Buffer.from(checkpoint.payload, 'utf8'),
    key,
    Buffer.from(checkpoint.signature, 'base64'),
  );
  return ok
    ? { valid: true, payload }
    : { valid: false, payload, problem: 'the axis signature on the checkpoint does not match' };
}

/** `POST /api/v1/audit/checkpoints` on the axis: a node's new head and the links since its last one. */
export interface CheckpointRequest {
  nodeId: string;
  /** The first entry not covered by the node's previous checkpoint (1 for the first one). */
  fromSeq: number;
  /** Body hashes of entries fromSeq … seq, in order: the axis folds them onto its last head. */
  bodyHashes: string[];
  seq: number;
  headHash: string;
  /**
   * Who asks: a hosted agency's certificate (the axis knows which node it was issued to) and its
   * RSA-SHA256 signature (base64) over `checkpointRequestText(request)`.
   */
  proof: { certificatePem: string; signature: string };
}

/** What a node signs to ask for a checkpoint: everything of the request, the links by digest. */
export function checkpointRequestText(r: Omit<CheckpointRequest, 'proof'>): string {
  return canonicalJson({
    type: 'lienthong.audit-checkpoint-request',
    nodeId: r.nodeId,
    fromSeq: r.fromSeq,
    seq: r.seq,
    headHash: r.headHash,
    bodyHashesSha256: createHash('sha256').update(r.bodyHashes.join('\n')).digest('hex'),
  });
}

export function signCheckpointRequest(
  request: Omit<CheckpointRequest, 'proof'>,
  key: KeyObject,
  certificatePem: string,
): CheckpointRequest {
  const signature = sign('sha256', Buffer.from(checkpointRequestText(request), 'utf8'), key).toString(
    'base64',
  );
  return { ...request, proof: { certificatePem, signature } };
}

/** The request's signature checks out with the certificate it carries (whose node is the caller's to check). */
export function checkpointRequestSigned(request: CheckpointRequest): boolean {
  try {
    const cert = new X509Certificate(request.proof.certificatePem);
    return verify(
      'sha256',
      Buffer.from(checkpointRequestText(request), 'utf8'),
      cert.publicKey,
      Buffer.from(request.proof.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

/** The axis's answer, and what a node keeps and puts in evidence bundles. */
export interface CheckpointRecord extends SignedCheckpoint {
  nodeId: string;
  seq: number;
  headHash: string;
  signedAt: string;
}

export const AUDIT_AXIS_PATHS = {
  checkpoints: '/api/v1/audit/checkpoints',
} as const;
