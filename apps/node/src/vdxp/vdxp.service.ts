import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppError, HttpProblemFilter } from '@lienthong/common';
import { EdocPackage, parseEdxml, StatusPackage } from '@lienthong/edxml';
import type { DirectoryEntry } from '@lienthong/protocol';
import { AuditLog, UnwiredAuditLog } from '../audit/audit-log';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import { DocumentRepository } from '../repositories/document.repository';
import { BusinessDocumentsService } from '../services/business-documents.service';
import { documentNotFound, notPermitted } from '../services/caller-scope';
import { ConnectorCaller, ConnectorsService } from '../services/connectors.service';
import {
  BUSINESS_STATUS_CODES,
  BusinessStatusCode,
  InboxService,
  ReceivedKind,
} from '../services/inbox.service';
import { isOriginalType } from '../services/package-content';
import {
  RecipientDelivery,
  SentDocumentDetail,
  SentDocumentsService,
} from '../services/sent-documents.service';
import { SubmitService } from '../services/submit.service';
import { TrustStore } from '../services/trust-store.service';
import {
  assertHashFile,
  claimedSystemId,
  RawHeaders,
  SignedParams,
  VdxpAuthError,
  verifySignature,
} from './vdxp-auth';
import {
  fail,
  ok,
  packageFromSendEdocBody,
  parseToParameter,
  sdkHashFile,
  VdxpEnvelope,
  vdxpJson,
} from './vdxp-wire';

/** One VDXP request as the HTTP edge hands it over. */
export interface VdxpRequest {
  /** The operation: the path after the base path, e.g. `sendEdoc`. */
  operation: string;
  headers: RawHeaders;
  /** Reads the body (after authentication, so nobody unauthenticated uploads 50 MiB). */
  readBody(limit: number): Promise<Buffer>;
}

/** Exactly what goes on the wire. */
export interface VdxpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

type OperationName =
  | 'sendEdoc'
  | 'getReceivedEdocList'
  | 'getEdoc'
  | 'downloadEdoc'
  | 'updateStatus'
  | 'getSentEdocList'
  | 'countReceiveEdoc'
  | 'countReceiveStatus'
  | 'getAgenciesList'
  | 'getAgenciesListQD20'
  | 'getSynchronizeUnit'
  | 'registerAgency'
  | 'deleteAgency';

const OPERATIONS: readonly OperationName[] = [
  'sendEdoc',
  'getReceivedEdocList',
  'getEdoc',
  'downloadEdoc',
  'updateStatus',
  'getSentEdocList',
  'countReceiveEdoc',
  'countReceiveStatus',
  'getAgenciesList',
  'getAgenciesListQD20',
  'getSynchronizeUnit',
  'registerAgency',
  'deleteAgency',
];
const BY_LOWER_NAME = new Map(OPERATIONS.map((op) => [op.toLowerCase(), op]));

const JSON_TYPE = 'application/json; charset=utf-8';
/** registerAgency's JSON body is the only other body the node reads. */
const MAX_JSON_BODY = 64 * 1024;
/** Received items per list call; the SDK's loop takes them and asks again. */
const LIST_LIMIT = 500;
const SENT_LIMIT = 100;

/** Our words for an item waiting in the inbox (the axis's vocabulary is unknown, SPEC §4.2). */
const WAITING = { status: 'initial', desc: 'Chờ nhận' };

const STATUS_NAMES: Record<string, string> = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Phân công',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  '13': 'Lấy lại',
  '15': 'Đồng ý',
  '16': 'Từ chối',
};

