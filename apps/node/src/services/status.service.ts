import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  assertValidEdxml,
  buildEdxml,
  formatEdxmlTimestamp,
  packageToJson,
  StaffInfo,
  StatusCode,
  StatusPackage,
} from '@lienthong/edxml';
import type { NewDocument } from '../domain/document';
import type { HostedAgency } from '../domain/hosted-agency';
import type { NewOutboxMessage } from '../domain/outbox';
import { PackageCrypto } from '../ports/package-crypto';
import { DocumentRepository } from '../repositories/document.repository';
import { OutboxRepository } from '../repositories/outbox.repository';
import type { Tx } from '../repositories/transactor';
import { documentMessage } from './document-message';

/** The document a status answers, as its recipient knows it. */
export interface StatusTarget {
  /** The document's sender: the status goes to it. */
  sender: string;
  documentId: string;
  /** `{CodeNumber}/{CodeNotation}`. */
  code?: string;
  promulgationDate?: string;
  /** The sending node's document uuid (what trace events about the document carry). */
  senderDocumentUuid: string;
  /** Our inbound document, when the package was stored. */
  inboundUuid?: string;
}

export interface StatusContent {
  statusCode: StatusCode;
  description?: string;
  staffInfo?: StaffInfo;
}

export interface PreparedStatus {
  document: NewDocument;
  message: NewOutboxMessage;
}

/**
 * Status packages from a hosted agency to a document's sender: built, signed with the agency key
 * and made ready to store, outside any transaction (signing is CPU work); enqueue() then writes
 * them in the caller's transaction.
 */
@Injectable()
export class StatusService {
  constructor(
    private readonly crypto: PackageCrypto,
    private readonly documents: DocumentRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  prepare(
    agency: HostedAgency,
    target: StatusTarget,
    content: StatusContent,
    now = new Date(),
  ): PreparedStatus {
    const timestamp = formatEdxmlTimestamp(now);
    const pkg: StatusPackage = {
      kind: 'status',
      messageHeader: {
        from: { organId: agency.code, organName: agency.name },
        responseFor: {
          organId: target.sender,
          ...(target.code ? { code: target.code } : {}),
          ...(target.promulgationDate ? { promulgationDate: target.promulgationDate } : {}),
          documentId: target.documentId,
        },
        ...(content.staffInfo ? { staffInfo: content.staffInfo } : {}),
        statusCode: content.statusCode,
        ...(content.description ? { description: content.description } : {}),
        timestamp,
      },
      // The signer's own trace header fixes the signing time the recipient checks the certificate at.
      traceHeaderList: { traceHeader: [{ organId: agency.code, timestamp }] },
    };
    // Lenient: ResponseFor echoes what the other side wrote, which we do not get to correct.
    assertValidEdxml(pkg, { identifierMode: 'lenient' });
    const signed = this.crypto.sign(buildEdxml(pkg), agency);
    const uuid = randomUUID();
    return {
      document: {
        uuid,
        direction: 'outbound',
        kind: 'status',
        agencyCode: agency.code,
        sender: agency.code,
        recipients: [target.sender],
        documentId: target.documentId,
        ...(target.inboundUuid ? { responseForUuid: target.inboundUuid } : {}),
        statusCode: content.statusCode,
        metadata: packageToJson(pkg) as unknown as Record<string, unknown>,
        package: signed,
      },
      message: documentMessage({
        documentUuid: uuid,
        kind: 'status',
        from: agency.code,
        recipient: target.sender,
        trace: {
          documentUuid: target.senderDocumentUuid,
          documentId: target.documentId,
          sender: target.sender,
          recipient: agency.code,
          statusCode: content.statusCode,
        },
      }),
    };
  }

  async enqueue(tx: Tx, prepared: PreparedStatus): Promise<void> {
    await this.documents.insert(tx, prepared.document, []);
    await this.outbox.enqueue(tx, [prepared.message]);
  }
}
