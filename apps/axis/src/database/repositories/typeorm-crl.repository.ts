import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { DataSource, Repository } from 'typeorm';
import type { CrlRecord } from '../../certificates/crl';
import { CrlRepository } from '../../certificates/crl.repository';
import { CrlEntity } from '../entities/crl.entity';
import { toCrlEntity, toCrlRecord } from '../mappers/crl.mapper';
import type { Transaction } from '../transaction';

/** Advisory lock (class, object) of CRL issuance; the class keeps it apart from any other lock. */
const CRL_LOCK = [0x6c74, 1] as const;

@Injectable()
export class TypeormCrlRepository extends CrlRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async findLatest(tx?: Transaction): Promise<CrlRecord | undefined> {
    const [row] = await this.rows(tx).find({ order: { number: 'DESC' }, take: 1 });
    return row ? toCrlRecord(row) : undefined;
  }

  async lockIssuance(tx: Transaction): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [...CRL_LOCK]);
  }

  async save(crl: CrlRecord, tx: Transaction): Promise<void> {
    await this.rows(tx).insert(toCrlEntity(crl));
  }

  private rows(tx?: Transaction): Repository<CrlEntity> {
    return (tx ?? this.db.manager).getRepository(CrlEntity);
  }
}
