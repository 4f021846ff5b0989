import { X509Certificate } from 'node:crypto';
import { strFromU8 } from 'fflate';
import { splitPemCertificates, verifyEdxmlSignature } from '@lienthong/pki';
import type { SignatureVerification } from '@lienthong/pki';
import { BundleFile, BundleManifest, readBundle } from './bundle-format';
import { CheckpointPayload, SignedCheckpoint, verifyCheckpoint } from './checkpoint';
import { AuditEntry, parseAuditEntry, sha256Hex } from './entry';
import { ChainSegment, checkSegment } from './proof';

export interface BundleCheck {
  /** The file (or part) checked. */
  part: string;
  /** What was checked, in words. */
  subject: string;
  ok: boolean;
  /** What was found, in words; for a failure, what is wrong and where. */
  detail: string;
}

export interface BundleReport {
  valid: boolean;
  manifest?: BundleManifest;
  /** 'given': the auditor's own trust anchor; 'bundle': the one inside the bundle (weaker). */
  trustSource: 'given' | 'bundle';
  /** SHA-256 fingerprints of the root certificates everything was checked against. */
  trustFingerprints: string[];
  checks: BundleCheck[];
  /** The signed checkpoints the audit entries were proven against. */
  checkpoints: CheckpointPayload[];
}

export interface VerifyBundleOptions {
  /** The auditor's trusted root certificates (PEM). Default: the ones in the bundle. */
  trustAnchorPems?: readonly string[];
}

/**
 * Checks an evidence bundle offline: every file against the manifest, every signature (package
 * and statuses) with its certificate at the signing time against the CRL in the bundle, every
 * audit entry against the hash chain up to checkpoints the axis signed, and that the audit log
 * recorded exactly these packages (by SHA-256). Valid only when every check holds.
 */
