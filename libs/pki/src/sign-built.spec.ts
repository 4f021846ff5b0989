import { buildEdxml, EdxmlPackage } from '@lienthong/edxml';
import { parseXmlSecurely } from '@lienthong/xml';
import { edocOfType, fullEdoc, minimalEdoc, statusOf } from '../../edxml/test/fixtures';
import { makeTestPki } from '../testing/fixtures';
import { exclusiveC14n } from './c14n';
import { loadPrivateKey } from './keys';
import { signBuiltEdxml, signEdxmlPackage } from './sign';
import { verifyEdxmlSignature } from './verify';

const pki = makeTestPki();
const g22 = { privateKeyPem: pki.g22.keyPem, certificatePem: pki.g22.certPem };
const h41 = { privateKeyPem: pki.h41.keyPem, certificatePem: pki.h41.certPem };

/** Every shape the builder writes, with the characters that need references. */
function packages(): [string, EdxmlPackage, typeof g22][] {
  const awkward = fullEdoc();
  awkward.messageHeader.subject = 'Tab\tCR\rLF\nCRLF\r\n & < > " \' ]]> ệ 𝔸';
  awkward.messageHeader.content = '  spaces kept  ';
  awkward.attachments[0].description = 'mô tả <b>&amp;</b>';
  return [
    ['a full document', fullEdoc(), g22],
    ['a minimal document', minimalEdoc(), g22],
    ['a revocation', edocOfType(1), g22],
    ['text that needs references', awkward, g22],
    ['a status 03', statusOf('03'), h41],
    ['a status 15', statusOf('15'), h41],
  ];
}

describe('signBuiltEdxml', () => {
  it.each(packages())(
    'signs %s to the very bytes signEdxmlPackage writes, which xml-crypto and the verifier accept',
    (_, pkg, signer) => {
      const xml = buildEdxml(pkg);
      const fast = signBuiltEdxml(xml, {
        privateKey: loadPrivateKey(signer.privateKeyPem),
        certificatePem: signer.certificatePem,
      });
      expect(fast).toBe(signEdxmlPackage(xml, signer));
      expect(verifyEdxmlSignature(fast, { trustAnchorPems: [pki.ca.certPem] }).verdict).toBe('valid');
    },
  );

  it.each(packages())('relies on the builder writing %s in canonical form', (_, pkg) => {
    const xml = buildEdxml(pkg);
    const canonical = exclusiveC14n(parseXmlSecurely(xml).documentElement);
    expect(`<?xml version="1.0" encoding="UTF-8"?>\n${canonical}\n`).toBe(xml);
  });

  it('refuses a certificate of another agency than From', () => {
    const xml = buildEdxml(fullEdoc());
    expect(() =>
      signBuiltEdxml(xml, { privateKey: loadPrivateKey(pki.h41.keyPem), certificatePem: pki.h41.certPem }),
    ).toThrow(expect.objectContaining({ code: 'PACKAGE_SENDER_MISMATCH' }));
  });

  it('signs text without the builder shape the general way', () => {
    const xml = buildEdxml(minimalEdoc()).replace('<?xml version="1.0" encoding="UTF-8"?>\n', '');
    const signed = signBuiltEdxml(xml, {
      privateKey: loadPrivateKey(pki.g22.keyPem),
      certificatePem: pki.g22.certPem,
    });
    expect(signed).toBe(signEdxmlPackage(xml, g22));
  });
});
