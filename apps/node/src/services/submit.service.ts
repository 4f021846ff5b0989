import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { addLogContext } from '@lienthong/observability';
import {
  assertValidEdxml,
  buildEdxml,
  contentTypeForName,
  EdocPackage,
  EdxmlError,
  EdxmlPackage,
  formatEdxmlTimestamp,
  makeDocumentId,
  packageFromJson,
  parseEdxml,
} from '@lienthong/edxml';
import { actorOf, sha256Hex } from '../audit/audit-records';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { ApiCaller } from '../domain/api-key';
import { NewDeliveryEvent, requestEventFor } from '../domain/delivery-event';
import type { DocumentRecord } from '../domain/document';
import type { PackageUpload, UploadedFile } from '../domain/package-upload';
import { PackageCrypto } from '../ports/package-crypto';
import { DocumentRepository } from '../repositories/document.repository';
import { HostedAgencyRepository } from '../repositories/hosted-agency.repository';
import { notPermitted } from './caller-scope';
import { documentMessage } from './document-message';
import { OutboxSignal } from './outbox-signal';
import {
  documentCode,
  isOriginalType,
  isRequestType,
  namedOriginals,
  packageAttachments,
  packageMetadata,
} from './package-content';
import { TraceEventFactory } from './trace-event-factory';
import { TrustStore } from './trust-store.service';

export interface SendOptions {
  /** The original a revocation, update or replacement is about, already found by the caller. */
  original?: DocumentRecord;
  /**
   * Default `strict`. `lenient` accepts the deviations the VPCP SDK's own samples make (a DocumentId
   * that is not `{OrganId},{date},{code}`, short codes in trace headers): the VDXP adapter takes
   * packages from software written against that SDK.
   */
  validation?: 'strict' | 'lenient';
  /**
   * The package's bytes, when they carry a valid standard signature of its From agency (see
   * keptSignature): stored and sent exactly as they are, without the node's trace header.
   */
  signedPackage?: Buffer;
}

/** Only a package naming the XMLDSig namespace can carry a standard signature worth checking. */
const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface SubmitResult {
  id: string;
  documentId: string;
  recipients: string[];
  /** 1 revoke, 2 update, 3 replace; absent for a new document. */
  businessDocType?: number;
  /** The original a revocation, update or replacement is linked to. */
  originalId?: string;
}

/**
 * An agency's software hands in a document: it leaves signed by the agency, with one outbox row
 * per recipient, all stored in one statement (atomic, one commit) before the caller gets its answer.
 */
@Injectable()
export class SubmitService {
  private readonly logger = new Logger(SubmitService.name);