export function verifyBundle(zip: Uint8Array, options: VerifyBundleOptions = {}): BundleReport {
  const checks: BundleCheck[] = [];
  const fail = (part: string, subject: string, detail: string) =>
    checks.push({ part, subject, ok: false, detail });
  const pass = (part: string, subject: string, detail: string) =>
    checks.push({ part, subject, ok: true, detail });
  let fingerprints: string[] = [];
  const report = (manifest?: BundleManifest, checkpoints: CheckpointPayload[] = []): BundleReport => ({
    valid: checks.length > 0 && checks.every((c) => c.ok),
    ...(manifest ? { manifest } : {}),
    trustSource: options.trustAnchorPems?.length ? 'given' : 'bundle',
    trustFingerprints: fingerprints,
    checks,
    checkpoints,
  });

  let opened;
  try {
    opened = readBundle(zip);
  } catch (error) {
    fail('bundle', 'Bundle readable', (error as Error).message);
    return report();
  }
  const { manifest, files } = opened;

  // 1. Every file as the manifest lists it.
  const listed = new Set<string>();
  let intact = true;
  for (const file of manifest.files) {
    listed.add(file.path);
    const bytes = files.get(file.path);
    if (!bytes) {
      fail(file.path, 'File present', `${file.path} is listed in the manifest but missing from the bundle`);
      intact = false;
    } else if (sha256Hex(bytes) !== file.sha256) {
      fail(
        file.path,
        'File unchanged',
        `${file.path} was changed: its SHA-256 is not the one in the manifest`,
      );
      intact = false;
    }
  }
  for (const path of files.keys()) {
    if (!listed.has(path)) {
      fail(path, 'No unlisted file', `${path} is in the bundle but not in the manifest`);
      intact = false;
    }
  }
  if (intact) pass('manifest.json', 'Files', `all ${manifest.files.length} files match the manifest`);

  const text = (file: BundleFile | undefined) =>
    file && files.get(file.path) ? strFromU8(files.get(file.path)!) : undefined;
  const byRole = (role: BundleFile['role']) => manifest.files.filter((f) => f.role === role);

  // 2. Trust: the auditor's anchors, else the bundle's.
  const bundleAnchors = byRole('trust-anchor').flatMap((f) => splitPemCertificates(text(f) ?? ''));
  const anchors = options.trustAnchorPems?.length
    ? options.trustAnchorPems.flatMap((p) => splitPemCertificates(p))
    : bundleAnchors;
  if (anchors.length === 0) fail('certs', 'Trust anchor', 'no trusted root certificate: give --trust');
  fingerprints = anchors.map((pem) => {
    try {
      return new X509Certificate(pem).fingerprint256;
    } catch {
      return 'unreadable';
    }
  });
  const crlPems = byRole('crl')
    .map((f) => text(f))
    .filter((t): t is string => t !== undefined);
  if (crlPems.length === 0)
    fail('crl.pem', 'Revocation list', 'the bundle holds no CRL: revocation cannot be checked');
  const at = new Date(manifest.createdAt);

  // 3. Audit entries.
  const entriesFile = byRole('audit-entries')[0];
  let entries: AuditEntry[] = [];
  try {
    const raw = JSON.parse(text(entriesFile) ?? 'null') as unknown;
    if (!Array.isArray(raw)) throw new TypeError('the audit entries are not a list');
    entries = raw.map(parseAuditEntry);
  } catch (error) {
    fail(entriesFile?.path ?? 'audit/entries.json', 'Audit entries readable', (error as Error).message);
  }
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].seq <= entries[i - 1].seq) {
      fail(
        entriesFile.path,
        'Audit entries in order',
        `entry ${entries[i].seq} is listed after entry ${entries[i - 1].seq}: the entries were reordered`,
      );
    }
  }
  for (const entry of entries) {
    if (entry.documentId !== manifest.document.id) {
      fail(
        entriesFile.path,
        'Audit entries about this document',
        `entry ${entry.seq} is about another document`,
      );
    }
  }

  // 4. Signatures of the package and every status, and the audit log's record of each.
  const verifyPackage = (file: BundleFile, what: string, expect: (e: AuditEntry) => boolean) => {
    const bytes = files.get(file.path);
    if (!bytes) return;
    let result: SignatureVerification;
    try {
      result = verifyEdxmlSignature(bytes, { trustAnchorPems: anchors, crlPems, at });
    } catch (error) {
      fail(file.path, `${what}: signature`, `not readable as XML: ${(error as Error).message}`);
      return;
    }
    if (result.valid) {
      const signer = result.signer;
      pass(
        file.path,
        `${what}: signature`,
        `signed by ${signer?.name ?? signer?.subject} (${signer?.organId ?? '?'}), certificate ${signer?.serialNumber} ` +
          `valid at the signing time ${result.signingTime}, ${result.revocation?.status === 'good' ? 'not revoked' : 'revocation unknown'} per the CRL in force`,
      );
    } else {
      const problems = result.problems.map((p) => p.message).join('; ');
      fail(file.path, `${what}: signature`, `${verdictText(result.verdict)}: ${problems || 'no detail'}`);
    }
    const digest = sha256Hex(bytes);
    const recorded = entries.filter((e) => expect(e) && e.details.packageSha256 === digest);
    if (recorded.length > 0) {
      pass(
        file.path,
        `${what}: in the audit log`,
        `recorded by audit entry ${recorded.map((e) => e.seq).join(', ')} with this SHA-256`,
      );
    } else {
      fail(
        file.path,
        `${what}: in the audit log`,
        `no audit entry records a package with SHA-256 ${digest}: this is not the package the node ${file.direction === 'inbound' ? 'received' : 'sent'}`,
      );
    }
  };
  const packageFile = byRole('package')[0];
  if (!packageFile) fail('document', 'Document package', 'the bundle holds no document package');
  else
    verifyPackage(packageFile, 'Document package', (e) =>
      ['document.submitted', 'document.signed', 'document.received', 'document.verified'].includes(e.action),
    );
  for (const status of byRole('status')) {
    verifyPackage(
      status,
      `Status ${status.statusCode ?? '?'} ${status.direction === 'inbound' ? `from ${status.sender}` : 'sent'}`,
      (e) =>
        (e.action === 'status.sent' || e.action === 'status.received') &&
        e.details.statusUuid === status.uuid,
    );
  }

  // 5. The chain proof up to checkpoints signed by the axis.
  const proofFile = byRole('audit-proof')[0];
  const payloads: CheckpointPayload[] = [];
  let segments: ChainSegment[] = [];
  try {
    const proof = JSON.parse(text(proofFile) ?? 'null') as { segments?: ChainSegment[] };
    if (!proof || !Array.isArray(proof.segments)) throw new TypeError('the chain proof has no segments');
    segments = proof.segments;
  } catch (error) {
    fail(proofFile?.path ?? 'audit/proof.json', 'Chain proof readable', (error as Error).message);
  }
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  const proven = new Set<number>();
  for (const segment of segments) {
    const cpFile = manifest.files.find((f) => f.path === segment.checkpoint && f.role === 'checkpoint');
    let checkpoint: SignedCheckpoint | undefined;
    try {
      checkpoint = JSON.parse(text(cpFile) ?? 'null') as SignedCheckpoint;
    } catch {
      checkpoint = undefined;
    }
    if (!checkpoint) {
      fail(segment.checkpoint, 'Checkpoint', `the checkpoint ${segment.checkpoint} is missing or not JSON`);
      continue;
    }
    const signer = anchors.find((a) => sameCert(a, checkpoint.certificatePem));
    const verdict = signer
      ? verifyCheckpoint(checkpoint, signer)
      : { valid: false, problem: 'the checkpoint is not signed by a trusted axis certificate' };
    const payload = verdict.payload;
    if (!verdict.valid || !payload) {
      fail(segment.checkpoint, 'Checkpoint signature', verdict.problem ?? 'invalid');
      continue;
    }
    payloads.push(payload);
    if (payload.nodeId !== manifest.nodeId) {
      fail(
        segment.checkpoint,
        'Checkpoint signature',
        `the checkpoint is for node ${payload.nodeId}, not ${manifest.nodeId}`,
      );
      continue;
    }
    pass(
      segment.checkpoint,
      'Checkpoint signature',
      `the axis signed the head of ${payload.nodeId}'s log at entry ${payload.seq} on ${payload.signedAt}`,
    );
    const walked = checkSegment(segment, bySeq);
    walked.problems.forEach((p) => fail(entriesFile?.path ?? 'audit', 'Hash chain', p.message));
    if (walked.endSeq !== payload.seq || walked.endHash !== payload.headHash) {
      fail(
        proofFile.path,
        'Hash chain',
        `the chain from entry ${segment.startSeq} does not arrive at the head the axis signed at entry ${payload.seq}: an entry was changed, removed or reordered`,
      );
    } else if (walked.valid) {
      pass(
        proofFile.path,
        'Hash chain',
        `entries ${walked.proves.join(', ')} lead unchanged to the checkpoint at entry ${payload.seq}`,
      );
      walked.proves.forEach((s) => proven.add(s));
    }
  }
  const unproven = entries.filter((e) => !proven.has(e.seq)).map((e) => e.seq);
  if (unproven.length > 0) {
    fail(
      proofFile?.path ?? 'audit/proof.json',
      'Audit entries covered',
      `entries ${unproven.join(', ')} are not proven against a checkpoint signed by the axis`,
    );
  }
  if (entries.length === 0)
    fail('audit/entries.json', 'Audit entries', 'the bundle holds no audit entry about the document');

  return report(manifest, payloads);
}

function sameCert(a: string, b: string): boolean {
  const norm = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');
  return norm(a) === norm(b);
}

function verdictText(verdict: SignatureVerification['verdict']): string {
  return verdict === 'legacy'
    ? 'legacy signature, cannot be verified'
    : verdict === 'unsigned'
      ? 'not signed'
      : 'INVALID';
}
