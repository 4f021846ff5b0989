import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { EnrollRequest, EnrollResponse } from '@lienthong/protocol';
import { AuditService } from '../audit/audit.service';
import { Transaction, TransactionRunner } from '../database/transaction';
import { AgencyRepository } from '../directory/agency.repository';
import { TrustNotifier } from '../topology/trust-notifier';
import { CaService } from './ca.service';
import { CertificateRepository } from './certificate.repository';
import { EnrollmentRepository } from './enrollment.repository';
import { ENROLLMENT_TTL_MS, hashEnrollmentToken, newEnrollmentToken } from './enrollment-token';
import { EnrollmentTokenResponse } from './dto/enrollment-token.response';
import { PkiRepository } from './pki.repository';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** One-time tokens, and the certificate a node gets for one. */
@Injectable()
export class EnrollmentService {
  constructor(
    private readonly agencies: AgencyRepository,
    private readonly enrollments: EnrollmentRepository,
    private readonly certificates: CertificateRepository,
    private readonly transactions: TransactionRunner,
    private readonly ca: CaService,
    private readonly pki: PkiRepository,
    private readonly notifier: TrustNotifier,
    private readonly audit: AuditService,
  ) {}

  /** Supersedes the agency's earlier unused tokens: only the latest one handed out works. */
  async issueToken(agencyCode: string, tx: Transaction, now = new Date()): Promise<IssuedToken> {
    await this.enrollments.expireUnused(agencyCode, now, tx);
    const token = newEnrollmentToken();
    const expiresAt = new Date(now.getTime() + ENROLLMENT_TTL_MS);
    await this.enrollments.create({ agencyCode, tokenHash: hashEnrollmentToken(token), expiresAt }, tx);
    return { token, expiresAt };
  }

  /** A new token for an existing agency, e.g. to move it to another node or to re-key. */
  async createForAgency(code: string): Promise<EnrollmentTokenResponse> {
    return this.transactions.run(async (tx) => {
      const agency = await this.agencies.findByCode(code, tx);
      if (!agency) throw AppError.notFound('AGENCY_NOT_FOUND', `No agency ${code}`);
      if (agency.state === 'suspended') {
        throw AppError.conflict('AGENCY_SUSPENDED', `Agency ${code} is suspended; reactivate it first`);
      }
      const { token, expiresAt } = await this.issueToken(code, tx);
      await this.audit.record(
        {
          action: 'enrollment.issued',
          actor: 'operator',
          agency: code,
          details: { expiresAt: expiresAt.toISOString() },
        },
        tx,
      );
      return { agencyCode: code, enrollmentToken: token, enrollmentExpiresAt: expiresAt };
    });
  }

  /**
   * Spends the token and certifies the request's key for the token's agency, with the code and
   * name from the directory: a node cannot choose whom its certificate speaks for. Once
   * committed, nodes are told the agency's directory entry changed (new certificate, maybe new node).
   */
  async enroll(request: EnrollRequest, now = new Date()): Promise<EnrollResponse> {
    const tokenHash = hashEnrollmentToken(request.token);
    const response = await this.transactions.run(async (tx): Promise<EnrollResponse> => {
      const enrollment = await this.enrollments.findByTokenHashForUpdate(tokenHash, tx);
      if (!enrollment) {
        throw new AppError(
          'unauthenticated',
          'ENROLLMENT_TOKEN_INVALID',
          'The enrollment token is not valid',
        );
      }
      if (enrollment.usedAt) {
        throw AppError.conflict('ENROLLMENT_TOKEN_USED', 'The enrollment token has been used already');
      }
      if (enrollment.expiresAt.getTime() <= now.getTime()) {
        throw new AppError(
          'unauthenticated',
          'ENROLLMENT_TOKEN_EXPIRED',
          'The enrollment token has expired; ask the operator for a new one',
        );
      }
      const agency = await this.agencies.findByCode(enrollment.agencyCode, tx);
      if (!agency) throw AppError.notFound('AGENCY_NOT_FOUND', `No agency ${enrollment.agencyCode}`);
      if (agency.state === 'suspended') {
        throw AppError.forbidden('AGENCY_SUSPENDED', `Agency ${agency.code} is suspended`);
      }
      const issued = this.pki.issueFromCsr(this.ca.signer(), {
        csrPem: request.csrPem,
        organId: agency.code,
        name: agency.name,
      });
      await this.certificates.record(
        {
          serial: issued.serial,
          agencyCode: agency.code,
          nodeId: request.nodeId,
          pem: issued.pem,
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
        },
        tx,
      );
      await this.enrollments.markUsed(
        enrollment.id,
        { usedAt: now, nodeId: request.nodeId, certificateSerial: issued.serial },
        tx,
      );
      await this.agencies.attachCertificate(
        agency.code,
        { nodeId: request.nodeId, certificateSerial: issued.serial },
        tx,
      );
      await this.audit.record(
        {
          action: 'certificate.issued',
          actor: `node:${request.nodeId}`,
          agency: agency.code,
          details: {
            serial: issued.serial,
            nodeId: request.nodeId,
            notBefore: issued.notBefore.toISOString(),
            notAfter: issued.notAfter.toISOString(),
          },
          time: now,
        },
        tx,
      );
      return {
        agencyCode: agency.code,
        certificatePem: issued.pem,
        caCertificatePem: this.ca.caCertificatePem(),
      };
    });
    await this.notifier.notify({
      type: 'directory-updated',
      agencyCode: response.agencyCode,
      change: 'enrolled',
    });
    return response;
  }
}
