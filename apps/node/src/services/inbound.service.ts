import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { errorReason, HandlerOutcome, IncomingMessage } from '@lienthong/bus';
import {
  assertValidEdxml,
  EdocPackage,
  EdxmlError,
  EdxmlPackage,
  makeDocumentId,
  parseEdxml,
  StatusPackage,
} from '@lienthong/edxml';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { HostedAgency } from '../domain/hosted-agency';
import { PackageCrypto } from '../ports/package-crypto';
import { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import { DocumentRepository } from '../repositories/document.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { OutboxRepository } from '../repositories/outbox.repository';
import { QuarantineRepository } from '../repositories/quarantine.repository';
import { Transactor } from '../repositories/transactor';
import { OutboxSignal } from './outbox-signal';
import { documentCode, packageAttachments, packageMetadata } from './package-content';
import { PreparedStatus, StatusService } from './status.service';
import { TraceEventFactory } from './trace-event-factory';
import { TrustStore } from './trust-store.service';

const ACK: HandlerOutcome = { action: 'ack' };

/** Why a message was refused, in a form fit for the quarantine row and the status 02 description. */
interface Refusal {
  code: string;
  reason: string;
}

/**
 * What arrives in a hosted agency's inbox queue: documents (stored, answered with a signed 01) and
 * status packages about our own documents (recorded on the sender's timeline). Whatever cannot be
 * verified is quarantined and answered with 02, never dropped. The outcome tells the bus what to
 * do: ack once it is durably stored, retry when something on our side failed.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    private readonly agencies: HostedAgencyRepository,
    private readonly documents: DocumentRepository,
    private readonly quarantine: QuarantineRepository,
    private readonly deliveryEvents: DeliveryEventRepository,
    private readonly outbox: OutboxRepository,
    private readonly transactor: Transactor,
    private readonly crypto: PackageCrypto,
    private readonly trust: TrustStore,
    private readonly statuses: StatusService,
    private readonly traces: TraceEventFactory,
    private readonly signal: OutboxSignal,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async handle(agencyCode: string, message: IncomingMessage): Promise<HandlerOutcome> {
    try {
      return await this.receive(agencyCode, message);
    } catch (error) {
      const reason = errorReason(error);
      this.logger.warn(`Message ${message.messageId} for ${agencyCode} will be retried: ${reason}`);
      return { action: 'retry', reason };
    }
  }

  private async receive(agencyCode: string, message: IncomingMessage): Promise<HandlerOutcome> {
    const agency = await this.agencies.findActive(agencyCode);
    if (!agency) return { action: 'retry', reason: `${agencyCode} is not hosted on this node` };
    // Without a message id there is nothing to de-duplicate on but the content itself.
    const messageId =
      message.messageId || `sha256:${createHash('sha256').update(message.body).digest('hex')}`;
    if (
      (await this.documents.hasInboundMessage(agencyCode, messageId)) ||
      (await this.quarantine.has(agencyCode, messageId))
    ) {
      return ACK;
    }

    const trust = this.trust.material();
    if (!trust) return { action: 'retry', reason: 'no trust anchors yet: the axis CA was never fetched' };
    const verification = this.crypto.verify(message.body, trust);
    if (!verification.valid) {
      if (verification.transient) return { action: 'retry', reason: verification.reason };
      return this.refuse(agency, message, messageId, {
        code: verification.code,
        reason: verification.reason,
      });
    }

    let pkg: EdxmlPackage;
    try {
      pkg = parseEdxml(verification.signedXml, {
        identifierMode: 'lenient',
        limits: { maxBytes: this.config.maxPackageBytes * 2 },
      }).package;
      assertValidEdxml(pkg, { identifierMode: 'lenient' });
    } catch (error) {
      if (error instanceof EdxmlError) {
        return this.refuse(agency, message, messageId, { code: error.code, reason: error.message });
      }
      throw error;
    }
    return pkg.kind === 'edoc'
      ? this.acceptDocument(agency, message, messageId, pkg)
      : this.acceptStatus(agency, message, messageId, pkg);
  }

  private async acceptDocument(
    agency: HostedAgency,
    message: IncomingMessage,
    messageId: string,
    pkg: EdocPackage,
  ): Promise<HandlerOutcome> {
    const header = pkg.messageHeader;
    if (!header.to.some((to) => sameCode(to.organId, agency.code))) {
      return this.refuse(agency, message, messageId, {
        code: 'NOT_ADDRESSED',
        reason: `The document is not addressed to ${agency.code}`,
      });
    }
    const sender = header.from.organId;
    const documentId =
      header.documentId ??
      makeDocumentId(
        sender,
        header.promulgationInfo.promulgationDate,
        header.code.codeNumber,
        header.code.codeNotation,
      );
    const senderDocumentUuid = headerText(message, MESSAGE_HEADERS.document) ?? messageId;
    const uuid = randomUUID();
    const now = new Date();
    const arrived = this.statuses.prepare(
      agency,
      {
        sender,
        documentId,
        code: documentCode(pkg),
        promulgationDate: header.promulgationInfo.promulgationDate,
        senderDocumentUuid,
        inboundUuid: uuid,
      },
      { statusCode: '01' },
      now,
    );

    const stored = await this.transactor.run(async (tx) => {
      const inserted = await this.documents.insert(
        tx,
        {
          uuid,
          direction: 'inbound',
          kind: 'edoc',
          agencyCode: agency.code,
          sender,
          recipients: header.to.map((to) => to.organId),
          documentId,
          messageId,
          senderDocumentUuid,
          businessDocType: pkg.traceHeaderList.bussiness?.bussinessDocType ?? 0,
          code: documentCode(pkg),
          subject: header.subject,
          metadata: packageMetadata(pkg),
          package: message.body,
          receivedAt: now,
        },
        packageAttachments(pkg),
      );
      if (inserted === 'duplicate') return false;
      await this.statuses.enqueue(tx, arrived);
      await this.outbox.enqueue(tx, [
        this.traces.message({
          event: 'delivered',
          documentUuid: senderDocumentUuid,
          documentId,
          messageId,
          kind: 'edoc',
          sender,
          recipient: agency.code,
          occurredAt: now,
        }),
      ]);
      return true;
    });
    if (stored) this.signal.wake();
    return ACK;
  }

  private async acceptStatus(
    agency: HostedAgency,
    message: IncomingMessage,
    messageId: string,
    pkg: StatusPackage,
  ): Promise<HandlerOutcome> {
    const header = pkg.messageHeader;
    const documentId = header.responseFor.documentId ?? '';
    const original = await this.documents.findSentByDocumentId(agency.code, documentId);
    if (!original) {
      return this.refuse(agency, message, messageId, {
        code: 'UNMATCHED_STATUS',
        reason: `${agency.code} sent no document ${documentId}`,
      });
    }
    const from = header.from.organId;
    const now = new Date();
    const stored = await this.transactor.run(async (tx) => {
      const inserted = await this.documents.insert(
        tx,
        {
          uuid: randomUUID(),
          direction: 'inbound',
          kind: 'status',
          agencyCode: agency.code,
          sender: from,
          recipients: [agency.code],
          documentId,
          messageId,
          ...(headerText(message, MESSAGE_HEADERS.document)
            ? { senderDocumentUuid: headerText(message, MESSAGE_HEADERS.document) }
            : {}),
          responseForUuid: original.uuid,
          statusCode: header.statusCode,
          metadata: packageMetadata(pkg),
          package: message.body,
          receivedAt: now,
        },
        [],
      );
      if (inserted === 'duplicate') return false;
      // A 02's description is the rejection reason: worth showing. Other descriptions are content.
      const detail = header.statusCode === '02' ? header.description : undefined;
      await this.deliveryEvents.record(tx, [
        {
          documentUuid: original.uuid,
          recipient: from,
          event: 'status',
          statusCode: header.statusCode,
          ...(header.description !== undefined ? { detail: header.description } : {}),
          messageId,
          occurredAt: now,
        },
      ]);
      await this.outbox.enqueue(tx, [
        this.traces.message({
          event: 'status',
          documentUuid: original.uuid,
          documentId,
          messageId,
          kind: 'status',
          sender: agency.code,
          recipient: from,
          statusCode: header.statusCode,
          ...(detail !== undefined ? { detail } : {}),
          occurredAt: now,
        }),
      ]);
      return true;
    });
    if (stored) this.signal.wake();
    return ACK;
  }

  /** Quarantine, `quarantined` trace event, and a signed 02 to the sender when it can be told. */
  private async refuse(
    agency: HostedAgency,
    message: IncomingMessage,
    messageId: string,
    refusal: Refusal,
  ): Promise<HandlerOutcome> {
    const senderHint = headerText(message, MESSAGE_HEADERS.from);
    const senderDocumentUuid = headerText(message, MESSAGE_HEADERS.document) ?? messageId;
    const rejection = this.rejection(agency, message, senderHint, senderDocumentUuid, refusal);
    this.logger.warn(`Quarantined message ${messageId} for ${agency.code}: ${refusal.code}`);
    const stored = await this.transactor.run(async (tx) => {
      const inserted = await this.quarantine.insert(tx, {
        id: randomUUID(),
        agencyCode: agency.code,
        messageId,
        ...(senderHint ? { senderHint } : {}),
        reasonCode: refusal.code,
        reason: refusal.reason,
        package: message.body,
      });
      if (!inserted) return false;
      if (rejection) await this.statuses.enqueue(tx, rejection);
      await this.outbox.enqueue(tx, [
        this.traces.message({
          event: 'quarantined',
          documentUuid: senderDocumentUuid,
          messageId,
          kind: headerText(message, MESSAGE_HEADERS.kind) === 'status' ? 'status' : 'edoc',
          sender: senderHint ?? 'unknown',
          recipient: agency.code,
          detail: refusal.code,
        }),
      ]);
      return true;
    });
    if (stored) this.signal.wake();
    return ACK;
  }

  /**
   * The 02 answering a refused document. Its ResponseFor comes from an unverified reading of the
   * package: it only echoes back what the sender claims, so the sender can match its document.
   * Status packages are never answered (two nodes must not bounce refusals at each other), nor is
   * a sender outside the directory, nor a package that names no document.
   */
  private rejection(
    agency: HostedAgency,
    message: IncomingMessage,
    senderHint: string | undefined,
    senderDocumentUuid: string,
    refusal: Refusal,
  ): PreparedStatus | undefined {
    if (!senderHint || headerText(message, MESSAGE_HEADERS.kind) === 'status') return undefined;
    if (!this.knownAgency(senderHint)) return undefined;
    const claimed = readUnverified(message.body, this.config.maxPackageBytes * 2);
    if (!claimed || claimed.kind !== 'edoc') return undefined;
    const h = claimed.messageHeader;
    const documentId =
      h.documentId ??
      (h.code?.codeNumber && h.promulgationInfo?.promulgationDate
        ? makeDocumentId(
            h.from?.organId ?? senderHint,
            h.promulgationInfo.promulgationDate,
            h.code.codeNumber,
            h.code.codeNotation,
          )
        : undefined);
    if (!documentId) return undefined;
    return this.statuses.prepare(
      agency,
      { sender: senderHint, documentId, senderDocumentUuid },
      { statusCode: '02', description: `${refusal.code}: ${refusal.reason}`.slice(0, 1000) },
    );
  }

  private knownAgency(code: string): boolean {
    try {
      return this.trust.findActive(code) !== undefined;
    } catch {
      return false;
    }
  }
}

function headerText(message: IncomingMessage, name: string): string | undefined {
  const value = message.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Producers write identifier codes in any case (lenient parsing keeps them as written). */
function sameCode(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

function readUnverified(body: Buffer, maxBytes: number): EdxmlPackage | undefined {
  try {
    return parseEdxml(body, { identifierMode: 'lenient', limits: { maxBytes } }).package;
  } catch {
    return undefined;
  }
}
