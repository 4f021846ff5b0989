import { Injectable } from '@nestjs/common';
import {
  AUDIT_APPEND_TYPES,
  appendArrays,
  appendValues,
  auditAppendCtes,
  type AuditRecord,
} from '@lienthong/audit';
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
  insertArrays,
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

/** Inserted only if the write's document went in: `v.guard` is that document's uuid. */
const IF_STORED = { where: 'v.guard IN (SELECT uuid FROM w_head)' };

/**
 * The statement of a batch of writes; it reads the same for any batch (every table's rows travel
 * as arrays, see insertArrays), so PostgreSQL prepares and plans it once per connection. The
 * documents go first, `ON CONFLICT DO NOTHING`, and not when their inbound message id is in
 * quarantine (a redelivery too: stored once, one way or the other; the quarantine insert checks
 * the other way round). Everything else of a write goes in only if its document did. Data-modifying
 * CTEs run in one snapshot and the foreign keys are checked at the end of the statement, so rows
 * may reference a document inserted beside them. It returns the uuids of the documents stored.
 */
function batchStatement(batch: readonly PendingWrite[], params: SqlParams): string {
  const heads: unknown[][] = [];
  const attachments: unknown[][] = [];
  const documents: { row: unknown[]; head: string }[] = [];
  const outbox: { row: unknown[]; head: string }[] = [];
  const events: { row: unknown[]; head: string }[] = [];
  const audit: { record: AuditRecord; head: string }[] = [];
  for (const { write, now } of batch) {
    const head = write.document.uuid;
    heads.push(DOCUMENT_ROWS.row(DocumentMapper.toEntity(write.document, now)));
    for (const attachment of write.attachments ?? []) {
      attachments.push(ATTACHMENT_ROWS.row({ documentUuid: head, attachment }));
    }
    for (const d of write.documents ?? []) {
      documents.push({ row: DOCUMENT_ROWS.row(DocumentMapper.toEntity(d, now)), head });
    }
    for (const m of write.outbox ?? []) outbox.push({ row: OUTBOX_ROWS.row(m), head });
    const eventRows = deliveryEventRows(now);
    for (const e of write.events ?? []) events.push({ row: eventRows.row(e), head });
    for (const record of write.audit ?? []) audit.push({ record, head });
  }
  const guarded = (rows: { head: string }[]) => ({
    ...IF_STORED,
    guard: { values: rows.map((r) => r.head), type: 'uuid' },
  });
  const notQuarantined = `NOT (v.direction = 'inbound' AND v.message_id IS NOT NULL AND EXISTS (
      SELECT 1 FROM quarantine q WHERE q.agency_code = v.agency_code AND q.message_id = v.message_id))`;
  const auditValues = appendValues(appendArrays(audit.map((a) => a.record)));
  // Only the columns of this shape are read here: each event row was made with its write's time.
  const eventColumns = deliveryEventRows(new Date(0));
  // CTE names differ from the tables': inside the statement a CTE would hide its table.
  return `WITH
    w_head AS (${insertArrays(DOCUMENT_ROWS, heads, params, { where: notQuarantined })}
      ON CONFLICT DO NOTHING RETURNING uuid),
    w_attachments AS (${insertArrays(ATTACHMENT_ROWS, attachments, params, {
      where: 'v.document_uuid IN (SELECT uuid FROM w_head)',
    })}),
    w_documents AS (${insertArrays(
      DOCUMENT_ROWS,
      documents.map((d) => d.row),
      params,
      guarded(documents),
    )}),
    w_outbox AS (${insertArrays(
      OUTBOX_ROWS,
      outbox.map((o) => o.row),
      params,
      guarded(outbox),
    )}),
    w_events AS (${insertArrays(
      eventColumns,
      events.map((e) => e.row),
      params,
      guarded(events),
    )}),
    ${auditAppendCtes((i) => params.slot(auditValues[i], AUDIT_APPEND_TYPES[i]), {
      name: 'w_audit',
      guard: {
        values: params.slot(
          audit.map((a) => a.head),
          'uuid[]',
        ),
        among: 'SELECT uuid FROM w_head',
      },
    })}
    SELECT uuid FROM w_head`;
}

/**
 * The statement of one write on its own: the same steps as batchStatement, with each value its own
 * parameter, so a large package travels as bytes (arrays go as text: see insertArrays). Its text
 * varies with the number of attachments, further documents and so on; such writes are few.
 */
function singleStatement({ write, now }: PendingWrite, params: SqlParams): string {
  const { document } = write;
  const quarantined =
    document.direction === 'inbound' && document.messageId !== undefined
      ? `NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.agency_code = ${params.slot(document.agencyCode, 'text')}
           AND q.message_id = ${params.slot(document.messageId, 'text')})`
      : undefined;
  const head = insertRows(DOCUMENT_ROWS, [DocumentMapper.toEntity(document, now)], params, quarantined);
  const parts = [`w_head AS (${head} ON CONFLICT DO NOTHING RETURNING uuid)`];
  const stored = 'EXISTS (SELECT 1 FROM w_head)';
  const also = <R>(name: string, shape: TableShape<R>, records: R[]) => {
    if (records.length > 0) parts.push(`${name} AS (${insertRows(shape, records, params, stored)})`);
  };
  also(
    'w_attachments',
    ATTACHMENT_ROWS,
    (write.attachments ?? []).map((attachment) => ({ documentUuid: document.uuid, attachment })),
  );
  also(
    'w_documents',
    DOCUMENT_ROWS,
    (write.documents ?? []).map((d) => DocumentMapper.toEntity(d, now)),
  );
  also('w_outbox', OUTBOX_ROWS, write.outbox ?? []);
  also('w_events', deliveryEventRows(now), write.events ?? []);
  if (write.audit && write.audit.length > 0) {
    const values = appendValues(appendArrays(write.audit));
    parts.push(
      auditAppendCtes((i) => params.slot(values[i], AUDIT_APPEND_TYPES[i]), {
        name: 'w_audit',
        onlyIf: stored,
      }),
    );
  }
  return `WITH ${parts.join(', ')} SELECT uuid FROM w_head`;
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
   * On its own, a write joins the others waiting (group commit): writes asked for while another
   * is in flight go together, as one statement and one commit. In `tx`, or when it carries large
   * packages or many attachments, it goes as its own statement.
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

  /** Writes as one statement and one commit. */
  private async writeTogether(batch: PendingWrite[], tx?: Tx): Promise<InsertResult[]> {
    const params = new SqlParams();
    const sql = batch.length === 1 ? singleStatement(batch[0], params) : batchStatement(batch, params);
    const rows = await execute<{ uuid: string }>(tx ?? this.dataSource, sql, params.values);
    const stored = new Set(rows.map((row) => row.uuid));
    return batch.map(({ write }) => (stored.has(write.document.uuid) ? 'inserted' : 'duplicate'));
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
