import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createRootCa } from '@lienthong/pki';
import { canonicalJson } from './canonical';
import { CHECKPOINT_TYPE, signCheckpoint, verifyCheckpoint } from './checkpoint';
import { foldLinks, verifyChain } from './chain';
import { AuditEntry, AuditRecord, bodyHash, chainRecords, GENESIS_HASH, linkHash } from './entry';
import { checkSegment } from './proof';

const records: AuditRecord[] = Array.from({ length: 6 }, (_, i) => ({
  action: i % 2 ? 'document.published' : 'document.submitted',
  actor: 'api-key:k1',
  agency: '000.00.00.G22',
  documentId: `doc-${i % 3}`,
  details: { n: i, recipients: ['000.00.00.H41'] },
  time: new Date(Date.UTC(2026, 10, 27, 8, 0, i)),
}));

const chain = (): AuditEntry[] => chainRecords({ seq: 0, hash: GENESIS_HASH }, records);

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: undefined }, ä: true })).toBe(
      '{"a":{"d":[1,"x",null]},"b":1,"ä":true}',
    );
  });
});

describe('hash chain', () => {
  it('verifies an untouched chain, from genesis', () => {
    const entries = chain();
    const result = verifyChain(entries);
    expect(result).toMatchObject({ valid: true, count: 6, head: { seq: 6, hash: entries[5].hash } });
    expect(entries[0].prevHash).toBe(GENESIS_HASH);
  });

  it('links each entry as SHA-256 of "<seq>:<prev>:<body hash>"', () => {
    const [first] = chain();
    expect(first.hash).toBe(linkHash(1, GENESIS_HASH, bodyHash(first)));
  });

  it('finds the entry whose content was changed', () => {
    const entries = chain();
    entries[2] = { ...entries[2], details: { ...entries[2].details, n: 99 } };
    const result = verifyChain(entries);
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ code: 'HASH_MISMATCH', seq: 3 })]);
  });

  it('finds an entry rewritten with a recomputed hash at the next link', () => {
    const entries = chain();
    const forged = { ...entries[2], actor: 'admin' };
    forged.hash = linkHash(forged.seq, forged.prevHash, bodyHash(forged));
    entries[2] = forged;
    expect(verifyChain(entries).problems).toEqual([
      expect.objectContaining({ code: 'PREV_HASH_MISMATCH', seq: 4 }),
    ]);
  });

  it('finds reordered entries', () => {
    const entries = chain();
    [entries[1], entries[2]] = [entries[2], entries[1]];
    const codes = verifyChain(entries).problems.map((p) => `${p.code}@${p.seq}`);
    expect(codes).toEqual(expect.arrayContaining(['SEQUENCE_GAP@3', 'PREV_HASH_MISMATCH@3']));
  });

  it('finds a deleted entry in the middle', () => {
    const entries = chain();
    entries.splice(3, 1);
    expect(verifyChain(entries).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'SEQUENCE_GAP', seq: 5 })]),
    );
  });

  it('finds a truncated end only against a checkpoint', () => {
    const entries = chain();
    const checkpoint = { seq: 6, headHash: entries[5].hash };
    expect(verifyChain(entries.slice(0, 4)).valid).toBe(true);
    expect(verifyChain(entries.slice(0, 4), { checkpoints: [checkpoint] }).problems).toEqual([
      expect.objectContaining({ code: 'CHECKPOINT_BEYOND_LOG', seq: 6 }),
    ]);
  });

  it('finds a history rewritten from scratch against an earlier checkpoint', () => {
    const entries = chain();
    const checkpoint = { seq: 4, headHash: entries[3].hash };
    const rewritten = chainRecords({ seq: 0, hash: GENESIS_HASH }, [
      ...records.slice(0, 2),
      ...records.slice(3),
    ]);
    const result = verifyChain(rewritten, { checkpoints: [checkpoint] });
    expect(result.problems).toEqual([expect.objectContaining({ code: 'CHECKPOINT_MISMATCH', seq: 4 })]);
  });

  it('folds body hashes onto a head as the axis does', () => {
    const entries = chain();
    expect(
      foldLinks(
        3,
        entries[1].hash,
        entries.slice(2).map((e) => bodyHash(e)),
      ),
    ).toBe(entries[5].hash);
  });
});

describe('chain proof to a checkpoint', () => {
  it('proves some entries while others pass by body hash alone', () => {
    const entries = chain();
    const mine = new Map([entries[1], entries[4]].map((e) => [e.seq, e]));
    const segment = {
      checkpoint: 'cp',
      startSeq: 2,
      startPrevHash: entries[1].prevHash,
      bodyHashes: entries.slice(1).map((e) => bodyHash(e)),
    };
    const result = checkSegment(segment, mine);
    expect(result).toMatchObject({ valid: true, endSeq: 6, endHash: entries[5].hash, proves: [2, 5] });

    const tampered = new Map(mine);
    tampered.set(5, { ...entries[4], details: { n: 0 } });
    const broken = checkSegment(segment, tampered);
    expect(broken.valid).toBe(false);
    expect(broken.problems[0]).toMatchObject({ seq: 5 });
    expect(broken.endHash).not.toBe(entries[5].hash);
  });
});

describe('checkpoints', () => {
  const ca = createRootCa({ commonName: 'test axis CA' });
  const privateKey = createPrivateKey(ca.keyPem);
  const payload = {
    type: CHECKPOINT_TYPE as typeof CHECKPOINT_TYPE,
    version: 1 as const,
    nodeId: 'node-a',
    seq: 6,
    headHash: 'a'.repeat(64),
    signedAt: new Date().toISOString(),
  };

  it('verifies with the axis certificate and refuses any change', () => {
    const signed = signCheckpoint(payload, privateKey, ca.certPem);
    expect(verifyCheckpoint(signed, ca.certPem)).toMatchObject({ valid: true, payload });
    const changed = { ...signed, payload: signed.payload.replace('"seq":6', '"seq":7') };
    expect(verifyCheckpoint(changed, ca.certPem)).toMatchObject({ valid: false });
  });

  it('refuses a checkpoint signed by another key', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const signed = signCheckpoint(payload, other, ca.certPem);
    expect(verifyCheckpoint(signed, ca.certPem).problem).toMatch(/does not match/);
  });
});
