import { GENESIS_HASH } from './entry';

/**
 * The chain in PostgreSQL (node and axis migrations run these).
 *
 * Two steps, so that the hot paths never wait on each other:
 * - append: a business transaction inserts its entries into `audit_pending` (no lock, part of the
 *   same statement or transaction as the change it records: both commit, or neither);
 * - seal: `audit_seal(n)` (one writer at a time: it locks the head row) takes committed pending
 *   entries in id order, gives each the next seq, links it (`audit_link`, the `linkHash` of
 *   entry.ts: SHA-256 hex of `<seq>:<prev>:<sha256 hex of the body text>`) and moves it to
 *   `audit_entry`. A background loop seals every fraction of a second; readers seal first.
 *
 * Chaining inside each business transaction (the head row locked until commit) serialized every
 * commit of the node: measured at a third of the plain insert rate under concurrency.
 * `audit_entry` refuses UPDATE, DELETE and TRUNCATE.
 */
export const AUDIT_SCHEMA_SQL: readonly string[] = [
  `CREATE TABLE audit_head (
     id smallint PRIMARY KEY CHECK (id = 1),
     seq bigint NOT NULL,
     hash text NOT NULL
   )`,
  `INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}')`,
  `CREATE TABLE audit_pending (
     id bigserial PRIMARY KEY,
     time timestamptz NOT NULL,
     action text NOT NULL,
     actor text NOT NULL,
     agency text,
     document_id text,
     body text NOT NULL
   )`,
  `CREATE TABLE audit_entry (
     seq bigint PRIMARY KEY,
     time timestamptz NOT NULL,
     action text NOT NULL,
     actor text NOT NULL,
     agency text,
     document_id text,
     body text NOT NULL,
     prev_hash text NOT NULL,
     hash text NOT NULL
   )`,
  `CREATE INDEX audit_entry_document ON audit_entry (document_id) WHERE document_id IS NOT NULL`,
  `CREATE FUNCTION audit_link(seq bigint, prev text, body text) RETURNS text
     LANGUAGE sql IMMUTABLE STRICT AS
   $$ SELECT encode(sha256(convert_to(seq::text || ':' || prev || ':' ||
        encode(sha256(convert_to(body, 'UTF8')), 'hex'), 'UTF8')), 'hex') $$`,
  `CREATE FUNCTION audit_seal(max_rows integer) RETURNS integer LANGUAGE plpgsql AS
   $$
   DECLARE
     s bigint;
     h text;
     prev text;
     r record;
     n integer := 0;
   BEGIN
     -- One sealer at a time; after the wait, this function's next statements see every
     -- pending entry committed meanwhile.
     SELECT seq, hash INTO s, h FROM audit_head WHERE id = 1 FOR UPDATE;
     FOR r IN SELECT * FROM audit_pending ORDER BY id LIMIT max_rows LOOP
       s := s + 1;
       prev := h;
       h := audit_link(s, prev, r.body);
       INSERT INTO audit_entry (seq, time, action, actor, agency, document_id, body, prev_hash, hash)
         VALUES (s, r.time, r.action, r.actor, r.agency, r.document_id, r.body, prev, h);
       DELETE FROM audit_pending WHERE id = r.id;
       n := n + 1;
     END LOOP;
     IF n > 0 THEN
       UPDATE audit_head SET seq = s, hash = h WHERE id = 1;
     END IF;
     RETURN n;
   END
   $$`,
  `CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
   $$ BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$`,
  `CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
     FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
  `CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
];

export const AUDIT_SCHEMA_DOWN_SQL: readonly string[] = [
  `DROP TABLE audit_entry`,
  `DROP TABLE audit_pending`,
  `DROP TABLE audit_head`,
  `DROP FUNCTION audit_refuse_change()`,
  `DROP FUNCTION audit_seal(integer)`,
  `DROP FUNCTION audit_link(bigint, text, text)`,
];

/**
 * audit_seal, set-based (a later migration on node and axis): the chain is still computed one
 * entry after the other in PL/pgSQL, but the entries are moved with one INSERT and one DELETE
 * instead of two statements per entry, which made sealing cost as much database time as storing
 * the documents it records. Same lock, same order, same hashes.
 */
