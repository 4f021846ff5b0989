import { EdocPackage, EdxmlPackage, packageToJson } from '@lienthong/edxml';
import type { DocumentMetadata, StoredAttachment } from '../domain/document';

/** The package as JSON for the API, attachments described but not carried (they have their own table). */
export function packageMetadata(pkg: EdxmlPackage): DocumentMetadata {
  if (pkg.kind !== 'edoc') return packageToJson(pkg) as unknown as Record<string, unknown>;
  // Without the attachments: packageToJson would encode every one in base64 only to drop it here.
  const json = packageToJson({ ...pkg, attachments: [] }) as unknown as Record<string, unknown>;
  return {
    ...json,
    attachments: pkg.attachments.map((a, index) => ({
      index,
      contentId: a.contentId,
      attachmentName: a.attachmentName,
      contentType: a.contentType,
      ...(a.description !== undefined ? { description: a.description } : {}),
      size: a.data.length,
    })),
  };
}

export function packageAttachments(pkg: EdocPackage): StoredAttachment[] {
  return pkg.attachments.map((a, index) => ({
    index,
    contentId: a.contentId,
    name: a.attachmentName,
    contentType: a.contentType,
    ...(a.description !== undefined ? { description: a.description } : {}),
    size: a.data.length,
    data: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
  }));
}

/** `{CodeNumber}/{CodeNotation}`, how ResponseFor names a document's code. */
export function documentCode(pkg: EdocPackage): string {
  return `${pkg.messageHeader.code.codeNumber}/${pkg.messageHeader.code.codeNotation}`;
}

/** 1 revoke, 2 update, 3 replace: packages about an earlier document. */
export function isRequestType(businessDocType: number | undefined): boolean {
  return businessDocType === 1 || businessDocType === 2 || businessDocType === 3;
}

/** A document in its own right (new, or a replacement), as opposed to a revocation or update of one. */
export function isOriginalType(businessDocType: number | undefined): boolean {
  return businessDocType === undefined || businessDocType === 0 || businessDocType === 3;
}

/**
 * The DocumentIds of the documents a revocation, update or replacement is about, most specific
 * first; empty for a new document. A replacement names its originals in ReplacementInfoList (only
 * the entries listing `recipient`, when given and the list names anyone). A revocation or update
 * names it in Bussiness/DocumentId; producers that re-send the original's header (the SDK's
 * revocation sample) leave that out, so the header's DocumentId, then ResponseFor, come next.
 */
export function namedOriginals(pkg: EdocPackage, recipient?: string): string[] {
  const b = pkg.traceHeaderList.bussiness;
  if (!b || !isRequestType(b.bussinessDocType)) return [];
  let ids: (string | undefined)[];
  if (b.bussinessDocType === 3) {
    ids = (b.replacementInfoList ?? [])
      .filter(
        (r) =>
          !recipient ||
          (r.organIdList ?? []).length === 0 ||
          r.organIdList.some((id) => id.toUpperCase() === recipient.toUpperCase()),
      )
      .map((r) => r.documentId);
  } else {
    ids = [
      b.documentId,
      pkg.messageHeader.documentId,
      ...(pkg.messageHeader.responseFor ?? []).map((r) => r.documentId),
    ];
  }
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}