  constructor(
    private readonly agencies: HostedAgencyRepository,
    private readonly documents: DocumentRepository,
    private readonly crypto: PackageCrypto,
    private readonly trust: TrustStore,
    private readonly traces: TraceEventFactory,
    private readonly signal: OutboxSignal,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async submit(caller: ApiCaller, upload: PackageUpload): Promise<SubmitResult> {
    const pkg = this.readPackage(upload);
    const bytes = upload.type === 'xml' ? upload.bytes : undefined;
    const kept = bytes ? this.keptSignature(bytes) : undefined;
    return this.send(caller, kept ?? pkg, kept && bytes ? { signedPackage: bytes } : {});
  }

  /**
   * A package that already carries a valid standard signature of its From agency (trusted chain,
   * not revoked, signer = From) keeps it: the content it returns is what the signature covers, and
   * send() with `signedPackage` stores the bytes as they are. undefined for an unsigned package, a
   * legacy or placeholder signature, or any signature that does not verify: those are (re)signed.
   */
  keptSignature(bytes: Buffer): EdocPackage | undefined {
    if (!bytes.includes(XMLDSIG_NS)) return undefined;
    const material = this.trust.material();
    if (!material) return undefined;
    const verification = this.crypto.verify(bytes, material);
    if (!verification.valid) return undefined;
    const pkg = parseEdxml(verification.content, {
      identifierMode: 'lenient',
      limits: { maxBytes: this.config.maxPackageBytes },
    }).package;
    return pkg.kind === 'edoc' ? pkg : undefined;
  }

  /**
   * Checks, stamps, signs and stores a document package with its outbox rows. A revocation, update
   * or replacement (BussinessDocType 1, 2, 3) is linked to the original it names, when this node
   * sent it, and each recipient's step shows on the original's timeline too; `options.original`
   * is that original when the caller already found it.
   */
  async send(caller: ApiCaller, pkg: EdocPackage, options: SendOptions = {}): Promise<SubmitResult> {
    const from = pkg.messageHeader.from?.organId;
    if (typeof from !== 'string' || from === '') {
      throw AppError.invalid('EDXML_MISSING_ELEMENT', 'The package has no From/OrganId');
    }
    if (!caller.agencies.includes(from)) throw notPermitted(from);
    const agency = await this.agencies.findActive(from);
    if (!agency) throw notPermitted(from);

    const recipients = [...new Set((pkg.messageHeader.to ?? []).map((t) => t.organId))];
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

    const now = new Date();
    const header = pkg.messageHeader;
    header.documentId ??= makeDocumentId(
      from,
      header.promulgationInfo.promulgationDate,
      header.code.codeNumber,
      header.code.codeNotation,
    );
    // A kept signature covers the package as it is: nothing may be added to it.
    if (!options.signedPackage) {
      pkg.traceHeaderList.traceHeader.push({ organId: from, timestamp: formatEdxmlTimestamp(now) });
    }
    assertValidEdxml(pkg, { identifierMode: options.validation ?? 'strict' });
    const documentId = header.documentId;

    const bussiness = pkg.traceHeaderList.bussiness;
    const businessDocType = bussiness?.bussinessDocType ?? 0;
    const original = isRequestType(businessDocType)
      ? (options.original ?? (await this.findOriginal(from, pkg)))
      : undefined;

    const signed = options.signedPackage ?? this.crypto.sign(buildEdxml(pkg), agency);
    const uuid = randomUUID();
    // The rest of this request's log lines (its completion line too) say which document it was.
    addLogContext({ agency: from, documentId, documentUuid: uuid });
    const messages = recipients.map((recipient) =>
      documentMessage({
        documentUuid: uuid,
        kind: 'edoc',
        from,
        recipient,
        trace: { documentUuid: uuid, documentId, sender: from, recipient },
      }),
    );
    const traceMessages = messages.map((m) =>
      this.traces.message({
        event: 'submitted',
        documentUuid: uuid,
        documentId,
        messageId: m.id,
        kind: 'edoc',
        sender: from,
        recipient: m.recipient!,
        occurredAt: now,
      }),
    );
    const events: NewDeliveryEvent[] = messages.map((m) => ({
      documentUuid: uuid,
      recipient: m.recipient!,
      event: 'submitted',
      messageId: m.id,
      occurredAt: now,
    }));
    const request = original ? requestEventFor(businessDocType) : undefined;
    if (original && request) {
      // On the original's timeline: which recipient was asked what, and by which document, so
      // its 15/16 answer can be shown next to the request.
      events.push(
        ...messages.map((m) => ({
          documentUuid: original.uuid,
          recipient: m.recipient!,
          event: request,
          ...(bussiness?.bussinessDocReason ? { detail: bussiness.bussinessDocReason } : {}),
          messageId: m.id,
          relatedDocumentUuid: uuid,
          occurredAt: now,
        })),
      );
    }

    // The document, its outbox rows, trace events and timeline: one statement, one commit.
    const inserted = await this.documents.store({
      document: {
        uuid,
        direction: 'outbound',
        kind: 'edoc',
        agencyCode: from,
        sender: from,
        recipients,
        documentId,
        businessDocType,
        ...(original ? { relatedDocumentUuid: original.uuid } : {}),
        code: documentCode(pkg),
        subject: header.subject,
        metadata: packageMetadata(pkg),
        package: signed,
      },
      attachments: packageAttachments(pkg),
      outbox: [...messages, ...traceMessages],
      events,
      audit: [
        {
          action: 'document.submitted',
          actor: actorOf.apiKey(caller),
          agency: from,
          documentId: uuid,
          details: {
            documentId,
            recipients,
            businessDocType,
            ...(original ? { originalUuid: original.uuid } : {}),
          },
          time: now,
        },
        {
          action: 'document.signed',
          actor: actorOf.node,
          agency: from,
          documentId: uuid,
          details: { packageSha256: sha256Hex(signed), packageSize: signed.length, signer: from },
          time: now,
        },
      ],
    });
    if (inserted === 'duplicate') {
      throw AppError.conflict(
        'DOCUMENT_ALREADY_SENT',
        `${from} has already sent the document ${documentId}`,
        {
          documentId,
        },
      );
    }
    this.signal.wake();
    this.logger.log({ msg: 'document submitted', recipients: recipients.length, businessDocType });
    return {
      id: uuid,
      documentId,
      recipients,
      ...(businessDocType !== 0 ? { businessDocType } : {}),
      ...(original ? { originalId: original.uuid } : {}),
    };
  }

  /** The document package an upload carries (parsed, not yet validated: send() does that). */
  readPackage(upload: PackageUpload): EdocPackage {
    let pkg: EdxmlPackage;
    if (upload.type === 'xml') {
      pkg = parseEdxml(upload.bytes, {
        identifierMode: 'strict',
        limits: { maxBytes: this.config.maxPackageBytes },
      }).package;
    } else {
      pkg = packageFromJson(withKind(parseJson(upload.metadata)));
      if (pkg.kind === 'edoc') pkg.attachments.push(...attachmentsFromFiles(pkg, upload.files));
    }
    if (pkg.kind !== 'edoc') {
      throw AppError.invalid(
        'NOT_A_DOCUMENT',
        'Submit documents here; send a status with POST /api/v1/inbox/:id/statuses',
      );
    }
    return pkg;
  }

  /** The original a package submitted as is names, if this agency sent it (else it goes unlinked). */
  private async findOriginal(from: string, pkg: EdocPackage): Promise<DocumentRecord | undefined> {
    for (const documentId of namedOriginals(pkg)) {
      const sent = await this.documents.listSentByDocumentId(from, documentId);
      const original = sent.find((d) => isOriginalType(d.businessDocType));
      if (original) return original;
    }
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EdxmlError('EDXML_INVALID_JSON', `The metadata field is not JSON: ${(error as Error).message}`);
  }
}

/** The JSON form of a document may leave out `kind`: this endpoint takes documents only. */
function withKind(json: unknown): unknown {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && !('kind' in json)) {
    return { kind: 'edoc', ...json };
  }
  return json;
}

function attachmentsFromFiles(pkg: EdocPackage, files: UploadedFile[]): EdocPackage['attachments'] {
  const taken = new Set(pkg.attachments.map((a) => a.contentId));
  return files.map((file, i) => {
    let n = pkg.attachments.length + i + 1;
    while (taken.has(`attachment-${n}`)) n++;
    const contentId = `attachment-${n}`;
    taken.add(contentId);
    const generic = !file.contentType || file.contentType === 'application/octet-stream';
    return {
      contentId,
      attachmentName: file.name,
      contentType: generic ? contentTypeForName(file.name) : file.contentType,
      data: file.data,
    };
  });
}