class Refusal extends Error {
  constructor(
    readonly httpStatus: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The VDXP protocol of the official VPCP Java SDK (../shared/vdxp-wire/SPEC.md) as a thin adapter
 * over the node's own services: a connector is an ApiCaller for the agencies it hosts, each
 * operation maps onto submit, inbox, statuses, sent documents or the directory.
 */
@Injectable()
export class VdxpService {
  private readonly logger = new Logger('Vdxp');
  private readonly problems = new HttpProblemFilter();

  constructor(
    private readonly connectors: ConnectorsService,
    private readonly submitter: SubmitService,
    private readonly inbox: InboxService,
    private readonly sent: SentDocumentsService,
    private readonly business: BusinessDocumentsService,
    private readonly documents: DocumentRepository,
    private readonly trust: TrustStore,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Optional() private readonly audit: AuditLog = new UnwiredAuditLog(),
  ) {}

  async handle(request: VdxpRequest): Promise<VdxpAnswer> {
    const operation = BY_LOWER_NAME.get(request.operation.replace(/^\/+|\/+$/g, '').toLowerCase());
    if (!operation) {
      await this.refused(request.operation.slice(0, 64), undefined, 'UNKNOWN_OPERATION', 404);
      return json(404, fail(404, 'unknown VDXP operation'));
    }
    let caller: ConnectorCaller;
    let params: SignedParams;
    try {
      ({ caller, params } = await this.authenticate(request.headers));
    } catch (error) {
      if (!(error instanceof VdxpAuthError)) return this.failure(operation, undefined, error);
      await this.refused(operation, { claimed: error.systemId }, error.reason, 401);
      return this.errorAnswer(operation, 401, error.message);
    }
    try {
      return await this.run(operation, caller, params, request);
    } catch (error) {
      return this.failure(operation, caller, error);
    }
  }

  private async authenticate(
    headers: RawHeaders,
  ): Promise<{ caller: ConnectorCaller; params: SignedParams }> {
    const systemId = claimedSystemId(headers);
    const found = await this.connectors.secretOf(systemId);
    if (!found) throw new VdxpAuthError('UNKNOWN_SYSTEM', 'unknown or disabled systemid', systemId);
    return { caller: found.caller, params: verifySignature(headers, found.secret) };
  }

  private async run(
    operation: OperationName,
    caller: ConnectorCaller,
    params: SignedParams,
    request: VdxpRequest,
  ): Promise<VdxpAnswer> {
    switch (operation) {
      case 'sendEdoc':
        return json(200, ok({ DocId: await this.sendEdoc(caller, params, request) }));
      case 'getReceivedEdocList':
        return json(200, ok({ data: await this.receivedList(caller, kindOf(params)) }));
      case 'getEdoc': {
        const bytes = await this.receivedPackage(caller, required(params, 'docId'));
        return json(200, ok({ data: bytes.toString('base64') }));
      }
      case 'downloadEdoc': {
        const bytes = await this.receivedPackage(caller, required(params, 'docId'));
        return { status: 200, contentType: 'application/octet-stream', body: bytes };
      }
      case 'updateStatus':
        await this.updateStatus(caller, params);
        return json(200, ok());
      case 'getSentEdocList':
        return json(200, ok({ data: await this.sentList(caller, kindOf(params), params.get('docId')) }));
      case 'countReceiveEdoc':
        return json(200, ok({ count: await this.inbox.count(caller, 'edoc') }));
      case 'countReceiveStatus':
        return json(200, ok({ count: await this.inbox.count(caller, 'status') }));
      case 'getAgenciesList':
        return json(200, ok({ data: this.directory().map(agencyItem) }));
      case 'getAgenciesListQD20':
        return json(200, ok({ data: this.qd20(params.get('level')) }));
      case 'getSynchronizeUnit':
        return json(200, ok({ data: this.directory().map((e) => unitItem(e)) }));
      case 'registerAgency':
        return this.registerAgency(await request.readBody(MAX_JSON_BODY));
      case 'deleteAgency':
        return this.deleteAgency(required(params, 'AgencyCode'));
    }
  }

  /** An edoc goes out as /api/v1 submits it; a status goes back to the sender of the document it answers. */
  private async sendEdoc(
    caller: ConnectorCaller,
    params: SignedParams,
    request: VdxpRequest,
  ): Promise<string> {
    const body = await request.readBody(this.config.maxPackageBytes + 2);
    const bytes = packageFromSendEdocBody(body);
    try {
      assertHashFile(params, sdkHashFile(bytes));
    } catch (error) {
      if (error instanceof VdxpAuthError) throw new Refusal(401, error.reason, error.message);
      throw error;
    }
    const pkg = parseEdxml(bytes, {
      identifierMode: 'lenient',
      limits: { maxBytes: this.config.maxPackageBytes },
    }).package;
    if (pkg.kind === 'status') return this.sendStatus(caller, pkg);
    return this.sendDocument(caller, pkg, bytes, parseToParameter(params.get('to')));
  }

  private async sendDocument(
    caller: ConnectorCaller,
    parsed: EdocPackage,
    bytes: Buffer,
    to: string[] | undefined,
  ): Promise<string> {
    // A valid standard signature of the sending agency is kept, unless `to` changes the recipients.
    const listed = new Set((parsed.messageHeader.to ?? []).map((t) => t.organId));
    const sameRecipients = !to || (to.length === listed.size && to.every((c) => listed.has(c)));
    const kept = sameRecipients ? this.submitter.keptSignature(bytes) : undefined;
    const pkg = kept ?? parsed;
    if (to && !kept) {
      // The SDK's `to` names the recipients; keep what the package says about those it lists too.
      const described = pkg.messageHeader.to ?? [];
      pkg.messageHeader.to = to.map((code) => described.find((t) => t.organId === code) ?? { organId: code });
    }
    try {
      const result = await this.submitter.send(caller, pkg, {
        validation: 'lenient',
        ...(kept ? { signedPackage: bytes } : {}),
      });
      this.logger.log({ message: 'vdxp document submitted', systemId: caller.systemId, docId: result.id });
      return result.id;
    } catch (error) {
      if (error instanceof AppError && error.code === 'DOCUMENT_ALREADY_SENT') {
        const from = pkg.messageHeader.from.organId;
        const sent = await this.documents.listSentByDocumentId(from, pkg.messageHeader.documentId ?? '');
        const original = sent.find((d) => isOriginalType(d.businessDocType));
        if (original) throw new DuplicateDocument(error.message, original.uuid);
      }
      throw error;
    }
  }

  private async sendStatus(caller: ConnectorCaller, pkg: StatusPackage): Promise<string> {
    const header = pkg.messageHeader;
    const from = header.from.organId;
    if (!caller.agencies.includes(from)) throw notPermitted(from);
    const about = header.responseFor;
    if (!about?.documentId || !about.organId) {
      throw AppError.invalid(
        'EDXML_MISSING_ELEMENT',
        'A status package needs ResponseFor/OrganId and ResponseFor/DocumentId',
      );
    }
    const staffInfo = header.staffInfo ? { staffInfo: header.staffInfo } : {};
    if (header.statusCode === '13') {
      // The sender asks a recipient to give its document back (SPEC of the SDK's 13 sample).
      const sent = await this.documents.listSentByDocumentId(from, about.documentId);
      const original = sent.find((d) => isOriginalType(d.businessDocType));
      if (!original) throw documentNotFound();
      const result = await this.business.withdraw(caller, original.uuid, {
        reason: header.description ?? 'Lấy lại văn bản',
        ...staffInfo,
        recipients: [about.organId],
      });
      return result.statuses[0].id;
    }
    const code = header.statusCode as BusinessStatusCode;
    if (!BUSINESS_STATUS_CODES.includes(code)) {
      throw AppError.invalid(
        'STATUS_NOT_APPLICABLE',
        `The node sends ${header.statusCode} itself when a document arrives; the software sends 03, 04, 05, 06, 13, 15 or 16`,
      );
    }
    const received = await this.documents.findReceivedOriginal(from, about.organId, about.documentId);
    if (!received) throw documentNotFound();
    let target = received.uuid;
    if (code === '15' || code === '16') {
      // An answer to a revocation, update or replacement repeating the DocumentId: the latest one.
      const related = await this.documents.listRelated(from, received.uuid);
      if (related.length > 0) target = related[related.length - 1].uuid;
    }
    const status = await this.inbox.sendStatus(caller, target, {
      statusCode: code,
      ...(header.description !== undefined ? { description: header.description } : {}),
      ...staffInfo,
    });
    this.logger.log({
      message: 'vdxp status submitted',
      systemId: caller.systemId,
      docId: status.id,
      statusCode: code,
    });
    return status.id;
  }

  private async receivedList(caller: ConnectorCaller, kind: ReceivedKind): Promise<Record<string, string>[]> {
    const items = await this.inbox.list(caller, { kind, limit: LIST_LIMIT });
    return items.map((i) => ({
      docId: i.id,
      serviceType: 'eDoc',
      messageType: kind,
      from: i.sender,
      to: i.agency,
      status: WAITING.status,
      status_desc: WAITING.desc,
      created_time: vietnamTime(i.receivedAt),
      updated_time: vietnamTime(i.receivedAt),
      ...(i.documentId !== undefined ? { documentId: i.documentId } : {}),
      ...(i.code !== undefined ? { notation: i.code } : {}),
      ...(i.subject !== undefined ? { title: i.subject } : {}),
    }));
  }

  /** A received document, or a received status package, by its id. */
  private async receivedPackage(caller: ConnectorCaller, docId: string): Promise<Buffer> {
    return this.eitherKind((kind) => this.inbox.package(caller, docId, kind));
  }

  /** `done` and `fail` both take the item (idempotent); `fail` is kept for operators with its reason. */
  private async updateStatus(caller: ConnectorCaller, params: SignedParams): Promise<void> {
    const docId = required(params, 'docId');
    const status = required(params, 'status').toLowerCase();
    if (status === 'processing') {
      await this.receivedPackage(caller, docId); // exists and is the caller's; nothing to record
      return;
    }
    if (status !== 'done' && status !== 'fail') {
      throw AppError.invalid('INVALID_STATUS', 'status must be done, fail or processing');
    }
    const item = await this.eitherKind((kind) => this.inbox.markTaken(caller, docId, kind));
    if (status === 'fail') {
      const reason =
        params.get('reason') ??
        params.get('description') ??
        params.get('errorDesc') ??
        'reported as failed by the agency software';
      await this.connectors.recordFailure({
        documentUuid: item.id,
        agencyCode: item.agency,
        systemId: caller.systemId,
        reason: reason.slice(0, 2000),
        reportedAt: new Date(),
      });
      this.logger.warn({ message: 'vdxp item reported failed', systemId: caller.systemId, docId: item.id });
    }
  }

  private async sentList(
    caller: ConnectorCaller,
    kind: ReceivedKind,
    docId: string | undefined,
  ): Promise<Record<string, string>[]> {
    // The SDK never clears its parameters: a docId may be left over from an earlier getEdoc or
    // updateStatus on the same object. A docId that names nothing of the caller's is such a
    // leftover, and is ignored (SPEC §2.4).
    if (kind === 'status') {
      const all = await this.sent.listStatuses(caller, SENT_LIMIT);
      // docId: a status, or the received document the statuses answer.
      const named = all.filter((s) => s.id === docId || s.aboutId === docId);
      const statuses = docId && named.length > 0 ? named : all;
      return statuses.flatMap((s) =>
        s.recipients.map((to) => ({
          serviceType: 'eDoc',
          messageType: 'status',
          senderDocId: s.id,
          fromCode: s.agency,
          toCode: to,
          title: `${s.statusCode} ${STATUS_NAMES[s.statusCode] ?? ''}`.trim(),
          ...(s.code !== undefined ? { notation: s.code } : {}),
          sentTime: vietnamTime(s.createdAt),
        })),
      );
    }
    const one = docId ? await this.sent.get(caller, docId).catch(notFoundAsUndefined) : undefined;
    const documents: SentDocumentDetail[] = one
      ? [one]
      : await Promise.all(
          (await this.sent.list(caller, undefined, SENT_LIMIT)).map((s) => this.sent.get(caller, s.id)),
        );
    return documents.flatMap((d) => d.deliveries.map((delivery) => sentItem(d, delivery)));
  }

  private directory(): DirectoryEntry[] {
    return this.trust.directory().filter((e) => e.state === 'active');
  }

  /** Level 1 is an agency without a parent, level 2 its children, and so on; no level: all. */
  private qd20(level: string | undefined): Record<string, string>[] {
    const entries = this.directory();
    const byCode = new Map(entries.map((e) => [e.code, e]));
    const depth = (e: DirectoryEntry): number => {
      let n = 1;
      for (let p = e.parentCode; p && n < 50; p = byCode.get(p)?.parentCode) n += 1;
      return n;
    };
    const wanted = level !== undefined && /^\d+$/.test(level.trim()) ? Number(level) : undefined;
    return entries
      .filter((e) => wanted === undefined || depth(e) === wanted)
      .map((e) => ({ id: e.code, code: e.code, name: e.name, mail: '', code102: e.code }));
  }

  /** The directory belongs to the axis operator: an agency already in it is answered OK (idempotent). */
  private registerAgency(body: Buffer): VdxpAnswer {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return json(400, fail(400, 'registerAgency: the body is not valid JSON'));
    }
    const code =
      typeof parsed === 'object' && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
    if (typeof code !== 'string' || code === '') {
      return json(400, fail(400, 'registerAgency: the body needs a "code"'));
    }
    if (this.trust.findActive(code)) return json(200, ok());
    return json(
      501,
      fail(
        501,
        `registerAgency: ${code} is not in the directory; agencies are registered by the operator of the axis`,
      ),
    );
  }

  /** Likewise: an agency not in the directory is already deleted; removing one is the operator's. */
  private deleteAgency(code: string): VdxpAnswer {
    if (!this.directory().some((e) => e.code === code)) return json(200, ok());
    return json(
      501,
      fail(501, `deleteAgency: agencies are removed from the directory by the operator of the axis`),
    );
  }

  /** Documents first, then status packages: one docId space for the SDK. */
  private async eitherKind<T>(work: (kind: ReceivedKind) => Promise<T>): Promise<T> {
    try {
      return await work('edoc');
    } catch (error) {
      if (error instanceof AppError && error.kind === 'not-found') return work('status');
      throw error;
    }
  }

  private async failure(
    operation: OperationName | string,
    caller: ConnectorCaller | undefined,
    error: unknown,
  ): Promise<VdxpAnswer> {
    if (error instanceof Refusal) {
      await this.refused(operation, caller, error.reason, error.httpStatus);
      return this.errorAnswer(operation, error.httpStatus, error.message);
    }
    if (error instanceof DuplicateDocument) {
      await this.refused(operation, caller, 'DOCUMENT_ALREADY_SENT', 409);
      return json(409, fail(409, `DOCUMENT_ALREADY_SENT: ${error.message}`, { DocId: error.docId }));
    }
    const problem = this.problems.toProblem(error);
    const status = problem.statusCode === 422 ? 400 : problem.statusCode;
    await this.refused(operation, caller, problem.code, status);
    return this.errorAnswer(operation, status, `${problem.code}: ${problem.message}`);
  }

  private errorAnswer(operation: string, status: number, description: string): VdxpAnswer {
    // downloadEdoc: the SDK writes any body to a file and calls it the package, so send none.
    if (operation === 'downloadEdoc')
      return { status, contentType: 'application/octet-stream', body: Buffer.alloc(0) };
    // sendEdoc: without DocId the SDK loses status, ErrorCode and ErrorDesc too (vector e7).
    return json(status, fail(status, description, operation === 'sendEdoc' ? { DocId: '' } : {}));
  }

  /**
   * Every refusal is logged and audited: static message, fields only (never a secret, a signature
   * or content). `claimed`: the systemid an unauthenticated request named, not an actor.
   */
  private async refused(
    operation: string,
    who: ConnectorCaller | { claimed?: string } | undefined,
    reason: string,
    status: number,
  ): Promise<void> {
    const systemId = who && 'systemId' in who ? who.systemId : undefined;
    const claimed = who && 'claimed' in who ? who.claimed : undefined;
    this.logger.warn({
      message: 'vdxp request refused',
      operation,
      systemId: systemId ?? claimed ?? '',
      authenticated: systemId !== undefined,
      reason,
      status,
    });
    try {
      await this.audit.append([
        {
          action: 'vdxp.refused',
          actor: systemId !== undefined ? `connector:${systemId}` : 'anonymous',
          agency: null,
          details: {
            operation,
            reason,
            status,
            ...(claimed !== undefined ? { claimedSystemId: claimed.slice(0, 128) } : {}),
          },
        },
      ]);
    } catch (error) {
      // The answer does not wait on the audit log being healthy; the log line above stays.
      this.logger.error({ message: 'vdxp refusal not audited', operation, reason, error: String(error) });
    }
  }
}

class DuplicateDocument extends Error {
  constructor(
    message: string,
    readonly docId: string,
  ) {
    super(message);
  }
}

function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof AppError && error.kind === 'not-found') return undefined;
  throw error;
}

