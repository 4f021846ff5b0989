import { Injectable, Optional } from '@nestjs/common';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { actorOf, statusRecord } from '../audit/audit-records';
import { AppError } from '@lienthong/common';
import {
  Bussiness,
  EdocMessageHeader,
  EdocPackage,
  Organization,
  packageFromJson,
  StaffInfo,
} from '@lienthong/edxml';
import type { ApiCaller } from '../domain/api-key';
import type { DocumentRecord } from '../domain/document';
import type { PackageUpload } from '../domain/package-upload';
import { DeliveryEventRepository } from '../repositories/delivery-event.repository';
import { DocumentRepository, DocumentScope } from '../repositories/document.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { Transactor } from '../repositories/transactor';
import { documentNotFound, isUuid, notPermitted } from './caller-scope';
import { OutboxSignal } from './outbox-signal';
import { isOriginalType } from './package-content';
import { StatusService } from './status.service';
import { SubmitResult, SubmitService } from './submit.service';
import { TrustStore } from './trust-store.service';

export interface RequestInput {
  reason: string;
  staffInfo?: StaffInfo;
}

export interface RevokeInput extends RequestInput {
  /** Some of the original's recipients; default all. */
  recipients?: string[];
}

/** The MessageHeader fields an update may change (the document's identity stays). */
export type DocumentChanges = Partial<
  Pick<
    EdocMessageHeader,
    | 'subject'
    | 'content'
    | 'documentType'
    | 'signerInfo'
    | 'dueDate'
    | 'toPlaces'
    | 'otherInfo'
    | 'steeringType'
  >
>;

export interface UpdateInput extends RequestInput {
  changes?: DocumentChanges;
  receivers?: { organId: string; receiverType: number }[];
}

export interface WithdrawResult {
  id: string;
  documentId: string;
  recipients: string[];
  /** One signed status 13 per recipient. */
  statuses: { id: string; recipient: string }[];
}

/**
 * What a sender may do to a document after sending it (QCVN 102 BussinessDocType 1, 2, 3, and
 * the status 13): each request is a package of its own, signed by the agency, linked to the
 * original and shown on the original's timeline next to each recipient's 15/16 answer.
 */
