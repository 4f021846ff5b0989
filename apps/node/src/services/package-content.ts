import { EdocPackage, EdxmlPackage, packageToJson } from '@lienthong/edxml';
import type { DocumentMetadata, StoredAttachment } from '../domain/document';

/** The package as JSON for the API, attachments described but not carried (they have their own table). */
export function packageMetadata(pkg: EdxmlPackage): DocumentMetadata {
  const json = packageToJson(pkg) as unknown as Record<string, unknown>;
  if (pkg.kind !== 'edoc') return json;
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
