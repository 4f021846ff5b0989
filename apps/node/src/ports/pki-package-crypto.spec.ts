import { buildEdxml, formatEdxmlTimestamp, parseEdxml } from '@lienthong/edxml';
import { createCrl, createRootCa, issueFromCsr } from '@lienthong/pki';
import { edocPackage, TEST_CONFIG } from '../testing/unit-fakes';
import { PkiPackageCrypto } from './pki-package-crypto';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';

describe('PkiPackageCrypto', () => {
  const crypto = new PkiPackageCrypto(TEST_CONFIG);
  const ca = createRootCa({ commonName: 'test root' });
  const key = crypto.newAgencyKey(G22);
  const certificatePem = issueFromCsr({
    caKeyPem: ca.keyPem,
    caCertPem: ca.certPem,
    csrPem: key.csrPem,
    organId: G22,
    name: 'VPCP',
  }).certPem;
  const signer = { code: G22, keyPem: key.keyPem, certificatePem };
  const crl = createCrl({ caKeyPem: ca.keyPem, caCertPem: ca.certPem, revoked: [], crlNumber: 1 });
  const trust = { anchorPems: [ca.certPem], crlPems: [crl] };
  // The signing time is the sender's trace header: it must fall inside the certificate's validity.
  const pkg = edocPackage(G22, [H41]);
  pkg.traceHeaderList.traceHeader = [{ organId: G22, timestamp: formatEdxmlTimestamp(new Date()) }];
  const xml = buildEdxml(pkg);

  it('makes an encrypted key and a CSR the CA can certify, and checks the certificate is for that key and code', () => {
    expect(key.keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(crypto.checkCertificate(certificatePem, key.keyPem, G22)).toMatchObject({
      organId: G22,
      name: 'VPCP',
    });
    expect(() => crypto.checkCertificate(certificatePem, key.keyPem, H41)).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_MISMATCH' }),
    );
    const other = crypto.newAgencyKey(G22);
    expect(() => crypto.checkCertificate(certificatePem, other.keyPem, G22)).toThrow(
      expect.objectContaining({ code: 'CERTIFICATE_MISMATCH' }),
    );
  });

  it('signs so that verification succeeds and returns the signed content', () => {
    const signed = crypto.sign(xml, signer);
    const result = crypto.verify(signed, trust);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    // The verified DOM, so the content is not parsed twice.
    expect(typeof result.content).toBe('object');
    expect(parseEdxml(result.content).package).toMatchObject({
      kind: 'edoc',
      messageHeader: { subject: 'Kế hoạch' },
    });
  });

  it('reports tampering and broken XML as refusals, a stale CRL as transient', () => {
    const signed = crypto.sign(xml, signer).toString('utf8');
    expect(crypto.verify(Buffer.from(signed.replace('Kế hoạch', 'Kê hoạch')), trust)).toMatchObject({
      valid: false,
      transient: false,
      code: 'DIGEST_MISMATCH',
    });
    expect(crypto.verify(Buffer.from('<edXML'), trust)).toMatchObject({
      valid: false,
      transient: false,
      code: 'XML_MALFORMED',
    });
    const day = 86_400_000;
    const stale = createCrl({
      caKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      revoked: [],
      crlNumber: 2,
      thisUpdate: new Date(Date.now() - 3 * day),
      nextUpdate: new Date(Date.now() - day),
    });
    expect(crypto.verify(Buffer.from(signed), { ...trust, crlPems: [stale] })).toMatchObject({
      valid: false,
      transient: true,
    });
  });
});
