import { Injectable } from '@nestjs/common';
import { AUDIT_APPEND_TYPES, appendArrays, appendValues, auditAppendCtes } from '@lienthong/audit';
import { GroupCommit } from '@lienthong/common';
import { DataSource, In, IsNull } from 'typeorm';
import type { DocumentRecord, NewDocument, StoredAttachment } from '../../domain/document';
import { AttachmentEntity } from '../../entities/attachment.entity';
import { DocumentEntity } from '../../entities/document.entity';
import { DocumentMapper, DocumentRow } from '../../mappers/document.mapper';
import {
  DocumentRepository,
  DocumentScope,
  DocumentWrite,
  InsertResult,
  ListOptions,
  SentPackage,
} from '../document.repository';
import type { Tx } from '../transactor';
import {
  deliveryEventRows,
  execute,
  insertRows,
  json,
  OUTBOX_ROWS,
  readPackageBytes,
  SqlParams,
  TableShape,
} from './sql';

const DOCUMENT_ROWS: TableShape<DocumentEntity> = {
  table: 'document',
  columns: [
    ['uuid', 'uuid'],
    ['direction', 'text'],
    ['kind', 'text'],
    ['agency_code', 'text'],
    ['sender', 'text'],
    ['recipients', 'text[]'],
    ['document_id', 'text'],
    ['message_id', 'text'],
    ['sender_document_uuid', 'text'],
    ['response_for_uuid', 'uuid'],
    ['related_document_uuid', 'uuid'],
    ['business_doc_type', 'smallint'],
    ['status_code', 'text'],
    ['code', 'text'],
    ['subject', 'text'],
    ['metadata', 'jsonb'],
    ['package', 'bytea'],
    ['package_sha256', 'text'],
    ['package_size', 'integer'],
    ['received_at', 'timestamptz'],
    ['created_at', 'timestamptz'],
  ],
  row: (e) => [
    e.uuid,
    e.direction,
    e.kind,
    e.agencyCode,
    e.sender,
    e.recipients,
    e.documentId,
    e.messageId,
    e.senderDocumentUuid,
    e.responseForUuid,
    e.relatedDocumentUuid,
    e.businessDocType,
    e.statusCode,
    e.code,
    e.subject,
    json(e.metadata),
    e.package,
    e.packageSha256,
    e.packageSize,
    e.receivedAt,
    e.createdAt,
  ],
};

const ATTACHMENT_ROWS: TableShape<{ documentUuid: string; attachment: StoredAttachment }> = {
  table: 'attachment',
  columns: [
    ['document_uuid', 'uuid'],
    ['index', 'integer'],
    ['content_id', 'text'],
    ['name', 'text'],
    ['content_type', 'text'],
    ['description', 'text'],
    ['size', 'integer'],
    ['data', 'bytea'],
  ],
  row: ({ documentUuid, attachment: a }) => [
    documentUuid,
    a.index,
    a.contentId,
    a.name,
    a.contentType,
    a.description ?? null,
    a.size,
    a.data,
  ],
};

/** Every column but the package. */
const RECORD_COLUMNS = `uuid, direction, kind, agency_code, sender, recipients, document_id, message_id,
  sender_document_uuid, response_for_uuid, related_document_uuid, business_doc_type, status_code, code,
  subject, metadata, package_sha256, package_size, received_at, taken_at, created_at`;

/** At most this many writes go to PostgreSQL in one statement. */
const STORE_BATCH = 16;
/**
 * Group-commit statements in flight at once: a second one keeps the database busy while the
 * first commits, and a slow write (a large package) does not hold back every other.
 */
const STORE_WRITERS = 2;
/** A write carrying more package and attachment bytes than this goes as its own statement. */
const BATCH_MAX_BYTES = 256 * 1024;
/** …or more attachments than this (each one is a row of parameters). */
const BATCH_MAX_ATTACHMENTS = 20;

interface PendingWrite {
  write: DocumentWrite;
  /** When the write was asked for: its rows' created_at, not the time its batch went. */
  now: Date;
}

type StoreOutcome = { result: InsertResult } | { error: unknown };

/**
 * SQLSTATE classes of a statement that one of its writes may have caused: data exception (22),
 * integrity constraint (23), transaction rollback (40: a deadlock with another batch). Anything
 * else (no connection, the server shutting down) would fail each write alone just the same, after
 * as many more waits.
 */
