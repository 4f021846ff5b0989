import { generateKeyPairSync } from 'crypto';
import * as forge from 'node-forge';
import { createRootCa, issueAgencyCertificate } from './ca';
import { createCrl } from './crl';
import { validateCertificateChain } from './chain';

const DAY = 86_400_000;
const codes = (r: { problems: { code: string }[] }) => r.problems.map((p) => p.code);

describe('validateCertificateChain', () => {
  const ca = createRootCa({
    commonName: 'lienthong Test Root CA',
    notBefore: new Date('2020-01-01T00:00:00Z'),
  });
  const since = new Date('2025-01-01T00:00:00Z');
  const until = new Date('2027-01-01T00:00:00Z');
  const issue = (organId: string, extra: { notBefore?: Date; notAfter?: Date } = {}) =>
    issueAgencyCertificate({
      caKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      organId,
      name: 'Văn phòng Chính phủ',
      notBefore: since,
      notAfter: until,
      ...extra,
    });
  const g22 = issue('000.00.00.G22');
  const h41 = issue('000.00.00.H41');
  const at = new Date('2026-06-01T00:00:00Z');
  const trust = { trustAnchorPems: [ca.certPem], at, now: at };

  it('accepts a certificate issued by a trust anchor and reports the chain', () => {
    const result = validateCertificateChain({
      certificatePem: g22.certPem,
      ...trust,
      requiredKeyUsage: ['digitalSignature', 'nonRepudiation'],
    });
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.chain.map((c) => c.organId)).toEqual(['000.00.00.G22', undefined]);
    expect(result.chain[1].isCa).toBe(true);
    expect(result.revocation).toEqual({ checked: false, status: 'unknown' });
  });

  it('rejects an untrusted root', () => {
    const other = createRootCa({ commonName: 'Some Other CA' });
    const result = validateCertificateChain({
      certificatePem: g22.certPem,
      trustAnchorPems: [other.certPem],
      at,
      now: at,
    });
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['UNTRUSTED_ISSUER']);
    expect(result.chain).toHaveLength(1);
  });

  it('rejects a certificate signed by an impostor CA with the same name', () => {
    const impostor = createRootCa({
      commonName: 'lienthong Test Root CA',
      notBefore: new Date('2020-01-01T00:00:00Z'),
    });
    const fake = issueAgencyCertificate({
      caKeyPem: impostor.keyPem,
      caCertPem: impostor.certPem,
      organId: '000.00.00.G22',
      name: 'Văn phòng Chính phủ',
      notBefore: since,
    });
    const result = validateCertificateChain({ certificatePem: fake.certPem, ...trust });
    expect(codes(result)).toEqual(['BAD_CHAIN_SIGNATURE']);
  });

  it('checks validity at the given time for every certificate in the chain', () => {
    expect(
      codes(
        validateCertificateChain({
          certificatePem: g22.certPem,
          ...trust,
          at: new Date(until.getTime() + DAY),
        }),
      ),
    ).toEqual(['EXPIRED']);
    expect(
      codes(
        validateCertificateChain({
          certificatePem: g22.certPem,
          ...trust,
          at: new Date(since.getTime() - DAY),
        }),
      ),
    ).toEqual(['NOT_YET_VALID']);
    const expiredCa = createRootCa({
      commonName: 'Short-lived CA',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2026-01-01T00:00:00Z'),
    });
    const child = issueAgencyCertificate({
      caKeyPem: expiredCa.keyPem,
      caCertPem: expiredCa.certPem,
      organId: 'X',
      name: 'Y',
      notBefore: since,
      notAfter: until,
    });
    const result = validateCertificateChain({
      certificatePem: child.certPem,
      trustAnchorPems: [expiredCa.certPem],
      at,
      now: at,
    });
    expect(codes(result)).toEqual(['EXPIRED']);
    expect(result.problems[0].message).toContain('Short-lived CA');
  });

  it('requires the key usages asked for', () => {
    const result = validateCertificateChain({
      certificatePem: g22.certPem,
      ...trust,
      requiredKeyUsage: ['keyEncipherment'],
    });
    expect(codes(result)).toEqual(['KEY_USAGE']);
  });

  it('never trusts a certificate by itself: not the root as its own anchor, not a self-signed end entity', () => {
    const root = validateCertificateChain({
      certificatePem: ca.certPem,
      ...trust,
      requiredKeyUsage: ['digitalSignature'],
    });
    expect(codes(root)).toEqual(expect.arrayContaining(['UNTRUSTED_ISSUER', 'KEY_USAGE']));
    expect(
      codes(validateCertificateChain({ certificatePem: ca.certPem, ...trust, requireEndEntity: true })),
    ).toContain('NOT_END_ENTITY');
    const selfSigned = selfSignedEndEntity();
    const result = validateCertificateChain({
      certificatePem: selfSigned,
      trustAnchorPems: [selfSigned, ca.certPem],
      at,
      now: at,
    });
    expect(codes(result)).toEqual(['UNTRUSTED_ISSUER']);
    expect(result.problems[0].message).toMatch(/self-signed/);
  });

  describe('with CRLs', () => {
    const crlOf = (
      revoked: { serialNumber: string; revokedAt: Date }[],
      options: { thisUpdate?: Date; nextUpdate?: Date } = {},
    ) =>
      createCrl({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        crlNumber: 5,
        revoked,
        thisUpdate: options.thisUpdate ?? new Date(at.getTime() - DAY),
        nextUpdate: options.nextUpdate ?? new Date(at.getTime() + 6 * DAY),
      });

    it('accepts a certificate the current CRL does not list', () => {
      const result = validateCertificateChain({
        certificatePem: h41.certPem,
        ...trust,
        crls: [crlOf([{ serialNumber: g22.serialNumber, revokedAt: at }])],
      });
      expect(result.valid).toBe(true);
      expect(result.revocation).toMatchObject({ checked: true, status: 'good', crlNumber: '5' });
    });

    it('rejects a revoked certificate and reports when it was revoked, even after the signing time', () => {
      const signedAt = new Date(at.getTime() - 10 * DAY);
      const revokedAt = new Date(at.getTime() - 2 * DAY);
      const result = validateCertificateChain({
        certificatePem: g22.certPem,
        trustAnchorPems: [ca.certPem],
        at: signedAt,
        now: at,
        crls: [crlOf([{ serialNumber: g22.serialNumber, revokedAt }])],
      });
      expect(codes(result)).toEqual(['REVOKED']);
      expect(result.problems[0].message).toContain(revokedAt.toISOString());
      expect(result.problems[0].message).toContain('after');
      expect(result.revocation).toMatchObject({ checked: true, status: 'revoked', revokedAt });
    });

    it('reports a stale CRL, a CRL not signed by the issuer, and a missing CRL', () => {
      const stale = crlOf([], {
        thisUpdate: new Date(at.getTime() - 20 * DAY),
        nextUpdate: new Date(at.getTime() - 13 * DAY),
      });
      expect(
        codes(validateCertificateChain({ certificatePem: h41.certPem, ...trust, crls: [stale] })),
      ).toEqual(['CRL_STALE']);

      const impostor = createRootCa({ commonName: 'lienthong Test Root CA' });
      const forged = createCrl({
        caKeyPem: impostor.keyPem,
        caCertPem: impostor.certPem,
        crlNumber: 9,
        revoked: [],
      });
      expect(
        codes(validateCertificateChain({ certificatePem: h41.certPem, ...trust, crls: [forged] })),
      ).toEqual(['CRL_BAD_SIGNATURE']);

      const elsewhere = createRootCa({ commonName: 'Unrelated CA' });
      const unrelated = createCrl({
        caKeyPem: elsewhere.keyPem,
        caCertPem: elsewhere.certPem,
        crlNumber: 1,
        revoked: [],
      });
      const missing = validateCertificateChain({ certificatePem: h41.certPem, ...trust, crls: [unrelated] });
      expect(codes(missing)).toEqual(['NO_CRL']);
      expect(missing.revocation.status).toBe('unknown');
    });

    it('uses the newest valid CRL of the issuer', () => {
      const older = createCrl({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        crlNumber: 4,
        revoked: [],
        thisUpdate: new Date(at.getTime() - 3 * DAY),
        nextUpdate: new Date(at.getTime() + DAY),
      });
      const newer = crlOf([{ serialNumber: h41.serialNumber, revokedAt: at }]);
      expect(
        codes(validateCertificateChain({ certificatePem: h41.certPem, ...trust, crls: [older, newer] })),
      ).toEqual(['REVOKED']);
    });
  });

  it('reports an unreadable certificate', () => {
    expect(codes(validateCertificateChain({ certificatePem: 'nope', ...trust }))).toEqual([
      'BAD_CERTIFICATE',
    ]);
  });
});

function selfSignedEndEntity(): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2030-01-01T00:00:00Z');
  const name = [{ shortName: 'CN', value: 'Self' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true },
  ]);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    forge.md.sha256.create(),
  );
  return forge.pki.certificateToPem(cert);
}
