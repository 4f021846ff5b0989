import { appendArrays, appendValues } from './append';
import type { CheckpointRecord } from './checkpoint';
import type { AuditEntry, AuditRecord } from './entry';
import { AUDIT_APPEND_TYPES, AUDIT_SEAL_BATCH, auditAppendCtes } from './sql';

/*
 * The statements the axis's and the nodes' stores share over the schema of `AUDIT_SCHEMA_SQL`.
 * Each store runs them on its own connection or transaction through `AuditQuery`.
 */

/** Runs one statement and answers its rows. */
export type AuditQuery = <Row>(sql: string, params: readonly unknown[]) => Promise<Row[]>;

const APPEND_SQL = `WITH ${auditAppendCtes((i) => `$${i + 1}::${AUDIT_APPEND_TYPES[i]}`)} SELECT count(*) FROM a_rows`;

export interface AuditEntryRow {
  seq: string;
  body: string;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: string;
  head_hash: string;
  signed_at: Date;
  payload: string;
  signature: string;
  certificate_pem: string;
}

/** Pending entries: they join the chain when the sealer runs. */
export async function appendPending(query: AuditQuery, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await query(APPEND_SQL, appendValues(appendArrays(records)));
}

/** Chains every committed pending entry, a batch per statement; answers how many. */
export async function sealPending(query: AuditQuery): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await query<{ n: number }>(`SELECT audit_seal($1) AS n`, [AUDIT_SEAL_BATCH]);
    total += row.n;
    if (row.n < AUDIT_SEAL_BATCH) return total;
  }
}

export async function listEntries(query: AuditQuery, fromSeq: number, limit: number): Promise<AuditEntry[]> {
  const rows = await query<AuditEntryRow>(
    `SELECT seq, body, prev_hash, hash FROM audit_entry WHERE seq >= $1 ORDER BY seq LIMIT $2`,
    [fromSeq, limit],
  );
  return rows.map(entryFromRow);
}

export function entryFromRow(row: AuditEntryRow): AuditEntry {
  return {
    seq: Number(row.seq),
    ...(JSON.parse(row.body) as object),
    prevHash: row.prev_hash,
    hash: row.hash,
  } as AuditEntry;
}

export function checkpointFromRow(row: AuditCheckpointRow, nodeId: string): CheckpointRecord {
  return {
    nodeId,
    seq: Number(row.seq),
    headHash: row.head_hash,
    signedAt: new Date(row.signed_at).toISOString(),
    payload: row.payload,
    signature: row.signature,
    certificatePem: row.certificate_pem,
  };
}
