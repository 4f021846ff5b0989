import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { DataSource, Repository } from 'typeorm';
import {
  deliveryKey,
  type Delivery,
  type DeliveryFilter,
  type DeliveryKey,
  type DeliveryPage,
} from '../../tracking/delivery';
import { DeliveryRepository } from '../../tracking/delivery.repository';
import { DeliveryEntity } from '../entities/delivery.entity';
import { toDelivery, toDeliveryEntity } from '../mappers/delivery.mapper';
import type { Transaction } from '../transaction';
import { unnestColumns } from './unnest-columns';

/*
 * The trace consumer's hot path works on whole batches in plain SQL: one statement per step
 * whatever the batch size. Columns are aliased to the entity's names so the mapper reads them.
 */
const DELIVERY_COLUMNS = [
  'documentUuid',
  'recipient',
  'sender',
  'documentId',
  'messageId',
  'kind',
  'state',
  'statusCode',
  'detail',
  'stateOccurredAt',
  'createdAt',
  'updatedAt',
] as const;

const UNNEST_DELIVERIES = `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[])
  AS v(document_uuid, recipient, sender, document_id, message_id, kind, state, status_code, detail,
       state_occurred_at, created_at, updated_at)`;

const LOCK_MANY = `
  SELECT d.document_uuid AS "documentUuid", d.recipient, d.seq, d.sender,
         d.document_id AS "documentId", d.message_id AS "messageId", d.kind, d.state,
         d.status_code AS "statusCode", d.detail, d.state_occurred_at AS "stateOccurredAt",
         d.created_at AS "createdAt", d.updated_at AS "updatedAt"
  FROM delivery d
  JOIN unnest($1::uuid[], $2::text[]) AS k(document_uuid, recipient)
    ON d.document_uuid = k.document_uuid AND d.recipient = k.recipient
  ORDER BY d.document_uuid, d.recipient COLLATE "C"
  FOR UPDATE OF d`;

const INSERT_MANY = `
  INSERT INTO delivery (document_uuid, recipient, sender, document_id, message_id, kind, state,
                        status_code, detail, state_occurred_at, created_at, updated_at)
  SELECT * FROM ${UNNEST_DELIVERIES}
  ON CONFLICT (document_uuid, recipient) DO NOTHING
  RETURNING document_uuid AS "documentUuid", recipient`;

const UPDATE_MANY = `
  UPDATE delivery d
  SET sender = v.sender, document_id = v.document_id, message_id = v.message_id, kind = v.kind,
      state = v.state, status_code = v.status_code, detail = v.detail,
      state_occurred_at = v.state_occurred_at, updated_at = v.updated_at
  FROM ${UNNEST_DELIVERIES}
  WHERE d.document_uuid = v.document_uuid AND d.recipient = v.recipient`;

function byKey(a: Delivery, b: Delivery): number {
  const x = deliveryKey(a);
  const y = deliveryKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

@Injectable()
export class TypeormDeliveryRepository extends DeliveryRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async lockMany(keys: DeliveryKey[], tx: Transaction): Promise<Delivery[]> {
    if (keys.length === 0) return [];
    const rows = (await tx.query(LOCK_MANY, [
      keys.map((k) => k.documentUuid),
      keys.map((k) => k.recipient),
    ])) as DeliveryEntity[];
    return rows.map(toDelivery);
  }

  async insertManyIfAbsent(deliveries: Delivery[], tx: Transaction): Promise<DeliveryKey[]> {
    if (deliveries.length === 0) return [];
    // Key order, as lockMany: concurrent batches wait for each other's rows in one direction.
    const rows = [...deliveries].sort(byKey).map(toDeliveryEntity);
    return (await tx.query(INSERT_MANY, unnestColumns(rows, DELIVERY_COLUMNS))) as DeliveryKey[];
  }

  async updateMany(deliveries: Delivery[], tx: Transaction): Promise<void> {
    if (deliveries.length === 0) return;
    const rows = [...deliveries].sort(byKey).map(toDeliveryEntity);
    await tx.query(UPDATE_MANY, unnestColumns(rows, DELIVERY_COLUMNS));
  }

  async search(filter: DeliveryFilter): Promise<DeliveryPage> {
    const query = this.rows()
      .createQueryBuilder('d')
      .orderBy('d.seq', 'DESC')
      .limit(filter.limit + 1);
    const { documentId, agency, state, from, to, after } = filter;
    if (documentId !== undefined) query.andWhere('d.document_id = :documentId', { documentId });
    if (agency !== undefined) query.andWhere('(d.sender = :agency OR d.recipient = :agency)', { agency });
    if (state !== undefined) query.andWhere('d.state = :state', { state });
    if (from !== undefined) query.andWhere('d.created_at >= :from', { from });
    if (to !== undefined) query.andWhere('d.created_at < :to', { to });
    if (after !== undefined) query.andWhere('d.seq < :after', { after: after.toString() });
    const rows = await query.getMany();
    const page = rows.slice(0, filter.limit);
    const more = rows.length > filter.limit;
    return {
      items: page.map(toDelivery),
      ...(more ? { last: BigInt(page[page.length - 1].seq) } : {}),
    };
  }

  async listByDocument(documentUuid: string, tx?: Transaction): Promise<Delivery[]> {
    const rows = await this.rows(tx).find({ where: { documentUuid }, order: { recipient: 'ASC' } });
    return rows.map(toDelivery);
  }

  private rows(tx?: Transaction): Repository<DeliveryEntity> {
    return (tx ?? this.db.manager).getRepository(DeliveryEntity);
  }
}
