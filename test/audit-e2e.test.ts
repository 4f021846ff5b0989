import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Client } from 'pg';
import {
  AuditEntry,
  bodyText,
  chainRecords,
  GENESIS_HASH,
  sha256Hex,
  verifyBundle,
  verifyChain,
  signCheckpointRequest,
} from '@lienthong/audit';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { createRootCa, issueAgencyCertificate } from '@lienthong/pki';
import { cli, run, tempDir } from './support/cli-harness';
import { Network, startNetwork, waitFor } from './support/network';

/*
 * The auditor's side of the exchange, end to end on real PostgreSQL and RabbitMQ: a document goes
 * from G22 (dedicated node) to H41 (shared node, with H42 as the other tenant), H41 answers 03 and
 * 06; both sides export the evidence bundle (API and CLI) and it verifies offline; any change to
 * it is reported; a node whose log was rewritten is caught by the axis's checkpoints.
 */
jest.setTimeout(180_000);

const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };
const H42 = { code: '000.00.00.H42', name: 'UBND tỉnh Hà Tĩnh' };

function documentPackage(): EdocPackage {
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: G22.code, organName: G22.name },
      to: [{ organId: H41.code }],
      code: { codeNumber: randomBytes(3).toString('hex'), codeNotation: 'AUDIT-LT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'Công văn về việc kiểm toán liên thông',
    },
    traceHeaderList: { traceHeader: [] },
    attachments: [
      {
        contentId: 'a1',
        attachmentName: 'cong-van.pdf',
        contentType: 'application/pdf',
        data: randomBytes(4096),
      },
    ],
  };
}

/** The bundle with `edit` applied to its files (the manifest is left as it was unless edited too). */
function tamper(zip: Buffer, edit: (files: Record<string, Uint8Array>) => void): Buffer {
  const files = unzipSync(new Uint8Array(zip));
  edit(files);
  return Buffer.from(zipSync(files));
}

/** Keeps the manifest's digests in step, as a careful forger would: only the cryptography can tell. */
function restamp(files: Record<string, Uint8Array>): void {
  const manifest = JSON.parse(strFromU8(files['manifest.json'])) as {
    files: { path: string; sha256: string; size: number }[];
  };
  for (const f of manifest.files) {
    f.sha256 = sha256Hex(files[f.path]);
    f.size = files[f.path].length;
  }
  files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 2));
}

