import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HostedAgency } from '../../domain/hosted-agency';
import { HostedAgencyEntity } from '../../entities/hosted-agency.entity';
import { HostedAgencyMapper } from '../../mappers/hosted-agency.mapper';
import { HostedAgencyRepository } from '../hosted-agency.repository';
import { TtlCache } from './ttl-cache';

@Injectable()
export class TypeOrmHostedAgencyRepository extends HostedAgencyRepository {
  // Read by every submission and every inbound message; changed only here (save, markRemoved).
  private readonly active = new TtlCache<HostedAgency>(5_000);

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(HostedAgencyEntity);
  }

  findActive(code: string): Promise<HostedAgency | undefined> {
    return this.active.get(code, async () => {
      const e = await this.repo.findOneBy({ code, state: 'active' });
      return e ? HostedAgencyMapper.toDomain(e) : undefined;
    });
  }

  async find(code: string): Promise<HostedAgency | undefined> {
    const e = await this.repo.findOneBy({ code });
    return e ? HostedAgencyMapper.toDomain(e) : undefined;
  }

  async listActive(): Promise<HostedAgency[]> {
    const rows = await this.repo.find({ where: { state: 'active' }, order: { code: 'ASC' } });
    return rows.map((e) => HostedAgencyMapper.toDomain(e));
  }

  countActive(): Promise<number> {
    return this.repo.countBy({ state: 'active' });
  }

  async save(agency: HostedAgency): Promise<void> {
    try {
      await this.repo.save(HostedAgencyMapper.toEntity(agency));
    } finally {
      this.active.delete(agency.code);
    }
  }

  async markRemoved(code: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ code, state: 'active' }, { state: 'removed', updatedAt: at });
    this.active.delete(code);
    return (result.affected ?? 0) > 0;
  }
}
