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
import { unnestColumns } from './unnest-columns';

// One statement for a whole batch: the trace consumer's hot path (about four events a document).
const INSERT_EVENTS = `
  INSERT INTO trace_event (event_id, document_uuid, document_id, message_id, kind, sender,
                           recipient, event, status_code, detail, node_id, occurred_at)
  SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[])
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id`;

@Injectable()
export class TypeormTraceRepository extends TraceRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async recordEvents(events: TraceEvent[], tx: Transaction): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const rows = events.map(toTraceEventEntity);
    const inserted = (await tx.query(
      INSERT_EVENTS,
      unnestColumns(rows, [
        'eventId',
        'documentUuid',
        'documentId',
        'messageId',
        'kind',
        'sender',
        'recipient',
        'event',
        'statusCode',
        'detail',
        'nodeId',
        'occurredAt',
      ]),
    )) as { event_id: string }[];
    return new Set(inserted.map((row) => row.event_id));
  }

  async listByDocument(documentUuid: string, tx?: Transaction): Promise<TraceEventRecord[]> {
    const rows = await this.rows(tx).find({
      where: { documentUuid },
      order: { occurredAt: 'ASC', receivedAt: 'ASC', eventId: 'ASC' },
    });
    return rows.map(toTraceEventRecord);
  }

  private rows(tx?: Transaction): Repository<TraceEventEntity> {
    return (tx ?? this.db.manager).getRepository(TraceEventEntity);
  }
}
