import { X509Certificate } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { CertificateExpirySample, ExchangeMetrics } from '@lienthong/observability';
import { CaService } from '../certificates/ca.service';
import { CertificateExpiryRepository } from './certificate-expiry.repository';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The axis's certificate-expiry gauge, read on scrape: every agency's current certificate (one
 * query) and every certificate authority nodes trust (our CA and AXIS_TRUST_ANCHORS, parsed once).
 */
@Injectable()
export class AxisMetricsSources implements OnModuleInit {
  private authorities?: { bundle: string; samples: CertificateExpirySample[] };

  constructor(
    private readonly metrics: ExchangeMetrics,
    private readonly certificates: CertificateExpiryRepository,
    private readonly ca: CaService,
  ) {}

  onModuleInit(): void {
    this.metrics.observeCertificates(async () =>
      (await this.certificates.listCurrent()).map((c) => ({ kind: 'agency' as const, ...c })),
    );
    this.metrics.observeCertificates(() => this.certificateAuthorities());
  }

  certificateAuthorities(): CertificateExpirySample[] {
    let bundle: string;
    try {
      bundle = this.ca.trustBundlePem();
    } catch {
      return []; // not loaded yet
    }
    if (this.authorities?.bundle !== bundle) {
      const samples = (bundle.match(PEM_CERTIFICATE) ?? []).map((pem) => {
        const certificate = new X509Certificate(pem);
        return {
          kind: 'ca' as const,
          agency: '',
          serial: certificate.serialNumber.toUpperCase(),
          notAfter: new Date(certificate.validTo),
        };
      });
      this.authorities = { bundle, samples };
    }
    return this.authorities.samples;
  }
}
