import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NewQuarantineEntry } from '../../domain/quarantine';
import { QuarantineEntity } from '../../entities/quarantine.entity';
import { QuarantineRepository } from '../quarantine.repository';
import type { Tx } from '../transactor';
import { execute } from './sql';

@Injectable()
export class TypeOrmQuarantineRepository extends QuarantineRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async insert(tx: Tx, entry: NewQuarantineEntry): Promise<boolean> {
    // A message id already stored as a document is a redelivery too (see the document insert).
    const inserted = await execute(
      tx,
      `INSERT INTO quarantine (id, agency_code, message_id, sender_hint, reason_code, reason, package, received_at)
       SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::bytea, now()
        WHERE NOT EXISTS (SELECT 1 FROM document d
                           WHERE d.agency_code = $2 AND d.message_id = $3 AND d.direction = 'inbound')
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        entry.id,
        entry.agencyCode,
        entry.messageId,
        entry.senderHint ?? null,
        entry.reasonCode,
        entry.reason,
        entry.package,
      ],
    );
    return inserted.length > 0;
  }

  has(agencyCode: string, messageId: string): Promise<boolean> {
    return this.dataSource.getRepository(QuarantineEntity).existsBy({ agencyCode, messageId });
  }
}
