import type { HostedAgency, HostedAgencyState } from '../domain/hosted-agency';
import { HostedAgencyEntity } from '../entities/hosted-agency.entity';

export const HostedAgencyMapper = {
  toDomain(e: HostedAgencyEntity): HostedAgency {
    return {
      code: e.code,
      name: e.name,
      keyPem: e.keyPem,
      certificatePem: e.certificatePem,
      caCertificatePem: e.caCertificatePem,
      state: e.state as HostedAgencyState,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    };
  },

  toEntity(a: HostedAgency): HostedAgencyEntity {
    return Object.assign(new HostedAgencyEntity(), a);
  },
};
