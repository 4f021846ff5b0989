import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import {
  AuditEntry,
  BundleReport,
  CheckpointRecord,
  parseAuditEntry,
  parseCheckpointPayload,
  verifyBundle,
  verifyChain,
  verifyCheckpoint,
} from '@lienthong/audit';
import type { ChainProblem } from '@lienthong/audit';
import { CliError, EXIT } from '../cli-error';
import { readInput, readText, writeOutput } from '../files';
import { Output } from '../output';

/** `lienthong audit …`: evidence bundles and audit logs, for auditors (docs/audit.md). */
export function auditCommand(out: Output, setExitCode: (code: number) => void): Command {
  const audit = new Command('audit').description(
    'evidence bundles and audit logs: export from a node, verify offline (exit 0 only when all holds)',
  );

  audit
    .command('export')
    .description("download a document's evidence bundle (ZIP) from its node")
    .argument('<document>', "the document's id on the node (the id the node's API returned)")
    .requiredOption('--node <url>', "the node's address, e.g. http://127.0.0.1:3101")
    .option('--api-key <key>', 'an API key of the agency (default: $LIENTHONG_API_KEY)')
    .requiredOption('--out <file>', 'where to write the bundle')
    .action(async (document: string, opts: { node: string; apiKey?: string; out: string }) => {
      const key = opts.apiKey ?? process.env.LIENTHONG_API_KEY;
      if (!key) throw new CliError('Give --api-key or set LIENTHONG_API_KEY', EXIT.usage);
      const url = `${opts.node.replace(/\/+$/, '')}/api/v1/documents/${encodeURIComponent(document)}/evidence`;
      const response = await fetchOrFail(url, { headers: { 'x-api-key': key } });
      if (!response.ok) throw new CliError(`The node refused the export: ${await problemText(response)}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      writeOutput(opts.out, bytes);
      out.info(`Wrote the evidence bundle of ${document} (${bytes.length} bytes) to ${opts.out}`);
      out.result(opts.out);
    });

  audit
    .command('verify')
    .description('check an evidence bundle offline: signatures, certificates, hash chain, axis checkpoints')
    .argument('<bundle>', 'the evidence bundle (ZIP)')
    .option('--trust <file>', 'the trusted root CA certificate (PEM); default: the one in the bundle')
    .option('--json', 'print one JSON object with a boolean "valid" and every check')
    .action((file: string, opts: { trust?: string; json?: boolean }) => {
      const trust = opts.trust ? [readText(opts.trust, 'the trust anchor')] : undefined;
      const report = verifyBundle(readInput(file, 'the bundle'), trust ? { trustAnchorPems: trust } : {});
      out.result(opts.json ? JSON.stringify(report, null, 2) : formatBundleReport(file, report));
      setExitCode(report.valid ? EXIT.ok : EXIT.invalid);
    });

  audit
    .command('verify-log')
    .description("check a node's whole audit log (its admin export) against the checkpoints the axis signed")
    .argument('<log>', 'the NDJSON export of GET /api/v1/admin/audit/log')
    .option('--axis <url>', 'fetch the checkpoints the axis signed for this node (recommended)')
    .option('--checkpoints <file>', 'the JSON list of GET /api/v1/audit/checkpoints?nodeId=… from the axis')
    .option('--trust <file>', 'the axis CA certificate (PEM) the checkpoints must be signed with')
    .option('--json', 'print one JSON object with a boolean "valid"')
    .action(
      async (file: string, opts: { axis?: string; checkpoints?: string; trust?: string; json?: boolean }) => {
        const log = readLog(file);
        const fromAxis: CheckpointRecord[] = opts.checkpoints
          ? (JSON.parse(readText(opts.checkpoints, 'the checkpoints')) as CheckpointRecord[])
          : opts.axis
            ? await fetchCheckpoints(opts.axis, log.nodeId)
            : [];
        const trust = opts.trust ? readText(opts.trust, 'the trust anchor') : undefined;
        const report = verifyLog(log, fromAxis, trust, Boolean(opts.axis || opts.checkpoints));
        out.result(opts.json ? JSON.stringify(report, null, 2) : formatLogReport(file, report));
        setExitCode(report.valid ? EXIT.ok : EXIT.invalid);
      },
    );
  return audit;
}

interface ExportedLog {
  nodeId: string;
  exportedAt?: string;
  entries: AuditEntry[];
  checkpoints: CheckpointRecord[];
}

function readLog(path: string): ExportedLog {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  let nodeId: string | undefined;
  let exportedAt: string | undefined;
  const entries: AuditEntry[] = [];
  const checkpoints: CheckpointRecord[] = [];
  lines.forEach((line, i) => {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new CliError(`Line ${i + 1} of ${path} is not JSON: the file is not an audit log export`);
    }
    if (value.type === 'lienthong.audit-log') {
      nodeId = String(value.nodeId);
      exportedAt = typeof value.exportedAt === 'string' ? value.exportedAt : undefined;
    } else if (value.type === 'entry') {
      try {
        entries.push(parseAuditEntry(value));
      } catch (error) {
        throw new CliError(`Line ${i + 1} of ${path}: ${(error as Error).message}`);
      }
    } else if (value.type === 'checkpoint') {
      checkpoints.push(value as unknown as CheckpointRecord);
    }
  });
  if (!nodeId) throw new CliError(`${path} has no header line: it is not a lienthong audit log export`);
  return { nodeId, ...(exportedAt ? { exportedAt } : {}), entries, checkpoints };
}

export interface LogReport {
  valid: boolean;
  nodeId: string;
  entries: number;
  head: { seq: number; hash: string };
  checkpointsChecked: number;
  checkpointSource: 'axis' | 'node export';
  latestCheckpoint?: { seq: number; signedAt: string };
  problems: (ChainProblem | { code: 'CHECKPOINT_SIGNATURE'; seq: number; message: string })[];
}

function verifyLog(
  log: ExportedLog,
  fromAxis: CheckpointRecord[],
  trust: string | undefined,
  axisGiven: boolean,
): LogReport {
  const problems: LogReport['problems'] = [];
  // The axis's copies are the reference: the node's own list can lose a checkpoint, the axis's cannot.
  const all = axisGiven ? fromAxis : log.checkpoints;
  const good: { seq: number; headHash: string; signedAt: string }[] = [];
  for (const c of all) {
    const verdict = verifyCheckpoint(c, trust ?? c.certificatePem);
    let payload;
    try {
      payload = parseCheckpointPayload(c.payload);
    } catch {
      payload = undefined;
    }
    if (!verdict.valid || !payload) {
      problems.push({
        code: 'CHECKPOINT_SIGNATURE',
        seq: c.seq,
        message: `checkpoint at entry ${c.seq}: ${verdict.problem ?? 'unreadable'}`,
      });
    } else if (payload.nodeId !== log.nodeId) {
      problems.push({
        code: 'CHECKPOINT_SIGNATURE',
        seq: c.seq,
        message: `checkpoint at entry ${c.seq} is for node ${payload.nodeId}`,
      });
    } else {
      good.push({ seq: payload.seq, headHash: payload.headHash, signedAt: payload.signedAt });
    }
  }
  const chain = verifyChain(log.entries, { startPrevHash: undefined, checkpoints: good });
  if (log.entries.length > 0 && log.entries[0].seq !== 1) {
    problems.push({
      code: 'SEQUENCE_GAP',
      seq: log.entries[0].seq,
      message: `the log starts at entry ${log.entries[0].seq}, not 1: its beginning is missing`,
    });
  }
  problems.push(...chain.problems);
  problems.sort((a, b) => a.seq - b.seq);
  const latest = good.sort((a, b) => a.seq - b.seq)[good.length - 1];
  return {
    valid: problems.length === 0 && (good.length > 0 || log.entries.length === 0),
    nodeId: log.nodeId,
    entries: log.entries.length,
    head: chain.head,
    checkpointsChecked: good.length,
    checkpointSource: axisGiven ? 'axis' : 'node export',
    ...(latest ? { latestCheckpoint: { seq: latest.seq, signedAt: latest.signedAt } } : {}),
    problems,
  };
}

function formatLogReport(file: string, r: LogReport): string {
  const lines = [
    `Audit log:          ${file}`,
    `Node:               ${r.nodeId}`,
    `Entries:            ${r.entries} (last: entry ${r.head.seq})`,
    `Checkpoints:        ${r.checkpointsChecked} signed by the axis, taken from the ${r.checkpointSource}` +
      (r.latestCheckpoint
        ? `; latest at entry ${r.latestCheckpoint.seq}, ${r.latestCheckpoint.signedAt}`
        : ''),
  ];
  if (r.checkpointSource !== 'axis') {
    lines.push(
      '                    (give --axis to compare with the axis: a node can leave checkpoints out of its export)',
    );
  }
  if (r.checkpointsChecked === 0 && r.entries > 0) {
    lines.push('Problem:            no checkpoint signed by the axis covers this log: it cannot be trusted');
  }
  for (const p of r.problems) lines.push(`Problem:            ${p.message}`);
  lines.push(
    `Verdict:            ${r.valid ? 'INTACT: every entry is chained and agrees with every checkpoint the axis signed' : 'NOT INTACT: this log was changed, or cannot be checked'}`,
  );
  return lines.join('\n');
}

export function formatBundleReport(file: string, r: BundleReport): string {
  const lines = [`Evidence bundle:    ${file}`];
  const m = r.manifest;
  if (m) {
    lines.push(
      `Document:           ${m.document.documentId}${m.document.code ? ` (${m.document.code})` : ''}`,
    );
    if (m.document.subject) lines.push(`Subject:            ${m.document.subject}`);
    lines.push(`Sender:             ${m.document.sender}`);
    lines.push(`Recipients:         ${m.document.recipients.join(', ')}`);
    lines.push(`Exported by:        node ${m.nodeId} for ${m.document.agency}, ${m.createdAt}`);
  }
  lines.push(
    `Trusted root:       ${r.trustSource === 'given' ? 'the certificate you gave (--trust)' : 'the one inside the bundle (give --trust with the official axis CA to rely on it)'}`,
  );
  for (const fingerprint of r.trustFingerprints) lines.push(`  SHA-256:          ${fingerprint}`);
  lines.push('');
  for (const c of r.checks)
    lines.push(`${c.ok ? '  ok  ' : ' FAIL '} ${c.subject} [${c.part}]\n        ${c.detail}`);
  lines.push('');
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(
    r.valid
      ? 'Verdict:            VALID: every signature, certificate, audit entry and checkpoint checks out'
      : `Verdict:            INVALID: ${failed} check${failed === 1 ? '' : 's'} failed (marked FAIL above)`,
  );
  return lines.join('\n');
}

async function fetchCheckpoints(axis: string, nodeId: string): Promise<CheckpointRecord[]> {
  const url = `${axis.replace(/\/+$/, '')}/api/v1/audit/checkpoints?nodeId=${encodeURIComponent(nodeId)}`;
  const response = await fetchOrFail(url);
  if (!response.ok)
    throw new CliError(`The axis did not give the checkpoints: ${await problemText(response)}`);
  return (await response.json()) as CheckpointRecord[];
}

async function fetchOrFail(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new CliError(`Cannot reach ${new URL(url).origin}: ${(error as Error).message}`);
  }
}

async function problemText(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: string; code?: string };
    return `${body.message ?? `HTTP ${response.status}`}${body.code ? ` [${body.code}]` : ''}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}
