import { X509Certificate } from 'crypto';
import * as forge from 'node-forge';
import { createRootCa, issueAgencyCertificate } from './ca';
import { loadPrivateKey } from './keys';
import { exportPkcs12, importPkcs12 } from './pkcs12';

describe('PKCS#12', () => {
  const ca = createRootCa({ commonName: 'lienthong Test Root CA' });
  const agency = issueAgencyCertificate({
    caKeyPem: ca.keyPem,
    caCertPem: ca.certPem,
    organId: '000.00.00.G22',
    name: 'Văn phòng Chính phủ',
    passphrase: 'khoá-bí-mật',
  });
  const p12 = exportPkcs12({
    keyPem: agency.keyPem,
    keyPassphrase: 'khoá-bí-mật',
    certPem: agency.certPem,
    chainPems: [ca.certPem],
    password: 'mật khẩu p12',
    friendlyName: '000.00.00.G22',
  });

  it('round-trips the key, the certificate, the chain and the friendly name', () => {
    const back = importPkcs12(p12, 'mật khẩu p12');
    expect(back.certPem).toBe(new X509Certificate(agency.certPem).toString());
    expect(back.chainPems).toEqual([new X509Certificate(ca.certPem).toString()]);
    expect(back.friendlyName).toBe('000.00.00.G22');
    expect(new X509Certificate(back.certPem).checkPrivateKey(loadPrivateKey(back.keyPem))).toBe(true);
  });

  it('uses 3DES for the key bag and an HMAC-SHA256 MAC', () => {
    const pfx = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
    const macData = (pfx.value as forge.asn1.Asn1[])[2];
    const macAlgorithm = (
      ((macData.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[]
    )[0];
    expect(forge.asn1.derToOid(macAlgorithm.value as string)).toBe(forge.pki.oids.sha256);
    expect(
      p12.includes(
        Buffer.from(
          forge.asn1.oidToDer(forge.pki.oids['pbeWithSHAAnd3-KeyTripleDES-CBC']).getBytes(),
          'binary',
        ),
      ),
    ).toBe(true);
  });

  it('refuses a wrong password and a key that is not the certificate’s', () => {
    expect(() => importPkcs12(p12, 'wrong')).toThrow(
      expect.objectContaining({ code: 'PKCS12_PASSWORD_WRONG' }),
    );
    expect(() => importPkcs12(Buffer.from('not a pfx'), 'x')).toThrow(
      expect.objectContaining({ code: 'PKCS12_INVALID' }),
    );
    expect(() => exportPkcs12({ keyPem: ca.keyPem, certPem: agency.certPem, password: 'x' })).toThrow(
      expect.objectContaining({ code: 'KEY_CERT_MISMATCH' }),
    );
  });

  it('accepts an empty password', () => {
    const open = exportPkcs12({ keyPem: ca.keyPem, certPem: ca.certPem, password: '' });
    expect(importPkcs12(open, '').certPem).toBe(new X509Certificate(ca.certPem).toString());
  });
});