const ONE_WRITE_CLASSES = new Set(['22', '23', '40']);

function refusedByStatement(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && ONE_WRITE_CLASSES.has(code.slice(0, 2));
}

function batchable(write: DocumentWrite): boolean {
  const attachments = write.attachments ?? [];
  if (attachments.length > BATCH_MAX_ATTACHMENTS) return false;
  let bytes = write.document.package.length;
  for (const a of attachments) bytes += a.data.length;
  for (const d of write.documents ?? []) bytes += d.package.length;
  return bytes <= BATCH_MAX_BYTES;
}

/** What decides the text of a write's CTEs (writeCtes): writes of the same shape read the same. */
function shapeOf(write: DocumentWrite): string {
  const { document } = write;
  const checksQuarantine = document.direction === 'inbound' && document.messageId !== undefined;
  return [
    checksQuarantine ? 'q' : '-',
    write.attachments?.length ?? 0,
    write.documents?.length ?? 0,
    write.outbox?.length ?? 0,
    write.events?.length ?? 0,
    write.audit && write.audit.length > 0 ? 'a' : '-',
  ].join('.');
}

/** The CTEs of one write, their names ending in `suffix`; `w_head<suffix>` returns the document if it went in. */
function writeCtes({ write, now }: PendingWrite, suffix: string, params: SqlParams): string {
  const { document } = write;
  const head = DocumentMapper.toEntity(document, now);
  // An inbound message id already quarantined is a redelivery too: stored once, one way or the
  // other (the quarantine insert checks the other way round).
  const quarantined =
    document.direction === 'inbound' && document.messageId !== undefined
      ? `NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.agency_code = ${params.slot(document.agencyCode, 'text')}
           AND q.message_id = ${params.slot(document.messageId, 'text')})`
      : undefined;
  const parts = [
    `w_head${suffix} AS (${insertRows(DOCUMENT_ROWS, [head], params, quarantined)} ON CONFLICT DO NOTHING RETURNING uuid)`,
  ];
  const stored = `EXISTS (SELECT 1 FROM w_head${suffix})`;
  // CTE names differ from the tables': inside the statement a CTE would hide its table.
  const also = (name: string, statement: string) => parts.push(`${name}${suffix} AS (${statement})`);
  const attachments = (write.attachments ?? []).map((attachment) => ({
    documentUuid: document.uuid,
    attachment,
  }));
  const documents = (write.documents ?? []).map((d) => DocumentMapper.toEntity(d, now));
  const outbox = write.outbox ?? [];
  const events = write.events ?? [];
  if (attachments.length > 0) also('w_attachments', insertRows(ATTACHMENT_ROWS, attachments, params, stored));
  if (documents.length > 0) also('w_documents', insertRows(DOCUMENT_ROWS, documents, params, stored));
  if (outbox.length > 0) also('w_outbox', insertRows(OUTBOX_ROWS, outbox, params, stored));
  if (events.length > 0) also('w_events', insertRows(deliveryEventRows(now), events, params, stored));
  if (write.audit && write.audit.length > 0) {
    const values = appendValues(appendArrays(write.audit));
    parts.push(
      auditAppendCtes((i) => params.slot(values[i], AUDIT_APPEND_TYPES[i]), stored, `w_audit${suffix}`),
    );
  }
  return parts.join(', ');
}

@Injectable()
export class TypeOrmDocumentRepository extends DocumentRepository {
  private readonly batches = new GroupCommit<PendingWrite, StoreOutcome>(
    (batch) => this.writeBatch(batch),
    STORE_BATCH,
    STORE_WRITERS,
  );

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get repo() {
    return this.dataSource.getRepository(DocumentEntity);
  }

  insert(tx: Tx, document: NewDocument, attachments: StoredAttachment[]): Promise<InsertResult> {
    return this.store({ document, attachments }, tx);
  }

  /**
   * On its own, a write joins the others waiting (group commit, see writeTogether); in `tx`, or
   * when it carries large packages or many attachments, it goes as its own statement.
   */
  async store(write: DocumentWrite, tx?: Tx): Promise<InsertResult> {
    const pending: PendingWrite = { write, now: new Date() };
    if (tx || !batchable(write)) return (await this.writeTogether([pending], tx))[0];
    const stored = await this.batches.submit(pending);
    if ('error' in stored) throw stored.error;
    return stored.result;
  }

