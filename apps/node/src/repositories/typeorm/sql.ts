import { createHash, randomUUID } from 'node:crypto';
import type { QueryConfig, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { NewDeliveryEvent } from '../../domain/delivery-event';
import type { NewOutboxMessage } from '../../domain/outbox';
import type { Tx } from '../transactor';

/*
 * Plain parameterized SQL for the hot statements (submit, inbound, outbox relay): TypeORM's query
 * builder re-processes entity metadata and parameters on every call, which showed in profiles, and
 * writes that belong together can go to PostgreSQL as one statement (one round trip, atomic on its
 * own) instead of BEGIN, one INSERT per table, COMMIT.
 */

/**
 * Runs one statement on node-postgres directly: in `db`'s transaction when it is one (a Tx), else
 * on a pooled connection. Skips TypeORM's per-query machinery (a query runner per call, logging and
 * subscriber broadcasts), and prepares the statement once per connection (a named statement), so
 * PostgreSQL parses and plans it once instead of on every call: that halved the database's CPU
 * time for these statements. Only statements of a bounded number of shapes are named.
 */
export async function execute<R extends QueryResultRow = QueryResultRow>(
  db: DataSource | Tx,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const config: QueryConfig = { text, values };
  const name = preparedName(text);
  if (name !== undefined) config.name = name;
  const runner = db instanceof DataSource ? undefined : (db.queryRunner as PostgresQueryRunner | undefined);
  if (runner && !runner.isReleased) {
    const client = (await runner.connect()) as { query(c: QueryConfig): Promise<{ rows: R[] }> };
    return (await client.query(config)).rows;
  }
  const source = db instanceof DataSource ? db : db.connection;
  const pool = (source.driver as PostgresDriver).master as { query(c: QueryConfig): Promise<{ rows: R[] }> };
  return (await pool.query(config)).rows;
}

/** Each connection keeps its prepared statements: at most this many shapes get one. */
const MAX_PREPARED = 200;
const prepared = new Map<string, string>();

function preparedName(text: string): string | undefined {
  const known = prepared.get(text);
  if (known !== undefined || prepared.size >= MAX_PREPARED) return known;
  const name = `lt_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  prepared.set(text, name);
  return name;
}

/** The parameters of one statement; each slot is typed, so VALUES lists work inside SELECTs too. */
export class SqlParams {
  readonly values: unknown[] = [];

  slot(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

export interface TableShape<R> {
  table: string;
  /**
   * Column name and PostgreSQL type of the parameter, in order; with a third member, the column's
   * value is that SQL expression of the parameter.
   */
  columns: readonly (readonly [string, string] | readonly [string, string, (param: string) => string])[];
  row(record: R): unknown[];
}

/**
 * `INSERT INTO table (…) VALUES (…), (…)`, or with `onlyIf` (a condition such as
 * `EXISTS (SELECT 1 FROM head)`) an INSERT … SELECT that writes nothing when it is false. One
 * parameter per value: a bytea travels as bytes, not as text (see insertArrays).
 */
export function insertRows<R>(
  shape: TableShape<R>,
  records: R[],
  params: SqlParams,
  onlyIf?: string,
): string {
  const names = shape.columns.map(([name]) => name).join(', ');
  const tuples = records
    .map((record) => {
      const row = shape.row(record);
      const values = row.map((value, i) => {
        const [, type, expression] = shape.columns[i];
        const param = params.slot(value, type);
        return expression ? expression(param) : param;
      });
      return `(${values.join(', ')})`;
    })
    .join(', ');
  if (onlyIf === undefined) return `INSERT INTO ${shape.table} (${names}) VALUES ${tuples}`;
  return `INSERT INTO ${shape.table} (${names}) SELECT * FROM (VALUES ${tuples}) AS v (${names}) WHERE ${onlyIf}`;
}

/**
 * `INSERT INTO table (…) SELECT … FROM unnest($1::type[], …) AS v (…) WHERE …`: each column
 * travels as one array parameter, so the statement reads the same whatever the number of rows
 * (one prepared statement and one small plan for every batch; see execute). `guard`, when given,
 * is one more array beside the columns, `v.guard` in `where`. An array column (text[]) travels as
 * jsonb, since PostgreSQL arrays cannot be ragged. node-postgres writes arrays as text, a bytea in
 * hex: twice its size, so large values go by insertRows.
 */
export function insertArrays(
  shape: Pick<TableShape<unknown>, 'table' | 'columns'>,
  rows: readonly unknown[][],
  params: SqlParams,
  options: { guard?: { values: unknown[]; type: string }; where?: string } = {},
): string {
  const names = shape.columns.map(([name]) => name);
  const arrays = shape.columns.map(([, type], i) => {
    const column = rows.map((row) => row[i] ?? null);
    return type.endsWith('[]')
      ? params.slot(
          column.map((value) => (value === null ? null : JSON.stringify(value))),
          'jsonb[]',
        )
      : params.slot(column, `${type}[]`);
  });
  const selected = shape.columns.map(([name, type, expression]) => {
    const value = `v.${name}`;
    if (type.endsWith('[]')) {
      return `CASE WHEN ${value} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${value}))::${type} END`;
    }
    return expression ? expression(value) : value;
  });
  const guard = options.guard ? [params.slot(options.guard.values, `${options.guard.type}[]`)] : [];
  const alias = [...names, ...(options.guard ? ['guard'] : [])].join(', ');
  return (
    `INSERT INTO ${shape.table} (${names.join(', ')}) SELECT ${selected.join(', ')}` +
    ` FROM unnest(${[...arrays, ...guard].join(', ')}) AS v (${alias})` +
    (options.where ? ` WHERE ${options.where}` : '')
  );
}

/** Larger bytea values are read in slices of this size: see readPackageBytes. */
export const PACKAGE_SLICE_BYTES = 4 * 1024 * 1024;

/**
 * A document's package, read in slices when large. node-postgres receives bytea as hex text: one
 * 50 MB package arrived as a 100 MB string inside a message buffer of as much again before it
 * became a Buffer, five times its size at once. Slices keep that to a few MB above the result.
 */
export async function readPackageBytes(
  db: DataSource | Tx,
  uuid: string,
  size?: number,
): Promise<Buffer | undefined> {
  if (size === undefined) {
    const [row] = await execute<{ size: number }>(
      db,
      `SELECT package_size AS size FROM document WHERE uuid = $1`,
      [uuid],
    );
    if (!row) return undefined;
    size = row.size;
  }
  if (size <= PACKAGE_SLICE_BYTES) {
    const [row] = await execute<{ package: Buffer }>(db, `SELECT package FROM document WHERE uuid = $1`, [
      uuid,
    ]);
    return row?.package;
  }
  const out = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += PACKAGE_SLICE_BYTES) {
    const [row] = await execute<{ slice: Buffer }>(
      db,
      `SELECT substring(package FROM $2 FOR $3) AS slice FROM document WHERE uuid = $1`,
      [uuid, offset + 1, PACKAGE_SLICE_BYTES],
    );
    if (!row) return undefined;
    row.slice.copy(out, offset);
  }
  return out;
}

/** jsonb parameters travel as text (node-postgres would turn a JS array into a PostgreSQL array). */
export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * state, attempts and created_at take their defaults: pending, 0, now(). next_attempt_at is now(),
 * or the end of the row's batch window: the database's clock, not the process's.
 */
export const OUTBOX_ROWS: TableShape<NewOutboxMessage> = {
  table: 'outbox',
  columns: [
    ['id', 'uuid'],
    ['exchange', 'text'],
    ['routing_key', 'text'],
    ['kind', 'text'],
    ['document_uuid', 'uuid'],
    ['recipient', 'text'],
    ['payload', 'bytea'],
    ['headers', 'jsonb'],
    ['trace_context', 'jsonb'],
    [
      'next_attempt_at',
      'float8',
      (window) =>
        `CASE WHEN ${window} > 0 THEN to_timestamp(ceil(extract(epoch FROM now()) * 1000 / ${window}) * ${window} / 1000) ELSE now() END`,
    ],
  ],
  row: (m) => [
    m.id,
    m.exchange,
    m.routingKey,
    m.kind,
    m.documentUuid ?? null,
    m.recipient ?? null,
    m.payload ?? null,
    json(m.headers),
    json(m.trace),
    m.batchWindowMs ?? 0,
  ],
};

export function deliveryEventRows(now: Date): TableShape<NewDeliveryEvent> {
  return {
    table: 'delivery_event',
    columns: [
      ['id', 'uuid'],
      ['document_uuid', 'uuid'],
      ['recipient', 'text'],
      ['event', 'text'],
      ['status_code', 'text'],
      ['detail', 'text'],
      ['message_id', 'text'],
      ['related_document_uuid', 'uuid'],
      ['occurred_at', 'timestamptz'],
    ],
    row: (e) => [
      randomUUID(),
      e.documentUuid,
      e.recipient,
      e.event,
      e.statusCode ?? null,
      e.detail ?? null,
      e.messageId ?? null,
      e.relatedDocumentUuid ?? null,
      e.occurredAt ?? now,
    ],
  };
}
