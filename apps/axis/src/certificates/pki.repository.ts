import type { KeyObject } from 'node:crypto';
import type { Revocation } from './certificate';
import type { CrlRecord } from './crl';

/** The CA ready to sign: its certificate and its decrypted key, kept in memory only. */
export interface SigningCa {
  certPem: string;
  key: KeyObject;
}

export interface IssuedAgencyCertificate {
  serial: string;
  pem: string;
  notBefore: Date;
  notAfter: Date;
}

/** Everything cryptographic the axis does, over libs/pki. */
export abstract class PkiRepository {
  /** A new self-signed root; the key PEM comes back encrypted with `passphrase`. */
  abstract createRootCa(commonName: string, passphrase: string): { keyPem: string; certPem: string };

  /** Decrypts the key and checks that it belongs to the certificate. */
  abstract openCa(keyPem: string, passphrase: string, certPem: string): SigningCa;

  /**
   * Certifies the key of a PKCS#10 request for the agency `organId` named `name`: nothing of the
   * request's subject is used. Throws AppError CSR_INVALID / CSR_WEAK_KEY for a bad request.
   */
  abstract issueFromCsr(
    ca: SigningCa,
    request: { csrPem: string; organId: string; name: string },
  ): IssuedAgencyCertificate;

  abstract createCrl(ca: SigningCa, revocations: readonly Revocation[], crl: Omit<CrlRecord, 'pem'>): string;

  /** The CA certificates of a PEM bundle, each as its own PEM; throws on anything else. */
  abstract readCaCertificates(pemText: string, source: string): string[];
}