@Injectable()
export class BusinessDocumentsService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly agencies: HostedAgencyRepository,
    private readonly deliveryEvents: DeliveryEventRepository,
    private readonly transactor: Transactor,
    private readonly submitter: SubmitService,
    private readonly statuses: StatusService,
    private readonly trust: TrustStore,
    private readonly signal: OutboxSignal,
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  /**
   * BussinessDocType 1: the original's header again (the SDK's revocation sample re-sends the
   * document), without its files, naming the original in Bussiness/DocumentId.
   */
  async revoke(caller: ApiCaller, id: string, input: RevokeInput): Promise<SubmitResult> {
    const original = await this.findOriginal(caller, id);
    const recipients = chooseRecipients(original, input.recipients);
    const pkg = originalPackage(original);
    pkg.messageHeader.to = pkg.messageHeader.to.filter((to) => includesCode(recipients, to.organId));
    pkg.traceHeaderList = {
      traceHeader: [],
      bussiness: bussiness(original, 1, input),
    };
    return this.submitter.send(caller, pkg, { original });
  }

  /**
   * BussinessDocType 2: the original's header with `changes` applied (its DocumentId stays), and
   * BussinessDocumentInfo saying what changed. It goes to the receivers named, else to the
   * original's recipients. The files are not sent again: an update changes the description.
   */
  async update(caller: ApiCaller, id: string, input: UpdateInput): Promise<SubmitResult> {
    const original = await this.findOriginal(caller, id);
    const changes = Object.fromEntries(
      Object.entries(input.changes ?? {}).filter(([, value]) => value !== undefined),
    ) as DocumentChanges;
    const receivers = dedupe(input.receivers ?? [], (r) => r.organId.toUpperCase());
    if (Object.keys(changes).length === 0 && receivers.length === 0) {
      throw AppError.invalid('NOTHING_TO_UPDATE', 'An update needs changes, receivers, or both');
    }
    const pkg = originalPackage(original);
    Object.assign(pkg.messageHeader, changes);
    if (receivers.length > 0) {
      const known = pkg.messageHeader.to;
      pkg.messageHeader.to = receivers.map(
        (r): Organization => known.find((to) => sameCode(to.organId, r.organId)) ?? { organId: r.organId },
      );
    }
    pkg.traceHeaderList = {
      traceHeader: [],
      bussiness: {
        ...bussiness(original, 2, input),
        bussinessDocumentInfo: {
          documentInfo: Object.keys(changes).length > 0 ? '1' : '0',
          documentReceiver: receivers.length > 0 ? '1' : '0',
          ...(receivers.length > 0
            ? { receiverList: receivers.map((r) => ({ organId: r.organId, receiverType: r.receiverType })) }
            : {}),
        },
      },
    };
    return this.submitter.send(caller, pkg, { original });
  }

  /**
   * BussinessDocType 3: a new document (its own number and DocumentId, its own files) whose
   * ReplacementInfoList names the original and those of its recipients it replaces it for.
   */
  async replace(
    caller: ApiCaller,
    id: string,
    upload: PackageUpload,
    reason?: string,
  ): Promise<SubmitResult> {
    const original = await this.findOriginal(caller, id);
    const pkg = this.submitter.readPackage(upload);
    const from = pkg.messageHeader.from?.organId;
    if (typeof from !== 'string' || !sameCode(from, original.agencyCode)) {
      throw AppError.invalid(
        'NOT_THE_ORIGINAL_SENDER',
        `A replacement comes from the sender of the original, ${original.agencyCode}`,
      );
    }
    const given = pkg.traceHeaderList.bussiness;
    if (given && given.bussinessDocType !== 0 && given.bussinessDocType !== 3) {
      throw AppError.invalid(
        'BUSINESS_TYPE_MISMATCH',
        `The package says BussinessDocType ${given.bussinessDocType}; a replacement is 3`,
      );
    }
    const replacedFor = (pkg.messageHeader.to ?? [])
      .map((to) => to.organId)
      .filter((code) => includesCode(original.recipients, code));
    if (replacedFor.length === 0) {
      throw AppError.invalid(
        'NOT_A_RECIPIENT',
        `None of the replacement's recipients received ${original.documentId}`,
        { recipients: original.recipients },
      );
    }
    const reasonText = given?.bussinessDocReason ?? reason;
    pkg.traceHeaderList.bussiness = {
      ...given,
      bussinessDocType: 3,
      ...(reasonText ? { bussinessDocReason: reasonText } : {}),
      replacementInfoList: [
        ...(given?.replacementInfoList ?? []).filter((r) => r.documentId !== original.documentId),
        { documentId: original.documentId!, organIdList: [...new Set(replacedFor)] },
      ],
    };
    return this.submitter.send(caller, pkg, { original });
  }

  /**
   * Status 13: asks each recipient to give the document back. Signed per recipient, stored with
   * the outbox rows and a `withdraw` step on the original's timeline in one transaction.
   */
  async withdraw(caller: ApiCaller, id: string, input: RevokeInput): Promise<WithdrawResult> {
    const original = await this.findOriginal(caller, id);
    const recipients = chooseRecipients(original, input.recipients);
    let unknown = recipients.filter((code) => !this.trust.findActive(code));
    if (unknown.length > 0) {
      await this.trust.refreshAfterMiss();
      unknown = unknown.filter((code) => !this.trust.findActive(code));
    }
    if (unknown.length > 0) {
      throw AppError.invalid('UNKNOWN_RECIPIENT', `Not in the directory of the axis: ${unknown.join(', ')}`, {
        recipients: unknown,
      });
    }
    const agency = await this.agencies.findActive(original.agencyCode);
    if (!agency) throw notPermitted(original.agencyCode);

    const now = new Date();
    const header = (original.metadata.messageHeader ?? {}) as Partial<EdocMessageHeader>;
    const target = {
      uuid: original.uuid,
      documentId: original.documentId!,
      ...(original.code !== undefined ? { code: original.code } : {}),
      ...(header.promulgationInfo?.promulgationDate
        ? { promulgationDate: header.promulgationInfo.promulgationDate }
        : {}),
    };
    const prepared = recipients.map((recipient) => ({
      recipient,
      status: this.statuses.prepareWithdrawal(
        agency,
        target,
        recipient,
        { description: input.reason, ...(input.staffInfo ? { staffInfo: input.staffInfo } : {}) },
        now,
      ),
    }));
    await this.transactor.run(async (tx) => {
      for (const p of prepared) await this.statuses.enqueue(tx, p.status);
      await this.deliveryEvents.record(
        tx,
        prepared.map((p) => ({
          documentUuid: original.uuid,
          recipient: p.recipient,
          event: 'withdraw' as const,
          statusCode: '13',
          detail: input.reason,
          messageId: p.status.message.id,
          relatedDocumentUuid: p.status.document.uuid,
          occurredAt: now,
        })),
      );
      await this.audit.append(
        prepared.map((p) =>
          statusRecord('status.sent', {
            actor: actorOf.apiKey(caller),
            agency: original.agencyCode,
            aboutUuid: original.uuid,
            statusUuid: p.status.document.uuid,
            statusCode: '13',
            from: original.agencyCode,
            to: p.recipient,
            packageBytes: p.status.document.package,
            time: now,
          }),
        ),
        tx,
      );
    });
    this.signal.wake();
    return {
      id: original.uuid,
      documentId: original.documentId!,
      recipients,
      statuses: prepared.map((p) => ({ id: p.status.document.uuid, recipient: p.recipient })),
    };
  }

  /** A document the caller's agencies sent, in its own right: revoking a revocation means nothing. */
  private async findOriginal(caller: ApiCaller, id: string): Promise<DocumentRecord> {
    const scope: DocumentScope = { agencies: caller.agencies, direction: 'outbound', kind: 'edoc' };
    const record = isUuid(id) ? await this.documents.findInScope(id, scope) : undefined;
    if (!record?.documentId) throw documentNotFound();
    if (!isOriginalType(record.businessDocType)) {
      throw AppError.invalid(
        'NOT_AN_ORIGINAL_DOCUMENT',
        'Revoke, update, replace and withdraw apply to a document, not to a revocation or an update of one',
        { originalId: record.relatedDocumentUuid },
      );
    }
    return record;
  }
}

