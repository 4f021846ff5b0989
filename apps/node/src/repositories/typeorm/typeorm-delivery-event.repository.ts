import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveryEvent, NewDeliveryEvent } from '../../domain/delivery-event';
import { DeliveryEventEntity } from '../../entities/delivery-event.entity';
import { DeliveryEventMapper } from '../../mappers/delivery-event.mapper';
import { DeliveryEventRepository } from '../delivery-event.repository';
import type { Tx } from '../transactor';
import { deliveryEventRows, execute, insertRows, SqlParams } from './sql';

@Injectable()
export class TypeOrmDeliveryEventRepository extends DeliveryEventRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async record(tx: Tx, events: NewDeliveryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const params = new SqlParams();
    await execute(tx, insertRows(deliveryEventRows(new Date()), events, params), params.values);
  }

  async listFor(documentUuid: string, tx?: Tx): Promise<DeliveryEvent[]> {
    const rows = await (tx ?? this.dataSource.manager)
      .getRepository(DeliveryEventEntity)
      .find({ where: { documentUuid }, order: { occurredAt: 'ASC', id: 'ASC' } });
    return rows.map((e) => DeliveryEventMapper.toDomain(e));
  }

  async acknowledged(documentUuids: string[], recipient: string): Promise<Set<string>> {
    if (documentUuids.length === 0) return new Set();
    const rows = await execute<{ document_uuid: string }>(
      this.dataSource,
      `SELECT DISTINCT document_uuid FROM delivery_event
        WHERE document_uuid = ANY($1::uuid[]) AND event = 'status' AND status_code IN ('01', '02')
          AND upper(recipient) = upper($2)`,
      [documentUuids, recipient],
    );
    return new Set(rows.map((r) => r.document_uuid));
  }
}
