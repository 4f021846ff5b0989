import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The axis schema of docs/exchange.md: directory, PKI, tracking. */
export class ExchangeSchema1764230400000 implements MigrationInterface {
  name = 'ExchangeSchema1764230400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE agency (
        code               text PRIMARY KEY,
        name               text NOT NULL,
        parent_code        text REFERENCES agency (code),
        node_id            text,
        state              text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended')),
        certificate_serial text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE certificate (
        serial            text PRIMARY KEY CHECK (serial ~ '^[0-9A-F]+$'),
        agency_code       text NOT NULL REFERENCES agency (code),
        node_id           text NOT NULL,
        pem               text NOT NULL,
        not_before        timestamptz NOT NULL,
        not_after         timestamptz NOT NULL,
        issued_at         timestamptz NOT NULL DEFAULT now(),
        revoked_at        timestamptz,
        revocation_reason text,
        CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
      )`);
    await db.query(`CREATE INDEX certificate_agency_idx ON certificate (agency_code, issued_at DESC)`);
    await db.query(
      `CREATE INDEX certificate_revoked_idx ON certificate (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
    await db.query(`
      ALTER TABLE agency ADD CONSTRAINT agency_certificate_fk
        FOREIGN KEY (certificate_serial) REFERENCES certificate (serial)`);
    await db.query(`
      CREATE TABLE enrollment (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_code        text NOT NULL REFERENCES agency (code),
        token_hash         text NOT NULL UNIQUE,
        created_at         timestamptz NOT NULL DEFAULT now(),
        expires_at         timestamptz NOT NULL,
        used_at            timestamptz,
        used_by_node       text,
        certificate_serial text REFERENCES certificate (serial)
      )`);
    await db.query(`CREATE INDEX enrollment_agency_idx ON enrollment (agency_code) WHERE used_at IS NULL`);
    await db.query(`
      CREATE TABLE crl (
        number      bigint PRIMARY KEY CHECK (number > 0),
        pem         text NOT NULL,
        this_update timestamptz NOT NULL,
        next_update timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE trace_event (
        event_id      text PRIMARY KEY,
        document_uuid uuid NOT NULL,
        document_id   text,
        message_id    text,
        kind          text NOT NULL,
        sender        text NOT NULL,
        recipient     text NOT NULL,
        event         text NOT NULL,
        status_code   text,
        detail        text,
        node_id       text NOT NULL,
        occurred_at   timestamptz NOT NULL,
        received_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX trace_event_document_idx ON trace_event (document_uuid, occurred_at)`);
    await db.query(`
      CREATE TABLE delivery (
        document_uuid     uuid NOT NULL,
        recipient         text NOT NULL,
        seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        sender            text NOT NULL,
        document_id       text,
        message_id        text,
        kind              text NOT NULL,
        state             text NOT NULL,
        status_code       text,
        detail            text,
        state_occurred_at timestamptz NOT NULL,
        created_at        timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL,
        PRIMARY KEY (document_uuid, recipient)
      )`);
    // seq orders pages (newest first); each filter gets an index that serves that order.
    await db.query(`CREATE INDEX delivery_sender_idx ON delivery (sender, seq)`);
    await db.query(`CREATE INDEX delivery_recipient_idx ON delivery (recipient, seq)`);
    await db.query(`CREATE INDEX delivery_state_idx ON delivery (state, seq)`);
    await db.query(`CREATE INDEX delivery_document_id_idx ON delivery (document_id)`);
    await db.query(`CREATE INDEX delivery_created_idx ON delivery (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE delivery`);
    await db.query(`DROP TABLE trace_event`);
    await db.query(`DROP TABLE crl`);
    await db.query(`DROP TABLE enrollment`);
    await db.query(`ALTER TABLE agency DROP CONSTRAINT agency_certificate_fk`);
    await db.query(`DROP TABLE certificate`);
    await db.query(`DROP TABLE agency`);
  }
}
