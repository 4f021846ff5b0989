import { createHash } from 'node:crypto';
import type { AuditAction } from './actions';
import { canonicalJson } from './canonical';

/** The `prevHash` of entry 1: no entry comes before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Metadata only: identifiers, codes, digests, reasons. Never a document body, never a key. */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

/** What a caller records; the log gives it its place (sequence) and its hashes. */
export interface AuditRecord {
  action: AuditAction;
  /** Who did it: `api-key:<id>`, `admin`, `operator`, `node:<id>`, `system`, `agency:<code>`. */
  actor: string;
  /** The agency it concerns (the tenant), if any. */
  agency?: string | null;
  /** The document it concerns (a node's document uuid), if any. */
  documentId?: string | null;
  details?: AuditDetails;
  /** When it happened; default now. */
  time?: Date;
}

/** The part of an entry that is hashed into its body hash. */
export interface AuditBody {
  time: string;
  action: string;
  actor: string;
  agency: string | null;
  documentId: string | null;
  details: AuditDetails;
}

export interface AuditEntry extends AuditBody {
  seq: number;
  prevHash: string;
  hash: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function auditBody(record: AuditRecord): AuditBody {
  return {
    time: (record.time ?? new Date()).toISOString(),
    action: record.action,
    actor: record.actor,
    agency: record.agency ?? null,
    documentId: record.documentId ?? null,
    details: record.details ?? {},
  };
}

/** The exact text that is hashed: canonical JSON of the body (see docs/audit.md). */
export function bodyText(body: AuditBody): string {
  return canonicalJson({
    action: body.action,
    actor: body.actor,
    agency: body.agency,
    details: body.details,
    documentId: body.documentId,
    time: body.time,
  });
}

export function bodyHash(body: AuditBody): string {
  return sha256Hex(bodyText(body));
}

/**
 * The link: SHA-256 of `<seq>:<prevHash>:<bodyHash>` (ASCII, hex digests). The body enters only
 * through its digest, so a proof can pass over other agencies' entries by their body hash alone.
 * `AUDIT_SQL` computes the same in PostgreSQL.
 */
export function linkHash(seq: number, prevHash: string, body: string): string {
  return sha256Hex(`${seq}:${prevHash}:${body}`);
}

export function entryHash(entry: Pick<AuditEntry, 'seq' | 'prevHash'> & AuditBody): string {
  return linkHash(entry.seq, entry.prevHash, bodyHash(entry));
}

/** Appends records after `head` in memory (tests, and the shape of what the database does). */
export function chainRecords(
  head: { seq: number; hash: string },
  records: readonly AuditRecord[],
): AuditEntry[] {
  let { seq, hash } = head;
  return records.map((record) => {
    const body = auditBody(record);
    seq += 1;
    const entry: AuditEntry = { seq, ...body, prevHash: hash, hash: linkHash(seq, hash, bodyHash(body)) };
    hash = entry.hash;
    return entry;
  });
}

/** An entry read back from JSON, checked for shape; throws a TypeError naming what is wrong. */
export function parseAuditEntry(value: unknown): AuditEntry {
  if (typeof value !== 'object' || value === null) throw new TypeError('an audit entry is not an object');
  const v = value as Record<string, unknown>;
  const text = (k: string) => {
    if (typeof v[k] !== 'string') throw new TypeError(`an audit entry has no ${k}`);
    return v[k] as string;
  };
  const nullable = (k: string) => (v[k] === null || v[k] === undefined ? null : text(k));
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 1) {
    throw new TypeError('an audit entry has no valid seq');
  }
  if (typeof v.details !== 'object' || v.details === null || Array.isArray(v.details)) {
    throw new TypeError(`audit entry ${v.seq} has no details object`);
  }
  return {
    seq: v.seq,
    time: text('time'),
    action: text('action'),
    actor: text('actor'),
    agency: nullable('agency'),
    documentId: nullable('documentId'),
    details: v.details as AuditDetails,
    prevHash: text('prevHash'),
    hash: text('hash'),
  };
}
