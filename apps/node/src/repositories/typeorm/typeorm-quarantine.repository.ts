import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NewQuarantineEntry } from '../../domain/quarantine';
import { QuarantineEntity } from '../../entities/quarantine.entity';
import { QuarantineRepository } from '../quarantine.repository';
import type { Tx } from '../transactor';

@Injectable()
export class TypeOrmQuarantineRepository extends QuarantineRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insert(tx: Tx, entry: NewQuarantineEntry): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(QuarantineEntity)
      .values({
        id: entry.id,
        agencyCode: entry.agencyCode,
        messageId: entry.messageId,
        senderHint: entry.senderHint ?? null,
        reasonCode: entry.reasonCode,
        reason: entry.reason,
        package: entry.package,
        receivedAt: new Date(),
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  has(agencyCode: string, messageId: string): Promise<boolean> {
    return this.dataSource.getRepository(QuarantineEntity).existsBy({ agencyCode, messageId });
  }
}
