import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the operators' dashboard needs beyond tracking: node heartbeats, an index by time. */
export class OperationsDashboard1767744000000 implements MigrationInterface {
  name = 'OperationsDashboard1767744000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE node_heartbeat (
        node_id          text PRIMARY KEY,
        mode             text NOT NULL CHECK (mode IN ('dedicated', 'shared')),
        agencies         text[] NOT NULL,
        interval_seconds integer NOT NULL CHECK (interval_seconds > 0),
        sent_at          timestamptz NOT NULL,
        received_at      timestamptz NOT NULL,
        first_seen_at    timestamptz NOT NULL
      )`);
    // The overview's last 24 hours and the reports' periods read trace events by time.
    await db.query(`CREATE INDEX trace_event_occurred_idx ON trace_event (occurred_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX trace_event_occurred_idx`);
    await db.query(`DROP TABLE node_heartbeat`);
  }
}