function json(status: number, envelope: VdxpEnvelope): VdxpAnswer {
  return { status, contentType: JSON_TYPE, body: Buffer.from(vdxpJson(envelope), 'utf8') };
}

function required(params: SignedParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value.trim() === '') {
    throw AppError.invalid('MISSING_PARAMETER', `The signed parameter ${name} is required`);
  }
  return value.trim();
}

function kindOf(params: SignedParams): ReceivedKind {
  return params.get('messagetype')?.toLowerCase() === 'status' ? 'status' : 'edoc';
}

/** ISO-8601 in Vietnam time with its offset, as the vectors show (`2024-05-02T09:15:30.000+07:00`). */
export function vietnamTime(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return new Date(date.getTime() + 7 * 3600_000).toISOString().replace('Z', '+07:00');
}

function agencyItem(e: DirectoryEntry): Record<string, string> {
  return { id: e.code, pid: e.parentCode ?? '', code: e.code, name: e.name, mail: '', oldCode: '' };
}

function unitItem(e: DirectoryEntry): Record<string, unknown> {
  return {
    id: e.code,
    pid: e.parentCode ?? '',
    code: e.code,
    name: e.name,
    mail: '',
    version: 1,
    centerCode: e.nodeId ?? '',
    deleted: false,
    modifyDate: '',
    isAgency: true,
  };
}

