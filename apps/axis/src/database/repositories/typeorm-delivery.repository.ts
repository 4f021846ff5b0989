import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AXIS_DATA_SOURCE } from '../data-source-name';
import type { DataSource, Repository } from 'typeorm';
import type { Delivery, DeliveryFilter, DeliveryPage } from '../../tracking/delivery';
import { DeliveryRepository } from '../../tracking/delivery.repository';
import { DeliveryEntity } from '../entities/delivery.entity';
import { toDelivery, toDeliveryEntity } from '../mappers/delivery.mapper';
import type { Transaction } from '../transaction';

@Injectable()
export class TypeormDeliveryRepository extends DeliveryRepository {
  constructor(@InjectDataSource(AXIS_DATA_SOURCE) private readonly db: DataSource) {
    super();
  }

  async insertIfAbsent(delivery: Delivery, tx: Transaction): Promise<boolean> {
    const result = await this.rows(tx)
      .createQueryBuilder()
      .insert()
      .values(toDeliveryEntity(delivery))
      .orIgnore()
      .returning('seq')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async findForUpdate(
    documentUuid: string,
    recipient: string,
    tx: Transaction,
  ): Promise<Delivery | undefined> {
    const row = await this.rows(tx)
      .createQueryBuilder('d')
      .setLock('pessimistic_write')
      .where('d.document_uuid = :documentUuid AND d.recipient = :recipient', { documentUuid, recipient })
      .getOne();
    return row ? toDelivery(row) : undefined;
  }

  async update(delivery: Delivery, tx: Transaction): Promise<void> {
    const { documentUuid, recipient, ...changes } = toDeliveryEntity(delivery);
    await this.rows(tx).update({ documentUuid, recipient }, changes);
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

  async listByDocument(documentUuid: string): Promise<Delivery[]> {
    const rows = await this.rows().find({ where: { documentUuid }, order: { recipient: 'ASC' } });
    return rows.map(toDelivery);
  }

  private rows(tx?: Transaction): Repository<DeliveryEntity> {
    return (tx ?? this.db.manager).getRepository(DeliveryEntity);
  }
}
