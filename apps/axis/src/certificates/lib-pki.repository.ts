import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import {
  createCrl,
  createRootCa,
  issueFromCsr,
  loadPrivateKey,
  parseCertificate,
  parseCertificateBundle,
  PkiError,
  publicKeyPemOf,
} from '@lienthong/pki';
import type { Revocation } from './certificate';
import type { CrlRecord } from './crl';
import { IssuedAgencyCertificate, PkiRepository, SigningCa } from './pki.repository';

/** Below this an RSA key is refused: it would not survive the certificate's two years. */
const MIN_RSA_BITS = 2048;

@Injectable()
export class LibPkiRepository extends PkiRepository {
  createRootCa(commonName: string, passphrase: string): { keyPem: string; certPem: string } {
    return createRootCa({ commonName, organization: commonName, passphrase });
  }

  openCa(keyPem: string, passphrase: string, certPem: string): SigningCa {
    const key = loadPrivateKey(keyPem, passphrase);
    const cert = parseCertificate(certPem);
    if (!cert.isCa) throw new Error('the CA certificate is not a CA certificate (basicConstraints)');
    if (publicKeyPemOf(key) !== cert.publicKey.export({ type: 'spki', format: 'pem' })) {
      throw new Error('the CA key does not belong to the CA certificate');
    }
    return { certPem: cert.pem, key };
  }

  issueFromCsr(
    ca: SigningCa,
    request: { csrPem: string; organId: string; name: string },
  ): IssuedAgencyCertificate {
    let pem: string;
    try {
      pem = issueFromCsr({
        caKeyPem: ca.key,
        caCertPem: ca.certPem,
        csrPem: request.csrPem,
        organId: request.organId,
        name: request.name,
      }).certPem;
    } catch (error) {
      if (error instanceof PkiError && (error.code === 'CSR_INVALID' || error.code === 'KEY_INVALID')) {
        throw AppError.invalid('CSR_INVALID', error.message);
      }
      throw error;
    }
    const cert = parseCertificate(pem);
    // Checked on the result because libs/pki does not expose the request's key; the certificate
    // is thrown away unseen.
    const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw AppError.invalid(
        'CSR_WEAK_KEY',
        `The key has ${bits} bits; at least ${MIN_RSA_BITS} are required`,
      );
    }
    return { serial: cert.serialNumber, pem, notBefore: cert.notBefore, notAfter: cert.notAfter };
  }

  createCrl(ca: SigningCa, revocations: readonly Revocation[], crl: Omit<CrlRecord, 'pem'>): string {
    return createCrl({
      caKeyPem: ca.key,
      caCertPem: ca.certPem,
      crlNumber: crl.number,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      revoked: revocations.map((r) => ({ serialNumber: r.serial, revokedAt: r.revokedAt, reason: r.reason })),
    });
  }

  readCaCertificates(pemText: string, source: string): string[] {
    const certs = parseCertificateBundle([pemText]);
    if (certs.length === 0) throw new Error(`${source}: no PEM certificate found`);
    const notCa = certs.find((c) => !c.isCa);
    if (notCa) throw new Error(`${source}: ${notCa.subject} is not a CA certificate`);
    return certs.map((c) => c.pem);
  }
}