export const AUDIT_SEAL_SET_BASED_SQL = `CREATE OR REPLACE FUNCTION audit_seal(max_rows integer) RETURNS integer
   LANGUAGE plpgsql AS
   $$
   DECLARE
     s bigint;
     h text;
     ids bigint[];
     bodies text[];
     prevs text[] := '{}';
     hashes text[] := '{}';
     n integer;
   BEGIN
     -- One sealer at a time; after the wait, this function's next statements see every
     -- pending entry committed meanwhile.
     SELECT seq, hash INTO s, h FROM audit_head WHERE id = 1 FOR UPDATE;
     SELECT array_agg(p.id ORDER BY p.id), array_agg(p.body ORDER BY p.id) INTO ids, bodies
       FROM (SELECT id, body FROM audit_pending ORDER BY id LIMIT max_rows) p;
     n := coalesce(array_length(ids, 1), 0);
     IF n = 0 THEN
       RETURN 0;
     END IF;
     FOR i IN 1..n LOOP
       prevs := prevs || h;
       h := audit_link(s + i, h, bodies[i]);
       hashes := hashes || h;
     END LOOP;
     INSERT INTO audit_entry (seq, time, action, actor, agency, document_id, body, prev_hash, hash)
       SELECT s + t.i, p.time, p.action, p.actor, p.agency, p.document_id, p.body, t.prev, t.hash
         FROM unnest(ids, prevs, hashes) WITH ORDINALITY AS t(id, prev, hash, i)
         JOIN audit_pending p ON p.id = t.id
        ORDER BY t.i;
     DELETE FROM audit_pending WHERE id = ANY (ids);
     UPDATE audit_head SET seq = s + n, hash = h WHERE id = 1;
     RETURN n;
   END
   $$`;

/** The first audit_seal (AUDIT_SCHEMA_SQL's), for migrating back. */
export const AUDIT_SEAL_ROW_BY_ROW_SQL = AUDIT_SCHEMA_SQL.find((sql) =>
  sql.startsWith('CREATE FUNCTION audit_seal('),
)!.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');

/** Entries sealed per call of audit_seal. */
export const AUDIT_SEAL_BATCH = 5000;

/** Parameters of an append, one array per column: the statement's shape never changes. */
export interface AuditAppendArrays {
  times: Date[];
  actions: string[];
  actors: string[];
  agencies: (string | null)[];
  documentIds: (string | null)[];
  bodies: string[];
}

/** Where an append goes in a larger statement. */
export interface AuditAppendPlacement {
  /** The CTE's name (default `a_rows`). */
  name?: string;
  /** A condition for the whole append (e.g. the document went in). */
  onlyIf?: string;
  /**
   * A condition for each entry: `values` is the placeholder of one more array, an entry's value
   * in it must be in the set `among` (a subquery) for the entry to go in.
   */
  guard?: { values: string; among: string };
}

/**
 * The common table expression of an append, for a WITH clause: the entries go to `audit_pending`,
 * to be sealed into the chain. `slot(i)` names the placeholder of array i (times, actions, actors,
 * agencies, documentIds, bodies).
 */
export function auditAppendCtes(slot: (i: number) => string, placement: AuditAppendPlacement = {}): string {
  const [times, actions, actors, agencies, documents, bodies] = [0, 1, 2, 3, 4, 5].map(slot);
  const { name = 'a_rows', onlyIf, guard } = placement;
  const conditions = [...(onlyIf ? [onlyIf] : []), ...(guard ? [`r.guard IN (${guard.among})`] : [])];
  const arrays = [times, actions, actors, agencies, documents, bodies, ...(guard ? [guard.values] : [])];
  const columns = `time, action, actor, agency, document_id, body${guard ? ', guard' : ''}, i`;
  return `${name} AS (
      INSERT INTO audit_pending (time, action, actor, agency, document_id, body)
      SELECT r.time, r.action, r.actor, r.agency, r.document_id, r.body
        FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS r(${columns})${
          conditions.length > 0
            ? `
       WHERE ${conditions.join(' AND ')}`
            : ''
        }
       ORDER BY r.i
      RETURNING id
    )`;
}

/** The PostgreSQL types of the six arrays, in order. */
export const AUDIT_APPEND_TYPES = [
  'timestamptz[]',
  'text[]',
  'text[]',
  'text[]',
  'text[]',
  'text[]',
] as const;
