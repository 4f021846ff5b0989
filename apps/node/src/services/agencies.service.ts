import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { BusTopology, errorReason } from '@lienthong/bus';
import { AppError } from '@lienthong/common';
import { isIdentifierCode } from '@lienthong/edxml';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf } from '../audit/audit-records';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { HostedAgency } from '../domain/hosted-agency';
import { AxisClient } from '../ports/axis-client';
import { InboxConsumers } from '../ports/inbox-consumers';
import { PackageCrypto } from '../ports/package-crypto';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { TrustStore } from './trust-store.service';

export interface HostedAgencyView {
  code: string;
  name: string;
  certificateSerial: string;
  certificateNotAfter: string;
  /** false while its inbox queue cannot be consumed (retried every TRUST_REFRESH_SECONDS). */
  consuming: boolean;
}

/**
 * The agencies this node speaks for. Hosting one means: a fresh key, a certificate from the axis
 * for it, the key stored encrypted, and the agency's inbox consumed from then on, without restart.
 */
@Injectable()
export class AgenciesService implements OnModuleDestroy {
  private readonly logger = new Logger(AgenciesService.name);
  // Serializes hosting, so that two concurrent requests cannot both pass the dedicated-mode check.
  private hosting: Promise<unknown> = Promise.resolve();
  private reconcileTimer?: NodeJS.Timeout;

  constructor(
    private readonly agencies: HostedAgencyRepository,
    private readonly axis: AxisClient,
    private readonly crypto: PackageCrypto,
    private readonly consumers: InboxConsumers,
    private readonly trust: TrustStore,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  host(code: string, enrollmentToken: string): Promise<HostedAgencyView> {
    const next = this.hosting.then(() => this.enroll(code, enrollmentToken));
    this.hosting = next.catch(() => undefined);
    return next;
  }

  async remove(code: string): Promise<void> {
    // A dedicated node exists for its one agency: removing it would leave a node that signs for
    // nobody and consumes nothing. Such a node is decommissioned, not emptied.
    if (this.config.mode === 'dedicated' && (await this.agencies.findActive(code))) {
      if ((await this.agencies.countActive()) <= 1) {
        throw AppError.conflict(
          'DEDICATED_NODE_LAST_AGENCY',
          `This node runs in dedicated mode for ${code}, its only agency; it cannot stop hosting it (decommission the node instead)`,
        );
      }
    }
    const removed = await this.agencies.markRemoved(code, new Date());
    if (!removed) throw AppError.notFound('AGENCY_NOT_FOUND', `${code} is not hosted on this node`);
    await this.audit.append([{ action: 'agency.removed', actor: actorOf.admin, agency: code }]);
    await this.consumers.stop(code);
  }

  async list(): Promise<HostedAgencyView[]> {
    return (await this.agencies.listActive()).map((a) => this.view(a));
  }

  /** At start: consume every hosted agency's inbox; whatever fails is retried periodically. */
  async resumeConsumers(): Promise<void> {
    await this.reconcile();
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.config.trustRefreshSeconds * 1000);
    this.reconcileTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.reconcileTimer);
  }

  private async reconcile(): Promise<void> {
    try {
      for (const agency of await this.agencies.listActive()) {
        if (!this.consumers.isConsuming(agency.code)) await this.startConsuming(agency.code);
      }
    } catch (error) {
      this.logger.warn({ msg: 'could not resume inbox consumers', reason: errorReason(error) });
    }
  }

  private async enroll(code: string, enrollmentToken: string): Promise<HostedAgencyView> {
    if (!isIdentifierCode(code, 'strict')) {
      throw AppError.invalid('INVALID_AGENCY_CODE', `"${code}" is not an identifier code (ddd.dd.dd.Xdd)`);
    }
    BusTopology.assertAgencyCode(code);
    if (await this.agencies.findActive(code)) {
      throw AppError.conflict('AGENCY_ALREADY_HOSTED', `${code} is already hosted on this node`);
    }
    if (this.config.mode === 'dedicated' && (await this.agencies.countActive()) > 0) {
      throw AppError.conflict(
        'DEDICATED_NODE_OCCUPIED',
        'This node runs in dedicated mode and already hosts its agency; a shared node hosts several',
      );
    }

    const key = this.crypto.newAgencyKey(code);
    const enrolled = await this.axis.enroll({
      token: enrollmentToken,
      nodeId: this.config.nodeId,
      csrPem: key.csrPem,
    });
    if (enrolled.agencyCode !== code) {
      throw AppError.invalid(
        'ENROLLMENT_MISMATCH',
        `The enrollment token is for ${enrolled.agencyCode}, not ${code}`,
      );
    }
    const certificate = this.crypto.checkCertificate(enrolled.certificatePem, key.keyPem, code);
    const now = new Date();
    const previous = await this.agencies.find(code);
    const agency: HostedAgency = {
      code,
      name: certificate.name ?? code,
      keyPem: key.keyPem,
      certificatePem: enrolled.certificatePem,
      caCertificatePem: enrolled.caCertificatePem,
      state: 'active',
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    await this.agencies.save(agency);
    await this.audit.append([
      {
        action: previous ? 'agency.key-changed' : 'agency.onboarded',
        actor: actorOf.admin,
        agency: code,
        details: {
          certificateSerial: certificate.serialNumber,
          certificateNotAfter: certificate.notAfter.toISOString(),
          nodeId: this.config.nodeId,
        },
        time: now,
      },
    ]);
    this.trust.addAnchor(enrolled.caCertificatePem);
    this.logger.log({ msg: 'agency hosted', agency: code });
    await this.startConsuming(code);
    // The directory now lists the new agency's certificate; refresh without waiting for the timer.
    void this.trust.refresh();
    return this.view(agency);
  }

  private async startConsuming(code: string): Promise<void> {
    try {
      await this.consumers.start(code);
    } catch (error) {
      this.logger.warn({
        msg: 'cannot consume the inbox yet, retrying later',
        agency: code,
        reason: errorReason(error),
      });
    }
  }

  private view(agency: HostedAgency): HostedAgencyView {
    const certificate = this.crypto.certificateInfo(agency.certificatePem);
    return {
      code: agency.code,
      name: agency.name,
      certificateSerial: certificate.serialNumber,
      certificateNotAfter: certificate.notAfter.toISOString(),
      consuming: this.consumers.isConsuming(agency.code),
    };
  }
}