/** The original's content from its verified metadata: header and trace list, without the files. */
function originalPackage(original: DocumentRecord): EdocPackage {
  const pkg = packageFromJson({ ...original.metadata, attachments: [] });
  if (pkg.kind !== 'edoc') throw new Error(`document ${original.uuid} holds no edoc metadata`);
  pkg.messageHeader.documentId = original.documentId;
  return pkg;
}

function bussiness(original: DocumentRecord, type: 1 | 2, input: RequestInput): Bussiness {
  return {
    documentId: original.documentId!,
    bussinessDocType: type,
    bussinessDocReason: input.reason,
    ...(input.staffInfo ? { staffInfo: input.staffInfo } : {}),
  };
}

function chooseRecipients(original: DocumentRecord, requested?: string[]): string[] {
  if (!requested) return [...original.recipients];
  const strangers = requested.filter((code) => !includesCode(original.recipients, code));
  if (strangers.length > 0) {
    throw AppError.invalid(
      'NOT_A_RECIPIENT',
      `Not recipients of ${original.documentId}: ${strangers.join(', ')}`,
      { recipients: strangers },
    );
  }
  return original.recipients.filter((code) => includesCode(requested, code));
}

/** Identifier codes compare without regard to case: producers write them both ways. */
function sameCode(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

function includesCode(codes: readonly string[], code: string): boolean {
  return codes.some((c) => sameCode(c, code));
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
