import { X509Certificate } from 'crypto';
import * as forge from 'node-forge';
import { createCsr, createRootCa, issueAgencyCertificate, issueFromCsr } from './ca';
import { parseCertificate, readAgencyIdentity } from './certificate';
import { generateRsaKeyPair, loadPrivateKey, publicKeyPemOf } from './keys';
import { derToPem, pemToDer } from './pem';

describe('development CA', () => {
  const ca = createRootCa({ commonName: 'lienthong Test Root CA' });
  const agency = issueAgencyCertificate({
    caKeyPem: ca.keyPem,
    caCertPem: ca.certPem,
    organId: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
  });

  it('makes a self-signed CA certificate with critical CA constraints and key usages', () => {
    const root = parseCertificate(ca.certPem);
    expect(root.isCa).toBe(true);
    expect([...root.keyUsage!].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect(root.subjectKeyId).toMatch(/^[0-9A-F]{40}$/);
    expect(root.node.checkIssued(root.node)).toBe(true);
    expect(root.node.verify(root.publicKey)).toBe(true);
    const forgeCert = forge.pki.certificateFromPem(ca.certPem);
    expect(forgeCert.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true });
    expect(forgeCert.getExtension('keyUsage')).toMatchObject({
      keyCertSign: true,
      cRLSign: true,
      critical: true,
    });
    expect(root.notAfter.getTime() - root.notBefore.getTime()).toBeGreaterThan(9.9 * 365 * 86_400_000);
  });

  it('puts the identifier code in the subject UID and the name in CN and O', () => {
    const identity = readAgencyIdentity(agency.certPem);
    expect(identity.organId).toBe('000.00.00.G22');
    expect(identity.name).toBe('Văn phòng Chính phủ');
    expect(identity.subject).toBe('C=VN, O=Văn phòng Chính phủ, CN=Văn phòng Chính phủ, UID=000.00.00.G22');
    expect(identity.issuer).toBe(readAgencyIdentity(ca.certPem).subject);
    expect(identity.serialNumber).toBe(agency.serialNumber);
    // Node's own reading of the name agrees (UTF-8 intact, UID recognised).
    expect(new X509Certificate(agency.certPem).subject).toContain('UID=000.00.00.G22');
    expect(new X509Certificate(agency.certPem).subject).toContain('CN=Văn phòng Chính phủ');
  });

  it('issues signing-only end-entity certificates chained to the CA', () => {
    const cert = parseCertificate(agency.certPem);
    const root = parseCertificate(ca.certPem);
    expect(cert.isCa).toBe(false);
    expect([...cert.keyUsage!].sort()).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(cert.authorityKeyId).toBe(root.subjectKeyId);
    expect(cert.node.verify(root.publicKey)).toBe(true);
    expect(cert.issuerDer.equals(root.subjectDer)).toBe(true);
    const forgeCert = forge.pki.certificateFromPem(agency.certPem);
    expect(forgeCert.getExtension('keyUsage')).toMatchObject({ critical: true, keyCertSign: false });
    expect(forgeCert.getExtension('basicConstraints')).toMatchObject({ cA: false });
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(730 * 86_400_000);
  });

  it('uses random positive 16-byte serial numbers', () => {
    const serials = new Set(
      [0, 1, 2].map(
        () =>
          issueAgencyCertificate({
            caKeyPem: ca.keyPem,
            caCertPem: ca.certPem,
            organId: '000.00.00.H41',
            name: 'UBND tỉnh Nghệ An',
            publicKeyPem: generateRsaKeyPair().publicKeyPem,
          }).serialNumber,
      ),
    );
    expect(serials.size).toBe(3);
    for (const serial of serials) expect(serial).toMatch(/^[1-7][0-9A-F]{31}$/);
    expect(agency.serialNumber).toMatch(/^[1-7][0-9A-F]{31}$/);
    expect(agency.keyPem).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('certifies a given public key without returning a private key', () => {
    const pair = generateRsaKeyPair();
    const issued = issueAgencyCertificate({
      caKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      organId: '000.00.00.H41',
      name: 'UBND tỉnh Nghệ An',
      publicKeyPem: pair.publicKeyPem,
    });
    expect(issued.keyPem).toBeUndefined();
    expect(publicKeyPemOf(issued.certPem)).toBe(pair.publicKeyPem);
  });

  it('encrypts the generated key when given a passphrase', () => {
    const issued = issueAgencyCertificate({
      caKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      organId: '000.00.00.H41',
      name: 'UBND tỉnh Nghệ An',
      passphrase: 's3cret',
    });
    expect(issued.keyPem).toContain('ENCRYPTED PRIVATE KEY');
    expect(new X509Certificate(issued.certPem).checkPrivateKey(loadPrivateKey(issued.keyPem, 's3cret'))).toBe(
      true,
    );
  });

  it('refuses a CA key that does not belong to the CA certificate, and a non-CA issuer', () => {
    const other = createRootCa({ commonName: 'Other CA' });
    expect(() =>
      issueAgencyCertificate({ caKeyPem: other.keyPem, caCertPem: ca.certPem, organId: 'X', name: 'Y' }),
    ).toThrow(expect.objectContaining({ code: 'KEY_CERT_MISMATCH' }));
    expect(() =>
      issueAgencyCertificate({ caKeyPem: agency.keyPem, caCertPem: agency.certPem, organId: 'X', name: 'Y' }),
    ).toThrow(/not a CA/);
    expect(() =>
      issueAgencyCertificate({ caKeyPem: ca.keyPem, caCertPem: ca.certPem, organId: '', name: 'Y' }),
    ).toThrow(/organId/);
  });

  describe('from a PKCS#10 request', () => {
    const requester = generateRsaKeyPair();
    const csrPem = createCsr({
      privateKeyPem: requester.privateKeyPem,
      organId: '999.99.99.X99',
      name: 'Kẻ mạo danh',
    });

    it('certifies the key of a correctly self-signed request, with the caller’s code and name only', () => {
      const issued = issueFromCsr({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        csrPem,
        organId: '000.00.00.H41',
        name: 'UBND tỉnh Nghệ An',
      });
      const identity = readAgencyIdentity(issued.certPem);
      expect(identity.organId).toBe('000.00.00.H41');
      expect(identity.name).toBe('UBND tỉnh Nghệ An');
      expect(issued.certPem).not.toContain('X99');
      expect(publicKeyPemOf(issued.certPem)).toBe(requester.publicKeyPem);
    });

    it('refuses a request whose self-signature does not verify', () => {
      const der = pemToDer(csrPem, 'CERTIFICATE REQUEST');
      der[der.length - 1] ^= 0x01; // one bit of the signature
      const forged = derToPem(der, 'CERTIFICATE REQUEST');
      expect(() =>
        issueFromCsr({ caKeyPem: ca.keyPem, caCertPem: ca.certPem, csrPem: forged, organId: 'A', name: 'B' }),
      ).toThrow(expect.objectContaining({ code: 'CSR_INVALID' }));
      expect(() =>
        issueFromCsr({
          caKeyPem: ca.keyPem,
          caCertPem: ca.certPem,
          csrPem: 'nonsense',
          organId: 'A',
          name: 'B',
        }),
      ).toThrow(expect.objectContaining({ code: 'CSR_INVALID' }));
    });
  });
});
