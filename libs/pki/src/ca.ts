import { createPublicKey, KeyObject, randomBytes, sign as rsaSign } from 'crypto';
import * as forge from 'node-forge';
import { der, publicKeyIdentifier } from './asn1';
import { OID_UID, parseCertificate } from './certificate';
import { PkiError } from './errors';
import { exportPrivateKeyPem, generateRsaKeyPair, loadPrivateKey } from './keys';
import { derToPem, normalizeSerial } from './pem';

const { asn1, pki } = forge;
/** Functions node-forge has but its type definitions omit. */
const forgeTbs = pki as unknown as {
  getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1;
  getCertificationRequestInfo(csr: forge.pki.CertificateSigningRequest): forge.asn1.Asn1;
};
// @types/node-forge types valueTagClass as an ASN.1 class, but forge reads it as the string type.
const UTF8 = asn1.Type.UTF8 as unknown as forge.asn1.Class;
const SHA256_WITH_RSA = pki.oids.sha256WithRSAEncryption;
/** Certificates start a minute in the past so that a peer whose clock lags a little accepts them. */
const BACKDATE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface RootCaOptions {
  commonName: string;
  /** Defaults to the common name. */
  organization?: string;
  /** Default 10. */
  validityYears?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Encrypts the returned key PEM (PKCS#8, AES-256-CBC). */
  passphrase?: string;
}

export interface RootCa {
  keyPem: string;
  certPem: string;
}

export interface CaSigner {
  /** The CA private key (PEM, possibly encrypted, or a KeyObject). */
  caKeyPem: string | KeyObject;
  caKeyPassphrase?: string;
  caCertPem: string;
}

export interface AgencyCertificateOptions extends CaSigner {
  /** The agency identifier code, e.g. `000.00.00.G22`; goes in the subject UID. */
  organId: string;
  /** The agency name (UTF-8); goes in CN and O. */
  name: string;
  /** Default 730. */
  validityDays?: number;
  notBefore?: Date;
  notAfter?: Date;
  /** Certify this public key; when absent a new RSA-2048 key pair is made and returned. */
  publicKeyPem?: string;
  /** Encrypts the generated key PEM (PKCS#8, AES-256-CBC). */
  passphrase?: string;
}

export interface IssuedCertificate {
  /** Only when the key pair was generated here. */
  keyPem?: string;
  certPem: string;
  serialNumber: string;
}

export interface CsrIssueOptions extends CaSigner {
  csrPem: string;
  organId: string;
  name: string;
  validityDays?: number;
  notBefore?: Date;
  notAfter?: Date;
}

export interface CsrOptions {
  privateKeyPem: string | KeyObject;
  passphrase?: string;
  /** Informational only: the CA takes the code and name from its own records, never from a CSR. */
  organId?: string;
  name?: string;
}

/** A self-signed root for the development and test network. */
export function createRootCa(options: RootCaOptions): RootCa {
  requireText(options.commonName, 'commonName');
  const keys = generateRsaKeyPair();
  const notBefore = options.notBefore ?? new Date(Date.now() - BACKDATE_MS);
  const notAfter =
    options.notAfter ??
    new Date(notBefore.getTime() + Math.round((options.validityYears ?? 10) * 365.25 * DAY_MS));
  const subject: forge.pki.CertificateField[] = [
    { shortName: 'C', value: 'VN' },
    {
      type: pki.oids.organizationName,
      value: options.organization ?? options.commonName,
      valueTagClass: UTF8,
    },
    { type: pki.oids.commonName, value: options.commonName, valueTagClass: UTF8 },
  ];
  const cert = newCertificate(keys.publicKeyPem, notBefore, notAfter);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  return {
    keyPem: exportPrivateKeyPem(keys.privateKey, options.passphrase),
    certPem: signCertificate(cert, keys.privateKey),
  };
}

/** Certifies an agency: UID = identifier code, CN = O = name, C = VN; signing key usages only. */
export function issueAgencyCertificate(
  options: AgencyCertificateOptions & { publicKeyPem?: undefined },
): IssuedCertificate & { keyPem: string };
export function issueAgencyCertificate(options: AgencyCertificateOptions): IssuedCertificate;
export function issueAgencyCertificate(options: AgencyCertificateOptions): IssuedCertificate {
  let keyPem: string | undefined;
  let publicKeyPem = options.publicKeyPem;
  if (publicKeyPem === undefined) {
    const keys = generateRsaKeyPair();
    keyPem = exportPrivateKeyPem(keys.privateKey, options.passphrase);
    publicKeyPem = keys.publicKeyPem;
  }
  const issued = issueEndEntity(options, publicKeyPem);
  return keyPem === undefined ? issued : { keyPem, ...issued };
}

/**
 * Certifies the public key of a PKCS#10 request after checking its self-signature (proof that
 * the requester holds the key). Nothing else is taken from the request: the code and the name
 * come from the caller, who knows which agency asked.
 */
export function issueFromCsr(options: CsrIssueOptions): IssuedCertificate {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(options.csrPem);
  } catch (error) {
    throw new PkiError('CSR_INVALID', `Not a readable RSA PKCS#10 request: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let verified = false;
  try {
    verified = csr.verify();
  } catch {
    verified = false;
  }
  if (!verified) throw new PkiError('CSR_INVALID', 'The request is not signed by the key it contains');
  const publicKeyPem = pki.publicKeyToPem(csr.publicKey as forge.pki.rsa.PublicKey);
  return issueEndEntity(options, publicKeyPem);
}

/** A PKCS#10 request for a key (SHA-256 with RSA), for a node asking the axis to certify it. */
export function createCsr(options: CsrOptions): string {
  const key = loadPrivateKey(options.privateKeyPem, options.passphrase);
  const csr = pki.createCertificationRequest();
  csr.publicKey = pki.publicKeyFromPem(
    createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string,
  );
  const subject: forge.pki.CertificateField[] = [{ shortName: 'C', value: 'VN' }];
  if (options.name) subject.push({ type: pki.oids.commonName, value: options.name, valueTagClass: UTF8 });
  if (options.organId) subject.push({ type: OID_UID, value: options.organId, valueTagClass: UTF8 });
  csr.setSubject(subject);
  const info = forgeTbs.getCertificationRequestInfo(csr);
  const infoDer = der.toBuffer(info);
  const signature = rsaSign('sha256', infoDer, key);
  const csrDer = der.toBuffer(
    der.sequence([info, der.algorithmIdentifier(SHA256_WITH_RSA), der.bitString(signature)]),
  );
  return derToPem(csrDer, 'CERTIFICATE REQUEST');
}

/** 16 random bytes, first byte 0x10-0x7F: a positive DER INTEGER that always prints as 32 hex digits. */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0] % 0x70);
  return bytes.toString('hex').toUpperCase();
}

function issueEndEntity(
  options: CaSigner & {
    organId: string;
    name: string;
    validityDays?: number;
    notBefore?: Date;
    notAfter?: Date;
  },
  publicKeyPem: string,
): IssuedCertificate {
  requireText(options.organId, 'organId');
  requireText(options.name, 'name');
  const { caKey, caCert } = loadCa(options);
  const notBefore = options.notBefore ?? new Date(Date.now() - BACKDATE_MS);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.validityDays ?? 730) * DAY_MS);
  let cert: forge.pki.Certificate;
  try {
    cert = newCertificate(publicKeyPem, notBefore, notAfter);
  } catch (error) {
    throw new PkiError('KEY_INVALID', `Only RSA public keys can be certified: ${(error as Error).message}`, {
      cause: error,
    });
  }
  cert.setSubject([
    { shortName: 'C', value: 'VN' },
    { type: pki.oids.organizationName, value: options.name, valueTagClass: UTF8 },
    { type: pki.oids.commonName, value: options.name, valueTagClass: UTF8 },
    { type: OID_UID, value: options.organId, valueTagClass: UTF8 },
  ]);
  // Placeholder: the issuer is replaced by the CA subject's exact DER when signing.
  cert.setIssuer([{ shortName: 'C', value: 'VN' }]);
  const caKeyId = forge.util.hexToBytes(caCert.subjectKeyId ?? publicKeyIdentifier(caCert.publicKey));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId },
  ]);
  const certPem = signCertificate(cert, caKey, caCert.subjectDer);
  return { certPem, serialNumber: normalizeSerial(cert.serialNumber) };
}

function loadCa(options: CaSigner) {
  const caKey = loadPrivateKey(options.caKeyPem, options.caKeyPassphrase);
  const caCert = parseCertificate(options.caCertPem);
  if (!caCert.isCa) throw new PkiError('CERT_INVALID', 'The issuing certificate is not a CA certificate');
  const caSpki = caCert.publicKey.export({ type: 'spki', format: 'der' });
  const keySpki = createPublicKey(caKey).export({ type: 'spki', format: 'der' });
  if (!caSpki.equals(keySpki)) {
    throw new PkiError('KEY_CERT_MISMATCH', 'The CA key does not belong to the CA certificate');
  }
  return { caKey, caCert };
}

function newCertificate(publicKeyPem: string, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  return cert;
}

/**
 * Signs the TBSCertificate with Node's crypto (forge only builds the ASN.1). When `issuerDer`
 * is given it replaces the issuer field, so the issuer matches the CA subject byte for byte.
 */
function signCertificate(cert: forge.pki.Certificate, key: KeyObject, issuerDer?: Buffer): string {
  cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  cert.signatureOid = SHA256_WITH_RSA;
  const tbs = forgeTbs.getTBSCertificate(cert);
  if (issuerDer) {
    // TBSCertificate: [0] version, serialNumber, signature, issuer, ...
    (tbs.value as forge.asn1.Asn1[])[3] = der.fromBuffer(issuerDer);
  }
  const tbsDer = der.toBuffer(tbs);
  const signature = rsaSign('sha256', tbsDer, key);
  const certDer = der.toBuffer(
    der.sequence([tbs, der.algorithmIdentifier(SHA256_WITH_RSA), der.bitString(signature)]),
  );
  return derToPem(certDer, 'CERTIFICATE');
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function requireText(value: string, field: string): void {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > 256 ||
    CONTROL_CHARACTERS.test(value)
  ) {
    throw new PkiError('CERT_INVALID', `${field} must be non-empty printable text`);
  }
}
