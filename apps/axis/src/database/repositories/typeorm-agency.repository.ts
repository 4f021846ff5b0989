import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { DirectoryEntry } from '@lienthong/protocol';
import type { DataSource, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Agency, AgencyChanges, NewAgency } from '../../directory/agency';
import { AgencyRepository } from '../../directory/agency.repository';
import { AgencyEntity } from '../entities/agency.entity';
import { CertificateEntity } from '../entities/certificate.entity';
import { toAgency } from '../mappers/agency.mapper';
import type { Transaction } from '../transaction';

interface DirectoryRow {
  code: string;
  name: string;
  parent_code: string | null;
  node_id: string | null;
  state: 'active' | 'suspended';
  certificate_pem: string | null;
}

@Injectable()
export class TypeormAgencyRepository extends AgencyRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async findByCode(code: string, tx?: Transaction): Promise<Agency | undefined> {
    const row = await this.rows(tx).findOneBy({ code });
    return row ? toAgency(row) : undefined;
  }

  async list(): Promise<Agency[]> {
    return (await this.rows().find({ order: { code: 'ASC' } })).map(toAgency);
  }

  async createIfAbsent(agency: NewAgency, tx?: Transaction): Promise<Agency | undefined> {
    const result = await this.rows(tx)
      .createQueryBuilder()
      .insert()
      .values({
        code: agency.code,
        name: agency.name,
        parentCode: agency.parentCode ?? null,
        state: 'active',
      })
      .orIgnore()
      .returning('code')
      .execute();
    if ((result.raw as unknown[]).length === 0) return undefined;
    return this.findByCode(agency.code, tx);
  }

  async update(code: string, changes: AgencyChanges, tx?: Transaction): Promise<Agency | undefined> {
    const set: QueryDeepPartialEntity<AgencyEntity> = { updatedAt: () => 'now()' };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.parentCode !== undefined) set.parentCode = changes.parentCode;
    if (changes.state !== undefined) set.state = changes.state;
    const result = await this.rows(tx).update({ code }, set);
    if (!result.affected) return undefined;
    return this.findByCode(code, tx);
  }

  async attachCertificate(
    code: string,
    binding: { nodeId: string; certificateSerial: string },
    tx: Transaction,
  ): Promise<void> {
    await this.rows(tx).update(
      { code },
      { nodeId: binding.nodeId, certificateSerial: binding.certificateSerial, updatedAt: () => 'now()' },
    );
  }

  async detachCertificate(serial: string, tx: Transaction): Promise<boolean> {
    const { affected } = await this.rows(tx).update(
      { certificateSerial: serial },
      { certificateSerial: null, updatedAt: () => 'now()' },
    );
    return (affected ?? 0) > 0;
  }

  async listDirectoryEntries(): Promise<DirectoryEntry[]> {
    const rows = await this.rows()
      .createQueryBuilder('a')
      .leftJoin(CertificateEntity, 'c', 'c.serial = a.certificate_serial AND c.revoked_at IS NULL')
      .select([
        'a.code AS code',
        'a.name AS name',
        'a.parent_code AS parent_code',
        'a.node_id AS node_id',
        'a.state AS state',
        'c.pem AS certificate_pem',
      ])
      .orderBy('a.code', 'ASC')
      .getRawMany<DirectoryRow>();
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      ...(r.parent_code !== null ? { parentCode: r.parent_code } : {}),
      ...(r.node_id !== null ? { nodeId: r.node_id } : {}),
      state: r.state,
      ...(r.certificate_pem !== null ? { certificatePem: r.certificate_pem } : {}),
    }));
  }

  private rows(tx?: Transaction): Repository<AgencyEntity> {
    return (tx ?? this.db.manager).getRepository(AgencyEntity);
  }
}
