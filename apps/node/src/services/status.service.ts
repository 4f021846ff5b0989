import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  assertValidEdxml,
  buildEdxml,
  formatEdxmlTimestamp,
  packageToJson,
  ResponseFor,
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

/** Our sent document a 13 asks a recipient to give back. */
export interface WithdrawnDocument {
  uuid: string;
  documentId: string;
  code?: string;
  promulgationDate?: string;
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
    const { pkg, signed } = this.sign(
      agency,
      {
        organId: target.sender,
        ...(target.code ? { code: target.code } : {}),
        ...(target.promulgationDate ? { promulgationDate: target.promulgationDate } : {}),
        documentId: target.documentId,
      },
      content,
      now,
    );
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

  /**
   * The 13 a document's sender sends one recipient to take the document back. As in the SDK's
   * status_cancellation_13 sample, it travels the other way from the other statuses: From is the
   * sender, ResponseFor/OrganId the recipient it is addressed to, ResponseFor/DocumentId our own.
   */
  prepareWithdrawal(
    agency: HostedAgency,
    original: WithdrawnDocument,
    recipient: string,
    content: Omit<StatusContent, 'statusCode'>,
    now = new Date(),
  ): PreparedStatus {
    const { pkg, signed } = this.sign(
      agency,
      {
        organId: recipient,
        ...(original.code ? { code: original.code } : {}),
        ...(original.promulgationDate ? { promulgationDate: original.promulgationDate } : {}),
        documentId: original.documentId,
      },
      { ...content, statusCode: '13' },
      now,
    );
    const uuid = randomUUID();
    return {
      document: {
        uuid,
        direction: 'outbound',
        kind: 'status',
        agencyCode: agency.code,
        sender: agency.code,
        recipients: [recipient],
        documentId: original.documentId,
        responseForUuid: original.uuid,
        statusCode: '13',
        metadata: packageToJson(pkg) as unknown as Record<string, unknown>,
        package: signed,
      },
      message: documentMessage({
        documentUuid: uuid,
        kind: 'status',
        from: agency.code,
        recipient,
        trace: {
          documentUuid: original.uuid,
          documentId: original.documentId,
          sender: agency.code,
          recipient,
          statusCode: '13',
        },
      }),
    };
  }

  /** Stores the status and its outbox row; `alsoEnqueue` (trace events) rides in the same insert. */
  async enqueue(tx: Tx, prepared: PreparedStatus, alsoEnqueue: NewOutboxMessage[] = []): Promise<void> {
    await this.documents.insert(tx, prepared.document, []);
    await this.outbox.enqueue(tx, [prepared.message, ...alsoEnqueue]);
  }

  private sign(
    agency: HostedAgency,
    responseFor: ResponseFor,
    content: StatusContent,
    now: Date,
  ): { pkg: StatusPackage; signed: Buffer } {
    const timestamp = formatEdxmlTimestamp(now);
    const pkg: StatusPackage = {
      kind: 'status',
      messageHeader: {
        from: { organId: agency.code, organName: agency.name },
        responseFor,
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
    return { pkg, signed: this.crypto.sign(buildEdxml(pkg), agency) };
  }
}
