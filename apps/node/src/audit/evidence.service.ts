import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AuditEntry,
  BundlePart,
  ChainSegment,
  CheckpointRecord,
  SignedCheckpoint,
  writeBundle,
} from '@lienthong/audit';
import { parseCertificate } from '@lienthong/pki';
import { NODE_CONFIG, NodeConfig } from '../config/node-config';
import type { ApiCaller } from '../domain/api-key';
import type { DocumentRecord } from '../domain/document';
import { DocumentRepository } from '../repositories/document.repository';
import { documentNotFound, isUuid } from '../services/caller-scope';
import { TrustStore } from '../services/trust-store.service';
import { AuditCheckpointer } from './audit-checkpointer.service';
import { AuditLog } from './audit-log';

export interface EvidenceBundle {
  fileName: string;
  bytes: Uint8Array;
}

/**
 * The evidence bundle of one document (docs/audit.md): its signed package, every signed status
 * about it, the certificates and the CRL in force, its audit entries and their chain proof to
 * checkpoints the axis signed. Only for documents of the agencies the API key may act for; the
 * proof passes over other entries by their body hash alone.
 */
@Injectable()
export class EvidenceService {
  private readonly logger = new Logger(EvidenceService.name);

  constructor(
    private readonly documents: DocumentRepository,
    private readonly log: AuditLog,
    private readonly checkpointer: AuditCheckpointer,
    private readonly trust: TrustStore,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async export(caller: ApiCaller, id: string, now = new Date()): Promise<EvidenceBundle> {
    const document = await this.find(caller, id);
    // Cover everything written so far; without the axis, older checkpoints still cover older entries.
    await this.checkpointer
      .checkpointNow()
      .catch((error: Error) =>
        this.logger.warn(`no fresh audit checkpoint for the evidence of ${id}: ${error.message}`),
      );
    const parts: BundlePart[] = [];
    const signers = new Map<string, string>();
    const addPackage = (path: string, role: 'package' | 'status', d: DocumentRecord, bytes: Buffer) => {
      parts.push({
        path,
        role,
        bytes,
        uuid: d.uuid,
        direction: d.direction,
        sender: d.sender,
        ...(d.statusCode ? { statusCode: d.statusCode } : {}),
      });
      for (const pem of signerCertificates(bytes)) {
        try {
          signers.set(parseCertificate(pem).serialNumber, pem);
        } catch {
          // Not a certificate: the verifier reports the signature itself.
        }
      }
    };
    addPackage('document/package.edxml', 'package', document, await this.readPackage(document.uuid));
    const statuses = [
      ...(await this.documents.listStatusesAbout(document.agencyCode, document.uuid, 'inbound')),
      ...(await this.documents.listStatusesAbout(document.agencyCode, document.uuid, 'outbound')),
    ].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    let n = 0;
    for (const status of statuses) {
      n += 1;
      const who =
        status.direction === 'inbound' ? `from-${status.sender}` : `to-${status.recipients.join('+')}`;
      addPackage(
        `statuses/${String(n).padStart(2, '0')}-${status.statusCode ?? 'xx'}-${who}.edxml`,
        'status',
        status,
        await this.readPackage(status.uuid),
      );
    }
    const material = this.trust.material();
    (material?.anchorPems ?? []).forEach((pem, i) =>
      parts.push({ path: `certs/trust-anchor-${i + 1}.pem`, role: 'trust-anchor', bytes: Buffer.from(pem) }),
    );
    for (const [serial, pem] of signers) {
      parts.push({ path: `certs/signer-${serial}.pem`, role: 'signer-certificate', bytes: Buffer.from(pem) });
    }
    (material?.crlPems ?? []).forEach((pem, i) =>
      parts.push({ path: i === 0 ? 'crl.pem' : `crl-${i + 1}.pem`, role: 'crl', bytes: Buffer.from(pem) }),
    );

    const entries = await this.log.listForDocument(document.uuid);
    const { segments, checkpoints } = await this.proof(entries);
    parts.push({ path: 'audit/entries.json', role: 'audit-entries', bytes: json(entries) });
    parts.push({ path: 'audit/proof.json', role: 'audit-proof', bytes: json({ segments }) });
    for (const c of checkpoints) {
      const signed: SignedCheckpoint = {
        payload: c.payload,
        signature: c.signature,
        certificatePem: c.certificatePem,
      };
      parts.push({ path: checkpointPath(c), role: 'checkpoint', bytes: json(signed) });
    }
    const bytes = writeBundle(
      {
        format: 'lienthong.evidence-bundle',
        version: 1,
        createdAt: now.toISOString(),
        nodeId: this.config.nodeId,
        document: {
          id: document.uuid,
          documentId: document.documentId ?? '',
          direction: document.direction,
          agency: document.agencyCode,
          sender: document.sender,
          recipients: document.recipients,
          ...(document.code ? { code: document.code } : {}),
          ...(document.subject ? { subject: document.subject } : {}),
        },
      },
      parts,
    );
    return { fileName: `evidence-${document.uuid}.zip`, bytes };
  }

  /** Each entry is proven to the first checkpoint at or after it; entries sharing one share a segment. */
  private async proof(
    entries: AuditEntry[],
  ): Promise<{ segments: ChainSegment[]; checkpoints: CheckpointRecord[] }> {
    const groups = new Map<number, { checkpoint: CheckpointRecord; first: AuditEntry }>();
    for (const entry of entries) {
      const checkpoint = await this.log.checkpointCovering(entry.seq);
      if (!checkpoint) continue;
      if (!groups.has(checkpoint.seq)) groups.set(checkpoint.seq, { checkpoint, first: entry });
    }
    const segments: ChainSegment[] = [];
    for (const { checkpoint, first } of groups.values()) {
      segments.push({
        checkpoint: checkpointPath(checkpoint),
        startSeq: first.seq,
        startPrevHash: first.prevHash,
        bodyHashes: await this.log.bodyHashes(first.seq, checkpoint.seq),
      });
    }
    return { segments, checkpoints: [...groups.values()].map((g) => g.checkpoint) };
  }

  private async find(caller: ApiCaller, id: string): Promise<DocumentRecord> {
    if (!isUuid(id)) throw documentNotFound();
    const scope = { agencies: caller.agencies };
    const document =
      (await this.documents.findInScope(id, { ...scope, direction: 'outbound', kind: 'edoc' })) ??
      (await this.documents.findInScope(id, { ...scope, direction: 'inbound', kind: 'edoc' }));
    if (!document) throw documentNotFound();
    return document;
  }

  private async readPackage(uuid: string): Promise<Buffer> {
    const bytes = await this.documents.readPackage(uuid);
    if (!bytes) throw documentNotFound();
    return bytes;
  }
}

function checkpointPath(c: CheckpointRecord): string {
  return `audit/checkpoints/${c.seq}.json`;
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** The certificates of a package's KeyInfo/X509Data, as PEM (for the auditor's convenience). */
export function signerCertificates(xml: Buffer): string[] {
  const text = xml.toString('utf8');
  const out: string[] = [];
  for (const match of text.matchAll(
    /<(?:[A-Za-z0-9_-]+:)?X509Certificate>([A-Za-z0-9+/=\s]+)<\/(?:[A-Za-z0-9_-]+:)?X509Certificate>/g,
  )) {
    const b64 = match[1].replace(/\s+/g, '');
    out.push(
      `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`,
    );
  }
  return out;
}
