import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { AxisMetricsSources } from './axis-metrics-sources';
import { CertificateExpiryRepository } from './certificate-expiry.repository';
import { TypeormCertificateExpiryRepository } from './typeorm-certificate-expiry.repository';

/** What the axis's gauges read on scrape (the counters are recorded where things happen). */
@Module({
  imports: [CertificatesModule],
  providers: [
    AxisMetricsSources,
    { provide: CertificateExpiryRepository, useClass: TypeormCertificateExpiryRepository },
  ],
})
export class AxisMetricsModule {}