function sentItem(d: SentDocumentDetail, delivery: RecipientDelivery): Record<string, string> {
  const published = delivery.timeline.find((e) => e.event === 'published');
  const arrived = delivery.timeline.find(
    (e) => e.event === 'status' && (e.statusCode === '01' || e.statusCode === '02'),
  );
  const sendStatus = delivery.state === 'failed' ? 'fail' : delivery.state === 'pending' ? 'pending' : 'done';
  const failed = delivery.timeline.find((e) => e.event === 'failed');
  const code = delivery.lastStatusCode;
  return {
    serviceType: 'eDoc',
    messageType: 'edoc',
    senderDocId: d.id,
    fromCode: d.agency,
    toCode: delivery.code,
    title: d.subject ?? '',
    notation: d.code ?? '',
    sentTime: vietnamTime(published?.at ?? d.createdAt),
    ...(arrived ? { receivedTime: vietnamTime(arrived.at) } : {}),
    sendStatus,
    sendStatusDesc:
      sendStatus === 'fail'
        ? `Gửi lỗi${failed?.detail ? `: ${failed.detail}` : ''}`
        : sendStatus === 'done'
          ? 'Đã gửi'
          : 'Đang gửi',
    receiveStatus: code ?? 'pending',
    receiveStatusDesc: code ? (STATUS_NAMES[code] ?? code) : 'Chưa nhận',
  };
}
