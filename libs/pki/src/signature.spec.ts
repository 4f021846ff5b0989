import { XmlInputError, parseXmlSecurely } from '@lienthong/xml';
import { SignedXml } from 'xml-crypto';
import { edxmlPackage, G22, H41, makeTestPki, vnTimestamp } from '../testing/fixtures';
import { createRootCa, issueAgencyCertificate } from './ca';
import { exclusiveC14n } from './c14n';
import { createCrl } from './crl';
import { elementChildren, XMLDSIG_NS } from './edxml-dom';
import { loadPrivateKey } from './keys';
import { canonicalSignedInfo, signEdxmlPackage } from './sign';
import { SignatureVerification, verifyEdxmlSignature, VerifyEdxmlOptions } from './verify';
import { inspectSignature, XMLDSIG } from './xmldsig-profile';

const pki = makeTestPki();
const trust: VerifyEdxmlOptions = { trustAnchorPems: [pki.ca.certPem] };
const verify = (xml: string | Uint8Array, extra: Partial<VerifyEdxmlOptions> = {}) =>
  verifyEdxmlSignature(xml, { ...trust, ...extra });
const signAsG22 = (xml: string) =>
  signEdxmlPackage(xml, { privateKeyPem: pki.g22.keyPem, certificatePem: pki.g22.certPem });
const codes = (r: SignatureVerification) => r.problems.map((p) => p.code);

/** Replaces exactly one occurrence, so that a test cannot silently tamper with nothing. */
function once(text: string, from: string | RegExp, to: string | ((match: string) => string)): string {
  const matches =
    typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  if (matches !== 1) throw new Error(`expected exactly one ${String(from)}, found ${matches}`);
  return text.replace(from, to as string);
}

const between = (text: string, open: string, close: string) => {
  const start = text.indexOf(open);
  return text.slice(start, text.indexOf(close, start) + close.length);
};

/** A different base64 character at `index`, keeping the text canonical base64. */
function flipBase64(value: string, index: number): string {
  return value.slice(0, index) + (value[index] === 'A' ? 'B' : 'A') + value.slice(index + 1);
}

/** Signs with xml-crypto's own computeSignature (no lienthong checks), the way another producer would. */
function xmlCryptoSign(xml: string, keyPem: string, certPem: string): string {
  const signer = new SignedXml({
    privateKey: keyPem,
    publicCert: certPem,
    signatureAlgorithm: XMLDSIG.rsaSha256,
    canonicalizationAlgorithm: XMLDSIG.excC14n,
  });
  signer.addReference({
    xpath: '/*',
    isEmptyUri: true,
    transforms: [XMLDSIG.envelopedSignature, XMLDSIG.excC14n],
    digestAlgorithm: XMLDSIG.sha256,
  });
  signer.computeSignature(xml, {
    location: { reference: "//*[local-name()='edXMLHeader']", action: 'append' },
  });
  return signer.getSignedXml();
}

const unsigned = edxmlPackage({ timestamp: '2026/11/20 09:30:00' });
const signed = signAsG22(unsigned);
const signatureBlock = between(signed, '<Signature xmlns=', '</Signature>');
const signatureValue = between(signed, '<SignatureValue>', '</SignatureValue>').replace(
  /<\/?SignatureValue>/g,
  '',
);
const certificate = between(signed, '<X509Certificate>', '</X509Certificate>').replace(
  /<\/?X509Certificate>/g,
  '',
);

