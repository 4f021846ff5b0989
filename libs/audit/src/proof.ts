import { AuditEntry, bodyHash, linkHash } from './entry';

/**
 * How entries are tied to a signed checkpoint: starting from the hash before `startSeq`, every
 * entry up to the checkpoint's, each by its body hash (the bundle's own entries are recomputed
 * from their content, the others — maybe other agencies' — pass by digest only).
 */
export interface ChainSegment {
  /** The checkpoint's file in the bundle. */
  checkpoint: string;
  startSeq: number;
  startPrevHash: string;
  /** Body hashes of entries startSeq, startSeq + 1, … up to the checkpoint's seq. */
  bodyHashes: string[];
}

export interface SegmentCheck {
  valid: boolean;
  /** The head hash this segment arrives at, and where. */
  endSeq: number;
  endHash: string;
  /** Seqs of the given entries this segment proves. */
  proves: number[];
  problems: { seq: number; message: string }[];
}

/** Walks one segment; entries given in full must match their place in it. */
export function checkSegment(segment: ChainSegment, entries: ReadonlyMap<number, AuditEntry>): SegmentCheck {
  const problems: { seq: number; message: string }[] = [];
  const proves: number[] = [];
  let hash = segment.startPrevHash;
  segment.bodyHashes.forEach((listed, i) => {
    const seq = segment.startSeq + i;
    const entry = entries.get(seq);
    let body = listed;
    if (entry) {
      proves.push(seq);
      body = bodyHash(entry);
      if (body !== listed) {
        problems.push({
          seq,
          message: `audit entry ${seq} (${entry.action}) is not the entry the chain recorded: its content was changed`,
        });
      }
      if (entry.prevHash !== hash) {
        problems.push({
          seq,
          message: `audit entry ${seq} does not follow the entry before it in the chain`,
        });
      }
    }
    hash = linkHash(seq, hash, body);
    if (entry && entry.hash !== hash) {
      problems.push({ seq, message: `audit entry ${seq} carries a hash that is not its place in the chain` });
    }
  });
  return {
    valid: problems.length === 0,
    endSeq: segment.startSeq + segment.bodyHashes.length - 1,
    endHash: hash,
    proves,
    problems,
  };
}
