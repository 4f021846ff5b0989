import { Injectable, OnModuleInit } from '@nestjs/common';
import { CertificateExpirySample, ExchangeMetrics } from '@lienthong/observability';
import { PackageCrypto } from '../ports/package-crypto';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { OutboxRepository } from '../repositories/outbox.repository';

/**
 * What the node's gauges read when Prometheus scrapes: the outbox backlog (one query on the
 * partial index of pending rows) and each hosted agency's certificate (a few rows; each
 * certificate parsed once).
 */
@Injectable()
export class NodeMetricsSources implements OnModuleInit {
  private readonly parsed = new Map<string, { serial: string; notAfter: Date }>();

  constructor(
    private readonly metrics: ExchangeMetrics,
    private readonly outbox: OutboxRepository,
    private readonly agencies: HostedAgencyRepository,
    private readonly crypto: PackageCrypto,
  ) {}

  onModuleInit(): void {
    this.metrics.observeOutbox(() => this.outbox.backlog());
    this.metrics.observeCertificates(() => this.certificates());
  }

  async certificates(): Promise<CertificateExpirySample[]> {
    const agencies = await this.agencies.listActive();
    return agencies.map((agency) => {
      let info = this.parsed.get(agency.certificatePem);
      if (!info) {
        const certificate = this.crypto.certificateInfo(agency.certificatePem);
        info = { serial: certificate.serialNumber.toUpperCase(), notAfter: certificate.notAfter };
        this.parsed.set(agency.certificatePem, info);
      }
      return { kind: 'agency' as const, agency: agency.code, ...info };
    });
  }
}
