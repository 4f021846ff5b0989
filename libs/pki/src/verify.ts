import { createHash, KeyObject, timingSafeEqual, verify as cryptoVerify } from 'crypto';
import { parseXmlSecurely, XmlLimits } from '@lienthong/xml';
import { exclusiveC14n, exclusiveC14nDigest } from './c14n';
import { CertSummary, KeyUsageName, parseCertificate, ParsedCertificate } from './certificate';
import { ChainProblemCode, Problem, RevocationStatus, validateCertificateChain } from './chain';
import { ParsedCrl } from './crl';
import {
  elementChildren,
  EnvelopeHeader,
  fromOrganId,
  ownText,
  parseEdxmlTimestamp,
  traceHeaders,
} from './edxml-dom';
import { inspectSignature, SignatureDetails, SignatureProblemCode, XMLDSIG } from './xmldsig-profile';

export type VerificationProblemCode =
  | SignatureProblemCode
  | ChainProblemCode
  | 'BAD_CERTIFICATE'
  | 'WEAK_KEY'
  | 'DIGEST_MISMATCH'
  | 'SIGNATURE_MISMATCH'
  | 'NO_SENDER'
  | 'SIGNER_MISMATCH'
  | 'BAD_SIGNING_TIME'
  | 'SIGNING_TIME_IN_FUTURE';

export interface VerifyEdxmlOptions {
  /** Trusted root CA certificates (PEM; bundles allowed). */
  trustAnchorPems: readonly string[];
  /** Untrusted intermediate CA certificates that help build the path. */
  intermediatePems?: readonly string[];
  /** CRLs (PEM or parsed). None given: revocation is not checked (`revocation.checked` false). */
  crls?: readonly (string | ParsedCrl)[];
  /** Same as `crls`, for callers holding PEM text. */
  crlPems?: readonly string[];
  /** The verification time. Default: now. */
  at?: Date;
  limits?: Partial<XmlLimits>;
  /** Key usages the signer certificate must assert. Default: digitalSignature. */
  requiredKeyUsage?: readonly KeyUsageName[];
  /**
   * When valid, also hand back the verified DOM as `signedDocument`, so a caller that reads the
   * content does not parse `signedXml` a second time. `signedXml` is then only computed if read,
   * and the digest is taken as the canonical form is produced: a large package is never held
   * twice more in memory as text.
   */
  keepSignedDocument?: boolean;
}

export interface SignerIdentity {
  organId?: string;
  name?: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
  notBefore: Date;
  notAfter: Date;
}

export interface ReferenceCheck {
  uri: string;
  digestAlgorithm: string;
  digestValue: string;
  /** The recomputed digest equals DigestValue. */
  valid: boolean;
}

export interface SignatureVerification {
  /** True only for verdict `valid`. */
  valid: boolean;
  verdict: 'valid' | 'invalid' | 'legacy' | 'unsigned';
  problems: Problem<VerificationProblemCode>[];
  /** The certificate whose key made the signature (present once the signature value checked out). */
  signer?: SignerIdentity;
  /** MessageHeader/From/OrganId of the package. */
  packageFromOrganId?: string;
  /** ISO 8601: the time at which the certificates were checked. */
  signingTime?: string;
  signingTimeSource?: 'trace-header' | 'verification-time';
  /** ISO 8601. */
  verificationTime: string;
  chain: CertSummary[];
  signatureAlgorithm?: string;
  canonicalizationAlgorithm?: string;
  signatureValue?: string;
  references: ReferenceCheck[];
  revocation?: RevocationStatus;
  /**
   * Only when valid: the exclusive-C14N form of the document without its signature, i.e. exactly
   * the bytes the signer's digest covers. Parse this, never the original input.
   */
  signedXml?: string;
  /**
   * Only when valid and `keepSignedDocument` was asked: the same content as a DOM, i.e. the
   * document that was verified with its Signature element removed (what `signedXml` serializes).
   * Not for JSON output.
   */
  signedDocument?: Document;
}

/** A future signing time is tolerated by this much clock difference. */
const CLOCK_SKEW_MS = 5 * 60_000;
const MIN_RSA_BITS = 2048;

/**
 * Verifies the signature of an edXML package against lienthong's XMLDSig profile, then the
 * signer's certificate chain (trust anchors, CRLs, validity at the signing time, key usage) and
 * that the certificate's identifier code (subject UID) equals MessageHeader/From/OrganId.
 *
 * Signing time: the Timestamp of the last TraceHeader whose OrganId is the sender's; without one,
 * the verification time. Legacy signatures (SHA-1, no SignedInfo, outside the XMLDSig namespace,
 * DigitalSignature) are reported as `legacy`, never valid; no signature is `unsigned`.
 *
 * Input that is not acceptable XML (malformed, DOCTYPE/entities, too large or deep) throws the
 * XmlInputError of libs/xml: the caller decides (reject, quarantine). Everything else is reported.
 */
