import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { DocumentRecord, NewDocument, StoredAttachment } from '../../domain/document';
import { AttachmentEntity } from '../../entities/attachment.entity';
import { DocumentEntity } from '../../entities/document.entity';
import { DocumentMapper } from '../../mappers/document.mapper';
import { DocumentRepository, DocumentScope, InsertResult, ListOptions } from '../document.repository';
import type { Tx } from '../transactor';

@Injectable()
export class TypeOrmDocumentRepository extends DocumentRepository {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(DocumentEntity);
  }

  async insert(tx: Tx, document: NewDocument, attachments: StoredAttachment[]): Promise<InsertResult> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(DocumentEntity)
      .values(DocumentMapper.toEntity(document, new Date()) as QueryDeepPartialEntity<DocumentEntity>)
      .orIgnore()
      .returning(['uuid'])
      .execute();
    if ((result.raw as unknown[]).length === 0) return 'duplicate';
    if (attachments.length > 0) {
      await tx.insert(
        AttachmentEntity,
        attachments.map((a) =>
          DocumentMapper.attachmentToEntity(document.uuid, a),
        ) as QueryDeepPartialEntity<AttachmentEntity>[],
      );
    }
    return 'inserted';
  }

  hasInboundMessage(agencyCode: string, messageId: string): Promise<boolean> {
    return this.repo.existsBy({ agencyCode, messageId, direction: 'inbound' });
  }

  async listSentByDocumentId(agencyCode: string, documentId: string): Promise<DocumentRecord[]> {
    const rows = await this.repo.find({
      where: { agencyCode, documentId, direction: 'outbound', kind: 'edoc' },
      order: { createdAt: 'ASC', uuid: 'ASC' },
    });
    return rows.map((e) => DocumentMapper.toRecord(e));
  }

  async findReceivedOriginal(
    agencyCode: string,
    sender: string,
    documentId: string,
  ): Promise<DocumentRecord | undefined> {
    const e = await this.repo
      .createQueryBuilder('d')
      .where('d.agency_code = :agencyCode AND d.sender = :sender AND d.document_id = :documentId', {
        agencyCode,
        sender,
        documentId,
      })
      .andWhere(`d.direction = 'inbound' AND d.kind = 'edoc'`)
      .andWhere('(d.business_doc_type IS NULL OR d.business_doc_type IN (0, 3))')
      .orderBy('d.created_at', 'ASC')
      .addOrderBy('d.uuid', 'ASC')
      .getOne();
    return e ? DocumentMapper.toRecord(e) : undefined;
  }

  async listRelated(agencyCode: string, uuid: string): Promise<DocumentRecord[]> {
    const rows = await this.repo.find({
      where: { agencyCode, relatedDocumentUuid: uuid, kind: 'edoc' },
      order: { createdAt: 'ASC', uuid: 'ASC' },
    });
    return rows.map((e) => DocumentMapper.toRecord(e));
  }

  async listStatusesAbout(
    agencyCode: string,
    uuid: string,
    direction: 'outbound' | 'inbound',
  ): Promise<DocumentRecord[]> {
    const rows = await this.repo.find({
      where: { agencyCode, responseForUuid: uuid, direction, kind: 'status' },
      order: { createdAt: 'ASC', uuid: 'ASC' },
    });
    return rows.map((e) => DocumentMapper.toRecord(e));
  }

  async findInScope(uuid: string, scope: DocumentScope): Promise<DocumentRecord | undefined> {
    if (scope.agencies.length === 0) return undefined;
    const e = await this.repo.findOneBy({
      uuid,
      agencyCode: In([...scope.agencies]),
      direction: scope.direction,
      kind: scope.kind,
    });
    return e ? DocumentMapper.toRecord(e) : undefined;
  }

  async list(scope: DocumentScope, options: ListOptions): Promise<DocumentRecord[]> {
    if (scope.agencies.length === 0) return [];
    const rows = await this.repo.find({
      where: {
        agencyCode: In([...scope.agencies]),
        direction: scope.direction,
        kind: scope.kind,
        ...(scope.direction === 'inbound' && !options.includeTaken ? { takenAt: IsNull() } : {}),
      },
      order: { createdAt: 'DESC', uuid: 'ASC' },
      take: options.limit,
    });
    return rows.map((e) => DocumentMapper.toRecord(e));
  }

  async readPackage(uuid: string): Promise<Buffer | undefined> {
    const row = await this.repo
      .createQueryBuilder('d')
      .select('d.package', 'package')
      .where('d.uuid = :uuid', { uuid })
      .getRawOne<{ package: Buffer }>();
    return row?.package;
  }

  async readAttachment(uuid: string, index: number): Promise<StoredAttachment | undefined> {
    const e = await this.dataSource.getRepository(AttachmentEntity).findOneBy({ documentUuid: uuid, index });
    return e ? DocumentMapper.attachmentToDomain(e) : undefined;
  }

  async markTaken(tx: Tx, uuid: string, at: Date): Promise<boolean> {
    const result = await tx.update(DocumentEntity, { uuid, takenAt: IsNull() }, { takenAt: at });
    return (result.affected ?? 0) > 0;
  }
}
