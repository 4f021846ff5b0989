import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_SCHEMA_DOWN_SQL, AUDIT_SCHEMA_SQL } from '@lienthong/audit';

/** The axis's own audit log (hash chain) and the checkpoints it signs for nodes (docs/audit.md). */
export class AuditLog1767830400000 implements MigrationInterface {
  name = 'AuditLog1767830400000';

  async up(db: QueryRunner): Promise<void> {
    for (const sql of AUDIT_SCHEMA_SQL) await db.query(sql);
    await db.query(`
      CREATE TABLE audit_checkpoint (
        node_id         text NOT NULL,
        seq             bigint NOT NULL,
        head_hash       text NOT NULL,
        signed_at       timestamptz NOT NULL,
        payload         text NOT NULL,
        signature       text NOT NULL,
        certificate_pem text NOT NULL,
        PRIMARY KEY (node_id, seq)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_checkpoint`);
    for (const sql of AUDIT_SCHEMA_DOWN_SQL) await db.query(sql);
  }
}
