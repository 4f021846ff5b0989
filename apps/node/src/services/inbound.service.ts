import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
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
import { addLogContext, ExchangeMetrics, NoopExchangeMetrics } from '@lienthong/observability';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf, sha256Hex, statusRecord } from '../audit/audit-records';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { REQUEST_EVENTS } from '../domain/delivery-event';
import type { DocumentRecord } from '../domain/document';
import type { HostedAgency } from '../domain/hosted-agency';
import { PackageCrypto } from '../ports/package-crypto';
import { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import { DocumentRepository, SentPackage } from '../repositories/document.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { OutboxRepository } from '../repositories/outbox.repository';
import { QuarantineRepository } from '../repositories/quarantine.repository';
import { Transactor } from '../repositories/transactor';
import { OutboxSignal } from './outbox-signal';
import { documentCode, namedOriginals, packageAttachments, packageMetadata } from './package-content';
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
    @Optional() private readonly metrics: ExchangeMetrics = new NoopExchangeMetrics(),
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  async handle(agencyCode: string, message: IncomingMessage): Promise<HandlerOutcome> {
    try {
      return await this.receive(agencyCode, message);
    } catch (error) {
      const reason = errorReason(error);
      this.logger.warn({ msg: 'message will be retried', attempt: message.attempt, reason });
      return { action: 'retry', reason };
    }
  }

  private async receive(agencyCode: string, message: IncomingMessage): Promise<HandlerOutcome> {
    const agency = await this.agencies.findActive(agencyCode);
    if (!agency) return { action: 'retry', reason: `${agencyCode} is not hosted on this node` };
    // Without a message id there is nothing to de-duplicate on but the content itself. No lookup
    // first: a redelivery is rare, and the insert that stores the message (document or
    // quarantine, ON CONFLICT DO NOTHING, each checking the other) finds it in the same round trip.
    const messageId =
      message.messageId || `sha256:${createHash('sha256').update(message.body).digest('hex')}`;

    const read = this.readVerified(message.body);
    if ('action' in read) return read;
    if ('refusal' in read) return this.refuse(agency, message, messageId, read.refusal);
    const { pkg } = read;
    return pkg.kind === 'edoc'
      ? this.acceptDocument(agency, message, messageId, pkg)
      : this.acceptStatus(agency, message, messageId, pkg);
  }

  /**
   * Verifies and reads the package. Only the model leaves this function: the verified DOM and the
   * text it was parsed from (together several times the size of a large package) are garbage
   * before the package is stored.
   */
  private readVerified(body: Buffer): HandlerOutcome | { refusal: Refusal } | { pkg: EdxmlPackage } {
    const trust = this.trust.material();
    if (!trust) return { action: 'retry', reason: 'no trust anchors yet: the axis CA was never fetched' };
    const verification = this.crypto.verify(body, trust);
    if (!verification.valid) {
      this.metrics.signatureVerified(verification.transient ? 'unavailable' : 'invalid', verification.code);
      if (verification.transient) return { action: 'retry', reason: verification.reason };
      return { refusal: { code: verification.code, reason: verification.reason } };
    }
    this.metrics.signatureVerified('ok');
    try {
      const pkg = parseEdxml(verification.content, {
        identifierMode: 'lenient',
        limits: { maxBytes: this.config.maxPackageBytes * 2 },
      }).package;
      assertValidEdxml(pkg, { identifierMode: 'lenient' });
      return { pkg };
    } catch (error) {
      if (error instanceof EdxmlError) return { refusal: { code: error.code, reason: error.message } };
      throw error;
    }
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
    addLogContext({ documentId, sender });
    const businessDocType = pkg.traceHeaderList.bussiness?.bussinessDocType ?? 0;
    const original = await this.receivedOriginal(agency.code, sender, pkg);
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

    // The document, its signed 01 and the delivered trace event: one statement, one commit.
    const stored = await this.documents.store({
      document: {
        uuid,
        direction: 'inbound',
        kind: 'edoc',
        agencyCode: agency.code,
        sender,
        recipients: header.to.map((to) => to.organId),
        documentId,
        messageId,
        senderDocumentUuid,
        businessDocType,
        ...(original ? { relatedDocumentUuid: original.uuid } : {}),
        code: documentCode(pkg),
        subject: header.subject,
        metadata: packageMetadata(pkg),
        package: message.body,
        receivedAt: now,
      },
      attachments: packageAttachments(pkg),
      documents: [arrived.document],
      audit: [
        {
          action: 'document.received',
          actor: actorOf.node,
          agency: agency.code,
          documentId: uuid,
          details: {
            documentId,
            sender,
            messageId,
            businessDocType,
            packageSha256: sha256Hex(message.body),
            packageSize: message.body.length,
          },
          time: now,
        },
        {
          action: 'document.verified',
          actor: actorOf.node,
          agency: agency.code,
          documentId: uuid,
          details: { result: 'valid', signer: sender },
          time: now,
        },
        statusRecord('status.sent', {
          actor: actorOf.node,
          agency: agency.code,
          aboutUuid: uuid,
          statusUuid: arrived.document.uuid,
          statusCode: '01',
          from: agency.code,
          to: sender,
          packageBytes: arrived.document.package,
          time: now,
        }),
      ],
      outbox: [
        arrived.message,
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
      ],
    });
    if (stored === 'inserted') {
      this.metrics.packageReceived(agency.code, 'edoc');
      this.logger.log({ msg: 'document received', businessDocType });
      this.signal.wake();
    }
    return ACK;
  }

  /**
   * A status about one of our documents, from one of its recipients: recorded on the timeline of
   * the package it answers (see placeStatus). A 13 goes the other way (the SDK sample: From is the
   * document's sender): a request to give back a document we received, kept with that document.
   */
  private async acceptStatus(
    agency: HostedAgency,
    message: IncomingMessage,
    messageId: string,
    pkg: StatusPackage,
  ): Promise<HandlerOutcome> {
    const header = pkg.messageHeader;
    const documentId = header.responseFor.documentId ?? '';
    const from = header.from.organId;
    addLogContext({ documentId, sender: from, statusCode: header.statusCode });
    if (header.statusCode === '13') {
      const received = await this.documents.findReceivedOriginal(agency.code, from, documentId);
      if (received) return this.acceptWithdrawal(agency, message, messageId, pkg, received);
    }
    const sent = await this.documents.listSentPackages(agency.code, documentId);
    if (sent.length === 0) {
      return this.refuse(agency, message, messageId, {
        code: 'UNMATCHED_STATUS',
        reason: `${agency.code} sent no document ${documentId}`,
      });
    }
    const placed = await this.placeStatus(sent, from, header.statusCode);
    const now = new Date();
    // A 02's description is the rejection reason: worth showing. Other descriptions are content.
    const detail = header.statusCode === '02' ? header.description : undefined;
    const statusUuid = randomUUID();
    // The status, its timeline events and trace events: one statement, one commit.
    const stored = await this.documents.store({
      audit: [
        statusRecord('status.received', {
          actor: actorOf.agency(from),
          agency: agency.code,
          aboutUuid: placed.answered,
          statusUuid,
          statusCode: header.statusCode,
          from,
          to: agency.code,
          packageBytes: message.body,
          time: now,
        }),
      ],
      document: {
        uuid: statusUuid,
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
        responseForUuid: placed.answered,
        statusCode: header.statusCode,
        metadata: packageMetadata(pkg),
        package: message.body,
        receivedAt: now,
      },
      events: placed.timelines.map((documentUuid) => ({
        documentUuid,
        recipient: from,
        event: 'status' as const,
        statusCode: header.statusCode,
        ...(header.description !== undefined ? { detail: header.description } : {}),
        messageId,
        ...(placed.request ? { relatedDocumentUuid: placed.request } : {}),
        occurredAt: now,
      })),
      // The axis keeps the same timelines as this node: a 15/16 shows on the original as well as
      // on the revocation or update it answers.
      outbox: placed.timelines.map((documentUuid) =>
        this.traces.message({
          event: 'status',
          documentUuid,
          documentId,
          messageId,
          kind: 'status',
          sender: agency.code,
          recipient: from,
          statusCode: header.statusCode,
          ...(detail !== undefined ? { detail } : {}),
          occurredAt: now,
        }),
      ),
    });
    if (stored === 'inserted') {
      this.metrics.packageReceived(agency.code, 'status');
      this.logger.log({ msg: 'status received' });
      this.signal.wake();
    }
    return ACK;
  }

  /**
   * Which of our packages with this DocumentId a recipient's status answers, and whose timelines
   * show it. A revocation or update repeats its original's DocumentId, so the status alone cannot
   * say; the order of events can:
   * - 01/02 acknowledge each package sent to that recipient once, in the order they arrive: the
   *   oldest one it has not acknowledged yet takes it;
   * - 15/16 answer the latest request made to that recipient (a revocation, update, replacement
   *   or 13): shown on the original's timeline, and on the request's own when it is a document;
   * - the others (03…06) are about the document itself: the original.
   */
  private async placeStatus(
    sent: SentPackage[],
    from: string,
    statusCode: string,
  ): Promise<{ answered: string; timelines: string[]; request?: string }> {
    const addressed = sent.filter((d) => d.recipients.some((r) => sameCode(r, from)));
    const candidates = addressed.length > 0 ? addressed : sent;
    const first = candidates[0];
    if (statusCode === '01' || statusCode === '02') {
      // The usual case, one package with this DocumentId: it takes the status, nothing to look up.
      const acknowledged =
        candidates.length > 1
          ? await this.deliveryEvents.acknowledged(
              candidates.map((d) => d.uuid),
              from,
            )
          : new Set<string>();
      const last = candidates[candidates.length - 1];
      const answered = candidates.find((d) => !acknowledged.has(d.uuid)) ?? last;
      return { answered: answered.uuid, timelines: [answered.uuid] };
    }
    if (statusCode === '15' || statusCode === '16') {
      // A replacement has a DocumentId of its own: its answer names it, not the replaced original.
      const original = first.relatedDocumentUuid ?? first.uuid;
      const request = (await this.deliveryEvents.listFor(original))
        .filter((e) => sameCode(e.recipient, from) && (REQUEST_EVENTS as readonly string[]).includes(e.event))
        .pop();
      const requestDocument =
        request?.relatedDocumentUuid && request.event !== 'withdraw'
          ? request.relatedDocumentUuid
          : undefined;
      return {
        answered: requestDocument ?? first.uuid,
        timelines: [...new Set([original, first.uuid, ...(requestDocument ? [requestDocument] : [])])],
        ...(request?.relatedDocumentUuid ? { request: request.relatedDocumentUuid } : {}),
      };
    }
    return { answered: first.uuid, timelines: [first.uuid] };
  }

  /** A 13 from the sender of a document we received: kept with it; its software answers 15 or 16. */
  private async acceptWithdrawal(
    agency: HostedAgency,
    message: IncomingMessage,
    messageId: string,
    pkg: StatusPackage,
    received: DocumentRecord,
  ): Promise<HandlerOutcome> {
    const header = pkg.messageHeader;
    const now = new Date();
    const statusUuid = randomUUID();
    const stored = await this.transactor.run(async (tx) => {
      const inserted = await this.documents.insert(
        tx,
        {
          uuid: statusUuid,
          direction: 'inbound',
          kind: 'status',
          agencyCode: agency.code,
          sender: header.from.organId,
          recipients: [agency.code],
          ...(received.documentId !== undefined ? { documentId: received.documentId } : {}),
          messageId,
          ...(headerText(message, MESSAGE_HEADERS.document)
            ? { senderDocumentUuid: headerText(message, MESSAGE_HEADERS.document) }
            : {}),
          responseForUuid: received.uuid,
          statusCode: header.statusCode,
          metadata: packageMetadata(pkg),
          package: message.body,
          receivedAt: now,
        },
        [],
      );
      if (inserted === 'duplicate') return false;
      await this.outbox.enqueue(tx, [
        this.traces.message({
          event: 'status',
          documentUuid: received.senderDocumentUuid ?? received.uuid,
          ...(received.documentId !== undefined ? { documentId: received.documentId } : {}),
          messageId,
          kind: 'status',
          sender: received.sender,
          recipient: agency.code,
          statusCode: header.statusCode,
          occurredAt: now,
        }),
      ]);
      await this.audit.append(
        [
          statusRecord('status.received', {
            actor: actorOf.agency(header.from.organId),
            agency: agency.code,
            aboutUuid: received.uuid,
            statusUuid,
            statusCode: header.statusCode,
            from: header.from.organId,
            to: agency.code,
            packageBytes: message.body,
            time: now,
          }),
        ],
        tx,
      );
      return true;
    });
    if (stored) {
      this.metrics.packageReceived(agency.code, 'status');
      this.logger.log({ msg: 'withdrawal received' });
      this.signal.wake();
    }
    return ACK;
  }

  /** The received document a revocation, update or replacement names (same sender), if we have it. */
  private async receivedOriginal(
    agencyCode: string,
    sender: string,
    pkg: EdocPackage,
  ): Promise<DocumentRecord | undefined> {
    for (const documentId of namedOriginals(pkg, agencyCode)) {
      const original = await this.documents.findReceivedOriginal(agencyCode, sender, documentId);
      if (original) return original;
    }
    return undefined;
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
      const quarantined = this.traces.message({
        event: 'quarantined',
        documentUuid: senderDocumentUuid,
        messageId,
        kind: headerText(message, MESSAGE_HEADERS.kind) === 'status' ? 'status' : 'edoc',
        sender: senderHint ?? 'unknown',
        recipient: agency.code,
        detail: refusal.code,
      });
      if (rejection) await this.statuses.enqueue(tx, rejection, [quarantined]);
      else await this.outbox.enqueue(tx, [quarantined]);
      const details = {
        messageId,
        sender: senderHint ?? null,
        reasonCode: refusal.code,
        reason: refusal.reason.slice(0, 500),
        packageSha256: sha256Hex(message.body),
        packageSize: message.body.length,
      };
      await this.audit.append(
        [
          {
            action: 'document.verified',
            actor: actorOf.node,
            agency: agency.code,
            details: { ...details, result: 'refused' },
          },
          { action: 'document.quarantined', actor: actorOf.node, agency: agency.code, details },
          ...(rejection
            ? [
                {
                  action: 'document.rejected' as const,
                  actor: actorOf.node,
                  agency: agency.code,
                  details: {
                    messageId,
                    to: senderHint ?? null,
                    statusUuid: rejection.document.uuid,
                    statusCode: '02',
                    reasonCode: refusal.code,
                    packageSha256: sha256Hex(rejection.document.package),
                  },
                },
              ]
            : []),
        ],
        tx,
      );
      return true;
    });
    if (stored) {
      this.metrics.packageRejected(agency.code, refusal.code);
      this.logger.warn({ msg: 'package quarantined', code: refusal.code, sender: senderHint });
      this.signal.wake();
    }
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
