import { Module } from '@nestjs/common';
import { TopologyModule } from '../topology/topology.module';
import { AgencyEnrollmentsController } from './agency-enrollments.controller';
import { CaStorageRepository } from './ca-storage.repository';
import { CaService } from './ca.service';
import { CertificatesController } from './certificates.controller';
import { CrlService } from './crl.service';
import { EnrollmentController } from './enrollment.controller';
import { EnrollmentService } from './enrollment.service';
import { FsCaStorageRepository } from './fs-ca-storage.repository';
import { LibPkiRepository } from './lib-pki.repository';
import { PkiRepository } from './pki.repository';
import { RevocationService } from './revocation.service';
import { TrustController } from './trust.controller';

@Module({
  imports: [TopologyModule],
  controllers: [EnrollmentController, AgencyEnrollmentsController, CertificatesController, TrustController],
  providers: [
    CaService,
    CrlService,
    EnrollmentService,
    RevocationService,
    { provide: PkiRepository, useClass: LibPkiRepository },
    { provide: CaStorageRepository, useClass: FsCaStorageRepository },
  ],
  exports: [EnrollmentService, CaService],
})
export class CertificatesModule {}
