/**
 * lienthong PKI: keys, the development CA, CRLs, PKCS#12, chain validation and the XMLDSig
 * profile of edXML packages. Pure TypeScript over Node's crypto; no Nest, no I/O.
 */
export { PkiError } from './errors';
export type { PkiErrorCode } from './errors';
export { derToPem, pemToDer, splitPemCertificates, normalizeSerial } from './pem';
export { generateRsaKeyPair, exportPrivateKeyPem, loadPrivateKey, publicKeyPemOf } from './keys';
export type { GeneratedKeyPair, GenerateKeyPairOptions } from './keys';
export {
  OID_UID,
  parseCertificate,
  parseCertificateBundle,
  readAgencyIdentity,
  hasKeyUsages,
} from './certificate';
export type { AgencyIdentity, CertSummary, KeyUsageName, ParsedCertificate } from './certificate';
export { createRootCa, issueAgencyCertificate, issueFromCsr, createCsr, randomSerialNumber } from './ca';
export type {
  RootCa,
  RootCaOptions,
  CaSigner,
  AgencyCertificateOptions,
  CsrIssueOptions,
  CsrOptions,
  IssuedCertificate,
} from './ca';
export { CRL_REASONS, createCrl, parseCrl, isRevoked, findRevocation, verifyCrlSignature } from './crl';
export type { CreateCrlOptions, CrlEntry, CrlReason, ParsedCrl, RevokedCertificateInput } from './crl';
export { exportPkcs12, importPkcs12 } from './pkcs12';
export type { ExportPkcs12Options, ImportedPkcs12 } from './pkcs12';
export { validateCertificateChain } from './chain';
export type {
  ChainProblemCode,
  ChainValidationOptions,
  ChainValidationResult,
  Problem,
  RevocationStatus,
} from './chain';
export { EDXML_NS, XMLDSIG_NS, parseEdxmlTimestamp } from './edxml-dom';
export { XMLDSIG, inspectSignature } from './xmldsig-profile';
export type { Inspection, SignatureDetails, SignatureProblemCode } from './xmldsig-profile';
export { signBuiltEdxml, signEdxmlPackage } from './sign';
export type { SignBuiltEdxmlOptions, SignEdxmlOptions } from './sign';
export { verifyEdxmlSignature } from './verify';
export type {
  ReferenceCheck,
  SignatureVerification,
  SignerIdentity,
  VerificationProblemCode,
  VerifyEdxmlOptions,
} from './verify';
