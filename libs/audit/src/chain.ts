import { AuditEntry, bodyHash, GENESIS_HASH, linkHash } from './entry';

export type ChainProblemCode =
  'SEQUENCE_GAP' | 'PREV_HASH_MISMATCH' | 'HASH_MISMATCH' | 'CHECKPOINT_MISMATCH' | 'CHECKPOINT_BEYOND_LOG';

export interface ChainProblem {
  code: ChainProblemCode;
  /** The entry where the chain breaks. */
  seq: number;
  message: string;
}

export interface ChainVerification {
  valid: boolean;
  /** Entries checked. */
  count: number;
  /** The last entry's place and hash, as the log claims them. */
  head: { seq: number; hash: string };
  problems: ChainProblem[];
}

export interface VerifyChainOptions {
  /** The hash before the first entry given; default: GENESIS_HASH when it is entry 1. */
  startPrevHash?: string;
  /** Signed heads (seq, hash) the log must agree with: a deleted or rewritten entry shows here. */
  checkpoints?: readonly { seq: number; headHash: string }[];
}

/**
 * Checks a run of consecutive entries: numbering without gaps, each entry naming the previous
 * one's hash, each hash recomputed from the entry's content. Every break is reported (an edited
 * entry breaks its own hash; a deleted or reordered one breaks numbering and links).
 */
export function verifyChain(
  entries: readonly AuditEntry[],
  options: VerifyChainOptions = {},
): ChainVerification {
  const problems: ChainProblem[] = [];
  let prevSeq = entries.length > 0 ? entries[0].seq - 1 : 0;
  let prevHash = options.startPrevHash ?? (entries[0]?.seq === 1 ? GENESIS_HASH : entries[0]?.prevHash);
  for (const entry of entries) {
    if (entry.seq !== prevSeq + 1) {
      problems.push({
        code: 'SEQUENCE_GAP',
        seq: entry.seq,
        message:
          entry.seq > prevSeq + 1
            ? `entries ${prevSeq + 1}–${entry.seq - 1} are missing before entry ${entry.seq}`
            : `entry ${entry.seq} comes after entry ${prevSeq}: out of order or repeated`,
      });
    }
    if (prevHash !== undefined && entry.prevHash !== prevHash) {
      problems.push({
        code: 'PREV_HASH_MISMATCH',
        seq: entry.seq,
        message: `entry ${entry.seq} does not name the hash of the entry before it`,
      });
    }
    const computed = linkHash(entry.seq, entry.prevHash, bodyHash(entry));
    if (computed !== entry.hash) {
      problems.push({
        code: 'HASH_MISMATCH',
        seq: entry.seq,
        message: `entry ${entry.seq} (${entry.action}) was changed after it was written: its content no longer matches its hash`,
      });
    }
    prevSeq = entry.seq;
    prevHash = entry.hash;
  }
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const last = entries[entries.length - 1];
  for (const checkpoint of options.checkpoints ?? []) {
    const entry = bySeq.get(checkpoint.seq);
    if (!entry) {
      if (!last || checkpoint.seq > last.seq) {
        problems.push({
          code: 'CHECKPOINT_BEYOND_LOG',
          seq: checkpoint.seq,
          message: `the axis signed a checkpoint at entry ${checkpoint.seq}, but the log ends at entry ${last?.seq ?? 0}: entries were deleted`,
        });
      }
      continue;
    }
    if (entry.hash !== checkpoint.headHash) {
      problems.push({
        code: 'CHECKPOINT_MISMATCH',
        seq: checkpoint.seq,
        message: `at entry ${checkpoint.seq} the log differs from the checkpoint the axis signed: history up to there was rewritten`,
      });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return {
    valid: problems.length === 0,
    count: entries.length,
    head: { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH },
    problems,
  };
}

/** The hash after folding body hashes onto `prevHash` from `firstSeq` on (what the axis checks). */
export function foldLinks(firstSeq: number, prevHash: string, bodyHashes: readonly string[]): string {
  let hash = prevHash;
  bodyHashes.forEach((body, i) => {
    hash = linkHash(firstSeq + i, hash, body);
  });
  return hash;
}
