import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every status received finds the documents it may answer by (agency, DocumentId), whatever their
 * BussinessDocType; the unique index only covers types 0 and 3, so without this one the lookup
 * read every document the agency ever sent.
 */
export class ExchangeLookups1767398400000 implements MigrationInterface {
  name = 'ExchangeLookups1767398400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX document_outbound_by_document_id ON document (agency_code, document_id)
         WHERE direction = 'outbound' AND kind = 'edoc'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX document_outbound_by_document_id`);
  }
}
