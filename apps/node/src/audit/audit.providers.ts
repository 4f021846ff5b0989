import type { Provider } from '@nestjs/common';
import { AdminAuditController } from './admin-audit.controller';
import { AuditCheckpointer } from './audit-checkpointer.service';
import { AuditLog } from './audit-log';
import { AuditSealer } from './audit-sealer.service';
import { CheckpointClient, HttpCheckpointClient } from './checkpoint-client';
import { EvidenceController } from './evidence.controller';
import { EvidenceService } from './evidence.service';
import { TypeOrmAuditLog } from './typeorm-audit-log';

/** The node's audit log, checkpoints and evidence bundles (docs/audit.md). */
export const AUDIT_PROVIDERS: Provider[] = [
  { provide: AuditLog, useClass: TypeOrmAuditLog },
  { provide: CheckpointClient, useClass: HttpCheckpointClient },
  AuditSealer,
  AuditCheckpointer,
  EvidenceService,
];

export const AUDIT_CONTROLLERS = [EvidenceController, AdminAuditController];
