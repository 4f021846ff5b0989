import type { TrustMaterial } from '../domain/trust';

export interface NewAgencyKey {
  /** Encrypted PKCS#8 PEM (NODE_KEY_PASSPHRASE). */
  keyPem: string;
  csrPem: string;
}

export interface CertificateInfo {
  organId?: string;
  name?: string;
  serialNumber: string;
  notAfter: Date;
}

export interface Signer {
  code: string;
  keyPem: string;
  certificatePem: string;
}

export type Verification =
  /**
   * `content`: what the signature covers, as a DOM (the verified document without its Signature)
   * or as its canonical text. Read that, never the input.
   */
  | { valid: true; content: Document | string }
  /** `transient`: the package may be fine; our trust material is not (a stale CRL). Retry, do not quarantine. */
  | { valid: false; transient: boolean; code: string; reason: string };

/** Every key, certificate and signature operation of the node (libs/pki behind one port). */
export abstract class PackageCrypto {
  abstract newAgencyKey(agencyCode: string): NewAgencyKey;
  abstract certificateInfo(certificatePem: string): CertificateInfo;
  /** Throws AppError when the certificate does not certify this key for this agency. */
  abstract checkCertificate(certificatePem: string, keyPem: string, agencyCode: string): CertificateInfo;
  /**
   * Signs the package as the agency. `xml` is buildEdxml's output, never bytes from outside: that
   * text is already in canonical form, so it is signed without being parsed (signBuiltEdxml).
   */
  abstract sign(xml: string, signer: Signer): Buffer;
  /** On success, `content` is what the signature covers: read that, never the input. */
  abstract verify(pkg: Buffer, trust: TrustMaterial): Verification;
}
