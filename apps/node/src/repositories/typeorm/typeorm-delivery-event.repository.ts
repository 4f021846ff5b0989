import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveryEvent, NewDeliveryEvent } from '../../domain/delivery-event';
import { DeliveryEventEntity } from '../../entities/delivery-event.entity';
import { DeliveryEventMapper } from '../../mappers/delivery-event.mapper';
import { DeliveryEventRepository } from '../delivery-event.repository';
import type { Tx } from '../transactor';

@Injectable()
export class TypeOrmDeliveryEventRepository extends DeliveryEventRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async record(tx: Tx, events: NewDeliveryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    await tx.insert(
      DeliveryEventEntity,
      events.map((e) => DeliveryEventMapper.toEntity(e, now)),
    );
  }

  async listFor(documentUuid: string): Promise<DeliveryEvent[]> {
    const rows = await this.dataSource
      .getRepository(DeliveryEventEntity)
      .find({ where: { documentUuid }, order: { occurredAt: 'ASC', id: 'ASC' } });
    return rows.map((e) => DeliveryEventMapper.toDomain(e));
  }
}
