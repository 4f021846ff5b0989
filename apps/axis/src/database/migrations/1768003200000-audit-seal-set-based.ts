import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_SEAL_ROW_BY_ROW_SQL, AUDIT_SEAL_SET_BASED_SQL } from '@lienthong/audit';

/** audit_seal moves sealed entries with one INSERT and one DELETE (libs/audit sql.ts). */
export class AuditSealSetBased1768003200000 implements MigrationInterface {
  name = 'AuditSealSetBased1768003200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(AUDIT_SEAL_SET_BASED_SQL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(AUDIT_SEAL_ROW_BY_ROW_SQL);
  }
}
