import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revoke, update and replace (BussinessDocType 1, 2, 3) and the withdrawal request (status 13):
 * each is linked to the document it is about, and the sender's timeline says which request a
 * recipient's 15/16 answers.
 */
export class BusinessDocuments1767312000000 implements MigrationInterface {
  name = 'BusinessDocuments1767312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Outbound: our original a revocation/update/replacement is about. Inbound: the received
    // original it names (by DocumentId and sender), when this node has it.
    await queryRunner.query(
      `ALTER TABLE document ADD COLUMN related_document_uuid uuid REFERENCES document (uuid)`,
    );
    await queryRunner.query(
      `CREATE INDEX document_related ON document (related_document_uuid) WHERE related_document_uuid IS NOT NULL`,
    );
    // Statuses about a document (a 13 received for an inbound one), listed with it.
    await queryRunner.query(
      `CREATE INDEX document_response_for ON document (response_for_uuid) WHERE response_for_uuid IS NOT NULL`,
    );
    // A received revocation, update, replacement or 13 finds the original by sender and DocumentId.
    await queryRunner.query(
      `CREATE INDEX document_inbound_document_id ON document (agency_code, sender, document_id)
         WHERE direction = 'inbound' AND kind = 'edoc'`,
    );
    // A replacement (3) is a new document with a DocumentId of its own, which statuses find it by:
    // unique like a new document (0). Revocations and updates repeat the original's DocumentId.
    await queryRunner.query(`DROP INDEX document_outbound_document_id`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX document_outbound_document_id ON document (agency_code, document_id)
         WHERE direction = 'outbound' AND kind = 'edoc' AND business_doc_type IN (0, 3)`,
    );
    // The request (revocation, update, replacement or 13) a timeline step is about or answers.
    await queryRunner.query(
      `ALTER TABLE delivery_event ADD COLUMN related_document_uuid uuid REFERENCES document (uuid)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE delivery_event DROP COLUMN related_document_uuid`);
    await queryRunner.query(`DROP INDEX document_outbound_document_id`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX document_outbound_document_id ON document (agency_code, document_id)
         WHERE direction = 'outbound' AND kind = 'edoc' AND business_doc_type = 0`,
    );
    await queryRunner.query(`DROP INDEX document_inbound_document_id`);
    await queryRunner.query(`DROP INDEX document_response_for`);
    await queryRunner.query(`DROP INDEX document_related`);
    await queryRunner.query(`ALTER TABLE document DROP COLUMN related_document_uuid`);
  }
}
