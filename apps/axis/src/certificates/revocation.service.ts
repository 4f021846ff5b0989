import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { CrlReason, normalizeSerial } from '@lienthong/pki';
import { AuditService } from '../audit/audit.service';
import { TransactionRunner } from '../database/transaction';
import { AgencyRepository } from '../directory/agency.repository';
import { TrustNotifier } from '../topology/trust-notifier';
import { CertificateRepository } from './certificate.repository';
import { crlUpdatedNotification } from './crl';
import { CrlService } from './crl.service';
import { RevocationResponse } from './dto/revocation.response';

@Injectable()
export class RevocationService {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly agencies: AgencyRepository,
    private readonly crl: CrlService,
    private readonly transactions: TransactionRunner,
    private readonly notifier: TrustNotifier,
    private readonly audit: AuditService,
  ) {}

  /**
   * Revokes and publishes a new CRL in the same transaction: no revocation is ever left off the
   * list. Once committed, nodes are told: `crl-updated`, and `directory-updated` when the
   * certificate was the one the directory handed out.
   */
  async revoke(serialText: string, reason: CrlReason, now = new Date()): Promise<RevocationResponse> {
    const serial = parseSerial(serialText);
    const { response, crl, detached } = await this.transactions.run(async (tx) => {
      const certificate = await this.certificates.findBySerialForUpdate(serial, tx);
      if (!certificate)
        throw AppError.notFound('CERTIFICATE_NOT_FOUND', `No certificate with serial ${serial}`);
      if (certificate.revokedAt) {
        throw AppError.conflict('CERTIFICATE_ALREADY_REVOKED', `Certificate ${serial} is revoked already`, {
          revokedAt: certificate.revokedAt.toISOString(),
        });
      }
      await this.certificates.markRevoked({ serial, revokedAt: now, reason }, tx);
      const detached = await this.agencies.detachCertificate(serial, tx);
      const crl = await this.crl.issue(tx, now);
      await this.audit.record(
        {
          action: 'certificate.revoked',
          actor: 'operator',
          agency: certificate.agencyCode,
          details: { serial, reason, crlNumber: crl.number.toString() },
          time: now,
        },
        tx,
      );
      const response: RevocationResponse = {
        serial,
        agencyCode: certificate.agencyCode,
        revokedAt: now,
        reason,
        crlNumber: crl.number.toString(),
      };
      return { response, crl, detached };
    });
    await Promise.all([
      this.notifier.notify(crlUpdatedNotification(crl)),
      detached &&
        this.notifier.notify({
          type: 'directory-updated',
          agencyCode: response.agencyCode,
          change: 'certificate-revoked',
        }),
    ]);
    return response;
  }
}

function parseSerial(text: string): string {
  try {
    return normalizeSerial(text);
  } catch {
    throw AppError.invalid('CERTIFICATE_SERIAL_INVALID', `Not a hexadecimal serial number: ${text}`);
  }
}
