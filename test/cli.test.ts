import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, REPO_ROOT, run, SAMPLES, tempDir } from './support/cli-harness';

describe('lienthong CLI', () => {
  const dir = tempDir();
  const caDir = join(dir, 'ca');
  const sender = join(dir, 'g22');
  const other = join(dir, 'h41');

  beforeAll(async () => {
    expect((await cli('pki', 'init-ca', '--dir', caDir)).code).toBe(0);
    expect(
      (
        await cli(
          'pki',
          'issue',
          '--ca-dir',
          caDir,
          '--organ',
          '000.00.00.G22',
          '--name',
          'Văn phòng Chính phủ',
          '--out',
          sender,
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          'pki',
          'issue',
          '--ca-dir',
          caDir,
          '--organ',
          '000.00.00.H41',
          '--name',
          'UBND tỉnh Nghệ An',
          '--out',
          other,
          '--passphrase',
          's3cret-pass',
        )
      ).code,
    ).toBe(0);
  });

  describe('pki', () => {
    it('makes a CA that openssl reads as a CA, with the key readable only by its owner', async () => {
      const text = await run('openssl', ['x509', '-in', join(caDir, 'ca.cert.pem'), '-noout', '-text']);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/CA:TRUE/);
      expect(statSync(join(caDir, 'ca.key.pem')).mode & 0o077).toBe(0);
    });

    it('refuses to overwrite an existing CA without --force', async () => {
      const again = await cli('pki', 'init-ca', '--dir', caDir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already exists');
    });

    it('issues agency certificates that chain to the CA and carry the identifier code', async () => {
      const verify = await run('openssl', [
        'verify',
        '-CAfile',
        join(caDir, 'ca.cert.pem'),
        `${sender}.cert.pem`,
      ]);
      expect(verify.stdout).toContain(': OK');
      const subject = await run('openssl', [
        'x509',
        '-in',
        `${sender}.cert.pem`,
        '-noout',
        '-subject',
        '-nameopt',
        'utf8,sep_comma_plus',
      ]);
      expect(subject.stdout).toContain('UID=000.00.00.G22');
      expect(subject.stdout).toContain('Văn phòng Chính phủ');
    });

    it('writes an unencrypted PKCS#8 key by default and an encrypted one with --passphrase', () => {
      expect(readFileSync(`${sender}.key.pem`, 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
      expect(readFileSync(`${other}.key.pem`, 'utf8')).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    });

    it('writes a PKCS#12 file that openssl opens with the passphrase', async () => {
      const info = await run('openssl', [
        'pkcs12',
        '-in',
        `${other}.p12`,
        '-passin',
        'pass:s3cret-pass',
        '-nokeys',
        '-clcerts',
      ]);
      expect(info.code).toBe(0);
      expect(info.stdout).toContain('000.00.00.H41');
    });

    it('revokes a certificate and lists it in a CRL that openssl enforces', async () => {
      const victim = join(dir, 'victim');
      await cli(
        'pki',
        'issue',
        '--ca-dir',
        caDir,
        '--organ',
        '000.00.00.H57',
        '--name',
        'UBND tỉnh Thừa Thiên Huế',
        '--out',
        victim,
      );
      expect(
        (
          await cli(
            'pki',
            'revoke',
            '--ca-dir',
            caDir,
            '--cert',
            `${victim}.cert.pem`,
            '--reason',
            'keyCompromise',
          )
        ).code,
      ).toBe(0);
      const crl = join(dir, 'ca.crl.pem');
      expect((await cli('pki', 'crl', '--ca-dir', caDir, '--out', crl)).code).toBe(0);

      const serial = (await run('openssl', ['x509', '-in', `${victim}.cert.pem`, '-noout', '-serial'])).stdout
        .split('=')[1]
        .trim();
      const crlText = await run('openssl', ['crl', '-in', crl, '-noout', '-text']);
      expect(crlText.stdout.replace(/:/g, '').toUpperCase()).toContain(serial.toUpperCase());

      const args = ['verify', '-crl_check', '-CAfile', join(caDir, 'ca.cert.pem'), '-CRLfile', crl];
      expect((await run('openssl', [...args, `${victim}.cert.pem`])).stdout).not.toContain(': OK');
      expect((await run('openssl', [...args, `${sender}.cert.pem`])).stdout).toContain(': OK');
    });
  });

  describe('edxml and verify', () => {
    it('prints a sample package as JSON that mirrors the standard', async () => {
      const parsed = await cli('edxml', 'parse', join(SAMPLES, 'edoc_update.edxml'), '--json');
      expect(parsed.code).toBe(0);
      const json = JSON.parse(parsed.stdout);
      expect(json.messageHeader.from.organId).toBe('000.00.00.G22');
      expect(json.messageHeader.to.length).toBeGreaterThan(0);
      expect(json.traceHeaderList.bussiness.bussinessDocType).toBe(2);
      expect(json.attachments[0]).toEqual(
        expect.objectContaining({
          contentId: '209',
          attachmentName: '1896_QD-TTg_m_294779.doc',
          data: expect.any(String),
        }),
      );
    });

    it('prints the status code and the document a status package answers', async () => {
      const parsed = await cli('edxml', 'parse', join(SAMPLES, 'status_rejection_02.edxml'), '--json');
      const json = JSON.parse(parsed.stdout);
      expect(json.messageHeader.statusCode).toBe('02');
      expect(json.messageHeader.responseFor.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    });

    it('rejects a package with junk before the XML declaration in one sentence, exit 1', async () => {
      const parsed = await cli('edxml', 'parse', join(SAMPLES, 'edoc_new.edxml'));
      expect(parsed.code).toBe(1);
      expect(parsed.stderr).toMatch(/before the XML declaration.*line 1, column 1/);
      expect(parsed.stderr).not.toMatch(/\n\s+at /);
    });

    it('builds from parsed JSON plus a file, signs, and verifies; tampering and revocation fail', async () => {
      const meta = join(dir, 'meta.json');
      const json = JSON.parse(
        (await cli('edxml', 'parse', join(SAMPLES, 'edoc_update.edxml'), '--json')).stdout,
      );
      json.attachments = [];
      writeFileSync(meta, JSON.stringify(json));
      const attachment = join(dir, 'công-văn.txt');
      writeFileSync(attachment, 'Nội dung công văn\n');

      const unsigned = join(dir, 'doc.edxml');
      expect(
        (await cli('edxml', 'build', '--meta', meta, '--attach', attachment, '--out', unsigned)).code,
      ).toBe(0);
      const rebuilt = JSON.parse((await cli('edxml', 'parse', unsigned, '--json')).stdout);
      expect(rebuilt.messageHeader).toEqual(json.messageHeader);
      expect(Buffer.from(rebuilt.attachments[0].data, 'base64').toString()).toBe('Nội dung công văn\n');
      expect(rebuilt.attachments[0].contentType).toBe('text/plain');

      const signed = join(dir, 'doc.signed.edxml');
      const sign = await cli(
        'edxml',
        'sign',
        unsigned,
        '--key',
        `${sender}.key.pem`,
        '--cert',
        `${sender}.cert.pem`,
        '--out',
        signed,
      );
      expect(sign.code).toBe(0);

      const trust = join(caDir, 'ca.cert.pem');
      const ok = await cli('verify', signed, '--trust', trust, '--json');
      expect(ok.code).toBe(0);
      const report = JSON.parse(ok.stdout);
      expect(report.valid).toBe(true);
      expect(report.signer.organId).toBe('000.00.00.G22');

      const human = await cli('verify', signed, '--trust', trust);
      expect(human.stdout).toMatch(/Verdict:\s+VALID/);
      expect(human.stdout).toContain('Văn phòng Chính phủ');

      const xmlsec = await run('xmlsec1', ['--verify', '--trusted-pem', trust, signed]);
      expect(xmlsec.code).toBe(0);

      const tampered = join(dir, 'doc.tampered.edxml');
      writeFileSync(
        tampered,
        readFileSync(signed, 'utf8')
          .replace('Nội dung', 'Nôi dung')
          .replace(/kết nối/, 'kêt nối'),
      );
      const bad = await cli('verify', tampered, '--trust', trust, '--json');
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).valid).toBe(false);

      await cli('pki', 'revoke', '--ca-dir', caDir, '--cert', `${sender}.cert.pem`);
      const crl = join(dir, 'after-revoke.crl.pem');
      await cli('pki', 'crl', '--ca-dir', caDir, '--out', crl);
      const revoked = await cli('verify', signed, '--trust', trust, '--crl', crl, '--json');
      expect(revoked.code).toBe(1);
      expect(JSON.stringify(JSON.parse(revoked.stdout).problems)).toMatch(/revoked/i);
    });

    it('reports a legacy signature as unverifiable, exit 1', async () => {
      const legacy = await cli('verify', join(SAMPLES, 'edoc.edxml'), '--trust', join(caDir, 'ca.cert.pem'));
      expect(legacy.code).toBe(1);
      expect(legacy.stdout).toMatch(/legacy signature, cannot be verified/i);
    });

    it('signs with an encrypted key only when given its passphrase', async () => {
      const unsigned = join(dir, 'h41.edxml');
      const json = JSON.parse(
        (await cli('edxml', 'parse', join(SAMPLES, 'status_finish_06.edxml'), '--json')).stdout,
      );
      json.messageHeader.from.organId = '000.00.00.H41';
      writeFileSync(join(dir, 'h41.json'), JSON.stringify(json));
      await cli('edxml', 'build', '--meta', join(dir, 'h41.json'), '--out', unsigned);
      const args = [
        'edxml',
        'sign',
        unsigned,
        '--key',
        `${other}.key.pem`,
        '--cert',
        `${other}.cert.pem`,
        '--out',
        join(dir, 'h41.signed.edxml'),
      ];
      const without = await cli(...args);
      expect(without.code).toBe(1);
      expect(without.stderr).toMatch(/passphrase/i);
      expect((await cli(...args, '--passphrase', 's3cret-pass')).code).toBe(0);
      const report = await cli(
        'verify',
        join(dir, 'h41.signed.edxml'),
        '--trust',
        join(caDir, 'ca.cert.pem'),
        '--json',
      );
      expect(JSON.parse(report.stdout).valid).toBe(true);
    });
  });

  describe('as a real process', () => {
    const main = join(REPO_ROOT, 'apps/cli/src/main.ts');
    const node = (...args: string[]) =>
      run(process.execPath, [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        main,
        ...args,
      ]);

    it('exits 2 on a usage error, including a package path that does not exist', async () => {
      const usage = await node('verify', 'x.edxml');
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("required option '--trust <file>' not specified");
      const missing = await node('edxml', 'parse', join(dir, 'does-not-exist.edxml'));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no such file or directory');
    }, 30_000);
  });
});
