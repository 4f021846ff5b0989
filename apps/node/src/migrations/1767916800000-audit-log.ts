import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_SCHEMA_DOWN_SQL, AUDIT_SCHEMA_SQL } from '@lienthong/audit';

/**
 * The node's append-only audit log (hash chain, libs/audit) and the checkpoints the axis signed
 * for it (docs/audit.md).
 */
export class AuditLog1767916800000 implements MigrationInterface {
  name = 'AuditLog1767916800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of AUDIT_SCHEMA_SQL) await queryRunner.query(sql);
    await queryRunner.query(`
      CREATE TABLE audit_checkpoint (
        seq             bigint PRIMARY KEY,
        head_hash       text NOT NULL,
        signed_at       timestamptz NOT NULL,
        payload         text NOT NULL,
        signature       text NOT NULL,
        certificate_pem text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_checkpoint`);
    for (const sql of AUDIT_SCHEMA_DOWN_SQL) await queryRunner.query(sql);
  }
}
