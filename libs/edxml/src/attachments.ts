import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { lookup } from 'mime-types';

/**
 * Most bytes the zipped attachments of one package may expand to, all together. Base64 bounds a
 * raw attachment by the XML size limit, but a ZIP can expand a thousandfold, so without this cap a
 * small package could exhaust a node's memory (a "zip bomb").
 */
export const DEFAULT_MAX_UNZIPPED_BYTES = 128 * 1024 * 1024;

export const ZIP_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/zip',
  'application/x-zip-compressed',
]);

const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/** The model keeps ContentId bare; producers write it with and without `cid:`. */
export function stripCid(contentId: string): string {
  return contentId.trim().replace(/^cid:/i, '');
}

/** The MIME type a file name implies, as the model's contentType for unwrapped ZIPs. */
export function contentTypeForName(name: string): string {
  return lookup(name) || FALLBACK_CONTENT_TYPE;
}

/**
 * A ZIP is the transport wrapper of the VPCP SDK when it is declared `application/zip` but named as
 * some other file (`report.doc`); a file actually named `*.zip` is a ZIP someone chose to send and
 * stays as it is.
 */
export function isZipWrapper(contentType: string | undefined, attachmentName: string): boolean {
  return (
    contentType !== undefined &&
    ZIP_CONTENT_TYPES.has(contentType.toLowerCase()) &&
    !/\.zip$/i.test(attachmentName)
  );
}

/**
 * A template variable left in the package by a test harness, e.g. JMeter's
 * `${__StringFromFile(test.txt,,,)}` in the SDK's edoc.edxml. See `decodeAttachmentText`.
 */
const PLACEHOLDER = /^\$\{[^{}]*\}$/;
const PADDING = /^={1,2}$/;

export type DecodedContent =
  | { kind: 'base64'; data: Buffer }
  | { kind: 'placeholder'; data: Buffer }
  | { kind: 'invalid'; reason: string };

/**
 * Decodes ContentTransferEncoded. Node's base64 decoder skips characters it does not know, so the
 * alphabet and length are checked first: corrupt content must fail, not turn into other bytes.
 *
 * The one tolerated exception is an unexpanded template placeholder. The official SDK's own sample
 * carries one and still has to parse; its text is not a file anyone sent, so we neither invent
 * bytes nor refuse the package: the caller keeps the placeholder's own text as the data and warns
 * (`ATTACHMENT_NOT_BASE64`), so the package round-trips and the oddity stays visible.
 */
export function decodeAttachmentText(text: string): DecodedContent {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (PLACEHOLDER.test(compact)) return { kind: 'placeholder', data: Buffer.from(text.trim(), 'utf8') };
  // A negated class scans ~6x faster than an anchored `^[…]*$` over 10 MB.
  const bad = /[^A-Za-z0-9+/=]/.exec(compact);
  if (bad)
    return { kind: 'invalid', reason: `it contains "${clip(bad[0])}", which is not a base64 character` };
  const padding = compact.indexOf('=');
  if (padding !== -1 && !PADDING.test(compact.slice(padding))) {
    return { kind: 'invalid', reason: 'padding "=" appears before the end' };
  }
  if (compact.length % 4 === 1 || (compact.endsWith('=') && compact.length % 4 !== 0)) {
    return { kind: 'invalid', reason: 'its length is not that of base64 text (it looks truncated)' };
  }
  return { kind: 'base64', data: Buffer.from(compact, 'base64') };
}

export type UnzipOutcome =
  | { kind: 'ok'; name: string; data: Buffer }
  | { kind: 'entries'; found: 'none' | 'several' }
  | { kind: 'too-large'; size: number }
  | { kind: 'corrupt'; reason: string };

const MORE_THAN_ONE = Symbol('more than one entry');

/**
 * Unwraps a ZIP that must hold exactly one file, never inflating more than `maxBytes`. The size is
 * first read from the central directory without inflating anything; fflate then inflates into a
 * buffer of exactly that size, so a ZIP that lies about its size cannot grow past it, and the
 * CRC-32 check catches the lie (and any other corruption).
 */
export function unzipSingleEntry(zip: Uint8Array, maxBytes: number): UnzipOutcome {
  const entries: { name: string; originalSize: number }[] = [];
  try {
    unzipSync(zip, {
      filter: (file) => {
        entries.push({ name: file.name, originalSize: file.originalSize });
        if (entries.length > 1) throw MORE_THAN_ONE;
        return false;
      },
    });
  } catch (error) {
    if (error === MORE_THAN_ONE) return { kind: 'entries', found: 'several' };
    return { kind: 'corrupt', reason: describe(error) };
  }
  if (entries.length === 0) return { kind: 'entries', found: 'none' };
  const [entry] = entries;
  if (entry.originalSize > maxBytes) return { kind: 'too-large', size: entry.originalSize };

  let data: Uint8Array | undefined;
  try {
    data = unzipSync(zip, { filter: () => true })[entry.name];
  } catch (error) {
    return { kind: 'corrupt', reason: describe(error) };
  }
  if (!data || data.length !== entry.originalSize) {
    return { kind: 'corrupt', reason: 'the file inside is not as long as the ZIP says' };
  }
  const expectedCrc = centralDirectoryCrc(zip);
  if (expectedCrc !== undefined && crc32(data) !== expectedCrc) {
    return { kind: 'corrupt', reason: 'the file inside fails its CRC-32 check' };
  }
  return { kind: 'ok', name: entry.name, data: Buffer.from(data.buffer, data.byteOffset, data.length) };
}

/** The CRC-32 recorded for the first central directory entry (local headers may hold 0). */
function centralDirectoryCrc(zip: Uint8Array): number | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u32 = (at: number) => (at >= 0 && at + 4 <= zip.length ? view.getUint32(at, true) : -1);
  const u64 = (at: number) => (at >= 0 && at + 8 <= zip.length ? Number(view.getBigUint64(at, true)) : -1);
  // The end record sits in the last 22 bytes plus at most a 64 KiB comment.
  let end = zip.length - 22;
  while (end >= 0 && end >= zip.length - 22 - 0xffff && u32(end) !== 0x06054b50) end -= 1;
  if (end < 0 || u32(end) !== 0x06054b50) return undefined;
  let directory = u32(end + 16);
  if (directory === 0xffffffff && u32(end - 20) === 0x07064b50) {
    const zip64End = u64(end - 12);
    if (u32(zip64End) === 0x06064b50) directory = u64(zip64End + 48);
  }
  return u32(directory) === 0x02014b50 ? u32(directory + 16) : undefined;
}

function clip(char: string): string {
  return char.trim() === '' || char.charCodeAt(0) < 0x20
    ? `U+${char.charCodeAt(0).toString(16).padStart(4, '0')}`
    : char;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\.$/, '') : 'it could not be read';
}