describe('audit: evidence bundles and the hash chain, end to end', () => {
  let net: Network;
  let dir: string;
  let caPath: string;
  let sentId: string;
  let receivedId: string;
  let senderBundle: Buffer;

  beforeAll(async () => {
    net = await startNetwork([
      { id: 'node-vpcp', mode: 'dedicated', agencies: [G22] },
      { id: 'node-shared', mode: 'shared', agencies: [H41, H42] },
    ]);
    dir = tempDir('lienthong-audit-');
    const ca = await fetch(`${net.axisUrl}/api/v1/ca.pem`);
    caPath = join(dir, 'axis-ca.pem');
    writeFileSync(caPath, await ca.text());
  });

  afterAll(async () => {
    await net?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends a document that is received, taken, accepted (03) and finished (06)', async () => {
    const sent = await net
      .agency(G22.code)
      .post<{ id: string; documentId: string }>('/api/v1/documents', buildEdxml(documentPackage()));
    expect(sent.status).toBe(202);
    sentId = sent.body.id;
    const item = await waitFor('the document in the inbox of H41', async () => {
      const res = await net
        .agency(H41.code)
        .get<{ id: string; documentId?: string }[]>('/api/v1/inbox?includeTaken=true');
      return res.body.find((i) => i.documentId === sent.body.documentId);
    });
    receivedId = item.id;
    expect((await net.agency(H41.code).post(`/api/v1/inbox/${receivedId}/taken`)).status).toBe(200);
    for (const statusCode of ['03', '06']) {
      const res = await net.agency(H41.code).post(`/api/v1/inbox/${receivedId}/statuses`, { statusCode });
      expect(res.status).toBe(202);
    }
    await waitFor('statuses 01, 03 and 06 back at G22, and the document published', async () => {
      const res = await net
        .agency(G22.code)
        .get<{ deliveries: { timeline: { event: string; statusCode?: string }[] }[] }>(
          `/api/v1/documents/sent/${sentId}`,
        );
      const events = res.body.deliveries[0]?.timeline ?? [];
      const codes = events.filter((e) => e.event === 'status').map((e) => e.statusCode);
      return ['01', '03', '06'].every((c) => codes.includes(c)) && events.some((e) => e.event === 'published')
        ? true
        : undefined;
    });
  });

  it("exports the sender's evidence bundle by API, and it verifies offline with every status", async () => {
    const res = await net.agency(G22.code).get(`/api/v1/documents/${sentId}/evidence`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/zip');
    senderBundle = res.bytes;
    const report = verifyBundle(senderBundle, { trustAnchorPems: [readFileSync(caPath, 'utf8')] });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.valid).toBe(true);
    const statuses = report.manifest!.files.filter((f) => f.role === 'status').map((f) => f.statusCode);
    expect(statuses.sort()).toEqual(['01', '03', '06']);
    const entries = JSON.parse(
      strFromU8(unzipSync(new Uint8Array(senderBundle))['audit/entries.json']),
    ) as AuditEntry[];
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'document.submitted',
        'document.signed',
        'document.published',
        'status.received',
      ]),
    );

    const file = join(dir, 'sender.zip');
    writeFileSync(file, senderBundle);
    const verified = await cli('audit', 'verify', file, '--trust', caPath);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/VALID: every signature/);
    const json = await cli('audit', 'verify', file, '--trust', caPath, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true });
  });

  it("exports the recipient's bundle with the CLI, only for the agency's own key", async () => {
    const other = await net.agency(H42.code).get(`/api/v1/documents/${receivedId}/evidence`);
    expect(other.status).toBe(404);
    const notMine = await net.agency(H41.code).get(`/api/v1/documents/${sentId}/evidence`);
    expect(notMine.status).toBe(404);

    const file = join(dir, 'recipient.zip');
    const exported = await cli(
      'audit',
      'export',
      receivedId,
      '--node',
      net.nodeOf(H41.code).url,
      '--api-key',
      net.apiKey(H41.code),
      '--out',
      file,
    );
    expect(exported.code).toBe(0);
    const verified = await cli('audit', 'verify', file, '--trust', caPath);
    expect(verified.code).toBe(0);
    const report = verifyBundle(readFileSync(file), { trustAnchorPems: [readFileSync(caPath, 'utf8')] });
    const statuses = report.manifest!.files.filter((f) => f.role === 'status').map((f) => f.statusCode);
    expect(statuses.sort()).toEqual(['01', '03', '06']);
    // The other tenant's entries pass by digest only: nothing of H42 or of other documents is in the bundle.
    const files = unzipSync(new Uint8Array(readFileSync(file)));
    expect(strFromU8(files['audit/entries.json'])).not.toContain(H42.code);
  });

  it('checks out by hand with xmlsec1 and openssl, as docs/audit.md shows', async () => {
    const out = join(dir, 'by-hand');
    const files = unzipSync(new Uint8Array(senderBundle));
    for (const [path, bytes] of Object.entries(files)) {
      const target = join(out, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
    }
    const manifest = JSON.parse(strFromU8(files['manifest.json'])) as {
      files: { path: string; sha256: string }[];
    };
    for (const f of manifest.files) {
      const sum = await run('sha256sum', [f.path], { cwd: out });
      expect(sum.stdout.split(' ')[0]).toBe(f.sha256);
    }
    const xmlsec = await run('xmlsec1', ['--verify', '--trusted-pem', caPath, 'document/package.edxml'], {
      cwd: out,
    });
    expect(xmlsec.stderr).toMatch(/OK/);
    expect(xmlsec.code).toBe(0);
    for (const signer of Object.keys(files).filter((p) => p.startsWith('certs/signer-'))) {
      const verified = await run(
        'openssl',
        ['verify', '-crl_check', '-CAfile', caPath, '-CRLfile', 'crl.pem', signer],
        { cwd: out },
      );
      expect(verified.stdout).toMatch(/: OK/);
    }
    const checkpoint = Object.keys(files).find((p) => p.startsWith('audit/checkpoints/'))!;
    const signed = JSON.parse(strFromU8(files[checkpoint])) as { payload: string; signature: string };
    writeFileSync(join(out, 'checkpoint.txt'), signed.payload);
    writeFileSync(join(out, 'checkpoint.sig'), Buffer.from(signed.signature, 'base64'));
    const pub = await run('openssl', ['x509', '-in', caPath, '-noout', '-pubkey']);
    writeFileSync(join(out, 'axis.pub.pem'), pub.stdout);
    const dgst = await run(
      'openssl',
      ['dgst', '-sha256', '-verify', 'axis.pub.pem', '-signature', 'checkpoint.sig', 'checkpoint.txt'],
      { cwd: out },
    );
    expect(dgst.stdout).toMatch(/Verified OK/);
  });

  const verdictOn = async (name: string, zip: Buffer) => {
    const file = join(dir, `${name}.zip`);
    writeFileSync(file, zip);
    return cli('audit', 'verify', file, '--trust', caPath);
  };

  it('says when it trusts the root in the bundle, and refuses what is not a bundle', async () => {
    const file = join(dir, 'sender.zip');
    const selfTrusted = await cli('audit', 'verify', file);
    expect(selfTrusted.code).toBe(0);
    expect(selfTrusted.stdout).toMatch(/the one inside the bundle/);
    expect(selfTrusted.stdout).toMatch(/SHA-256: +([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    const notZip = join(dir, 'not-a-bundle.zip');
    writeFileSync(notZip, 'hello');
    const refused = await cli('audit', 'verify', notZip);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/not a readable ZIP archive/);
  });

  it('reports a changed byte of the signed package, and where', async () => {
    const run = await verdictOn(
      'package-byte',
      tamper(senderBundle, (files) => {
        const text = strFromU8(files['document/package.edxml']).replace('kiểm toán', 'kiểm tra');
        files['document/package.edxml'] = strToU8(text);
        restamp(files);
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+Document package: signature \[document\/package\.edxml\]/);
    expect(run.stdout).toMatch(/FAIL\s+Document package: in the audit log/);
    expect(run.stdout).toMatch(/INVALID/);
  });

  it('reports a changed status package', async () => {
    const run = await verdictOn(
      'status-byte',
      tamper(senderBundle, (files) => {
        const path = Object.keys(files).find((p) => p.startsWith('statuses/') && p.includes('-03-'))!;
        files[path] = strToU8(
          strFromU8(files[path]).replace(/<edXML:StatusCode>03</, '<edXML:StatusCode>04<'),
        );
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+File unchanged \[statuses\/\d+-03-/);
  });

  it('reports a changed audit entry, naming it', async () => {
    const run = await verdictOn(
      'entry',
      tamper(senderBundle, (files) => {
        const entries = JSON.parse(strFromU8(files['audit/entries.json'])) as AuditEntry[];
        const submitted = entries.find((e) => e.action === 'document.submitted')!;
        submitted.actor = 'api-key:someone-else';
        files['audit/entries.json'] = strToU8(JSON.stringify(entries));
        restamp(files);
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/audit entry \d+ \(document\.submitted\) is not the entry the chain recorded/);
  });

  it('reports reordered audit entries', async () => {
    const run = await verdictOn(
      'order',
      tamper(senderBundle, (files) => {
        const entries = JSON.parse(strFromU8(files['audit/entries.json'])) as AuditEntry[];
        [entries[0], entries[1]] = [entries[1], entries[0]];
        files['audit/entries.json'] = strToU8(JSON.stringify(entries));
        restamp(files);
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/the entries were reordered/);
  });

  it('reports a changed checkpoint', async () => {
    const run = await verdictOn(
      'checkpoint',
      tamper(senderBundle, (files) => {
        const path = Object.keys(files).find((p) => p.startsWith('audit/checkpoints/'))!;
        const checkpoint = JSON.parse(strFromU8(files[path])) as { payload: string };
        checkpoint.payload = checkpoint.payload.replace(
          /"signedAt":"[^"]+"/,
          '"signedAt":"2030-01-01T00:00:00.000Z"',
        );
        files[path] = strToU8(JSON.stringify(checkpoint));
        restamp(files);
      }),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+Checkpoint signature \[audit\/checkpoints\/\d+\.json\]/);
    expect(run.stdout).toMatch(/does not match/);
  });

  it("verifies a node's whole log against the axis, and catches a rewritten history", async () => {
    const admin = net.admin('node-vpcp');
    expect((await admin.post('/api/v1/admin/audit/checkpoint')).status).toBe(200);
    const exportLog = async (name: string) => {
      const res = await admin.get('/api/v1/admin/audit/log');
      expect(res.status).toBe(200);
      const file = join(dir, `${name}.ndjson`);
      writeFileSync(file, res.bytes);
      return file;
    };
    const intact = await cli(
      'audit',
      'verify-log',
      await exportLog('intact'),
      '--axis',
      net.axisUrl,
      '--trust',
      caPath,
    );
    expect(intact.stdout).toMatch(/INTACT/);
    expect(intact.code).toBe(0);

    // An insider deletes an entry and re-chains everything after it, so the log is consistent in itself.
    const db = new Client({ connectionString: net.databases['node-vpcp'].url });
    await db.connect();
    try {
      const rows = (await db.query(`SELECT seq, body FROM audit_entry ORDER BY seq`)).rows as {
        seq: string;
        body: string;
      }[];
      const kept = rows.filter((r) => Number(r.seq) !== 2).map((r) => JSON.parse(r.body) as AuditEntry);
      const rewritten = chainRecords(
        { seq: 0, hash: GENESIS_HASH },
        kept.map((b) => ({ ...b, time: new Date(b.time), action: b.action as never })),
      );
      await db.query('BEGIN');
      await db.query('ALTER TABLE audit_entry DISABLE TRIGGER USER');
      await db.query('DELETE FROM audit_entry');
      for (const e of rewritten) {
        await db.query(
          `INSERT INTO audit_entry (seq, time, action, actor, agency, document_id, body, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [e.seq, e.time, e.action, e.actor, e.agency, e.documentId, bodyText(e), e.prevHash, e.hash],
        );
      }
      const last = rewritten[rewritten.length - 1];
      await db.query(`UPDATE audit_head SET seq = $1, hash = $2`, [last.seq, last.hash]);
      await db.query('ALTER TABLE audit_entry ENABLE TRIGGER USER');
      await db.query('DELETE FROM audit_checkpoint');
      await db.query('COMMIT');
    } finally {
      await db.end();
    }

    // The node goes on working, so its log grows past the checkpoint again.
    for (const name of ['one', 'two', 'three']) {
      expect((await admin.post('/api/v1/admin/api-keys', { name, agencies: [G22.code] })).status).toBe(201);
    }
    const file = await exportLog('rewritten');
    const selfConsistent = await cli('audit', 'verify-log', file, '--trust', caPath);
    expect(selfConsistent.stdout).toMatch(/no checkpoint signed by the axis covers this log/);
    expect(selfConsistent.code).toBe(1);
    const caught = await cli('audit', 'verify-log', file, '--axis', net.axisUrl, '--trust', caPath);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toMatch(/at entry \d+ the log differs from the checkpoint the axis signed/);
    expect(caught.stdout).toMatch(/NOT INTACT/);

    // And the axis will not sign the rewritten history.
    const refused = await admin.post<{ code: string }>('/api/v1/admin/audit/checkpoint');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CHECKPOINT_MISMATCH');
  });

  it("keeps the axis's own chained log: registrations, certificates, checkpoints signed and refused", async () => {
    const res = await net.operator.get<AuditEntry[]>('/api/v1/audit/log?limit=10000');
    expect(res.status).toBe(200);
    expect(verifyChain(res.body).problems).toEqual([]);
    const actions = res.body.map((e) => e.action);
    for (const action of [
      'agency.registered',
      'enrollment.issued',
      'certificate.issued',
      'checkpoint.signed',
      'checkpoint.refused',
    ]) {
      expect(actions).toContain(action);
    }
    expect(
      res.body.find((e) => e.action === 'certificate.issued' && e.agency === G22.code)?.details,
    ).toMatchObject({
      nodeId: 'node-vpcp',
    });
    expect((await fetch(`${net.axisUrl}/api/v1/audit/log`)).status).toBe(401);
  });

  it('signs checkpoints only for the node itself', async () => {
    const rogueCa = createRootCa({ commonName: 'not the axis' });
    const rogue = issueAgencyCertificate({
      caKeyPem: rogueCa.keyPem,
      caCertPem: rogueCa.certPem,
      organId: G22.code,
      name: G22.name,
    });
    const request = signCheckpointRequest(
      { nodeId: 'node-vpcp', fromSeq: 1, bodyHashes: ['0'.repeat(64)], seq: 1, headHash: '1'.repeat(64) },
      createPrivateKey(rogue.keyPem!),
      rogue.certPem,
    );
    const res = await fetch(`${net.axisUrl}/api/v1/audit/checkpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('CHECKPOINT_NOT_AUTHORIZED');
  });
});
