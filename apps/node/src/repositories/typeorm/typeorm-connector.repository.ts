import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { StoredConnector, VdxpFailure } from '../../domain/connector';
import { ConnectorEntity } from '../../entities/connector.entity';
import { VdxpFailureEntity } from '../../entities/vdxp-failure.entity';
import { ConnectorMapper } from '../../mappers/connector.mapper';
import { ConnectorRepository } from '../connector.repository';
import { TtlCache } from './ttl-cache';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TypeOrmConnectorRepository extends ConnectorRepository {
  // Looked up on every VDXP request; writes clear it, so a disabled connector stops at once here.
  private readonly enabled = new TtlCache<StoredConnector>(5_000);

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(ConnectorEntity);
  }

  async insert(connector: StoredConnector): Promise<boolean> {
    try {
      await this.repo.insert(ConnectorMapper.toEntity(connector));
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
    this.enabled.clear();
    return true;
  }

  findEnabled(systemId: string): Promise<StoredConnector | undefined> {
    return this.enabled.get(systemId, async () => {
      const e = await this.repo.findOneBy({ systemId, disabledAt: IsNull() });
      return e ? ConnectorMapper.toDomain(e) : undefined;
    });
  }

  async find(systemId: string): Promise<StoredConnector | undefined> {
    const e = await this.repo.findOneBy({ systemId });
    return e ? ConnectorMapper.toDomain(e) : undefined;
  }

  async list(): Promise<StoredConnector[]> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC', systemId: 'ASC' } });
    return rows.map((e) => ConnectorMapper.toDomain(e));
  }

  async setSecret(
    systemId: string,
    secretCiphertext: string,
    at: Date,
  ): Promise<StoredConnector | undefined> {
    await this.repo.update({ systemId }, { secretCiphertext, secretSetAt: at });
    this.enabled.clear();
    return this.find(systemId);
  }

  async disable(systemId: string, at: Date): Promise<StoredConnector | undefined> {
    await this.repo.update({ systemId, disabledAt: IsNull() }, { disabledAt: at });
    this.enabled.clear();
    return this.find(systemId);
  }

  async recordFailure(failure: VdxpFailure): Promise<void> {
    await this.dataSource
      .getRepository(VdxpFailureEntity)
      .upsert(Object.assign(new VdxpFailureEntity(), failure), ['documentUuid']);
  }

  async listFailures(limit: number): Promise<VdxpFailure[]> {
    const rows = await this.dataSource
      .getRepository(VdxpFailureEntity)
      .find({ order: { reportedAt: 'DESC' }, take: limit });
    return rows.map((e) => ConnectorMapper.failureToDomain(e));
  }
}
