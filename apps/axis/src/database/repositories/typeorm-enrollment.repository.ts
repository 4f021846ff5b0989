import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import { DataSource, IsNull, MoreThan, Repository } from 'typeorm';
import type { Enrollment, NewEnrollment } from '../../certificates/enrollment';
import { EnrollmentRepository } from '../../certificates/enrollment.repository';
import { EnrollmentEntity } from '../entities/enrollment.entity';
import { toEnrollment } from '../mappers/enrollment.mapper';
import type { Transaction } from '../transaction';

@Injectable()
export class TypeormEnrollmentRepository extends EnrollmentRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async create(enrollment: NewEnrollment, tx?: Transaction): Promise<Enrollment> {
    const row: EnrollmentEntity = {
      id: randomUUID(),
      agencyCode: enrollment.agencyCode,
      tokenHash: enrollment.tokenHash,
      createdAt: new Date(),
      expiresAt: enrollment.expiresAt,
      usedAt: null,
      usedByNode: null,
      certificateSerial: null,
    };
    await this.rows(tx).insert(row);
    return toEnrollment(row);
  }

  async findByTokenHashForUpdate(tokenHash: string, tx: Transaction): Promise<Enrollment | undefined> {
    const row = await this.rows(tx)
      .createQueryBuilder('e')
      .setLock('pessimistic_write')
      .where('e.token_hash = :tokenHash', { tokenHash })
      .getOne();
    return row ? toEnrollment(row) : undefined;
  }

  async markUsed(
    id: string,
    use: { usedAt: Date; nodeId: string; certificateSerial: string },
    tx: Transaction,
  ): Promise<void> {
    await this.rows(tx).update(
      { id },
      { usedAt: use.usedAt, usedByNode: use.nodeId, certificateSerial: use.certificateSerial },
    );
  }

  async expireUnused(agencyCode: string, at: Date, tx?: Transaction): Promise<void> {
    await this.rows(tx).update({ agencyCode, usedAt: IsNull(), expiresAt: MoreThan(at) }, { expiresAt: at });
  }

  private rows(tx?: Transaction): Repository<EnrollmentEntity> {
    return (tx ?? this.db.manager).getRepository(EnrollmentEntity);
  }
}