export function verifyEdxmlSignature(
  xml: string | Uint8Array,
  options: VerifyEdxmlOptions,
): SignatureVerification {
  const verificationTime = options.at ?? new Date();
  const doc = parseXmlSecurely(xml, options.limits);
  const inspection = inspectSignature(doc);
  const packageFromOrganId = inspection.envelope ? fromOrganId(inspection.envelope.header) : undefined;
  const report: SignatureVerification = {
    valid: false,
    verdict: 'invalid',
    problems: [],
    ...(packageFromOrganId !== undefined ? { packageFromOrganId } : {}),
    verificationTime: verificationTime.toISOString(),
    chain: [],
    references: [],
  };

  if (inspection.kind === 'unsigned') {
    report.verdict = 'unsigned';
    report.problems.push({ code: 'UNSIGNED', message: 'The package is not signed' });
    return report;
  }
  withDetails(report, inspection.details);
  if (inspection.kind === 'legacy') {
    report.verdict = 'legacy';
    report.problems.push({
      code: 'LEGACY_SIGNATURE',
      message: `legacy signature, cannot be verified (${inspection.reason})`,
    });
    return report;
  }
  if (inspection.kind === 'invalid') {
    report.problems.push(...inspection.problems);
    return report;
  }

  // The certificate in KeyInfo: only its key is used here; trust comes from the chain check.
  let cert: ParsedCertificate;
  try {
    cert = parseCertificate(Buffer.from(inspection.certificateBase64, 'base64'));
  } catch (error) {
    report.problems.push({ code: 'BAD_CERTIFICATE', message: `KeyInfo: ${(error as Error).message}` });
    return report;
  }
  const details = cert.publicKey.asymmetricKeyDetails;
  if (cert.publicKey.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < MIN_RSA_BITS) {
    report.problems.push({
      code: 'WEAK_KEY',
      message: `The signer key must be RSA of at least ${MIN_RSA_BITS} bits`,
    });
    return report;
  }

  let crypto: CryptoResult;
  try {
    crypto = checkCryptography(
      doc,
      inspection.signature,
      cert.publicKey,
      options.keepSignedDocument !== true,
    );
  } catch (error) {
    report.problems.push({
      code: 'SIGNATURE_STRUCTURE',
      message: `The document cannot be canonicalized: ${(error as Error).message}`,
    });
    return report;
  }
  report.references = crypto.references;
  report.problems.push(...crypto.problems);
  if (crypto.problems.length > 0) return report;
  report.signer = signerOf(cert);

  const signing = signingTimeOf(inspection.envelope, packageFromOrganId, verificationTime);
  report.problems.push(...signing.problems);
  report.signingTime = signing.time.toISOString();
  report.signingTimeSource = signing.source;

  const chain = validateCertificateChain({
    certificatePem: cert.pem,
    intermediatePems: options.intermediatePems,
    trustAnchorPems: options.trustAnchorPems,
    crls: [...(options.crls ?? []), ...(options.crlPems ?? [])],
    at: signing.time,
    now: verificationTime,
    requiredKeyUsage: options.requiredKeyUsage ?? ['digitalSignature'],
    requireEndEntity: true,
  });
  report.chain = chain.chain;
  report.revocation = chain.revocation;
  report.problems.push(...chain.problems);

  if (packageFromOrganId === undefined) {
    report.problems.push({ code: 'NO_SENDER', message: 'The package has no MessageHeader/From/OrganId' });
  } else if (cert.organId !== packageFromOrganId) {
    report.problems.push({
      code: 'SIGNER_MISMATCH',
      message:
        cert.organId === undefined
          ? `The signer certificate carries no identifier code (subject UID); the sender is ${packageFromOrganId}`
          : `Signed by ${cert.organId}, but the package says it is from ${packageFromOrganId}`,
    });
  }

  if (report.problems.length === 0) {
    report.valid = true;
    report.verdict = 'valid';
    if (options.keepSignedDocument) {
      // The digest covers the whole document but this Signature (enveloped-signature transform):
      // without it, the DOM holds exactly the signed content, nothing an attacker could add.
      inspection.signature.parentNode?.removeChild(inspection.signature);
      report.signedDocument = doc;
      let signedXml: string | undefined;
      Object.defineProperty(report, 'signedXml', {
        enumerable: true,
        get: () => (signedXml ??= exclusiveC14n(doc.documentElement)),
      });
    } else {
      report.signedXml = crypto.signedXml;
    }
  }
  return report;
}

/** What the signature claims, for the report; its references are not checked at this point. */
function withDetails(report: SignatureVerification, details: SignatureDetails): void {
  if (details.signatureAlgorithm) report.signatureAlgorithm = details.signatureAlgorithm;
  if (details.canonicalizationAlgorithm) report.canonicalizationAlgorithm = details.canonicalizationAlgorithm;
  if (details.signatureValue) report.signatureValue = details.signatureValue;
  report.references = details.references.map((r) => ({ ...r, valid: false }));
}

