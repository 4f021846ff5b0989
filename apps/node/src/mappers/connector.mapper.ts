import type { StoredConnector, VdxpFailure } from '../domain/connector';
import { ConnectorEntity } from '../entities/connector.entity';
import { VdxpFailureEntity } from '../entities/vdxp-failure.entity';

export const ConnectorMapper = {
  toDomain(e: ConnectorEntity): StoredConnector {
    return {
      systemId: e.systemId,
      name: e.name,
      agencies: e.agencies,
      ...(e.disabledAt ? { disabledAt: e.disabledAt } : {}),
      secretSetAt: e.secretSetAt,
      createdAt: e.createdAt,
      secretCiphertext: e.secretCiphertext,
    };
  },

  toEntity(c: StoredConnector): ConnectorEntity {
    return Object.assign(new ConnectorEntity(), {
      systemId: c.systemId,
      name: c.name,
      secretCiphertext: c.secretCiphertext,
      agencies: c.agencies,
      disabledAt: c.disabledAt ?? null,
      secretSetAt: c.secretSetAt,
      createdAt: c.createdAt,
    });
  },

  failureToDomain(e: VdxpFailureEntity): VdxpFailure {
    return {
      documentUuid: e.documentUuid,
      agencyCode: e.agencyCode,
      systemId: e.systemId,
      reason: e.reason,
      reportedAt: e.reportedAt,
    };
  },
};
