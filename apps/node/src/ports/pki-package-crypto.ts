import { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import {
  createCsr,
  generateRsaKeyPair,
  loadPrivateKey,
  publicKeyPemOf,
  readAgencyIdentity,
  signBuiltEdxml,
  verifyEdxmlSignature,
} from '@lienthong/pki';
import { XmlInputError } from '@lienthong/xml';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { TrustMaterial } from '../domain/trust';
import { CertificateInfo, NewAgencyKey, PackageCrypto, Signer, Verification } from './package-crypto';

/**
 * Problems of our trust material rather than of the package: with a fresh CRL the same package may
 * verify, so the message is retried instead of quarantined.
 */
const TRANSIENT_PROBLEMS = new Set(['CRL_STALE', 'CRL_NOT_YET_VALID', 'NO_CRL']);

@Injectable()
export class PkiPackageCrypto extends PackageCrypto {
  // Decrypting an encrypted PKCS#8 key runs PBKDF2; do it once per key, not once per signature.
  private readonly keys = new Map<string, KeyObject>();

  constructor(@Inject(NODE_CONFIG) private readonly config: NodeConfig) {
    super();
  }

  newAgencyKey(agencyCode: string): NewAgencyKey {
    const pair = generateRsaKeyPair({ modulusLength: 2048, passphrase: this.config.keyPassphrase });
    const csrPem = createCsr({ privateKeyPem: pair.privateKey, organId: agencyCode });
    return { keyPem: pair.privateKeyPem, csrPem };
  }

  certificateInfo(certificatePem: string): CertificateInfo {
    let identity: ReturnType<typeof readAgencyIdentity>;
    try {
      identity = readAgencyIdentity(certificatePem);
    } catch (error) {
      throw AppError.invalid(
        'CERTIFICATE_INVALID',
        `Not a readable certificate: ${(error as Error).message}`,
      );
    }
    return {
      ...(identity.organId !== undefined ? { organId: identity.organId } : {}),
      ...(identity.name !== undefined ? { name: identity.name } : {}),
      serialNumber: identity.serialNumber,
      notAfter: identity.notAfter,
    };
  }

  checkCertificate(certificatePem: string, keyPem: string, agencyCode: string): CertificateInfo {
    const identity = this.certificateInfo(certificatePem);
    if (identity.organId !== agencyCode) {
      throw AppError.invalid(
        'CERTIFICATE_MISMATCH',
        `The axis certified ${identity.organId ?? 'no identifier code'}, not ${agencyCode}`,
      );
    }
    if (publicKeyPemOf(certificatePem) !== publicKeyPemOf(this.privateKey(keyPem))) {
      throw AppError.invalid(
        'CERTIFICATE_MISMATCH',
        'The certificate from the axis does not certify the key of this node',
      );
    }
    return identity;
  }

  sign(xml: string, signer: Signer): Buffer {
    const signed = signBuiltEdxml(xml, {
      privateKey: this.privateKey(signer.keyPem),
      certificatePem: signer.certificatePem,
      limits: { maxBytes: Math.max(this.config.maxPackageBytes * 2, 1024 * 1024) },
    });
    return Buffer.from(signed, 'utf8');
  }

  verify(pkg: Buffer, trust: TrustMaterial): Verification {
    let report: ReturnType<typeof verifyEdxmlSignature>;
    try {
      report = verifyEdxmlSignature(pkg, {
        trustAnchorPems: trust.anchorPems,
        crlPems: trust.crlPems,
        limits: { maxBytes: Math.max(this.config.maxPackageBytes * 2, 1024 * 1024) },
        keepSignedDocument: true,
      });
    } catch (error) {
      if (error instanceof XmlInputError)
        return { valid: false, transient: false, code: error.code, reason: error.message };
      throw error;
    }
    // The DOM, not signedXml: reading that property would build the canonical text for nothing.
    if (report.valid && report.signedDocument) return { valid: true, content: report.signedDocument };
    const problems =
      report.problems.length > 0
        ? report.problems
        : [{ code: 'INVALID_SIGNATURE', message: 'The signature is not valid' }];
    return {
      valid: false,
      transient: problems.every((p) => TRANSIENT_PROBLEMS.has(p.code)),
      code: problems[0].code,
      reason: problems.map((p) => p.message).join('; '),
    };
  }

  private privateKey(keyPem: string): KeyObject {
    let key = this.keys.get(keyPem);
    if (!key) {
      key = loadPrivateKey(keyPem, this.config.keyPassphrase);
      this.keys.set(keyPem, key);
    }
    return key;
  }
}
