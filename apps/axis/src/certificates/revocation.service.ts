import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { CrlReason, normalizeSerial } from '@lienthong/pki';
import { TransactionRunner } from '../database/transaction';
import { AgencyRepository } from '../directory/agency.repository';
import { CertificateRepository } from './certificate.repository';
import { CrlService } from './crl.service';
import { RevocationResponse } from './dto/revocation.response';

@Injectable()
export class RevocationService {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly agencies: AgencyRepository,
    private readonly crl: CrlService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Revokes and publishes a new CRL in the same transaction: no revocation is ever left off the list. */
  async revoke(serialText: string, reason: CrlReason, now = new Date()): Promise<RevocationResponse> {
    const serial = parseSerial(serialText);
    return this.transactions.run(async (tx) => {
      const certificate = await this.certificates.findBySerialForUpdate(serial, tx);
      if (!certificate)
        throw AppError.notFound('CERTIFICATE_NOT_FOUND', `No certificate with serial ${serial}`);
      if (certificate.revokedAt) {
        throw AppError.conflict('CERTIFICATE_ALREADY_REVOKED', `Certificate ${serial} is revoked already`, {
          revokedAt: certificate.revokedAt.toISOString(),
        });
      }
      await this.certificates.markRevoked({ serial, revokedAt: now, reason }, tx);
      await this.agencies.detachCertificate(serial, tx);
      const crl = await this.crl.issue(tx, now);
      return {
        serial,
        agencyCode: certificate.agencyCode,
        revokedAt: now,
        reason,
        crlNumber: crl.number.toString(),
      };
    });
  }
}

function parseSerial(text: string): string {
  try {
    return normalizeSerial(text);
  } catch {
    throw AppError.invalid('CERTIFICATE_SERIAL_INVALID', `Not a hexadecimal serial number: ${text}`);
  }
}