describe('signEdxmlPackage', () => {
  it('writes the profile: one enveloped exc-C14N RSA-SHA256 signature, last in edXMLHeader, with the certificate', () => {
    const doc = parseXmlSecurely(signed);
    const header = doc.getElementsByTagNameNS('*', 'edXMLHeader').item(0)!;
    const signature = elementChildren(header).pop()!;
    expect(signature.localName).toBe('Signature');
    expect(signature.namespaceURI).toBe(XMLDSIG.namespace);
    expect(doc.getElementsByTagNameNS('*', 'Signature')).toHaveLength(1);
    const algorithms = Array.from({ length: signature.getElementsByTagNameNS('*', '*').length }, (_, i) =>
      signature.getElementsByTagNameNS('*', '*').item(i)!,
    )
      .filter((e) => e.hasAttribute('Algorithm'))
      .map((e) => `${e.localName}=${e.getAttribute('Algorithm')}`);
    expect(algorithms).toEqual([
      `CanonicalizationMethod=${XMLDSIG.excC14n}`,
      `SignatureMethod=${XMLDSIG.rsaSha256}`,
      `Transform=${XMLDSIG.envelopedSignature}`,
      `Transform=${XMLDSIG.excC14n}`,
      `DigestMethod=${XMLDSIG.sha256}`,
    ]);
    expect(signed).toContain('<Reference URI="">');
    expect(certificate).toBe(pki.g22.certPem.replace(/-----[A-Z ]+-----|\s/g, ''));
    expect(signed.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });

  it('produces what xml-crypto checkSignature accepts, over the same canonical bytes', () => {
    const doc = parseXmlSecurely(signed);
    const inspection = inspectSignature(doc);
    if (inspection.kind !== 'profile') throw new Error(inspection.kind);
    const checker = new SignedXml({ getCertFromKeyInfo: () => pki.g22.certPem });
    checker.loadSignature(inspection.signature);
    expect(checker.checkSignature(signed)).toBe(true);
    expect(checker.getSignedReferences()).toEqual([verify(signed).signedXml]);
  });

  it('accepts bytes and an already loaded key', () => {
    const again = signEdxmlPackage(Buffer.from(unsigned, 'utf8'), {
      privateKey: loadPrivateKey(pki.g22.keyPem),
      certificatePem: pki.g22.certPem,
    });
    expect(verify(again).verdict).toBe('valid');
  });

  it('refuses to sign twice unless asked to replace the existing signature', () => {
    expect(() => signAsG22(signed)).toThrow(expect.objectContaining({ code: 'PACKAGE_ALREADY_SIGNED' }));
    const resigned = signEdxmlPackage(signed, {
      privateKeyPem: pki.g22.keyPem,
      certificatePem: pki.g22.certPem,
      replaceExisting: true,
    });
    expect(resigned.match(/<Signature /g)).toHaveLength(1);
    expect(verify(resigned).verdict).toBe('valid');
  });

  it('replaces a legacy signature, but never one outside the header', () => {
    const legacy = edxmlPackage({ headerTail: '<edXML:DigitalSignature/>' });
    expect(() => signAsG22(legacy)).toThrow(/already carries a signature/);
    const replaced = signEdxmlPackage(legacy, {
      privateKeyPem: pki.g22.keyPem,
      certificatePem: pki.g22.certPem,
      replaceExisting: true,
    });
    expect(replaced).not.toContain('DigitalSignature');
    expect(verify(replaced).verdict).toBe('valid');
    const outside = once(unsigned, '</edXML:edXMLBody>', '<Signature/></edXML:edXMLBody>');
    expect(() =>
      signEdxmlPackage(outside, {
        privateKeyPem: pki.g22.keyPem,
        certificatePem: pki.g22.certPem,
        replaceExisting: true,
      }),
    ).toThrow(/outside edXMLHeader/);
  });

  it('refuses a certificate of another agency than From, and a key of another certificate', () => {
    expect(() =>
      signEdxmlPackage(unsigned, { privateKeyPem: pki.h41.keyPem, certificatePem: pki.h41.certPem }),
    ).toThrow(expect.objectContaining({ code: 'PACKAGE_SENDER_MISMATCH' }));
    expect(() =>
      signEdxmlPackage(unsigned, { privateKeyPem: pki.h41.keyPem, certificatePem: pki.g22.certPem }),
    ).toThrow(expect.objectContaining({ code: 'KEY_CERT_MISMATCH' }));
  });

  it('needs the passphrase of an encrypted key', () => {
    const issued = issueAgencyCertificate({
      caKeyPem: pki.ca.keyPem,
      caCertPem: pki.ca.certPem,
      ...G22,
      passphrase: 'mật khẩu',
      notBefore: new Date('2021-01-01T00:00:00Z'),
      validityDays: 3650,
    });
    const options = { privateKeyPem: issued.keyPem, certificatePem: issued.certPem };
    expect(() => signEdxmlPackage(unsigned, options)).toThrow(
      expect.objectContaining({ code: 'KEY_PASSPHRASE_REQUIRED' }),
    );
    expect(() => signEdxmlPackage(unsigned, { ...options, passphrase: 'sai' })).toThrow(
      expect.objectContaining({ code: 'KEY_PASSPHRASE_WRONG' }),
    );
    expect(verify(signEdxmlPackage(unsigned, { ...options, passphrase: 'mật khẩu' })).verdict).toBe('valid');
  });

  it('declares the edXML and xlink prefixes that SDK packages use undeclared', () => {
    const sdkShaped = edxmlPackage({ undeclaredPrefixes: true });
    const out = signAsG22(sdkShaped);
    expect(out).toMatch(/<edXML [^>]*xmlns:edXML="http:\/\/www\.mic\.gov\.vn\/TBT\/QCVN_102_2016"/);
    expect(out).toMatch(/<edXML [^>]*xmlns:xlink="http:\/\/www\.w3\.org\/1999\/xlink"/);
    const doc = parseXmlSecurely(out);
    expect(
      doc.getElementsByTagNameNS('http://www.mic.gov.vn/TBT/QCVN_102_2016', 'AttachmentEncoded'),
    ).toHaveLength(1);
    expect(verify(out).verdict).toBe('valid');
  });

  it('writes SignedInfo exactly as its exclusive C14N form, which the signature value covers', () => {
    const doc = parseXmlSecurely(signed);
    const signedInfo = doc.getElementsByTagNameNS(XMLDSIG_NS, 'SignedInfo').item(0)!;
    const digest = between(signed, '<DigestValue>', '</DigestValue>').replace(/<\/?DigestValue>/g, '');
    expect(canonicalSignedInfo(digest)).toBe(exclusiveC14n(signedInfo));
  });

  it('keeps content that imitates a signature as content', () => {
    const decoy = '<![CDATA[<lt-signature-0/> <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>]]>';
    const signedDecoy = signAsG22(once(unsigned, '<edXML:edXMLBody>', `<edXML:edXMLBody><!--${decoy}-->`));
    expect(signedDecoy).toContain(decoy);
    expect(signedDecoy.split('<SignatureValue>')).toHaveLength(2);
    expect(verify(signedDecoy).verdict).toBe('valid');
  });

  it('parses its input securely and wants an edXML envelope', () => {
    expect(() => signAsG22('<!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>')).toThrow(XmlInputError);
    expect(() => signAsG22('<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>')).toThrow(
      expect.objectContaining({ code: 'PACKAGE_NOT_EDXML' }),
    );
    expect(() => signAsG22(once(unsigned, '<edXML:edXMLBody>', '<edXML:edXMLBody><?pi data?>'))).toThrow(
      /Processing instructions/,
    );
  });
});

describe('verifyEdxmlSignature', () => {
  it('accepts a package signed by the sender, reporting who signed, when, and what was signed', () => {
    const report = verify(signed, {
      crls: [createCrl({ caKeyPem: pki.ca.keyPem, caCertPem: pki.ca.certPem, crlNumber: 1, revoked: [] })],
    });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({
      valid: true,
      verdict: 'valid',
      packageFromOrganId: G22.organId,
      signingTime: '2026-11-20T02:30:00.000Z',
      signingTimeSource: 'trace-header',
      signatureAlgorithm: XMLDSIG.rsaSha256,
      canonicalizationAlgorithm: XMLDSIG.excC14n,
      signatureValue,
      signer: { organId: G22.organId, name: G22.name, serialNumber: pki.g22.serialNumber },
      revocation: { checked: true, status: 'good', crlNumber: '1' },
    });
    expect(report.references).toEqual([
      {
        uri: '',
        digestAlgorithm: XMLDSIG.sha256,
        digestValue: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
        valid: true,
      },
    ]);
    expect(report.chain.map((c) => c.subject)).toEqual([
      `C=VN, O=${G22.name}, CN=${G22.name}, UID=${G22.organId}`,
      'C=VN, O=lienthong Test Root CA, CN=lienthong Test Root CA',
    ]);
    // The signed content, canonical, without the signature and without comments.
    expect(report.signedXml).toMatch(/^<edXML xmlns="http:\/\/www\.mic\.gov\.vn\/TBT\/QCVN_102_2016"/);
    expect(report.signedXml).toContain('Kế hoạch kết nối liên thông văn bản &amp; "điện tử"');
    expect(report.signedXml).not.toContain('Signature');
    expect(report.signedXml).not.toContain('<!--');
  });

  it('hands back the verified DOM without its Signature when asked: the very content of signedXml', () => {
    const report = verify(signed, { keepSignedDocument: true });
    expect(report.valid).toBe(true);
    const doc = report.signedDocument!;
    expect(doc.getElementsByTagNameNS(XMLDSIG_NS, 'Signature')).toHaveLength(0);
    const plain = verify(signed);
    expect(plain.signedDocument).toBeUndefined();
    expect(exclusiveC14n(doc.documentElement)).toBe(plain.signedXml);
    // signedXml is still there for whoever reads it (computed then), and JSON shows it.
    expect(report.signedXml).toBe(plain.signedXml);
    const tampered = verify(once(signed, 'Kế hoạch', 'Kê hoạch'), { keepSignedDocument: true });
    expect(tampered.valid).toBe(false);
    expect(tampered.signedDocument).toBeUndefined();
  });

  it('uses the verification time when the sender left no trace header', () => {
    const at = new Date('2026-11-21T00:00:00Z');
    const report = verify(
      signAsG22(edxmlPackage({ traceOrganId: H41.organId, timestamp: '2020/01/01 00:00:00' })),
      { at },
    );
    expect(report.verdict).toBe('valid');
    expect(report.signingTime).toBe(at.toISOString());
    expect(report.signingTimeSource).toBe('verification-time');
    expect(report.verificationTime).toBe(at.toISOString());
  });

  describe('a changed byte makes it invalid', () => {
    const cases: [string, string][] = [
      ['the subject text', once(signed, 'Kế hoạch', 'Kê hoạch')],
      ['the attachment base64', once(signed, 'JVBERi0xLjQK', 'JVBERi0xLjQL')],
      ['an attribute', once(signed, 'edXMLManifest version="1.0"', 'edXMLManifest version="1.1"')],
      [
        'an element name',
        once(signed, '<edXML:CodeNumber>7816</edXML:CodeNumber>', '<edXML:CodeNumbr>7816</edXML:CodeNumbr>'),
      ],
      ['the signature value', once(signed, signatureValue, flipBase64(signatureValue, 10))],
      [
        'the digest value',
        once(signed, /<DigestValue>./, (m) => m.slice(0, -1) + (m.endsWith('A') ? 'B' : 'A')),
      ],
      ['the certificate key', once(signed, certificate, flipBase64(certificate, 400))],
      [
        'the certificate signature',
        once(signed, certificate, flipBase64(certificate, certificate.length - 20)),
      ],
      [
        'the signed-info algorithm',
        once(
          signed,
          `<SignatureMethod Algorithm="${XMLDSIG.rsaSha256}"/>`,
          `<SignatureMethod Algorithm="${XMLDSIG.rsaSha512}"/>`,
        ),
      ],
      ['the trace timestamp', once(signed, '2026/11/20 09:30:00', '2026/11/20 09:30:01')],
    ];
    it.each(cases)('%s', (_what, tampered) => {
      expect(tampered).not.toBe(signed);
      const report = verify(tampered);
      expect(report.valid).toBe(false);
      expect(report.verdict).toBe('invalid');
      expect(report.signedXml).toBeUndefined();
      expect(report.problems.length).toBeGreaterThan(0);
    });

    it('names the digest for changed content and the signature value for a changed value', () => {
      expect(codes(verify(once(signed, 'Kế hoạch', 'Kê hoạch')))).toEqual(['DIGEST_MISMATCH']);
      expect(verify(once(signed, 'Kế hoạch', 'Kê hoạch')).references[0].valid).toBe(false);
      expect(codes(verify(once(signed, signatureValue, flipBase64(signatureValue, 10))))).toEqual([
        'SIGNATURE_MISMATCH',
      ]);
    });
  });

  describe('resists signature wrapping', () => {
    const withoutSignature = signed.replace(signatureBlock, '');
    const evil = once(withoutSignature, 'Kế hoạch', 'Lệnh chuyển tiền');
    const envelope = between(withoutSignature, '<edXML:edXMLEnvelope', '</edXML:edXMLEnvelope>');
    const cases: [string, string, string][] = [
      [
        'a second Signature elsewhere',
        once(signed, '</edXML:edXMLBody>', `${signatureBlock}</edXML:edXMLBody>`),
        'SIGNATURE_COUNT',
      ],
      [
        'a legacy decoy next to the real signature',
        once(signed, '</edXML:edXMLBody>', '<DigitalSignature/></edXML:edXMLBody>'),
        'SIGNATURE_COUNT',
      ],
      [
        'the Signature moved into the body',
        once(withoutSignature, '</edXML:edXMLBody>', `${signatureBlock}</edXML:edXMLBody>`),
        'SIGNATURE_PLACEMENT',
      ],
      [
        'the Signature moved before the trace headers',
        once(withoutSignature, '<edXML:TraceHeaderList>', `${signatureBlock}<edXML:TraceHeaderList>`),
        'SIGNATURE_PLACEMENT',
      ],
      [
        'the Signature moved to the root',
        once(withoutSignature, '</edXML>', `${signatureBlock}</edXML>`),
        'SIGNATURE_PLACEMENT',
      ],
      [
        'a Reference URI="#id" pointing to a copy',
        once(
          once(signed, '<Reference URI="">', '<Reference URI="#copy">'),
          '</edXML:AttachmentEncoded>',
          `${between(withoutSignature, '<edXML:MessageHeader>', '</edXML:MessageHeader>').replace('<edXML:MessageHeader>', '<edXML:MessageHeader Id="copy">')}</edXML:AttachmentEncoded>`,
        ),
        'REFERENCE_NOT_ALLOWED',
      ],
      [
        'an extra Reference',
        once(
          signed,
          '</SignedInfo>',
          `${between(signatureBlock, '<Reference URI="">', '</Reference>')}</SignedInfo>`,
        ),
        'REFERENCE_NOT_ALLOWED',
      ],
      [
        'the signed envelope wrapped beside an evil one',
        once(
          once(evil, '</edXML:edXMLHeader>', `${signatureBlock}</edXML:edXMLHeader>`),
          '</edXML:edXMLEnvelope>',
          `</edXML:edXMLEnvelope><edXML:Wrapper>${envelope}</edXML:Wrapper>`,
        ),
        'SIGNATURE_PLACEMENT',
      ],
      [
        'the whole signed package wrapped in an evil root',
        `<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:Wrapper xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">${signed.replace(/^<\?xml[^>]*>/, '')}</edXML:Wrapper></edXML>`,
        'SIGNATURE_PLACEMENT',
      ],
      [
        'an Object holding the original content',
        once(
          once(signed, 'Kế hoạch', 'Lệnh chuyển tiền'),
          '</KeyInfo>',
          `</KeyInfo><Object>${between(unsigned, '<edXML:MessageHeader>', '</edXML:MessageHeader>')}</Object>`,
        ),
        'SIGNATURE_STRUCTURE',
      ],
      [
        'an HMAC signature method',
        once(signed, XMLDSIG.rsaSha256, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'),
        'ALGORITHM_NOT_ALLOWED',
      ],
      [
        'HMACOutputLength truncation',
        once(
          signed,
          `<SignatureMethod Algorithm="${XMLDSIG.rsaSha256}"/>`,
          `<SignatureMethod Algorithm="${XMLDSIG.rsaSha256}"><HMACOutputLength>8</HMACOutputLength></SignatureMethod>`,
        ),
        'ALGORITHM_NOT_ALLOWED',
      ],
      [
        'canonicalization with comments',
        once(
          signed,
          `<CanonicalizationMethod Algorithm="${XMLDSIG.excC14n}"/>`,
          `<CanonicalizationMethod Algorithm="${XMLDSIG.excC14n}WithComments"/>`,
        ),
        'ALGORITHM_NOT_ALLOWED',
      ],
      [
        'inclusive canonicalization',
        once(
          signed,
          `<CanonicalizationMethod Algorithm="${XMLDSIG.excC14n}"/>`,
          '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>',
        ),
        'ALGORITHM_NOT_ALLOWED',
      ],
      [
        'a missing enveloped-signature transform',
        once(signed, `<Transform Algorithm="${XMLDSIG.envelopedSignature}"/>`, ''),
        'ALGORITHM_NOT_ALLOWED',
      ],
      [
        'an extra XPath transform',
        once(
          signed,
          '</Transforms>',
          '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>1</XPath></Transform></Transforms>',
        ),
        'ALGORITHM_NOT_ALLOWED',
      ],
      [
        'a KeyInfo with two certificates',
        once(
          signed,
          '</X509Data>',
          `<X509Certificate>${between(pki.h41.certPem, '\n', '\n-----END').replace(/-----END|\s/g, '')}</X509Certificate></X509Data>`,
        ),
        'KEY_INFO',
      ],
      [
        'a KeyInfo with a KeyValue',
        once(
          signed,
          '</KeyInfo>',
          '<KeyValue><RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent></RSAKeyValue></KeyValue></KeyInfo>',
        ),
        'KEY_INFO',
      ],
      [
        'a stray SignedInfo outside the Signature',
        once(
          signed,
          '</edXML:AttachmentEncoded>',
          `${between(signatureBlock, '<SignedInfo>', '</SignedInfo>')}</edXML:AttachmentEncoded>`,
        ),
        'SIGNATURE_STRUCTURE',
      ],
      [
        'an unexpected attribute on Reference',
        once(
          signed,
          '<Reference URI="">',
          '<Reference URI="" Type="http://www.w3.org/2000/09/xmldsig#Object">',
        ),
        'SIGNATURE_STRUCTURE',
      ],
    ];
    it.each(cases)('%s', (_what, attack, code) => {
      const report = verify(attack);
      expect(report.valid).toBe(false);
      expect(report.verdict).toBe('invalid');
      expect(report.signedXml).toBeUndefined();
      expect(codes(report)).toContain(code);
    });

    it('rejects a certificate of another trusted agency whose code is not From', () => {
      const byH41 = xmlCryptoSign(unsigned, pki.h41.keyPem, pki.h41.certPem);
      const report = verify(byH41);
      expect(codes(report)).toEqual(['SIGNER_MISMATCH']);
      expect(report.problems[0].message).toContain(
        `Signed by ${H41.organId}, but the package says it is from ${G22.organId}`,
      );
      expect(report.signer?.organId).toBe(H41.organId);
      expect(report.valid).toBe(false);
      // The same producer signing as the right agency is accepted: the profile is standard XMLDSig.
      expect(verify(xmlCryptoSign(unsigned, pki.g22.keyPem, pki.g22.certPem)).verdict).toBe('valid');
    });

    it('rejects a certificate with the right code from a CA that is not trusted', () => {
      const rogueCa = createRootCa({
        commonName: 'lienthong Test Root CA',
        notBefore: new Date('2020-01-01T00:00:00Z'),
      });
      const rogue = issueAgencyCertificate({
        caKeyPem: rogueCa.keyPem,
        caCertPem: rogueCa.certPem,
        ...G22,
        notBefore: new Date('2021-01-01T00:00:00Z'),
        validityDays: 3650,
      });
      const report = verify(xmlCryptoSign(unsigned, rogue.keyPem, rogue.certPem));
      expect(codes(report)).toEqual(['BAD_CHAIN_SIGNATURE']);
      expect(report.signer?.organId).toBe(G22.organId);
      expect(codes(verify(signed, { trustAnchorPems: [rogueCa.certPem] }))).toEqual(['BAD_CHAIN_SIGNATURE']);
      const unrelated = createRootCa({ commonName: 'Unrelated CA' });
      expect(codes(verify(signed, { trustAnchorPems: [unrelated.certPem] }))).toEqual(['UNTRUSTED_ISSUER']);
    });
  });

  describe('legacy signatures are reported, never valid', () => {
    const rsaSha1 = `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/><Reference URI=""><Transforms><Transform Algorithm="${XMLDSIG.envelopedSignature}"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><DigestValue>PrlYKdD8sksgnxFvUVtPIQ0pAqM=</DigestValue></Reference></SignedInfo><SignatureValue>GbVb8n9+qFxz466Ag0sbpVdLPs2R0+9J</SignatureValue><KeyInfo><X509Data><X509SubjectName/><X509Certificate>MIIGADCCA+igAwIBAgIQVAH4uWORyglxBTvoeSDvJTANBgkqhkiG9w0BAQUFADBp</X509Certificate></X509Data></KeyInfo></Signature>`;
    const cases: [string, string, RegExp][] = [
      ['RSA-SHA1 (edoc.edxml)', rsaSha1, /RSA-SHA1/],
      [
        'a Signature outside the XMLDSig namespace (edoc_update.edxml)',
        rsaSha1.replace(' xmlns="http://www.w3.org/2000/09/xmldsig#"', ''),
        /outside the XMLDSig namespace/,
      ],
      ['an empty DigitalSignature', '<edXML:DigitalSignature></edXML:DigitalSignature>', /DigitalSignature/],
      [
        'a Signature without SignedInfo',
        '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignatureValue>AAAA</SignatureValue></Signature>',
        /without SignedInfo/,
      ],
      [
        'a SHA-1 digest under RSA-SHA256',
        rsaSha1
          .replace('xmldsig#rsa-sha1', 'xmldsig-more#rsa-sha256')
          .replace('2000/09/xmldsig#rsa', '2001/04/xmldsig-more#rsa'),
        /SHA-1 digest/,
      ],
    ];
    it.each(cases)('%s', (_what, tail, reason) => {
      const report = verify(edxmlPackage({ headerTail: tail }));
      expect(report.valid).toBe(false);
      expect(report.verdict).toBe('legacy');
      expect(report.problems).toEqual([
        { code: 'LEGACY_SIGNATURE', message: expect.stringMatching(/^legacy signature, cannot be verified/) },
      ]);
      expect(report.problems[0].message).toMatch(reason);
      expect(report.signedXml).toBeUndefined();
      expect(report.packageFromOrganId).toBe(G22.organId);
    });
  });

  it('reports an unsigned package as unsigned', () => {
    const report = verify(unsigned);
    expect(report).toMatchObject({
      valid: false,
      verdict: 'unsigned',
      problems: [{ code: 'UNSIGNED' }],
      chain: [],
    });
  });

  describe('checks the certificate at the signing time', () => {
    const shortLived = issueAgencyCertificate({
      caKeyPem: pki.ca.keyPem,
      caCertPem: pki.ca.certPem,
      ...G22,
      notBefore: new Date('2022-01-01T00:00:00Z'),
      notAfter: new Date('2023-01-01T00:00:00Z'),
    });
    const signWith = (timestamp: string) =>
      signEdxmlPackage(edxmlPackage({ timestamp }), {
        privateKeyPem: shortLived.keyPem,
        certificatePem: shortLived.certPem,
      });

    it('accepts a signature made while the certificate was valid, even though it has expired since', () => {
      expect(verify(signWith('2022/06/01 10:00:00')).verdict).toBe('valid');
    });

    it('rejects one made after expiry or before the certificate existed', () => {
      expect(codes(verify(signWith('2023/06/01 10:00:00')))).toEqual(['EXPIRED']);
      expect(codes(verify(signWith('2021/06/01 10:00:00')))).toEqual(['NOT_YET_VALID']);
    });

    it('rejects a signing time in the future of the verification and a malformed one', () => {
      const at = new Date('2026-11-20T00:00:00Z');
      expect(codes(verify(signed, { at }))).toEqual(['SIGNING_TIME_IN_FUTURE']);
      const late = vnTimestamp(new Date(Date.now() + 3_600_000));
      expect(codes(verify(signAsG22(edxmlPackage({ timestamp: late }))))).toEqual(['SIGNING_TIME_IN_FUTURE']);
      expect(codes(verify(signAsG22(edxmlPackage({ timestamp: '2026-11-20 09:30:00' }))))).toEqual([
        'BAD_SIGNING_TIME',
      ]);
    });

    it('rejects a revoked signer, whenever it was revoked, and says when', () => {
      const revokedAt = new Date('2026-11-25T00:00:00Z');
      const crl = createCrl({
        caKeyPem: pki.ca.keyPem,
        caCertPem: pki.ca.certPem,
        crlNumber: 2,
        revoked: [{ serialNumber: pki.g22.serialNumber, revokedAt, reason: 'keyCompromise' }],
      });
      const report = verify(signed, { crlPems: [crl] });
      expect(codes(report)).toEqual(['REVOKED']);
      expect(report.revocation).toMatchObject({
        checked: true,
        status: 'revoked',
        revokedAt,
        reason: 'keyCompromise',
      });
      expect(report.problems[0].message).toMatch(
        /revoked on 2026-11-25T00:00:00.000Z \(keyCompromise\), after/,
      );
    });
  });

  it('throws the XmlInputError of libs/xml for input that is not acceptable XML', () => {
    expect(() => verify('<edXML><unclosed></edXML>')).toThrow(XmlInputError);
    expect(() => verify(signed, { limits: { maxBytes: 1000 } })).toThrow(
      expect.objectContaining({ code: 'XML_TOO_LARGE' }),
    );
    expect(() => verify('<!DOCTYPE edXML [<!ENTITY x "y">]><edXML/>')).toThrow(
      expect.objectContaining({ code: 'XML_DOCTYPE_FORBIDDEN' }),
    );
  });

  it('refuses documents with processing instructions inside, which exc-C14N would render as text', () => {
    const report = verify(once(signed, '<edXML:edXMLBody>', '<edXML:edXMLBody><?x y?>'));
    expect(codes(report)).toEqual(['SIGNATURE_STRUCTURE']);
  });
});

describe('stamping the signer trace header', () => {
  const old = edxmlPackage({ timestamp: '2018/09/28 00:00:00' });
  const at = new Date('2026-11-27T03:04:05Z');

  it('dates the signature by the stamp, not by an older trace header', () => {
    expect(codes(verify(signAsG22(old)))).toContain('NOT_YET_VALID');
    const stamped = signEdxmlPackage(old, {
      privateKeyPem: pki.g22.keyPem,
      certificatePem: pki.g22.certPem,
      stampTraceHeader: at,
    });
    const report = verify(stamped, { at: new Date('2026-11-27T04:00:00Z') });
    expect(report.verdict).toBe('valid');
    expect(report.signingTime).toBe(at.toISOString());
    expect(report.signingTimeSource).toBe('trace-header');
    expect(stamped).toContain(
      `<edXML:OrganId>${G22.organId}</edXML:OrganId><edXML:Timestamp>2026/11/27 10:04:05</edXML:Timestamp>`,
    );
  });

  it('creates the TraceHeaderList when the package has none', () => {
    const bare = old.replace(/<edXML:TraceHeaderList>[\s\S]*<\/edXML:TraceHeaderList>/, '');
    expect(bare).not.toContain('TraceHeaderList');
    const stamped = signEdxmlPackage(bare, {
      privateKeyPem: pki.g22.keyPem,
      certificatePem: pki.g22.certPem,
      stampTraceHeader: at,
    });
    expect(stamped).toMatch(/<\/edXML:MessageHeader><edXML:TraceHeaderList><edXML:TraceHeader>/);
    expect(verify(stamped, { at: new Date('2026-11-27T04:00:00Z') }).verdict).toBe('valid');
  });
});