interface CryptoResult {
  problems: Problem<VerificationProblemCode>[];
  references: ReferenceCheck[];
  signedXml?: string;
}

const HASHES: Record<string, string> = {
  [XMLDSIG.sha256]: 'sha256',
  [XMLDSIG.sha512]: 'sha512',
  [XMLDSIG.rsaSha256]: 'sha256',
  [XMLDSIG.rsaSha512]: 'sha512',
};

/**
 * Core validation on the DOM the profile check has just examined (so there is no second parser
 * whose view could differ): the digest of the whole document minus this Signature under
 * xml-crypto's exclusive C14N, then the RSA signature over the canonical SignedInfo with Node's
 * crypto. This computes exactly what xml-crypto's `checkSignature` + `getSignedReferences()`
 * compute (a test compares them), without its re-parse, deep clone and whole-document XPath scans,
 * which cost ~4 ms for a 4 KB package.
 */
function checkCryptography(
  doc: Document,
  signature: Element,
  publicKey: KeyObject,
  keepSignedXml: boolean,
): CryptoResult {
  const [signedInfo, signatureValueElement] = elementChildren(signature);
  const [, signatureMethod, reference] = elementChildren(signedInfo);
  const [, digestMethod, digestValueElement] = elementChildren(reference);
  const digestAlgorithm = digestMethod.getAttribute('Algorithm') ?? '';
  const digestValue = ownText(digestValueElement).replace(/\s+/g, '');
  const problems: Problem<VerificationProblemCode>[] = [];

  const hashName = HASHES[digestAlgorithm];
  const signedXml = keepSignedXml ? exclusiveC14n(doc.documentElement, signature) : undefined;
  const digest =
    signedXml !== undefined
      ? createHash(hashName).update(signedXml, 'utf8').digest()
      : exclusiveC14nDigest(doc.documentElement, signature, hashName);
  const expected = Buffer.from(digestValue, 'base64');
  const digestOk = digest.length === expected.length && timingSafeEqual(digest, expected);
  if (!digestOk) {
    problems.push({
      code: 'DIGEST_MISMATCH',
      message: 'The document was changed after signing: the digest of the signed content does not match',
    });
  }

  const canonicalSignedInfo = exclusiveC14n(signedInfo);
  const signatureBytes = Buffer.from(ownText(signatureValueElement).replace(/\s+/g, ''), 'base64');
  let signatureOk = false;
  try {
    const hash = HASHES[signatureMethod.getAttribute('Algorithm') ?? ''];
    signatureOk = cryptoVerify(hash, Buffer.from(canonicalSignedInfo, 'utf8'), publicKey, signatureBytes);
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) {
    problems.push({
      code: 'SIGNATURE_MISMATCH',
      message: 'The SignatureValue does not match SignedInfo under the key of the KeyInfo certificate',
    });
  }
  const references = [
    { uri: reference.getAttribute('URI') ?? '', digestAlgorithm, digestValue, valid: digestOk },
  ];
  return problems.length === 0 && signedXml !== undefined
    ? { problems, references, signedXml }
    : { problems, references };
}

function signingTimeOf(
  envelope: EnvelopeHeader,
  sender: string | undefined,
  verificationTime: Date,
): {
  time: Date;
  source: 'trace-header' | 'verification-time';
  problems: Problem<VerificationProblemCode>[];
} {
  const problems: Problem<VerificationProblemCode>[] = [];
  const own = sender === undefined ? [] : traceHeaders(envelope.header).filter((t) => t.organId === sender);
  if (own.length === 0) return { time: verificationTime, source: 'verification-time', problems };
  const last = own[own.length - 1];
  const time = parseEdxmlTimestamp(last.timestamp);
  if (!time) {
    problems.push({
      code: 'BAD_SIGNING_TIME',
      message: `The sender's TraceHeader Timestamp "${last.timestamp}" is not yyyy/MM/dd HH:mm:ss`,
    });
    return { time: verificationTime, source: 'verification-time', problems };
  }
  if (time.getTime() > verificationTime.getTime() + CLOCK_SKEW_MS) {
    problems.push({
      code: 'SIGNING_TIME_IN_FUTURE',
      message: `The signing time ${time.toISOString()} is after the verification time ${verificationTime.toISOString()}`,
    });
  }
  return { time, source: 'trace-header', problems };
}

function signerOf(cert: ParsedCertificate): SignerIdentity {
  return {
    ...(cert.organId !== undefined ? { organId: cert.organId } : {}),
    ...(cert.commonName !== undefined ? { name: cert.commonName } : {}),
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
  };
}
