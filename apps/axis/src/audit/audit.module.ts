import { Global, Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { CheckpointService } from './checkpoint.service';

/** Global: every feature records its actions with AuditService (the repository is in DatabaseModule). */
@Global()
@Module({
  imports: [CertificatesModule],
  controllers: [AuditController],
  providers: [AuditService, CheckpointService],
  exports: [AuditService],
})
export class AuditModule {}
