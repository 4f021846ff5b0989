import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { TraceEvent } from '@lienthong/protocol';
import type { DataSource, Repository } from 'typeorm';
import type { TraceEventRecord } from '../../tracking/trace-event-record';
import { TraceRepository } from '../../tracking/trace.repository';
import { TraceEventEntity } from '../entities/trace-event.entity';
import { toTraceEventEntity, toTraceEventRecord } from '../mappers/trace-event.mapper';
import type { Transaction } from '../transaction';

@Injectable()
export class TypeormTraceRepository extends TraceRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async recordEvent(event: TraceEvent, tx: Transaction): Promise<boolean> {
    // A concurrent insert of the same id waits for the other transaction, then does nothing.
    const result = await this.rows(tx)
      .createQueryBuilder()
      .insert()
      .values(toTraceEventEntity(event))
      .orIgnore()
      .returning('event_id')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async listByDocument(documentUuid: string): Promise<TraceEventRecord[]> {
    const rows = await this.rows().find({
      where: { documentUuid },
      order: { occurredAt: 'ASC', receivedAt: 'ASC', eventId: 'ASC' },
    });
    return rows.map(toTraceEventRecord);
  }

  private rows(tx?: Transaction): Repository<TraceEventEntity> {
    return (tx ?? this.db.manager).getRepository(TraceEventEntity);
  }
}
