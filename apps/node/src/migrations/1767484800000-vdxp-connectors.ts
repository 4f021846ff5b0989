import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * VDXP (the official VPCP SDK's protocol): the connectors agencies' software signs requests with,
 * and the received items their software reported as failed (updateStatus `fail`).
 */
export class VdxpConnectors1767484800000 implements MigrationInterface {
  name = 'VdxpConnectors1767484800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE connector (
        system_id text PRIMARY KEY,
        name text NOT NULL,
        secret_ciphertext text NOT NULL,
        agencies text[] NOT NULL,
        disabled_at timestamptz,
        secret_set_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE vdxp_failure (
        document_uuid uuid PRIMARY KEY REFERENCES document (uuid),
        agency_code text NOT NULL,
        system_id text NOT NULL,
        reason text NOT NULL,
        reported_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE vdxp_failure`);
    await queryRunner.query(`DROP TABLE connector`);
  }
}
