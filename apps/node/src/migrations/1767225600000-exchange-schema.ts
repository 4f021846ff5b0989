import { MigrationInterface, QueryRunner } from 'typeorm';

/** The node's tables (docs/exchange.md, "Node"). Hand-written: the schema is the contract, not the entities. */
export class ExchangeSchema1767225600000 implements MigrationInterface {
  name = 'ExchangeSchema1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE hosted_agency (
        code text PRIMARY KEY,
        name text NOT NULL,
        key_pem text NOT NULL,
        certificate_pem text NOT NULL,
        ca_certificate_pem text NOT NULL,
        state text NOT NULL CHECK (state IN ('active', 'removed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        agencies text[] NOT NULL,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE document (
        uuid uuid PRIMARY KEY,
        direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
        kind text NOT NULL CHECK (kind IN ('edoc', 'status')),
        agency_code text NOT NULL,
        sender text NOT NULL,
        recipients text[] NOT NULL,
        document_id text,
        message_id text,
        sender_document_uuid text,
        response_for_uuid uuid REFERENCES document (uuid),
        business_doc_type smallint,
        status_code text,
        code text,
        subject text,
        metadata jsonb NOT NULL,
        package bytea NOT NULL,
        package_sha256 text NOT NULL,
        package_size integer NOT NULL,
        received_at timestamptz,
        taken_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A redelivered message is stored once per recipient agency.
    await queryRunner.query(
      `CREATE UNIQUE INDEX document_inbound_message ON document (agency_code, message_id) WHERE direction = 'inbound'`,
    );
    // Statuses find the document they answer by DocumentId, so an agency sends a new document
    // (BussinessDocType 0) with a given DocumentId once; revoke/update/replace may repeat it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX document_outbound_document_id ON document (agency_code, document_id)
         WHERE direction = 'outbound' AND kind = 'edoc' AND business_doc_type = 0`,
    );
    await queryRunner.query(
      `CREATE INDEX document_by_agency ON document (agency_code, direction, kind, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE attachment (
        document_uuid uuid NOT NULL REFERENCES document (uuid) ON DELETE CASCADE,
        index integer NOT NULL,
        content_id text NOT NULL,
        name text NOT NULL,
        content_type text NOT NULL,
        description text,
        size integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (document_uuid, index)
      )`);
    await queryRunner.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY,
        exchange text NOT NULL CHECK (exchange IN ('documents', 'trace')),
        routing_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('edoc', 'status', 'trace')),
        document_uuid uuid REFERENCES document (uuid),
        recipient text,
        payload bytea,
        headers jsonb NOT NULL DEFAULT '{}',
        trace_context jsonb,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CHECK (payload IS NOT NULL OR document_uuid IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending'`);
    await queryRunner.query(`
      CREATE TABLE delivery_event (
        id uuid PRIMARY KEY,
        document_uuid uuid NOT NULL REFERENCES document (uuid),
        recipient text NOT NULL,
        event text NOT NULL,
        status_code text,
        detail text,
        message_id text,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(
      `CREATE INDEX delivery_event_by_document ON delivery_event (document_uuid, occurred_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE quarantine (
        id uuid PRIMARY KEY,
        agency_code text NOT NULL,
        message_id text NOT NULL,
        sender_hint text,
        reason_code text NOT NULL,
        reason text NOT NULL,
        package bytea NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_code, message_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE trust_cache (
        name text PRIMARY KEY,
        content text NOT NULL,
        fetched_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'trust_cache',
      'quarantine',
      'delivery_event',
      'outbox',
      'attachment',
      'document',
      'api_key',
      'hosted_agency',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
