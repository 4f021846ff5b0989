import { ApiKeyEntity } from './api-key.entity';
import { AttachmentEntity } from './attachment.entity';
import { ConnectorEntity } from './connector.entity';
import { DeliveryEventEntity } from './delivery-event.entity';
import { DocumentEntity } from './document.entity';
import { HostedAgencyEntity } from './hosted-agency.entity';
import { OutboxEntity } from './outbox.entity';
import { QuarantineEntity } from './quarantine.entity';
import { TrustCacheEntity } from './trust-cache.entity';
import { VdxpFailureEntity } from './vdxp-failure.entity';

export const NODE_ENTITIES = [
  HostedAgencyEntity,
  ApiKeyEntity,
  DocumentEntity,
  AttachmentEntity,
  OutboxEntity,
  DeliveryEventEntity,
  QuarantineEntity,
  TrustCacheEntity,
  ConnectorEntity,
  VdxpFailureEntity,
];