  private async writeBatch(batch: PendingWrite[]): Promise<StoreOutcome[]> {
    try {
      return (await this.writeTogether(batch)).map((result) => ({ result }));
    } catch (error) {
      if (batch.length === 1 || !refusedByStatement(error)) return batch.map(() => ({ error }));
      // A write PostgreSQL refuses must not fail the others with it: each alone, with its own answer.
      const outcomes: StoreOutcome[] = [];
      for (const pending of batch) outcomes.push(...(await this.writeBatch([pending])));
      return outcomes;
    }
  }

  /**
   * Writes as one statement and one commit. For each write, the document first (ON CONFLICT DO
   * NOTHING), then everything else of that write only if its document went in. Data-modifying
   * CTEs run in one snapshot and the foreign keys are checked at the end of the statement, so rows
   * may reference a document inserted beside them. Writes of the same shape are put side by side,
   * so that the statements of mixed batches come in few texts (each is prepared once, see execute).
   */
  private async writeTogether(batch: PendingWrite[], tx?: Tx): Promise<InsertResult[]> {
    const order = batch.map((pending, i) => ({ pending, i, shape: shapeOf(pending.write) }));
    order.sort((a, b) => (a.shape < b.shape ? -1 : a.shape > b.shape ? 1 : a.i - b.i));
    const params = new SqlParams();
    const parts = order.map(({ pending }, n) => writeCtes(pending, `_${n}`, params));
    const heads = order.map((_, n) => `SELECT ${n} AS n FROM w_head_${n}`).join(' UNION ALL ');
    const rows = await execute<{ n: number }>(
      tx ?? this.dataSource,
      `WITH ${parts.join(', ')} ${heads}`,
      params.values,
    );
    const results = new Array<InsertResult>(batch.length).fill('duplicate');
    for (const { n } of rows) results[order[n].i] = 'inserted';
    return results;
  }

  hasInboundMessage(agencyCode: string, messageId: string): Promise<boolean> {
    return this.repo.existsBy({ agencyCode, messageId, direction: 'inbound' });
  }

  async listSentByDocumentId(agencyCode: string, documentId: string): Promise<DocumentRecord[]> {
    const rows = await execute<DocumentRow>(
      this.dataSource,
      `SELECT ${RECORD_COLUMNS} FROM document
        WHERE agency_code = $1 AND document_id = $2 AND direction = 'outbound' AND kind = 'edoc'
        ORDER BY created_at, uuid`,
      [agencyCode, documentId],
    );
    return rows.map((row) => DocumentMapper.rowToRecord(row));
  }

  async listSentPackages(agencyCode: string, documentId: string): Promise<SentPackage[]> {
    const rows = await execute<{
      uuid: string;
      recipients: string[];
      business_doc_type: number | null;
      related_document_uuid: string | null;
      created_at: Date;
    }>(
      this.dataSource,
      // Sorted here, not with ORDER BY: on a young table (statistics not yet gathered) the planner
      // took the agency index for its order and filtered every sent document, 1 to 2 ms a status.
      `SELECT uuid, recipients, business_doc_type, related_document_uuid, created_at FROM document
        WHERE agency_code = $1 AND document_id = $2 AND direction = 'outbound' AND kind = 'edoc'`,
      [agencyCode, documentId],
    );
    rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || (a.uuid < b.uuid ? -1 : 1));
    return rows.map((r) => ({
      uuid: r.uuid,
      recipients: r.recipients,
      ...(r.business_doc_type !== null ? { businessDocType: r.business_doc_type } : {}),
      ...(r.related_document_uuid !== null ? { relatedDocumentUuid: r.related_document_uuid } : {}),
    }));
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

  async count(scope: DocumentScope, options: Omit<ListOptions, 'limit'>): Promise<number> {
    if (scope.agencies.length === 0) return 0;
    return this.repo.count({
      where: {
        agencyCode: In([...scope.agencies]),
        direction: scope.direction,
        kind: scope.kind,
        ...(scope.direction === 'inbound' && !options.includeTaken ? { takenAt: IsNull() } : {}),
      },
    });
  }

  readPackage(uuid: string): Promise<Buffer | undefined> {
    return readPackageBytes(this.dataSource, uuid);
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
