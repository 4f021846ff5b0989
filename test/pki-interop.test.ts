/**
 * libs/pki against the reference tools: xmlsec1 (libxmlsec1 1.2.x) and OpenSSL 3 read, verify and
 * produce what lienthong writes and reads. Run with the interop project: they need `openssl` and
 * `xmlsec1` on the PATH (`apt-get install xmlsec1 openssl`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { XmlInputError } from '@lienthong/xml';
import {
  createCrl,
  createRootCa,
  exportPkcs12,
  importPkcs12,
  issueAgencyCertificate,
  issueFromCsr,
  readAgencyIdentity,
  signEdxmlPackage,
  verifyEdxmlSignature,
} from '@lienthong/pki';
import { edxmlPackage, G22, makeTestPki, TestPki } from '../libs/pki/testing/fixtures';

const SAMPLES = resolve(__dirname, '../../shared/interop/vpcp-sdk');
const execFileAsync = promisify(execFile);

interface Run {
  code: number;
  out: string;
}

/** Runs a tool without a shell; never throws on a non-zero exit. */
async function run(command: string, args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { maxBuffer: 64 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

describe('libs/pki interop with xmlsec1 and OpenSSL', () => {
  let dir: string;
  let pki: TestPki;
  let signed: string;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-pki-'));
    pki = makeTestPki();
    signed = signEdxmlPackage(edxmlPackage(), {
      privateKeyPem: pki.g22.keyPem,
      certificatePem: pki.g22.certPem,
    });
    await Promise.all([
      writeFile(file('ca.cert.pem'), pki.ca.certPem),
      writeFile(file('g22.cert.pem'), pki.g22.certPem),
      writeFile(file('g22.key.pem'), pki.g22.keyPem),
      writeFile(file('h41.cert.pem'), pki.h41.certPem),
      writeFile(file('signed.xml'), signed),
    ]);
  });

  describe('xmlsec1', () => {
    it('verifies our signed package against the trusted root', async () => {
      const result = await run('xmlsec1', [
        '--verify',
        '--enabled-reference-uris',
        'empty',
        '--trusted-pem',
        file('ca.cert.pem'),
        file('signed.xml'),
      ]);
      expect(result.out).toMatch(/^OK$/m);
      expect(result.code).toBe(0);
    });

    it('rejects it after one changed byte', async () => {
      await writeFile(file('tampered.xml'), signed.replace('Kế hoạch', 'Kê hoạch'));
      const result = await run('xmlsec1', [
        '--verify',
        '--trusted-pem',
        file('ca.cert.pem'),
        file('tampered.xml'),
      ]);
      expect(result.out).toMatch(/^FAIL$/m);
      expect(result.code).not.toBe(0);
    });

    it('rejects it when the signer’s CA is not the trusted one', async () => {
      const other = createRootCa({ commonName: 'Unrelated CA' });
      await writeFile(file('other-ca.pem'), other.certPem);
      const result = await run('xmlsec1', [
        '--verify',
        '--trusted-pem',
        file('other-ca.pem'),
        file('signed.xml'),
      ]);
      expect(result.code).not.toBe(0);
    });

    it('verifies a package in the SDK shape (undeclared edXML:/xlink: prefixes) once we signed it', async () => {
      const sdkShaped = signEdxmlPackage(edxmlPackage({ undeclaredPrefixes: true }), {
        privateKeyPem: pki.g22.keyPem,
        certificatePem: pki.g22.certPem,
      });
      await writeFile(file('sdk-shaped.xml'), sdkShaped);
      const result = await run('xmlsec1', [
        '--verify',
        '--trusted-pem',
        file('ca.cert.pem'),
        file('sdk-shaped.xml'),
      ]);
      expect(result.code).toBe(0);
    });

    it('signs with our profile in a way our verifier accepts', async () => {
      const template =
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
        '<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
        '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
        '<Reference URI=""><Transforms>' +
        '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
        '<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>' +
        '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference>' +
        '</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>';
      await writeFile(file('template.xml'), edxmlPackage({ headerTail: template }));
      const result = await run('xmlsec1', [
        '--sign',
        '--privkey-pem',
        `${file('g22.key.pem')},${file('g22.cert.pem')}`,
        '--output',
        file('by-xmlsec.xml'),
        file('template.xml'),
      ]);
      expect(result.code).toBe(0);
      const bySigner = await readFile(file('by-xmlsec.xml'));
      const report = verifyEdxmlSignature(bySigner, { trustAnchorPems: [pki.ca.certPem] });
      expect(report.problems).toEqual([]);
      expect(report.verdict).toBe('valid');
      expect(report.signer?.organId).toBe(G22.organId);
    });
  });

  describe('openssl', () => {
    it('verifies the agency certificate chain', async () => {
      const result = await run('openssl', ['verify', '-CAfile', file('ca.cert.pem'), file('g22.cert.pem')]);
      expect(result.out).toContain(`${file('g22.cert.pem')}: OK`);
      expect(result.code).toBe(0);
    });

    it('shows the identifier code in the subject UID, and the Vietnamese name intact', async () => {
      const plain = await run('openssl', ['x509', '-in', file('g22.cert.pem'), '-noout', '-subject']);
      expect(plain.out).toContain('UID = 000.00.00.G22');
      const utf8 = await run('openssl', [
        'x509',
        '-in',
        file('g22.cert.pem'),
        '-noout',
        '-subject',
        '-nameopt',
        'utf8',
      ]);
      expect(utf8.out.trim()).toBe(
        'subject=C=VN, O=Văn phòng Chính phủ, CN=Văn phòng Chính phủ, UID=000.00.00.G22',
      );
      const text = await run('openssl', ['x509', '-in', file('g22.cert.pem'), '-noout', '-text']);
      expect(text.out).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation/);
      expect(text.out).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
      expect(text.out).toContain('X509v3 Authority Key Identifier');
    });

    it('enforces our CRL: rejects the revoked certificate, accepts the other, and lists the serial', async () => {
      const crl = createCrl({
        caKeyPem: pki.ca.keyPem,
        caCertPem: pki.ca.certPem,
        crlNumber: 17,
        revoked: [
          {
            serialNumber: pki.h41.serialNumber,
            revokedAt: new Date(Date.now() - 3_600_000),
            reason: 'keyCompromise',
          },
        ],
      });
      await writeFile(file('ca.crl.pem'), crl);
      const check = (cert: string) =>
        run('openssl', [
          'verify',
          '-crl_check',
          '-CAfile',
          file('ca.cert.pem'),
          '-CRLfile',
          file('ca.crl.pem'),
          file(cert),
        ]);
      const revoked = await check('h41.cert.pem');
      expect(revoked.code).not.toBe(0);
      expect(revoked.out).toContain('certificate revoked');
      const good = await check('g22.cert.pem');
      expect(good.code).toBe(0);
      expect(good.out).toContain(': OK');

      const text = await run('openssl', ['crl', '-in', file('ca.crl.pem'), '-noout', '-text']);
      expect(text.code).toBe(0);
      expect(text.out).toContain('Version 2');
      expect(text.out).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(text.out).toContain(`Serial Number: ${pki.h41.serialNumber}`);
      expect(text.out).not.toContain(`Serial Number: ${pki.g22.serialNumber}`);
      expect(text.out).toMatch(/X509v3 CRL Number:\s+17/);
      expect(text.out).toMatch(/X509v3 CRL Reason Code:\s+Key Compromise/);
      expect(text.out).toContain('X509v3 Authority Key Identifier');
      const signature = await run('openssl', [
        'crl',
        '-in',
        file('ca.crl.pem'),
        '-noout',
        '-CAfile',
        file('ca.cert.pem'),
      ]);
      expect(signature.out).toContain('verify OK');
    });

    it('reads our PKCS#12 with the password, without -legacy (3DES key bag, SHA-256 MAC)', async () => {
      const p12 = exportPkcs12({
        keyPem: pki.g22.keyPem,
        certPem: pki.g22.certPem,
        chainPems: [pki.ca.certPem],
        password: 'p12 mật khẩu',
        friendlyName: G22.organId,
      });
      await writeFile(file('g22.p12'), p12);
      const info = await run('openssl', [
        'pkcs12',
        '-info',
        '-nodes',
        '-in',
        file('g22.p12'),
        '-passin',
        'pass:p12 mật khẩu',
      ]);
      expect(info.code).toBe(0);
      expect(info.out).toContain('MAC: sha256');
      expect(info.out).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');
      expect(info.out).toContain('-----BEGIN PRIVATE KEY-----');
      expect(info.out).toContain(`friendlyName: ${G22.organId}`);
      expect(info.out.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
      const wrong = await run('openssl', [
        'pkcs12',
        '-info',
        '-nodes',
        '-in',
        file('g22.p12'),
        '-passin',
        'pass:wrong',
      ]);
      expect(wrong.code).not.toBe(0);
    });

    it('gives us PKCS#12 files we import (OpenSSL 3 defaults: AES-256, PBKDF2)', async () => {
      const made = await run('openssl', [
        'pkcs12',
        '-export',
        '-inkey',
        file('g22.key.pem'),
        '-in',
        file('g22.cert.pem'),
        '-certfile',
        file('ca.cert.pem'),
        '-passout',
        'pass:từ openssl',
        '-out',
        file('openssl.p12'),
      ]);
      expect(made.code).toBe(0);
      const imported = importPkcs12(await readFile(file('openssl.p12')), 'từ openssl');
      expect(readAgencyIdentity(imported.certPem).organId).toBe(G22.organId);
      expect(imported.chainPems).toHaveLength(1);
      expect(
        signEdxmlPackage(edxmlPackage(), {
          privateKeyPem: imported.keyPem,
          certificatePem: imported.certPem,
        }),
      ).toContain('<SignatureValue>');
    });

    it('reads our encrypted private keys, and we certify its CSRs', async () => {
      const issued = issueAgencyCertificate({
        caKeyPem: pki.ca.keyPem,
        caCertPem: pki.ca.certPem,
        organId: '000.00.00.H57',
        name: 'UBND tỉnh Thừa Thiên Huế',
        passphrase: 'khoá',
      });
      await writeFile(file('h57.key.pem'), issued.keyPem);
      const key = await run('openssl', [
        'pkey',
        '-in',
        file('h57.key.pem'),
        '-passin',
        'pass:khoá',
        '-noout',
      ]);
      expect(key.code).toBe(0);
      const noPass = await run('openssl', [
        'pkey',
        '-in',
        file('h57.key.pem'),
        '-passin',
        'pass:sai',
        '-noout',
      ]);
      expect(noPass.code).not.toBe(0);

      const csr = await run('openssl', [
        'req',
        '-new',
        '-key',
        file('h57.key.pem'),
        '-passin',
        'pass:khoá',
        '-subj',
        '/CN=whatever the requester says',
        '-out',
        file('h57.csr.pem'),
      ]);
      expect(csr.code).toBe(0);
      const fromCsr = issueFromCsr({
        caKeyPem: pki.ca.keyPem,
        caCertPem: pki.ca.certPem,
        csrPem: await readFile(file('h57.csr.pem'), 'utf8'),
        organId: '000.00.00.H57',
        name: 'UBND tỉnh Thừa Thiên Huế',
      });
      await writeFile(file('h57.cert.pem'), fromCsr.certPem);
      const verified = await run('openssl', ['verify', '-CAfile', file('ca.cert.pem'), file('h57.cert.pem')]);
      expect(verified.code).toBe(0);
      const subject = await run('openssl', ['x509', '-in', file('h57.cert.pem'), '-noout', '-subject']);
      expect(subject.out).toContain('UID = 000.00.00.H57');
      expect(subject.out).not.toContain('whatever');
    });
  });

  describe('the SDK sample packages', () => {
    it.each(['edoc.edxml', 'edoc_update.edxml', 'edoc_revocation.edxml'])(
      '%s carries a legacy signature',
      async (name) => {
        const report = verifyEdxmlSignature(await readFile(join(SAMPLES, name)), {
          trustAnchorPems: [pki.ca.certPem],
        });
        expect(report.verdict).toBe('legacy');
        expect(report.valid).toBe(false);
        expect(report.problems[0].message).toMatch(/^legacy signature, cannot be verified/);
      },
    );

    it('status.edxml is unsigned', async () => {
      const report = verifyEdxmlSignature(await readFile(join(SAMPLES, 'status.edxml')), {
        trustAnchorPems: [pki.ca.certPem],
      });
      expect(report.verdict).toBe('unsigned');
    });
  });

  describe('hostile XML', () => {
    it('refuses an external entity (XXE) quickly and without opening the file', async () => {
      const secret = file('secret.txt');
      await writeFile(secret, 'TOP-SECRET-MARKER');
      // The module object every library shares, so the spies see any file access at all.
      const nodeFs = jest.requireActual<typeof import('node:fs')>('node:fs');
      const openSpy = jest.spyOn(nodeFs, 'openSync');
      const readSpy = jest.spyOn(nodeFs, 'readFileSync');
      try {
        const xxe = `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file://${secret}">]>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&e;</edXML>`;
        const started = process.hrtime.bigint();
        let caught: unknown;
        try {
          verifyEdxmlSignature(xxe, { trustAnchorPems: [pki.ca.certPem] });
        } catch (error) {
          caught = error;
        }
        expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
        expect(caught).toBeInstanceOf(XmlInputError);
        expect((caught as XmlInputError).code).toBe('XML_DOCTYPE_FORBIDDEN');
        expect(String((caught as Error).message)).not.toContain('TOP-SECRET');
        const touched = [...openSpy.mock.calls, ...readSpy.mock.calls].some((call) =>
          String(call[0]).includes('secret.txt'),
        );
        expect(touched).toBe(false);
      } finally {
        openSpy.mockRestore();
        readSpy.mockRestore();
      }
    });

    it('refuses a billion-laughs document quickly and without memory blow-up', () => {
      const levels = Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
      ).join('\n');
      const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${levels}\n]>\n<edXML>&lol9;</edXML>`;
      const heapBefore = process.memoryUsage().heapUsed;
      const started = process.hrtime.bigint();
      expect(() => verifyEdxmlSignature(bomb, { trustAnchorPems: [pki.ca.certPem] })).toThrow(
        expect.objectContaining({ name: 'XmlInputError', code: 'XML_DOCTYPE_FORBIDDEN' }),
      );
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
    });

    it('refuses entity references without a DOCTYPE, and documents past the size limit', () => {
      expect(() =>
        verifyEdxmlSignature('<edXML>&lol;</edXML>', { trustAnchorPems: [pki.ca.certPem] }),
      ).toThrow(expect.objectContaining({ code: 'XML_ENTITY_FORBIDDEN' }));
      expect(() =>
        verifyEdxmlSignature(signed, { trustAnchorPems: [pki.ca.certPem], limits: { maxBytes: 4096 } }),
      ).toThrow(expect.objectContaining({ code: 'XML_TOO_LARGE' }));
    });
  });
});
