import { zipSync } from 'fflate';
import { captureError, minimalEdoc } from '../test/fixtures';
import { decodeAttachmentText, isZipWrapper, stripCid, unzipSingleEntry } from './attachments';
import { buildEdxml } from './build';
import { EdocPackage } from './model';
import { parseEdxml, ParseOptions } from './parse';

const ENCODED = 'AttachmentEncoded[1]/Attachment[1]/ContentTransferEncoded';

/** A package carrying `zip` the way the VPCP SDK does: declared application/zip, named as the inner file. */
function zippedPackage(zip: Uint8Array, name = 'quyet-dinh.doc', contentType = 'application/zip'): string {
  const pkg = minimalEdoc();
  pkg.attachments.push({ contentId: 'z1', attachmentName: name, contentType, data: Buffer.from(zip) });
  return buildEdxml(pkg);
}

function attachmentsOf(xml: string, options?: ParseOptions) {
  return (parseEdxml(xml, options).package as EdocPackage).attachments;
}

describe('zipped attachments', () => {
  const inner = Buffer.from('Nội dung quyết định\n'.repeat(50), 'utf8');

  it('unwraps a one-entry ZIP: the entry bytes, the package name, a type from that name', () => {
    const [attachment] = attachmentsOf(zippedPackage(zipSync({ 'whatever-inside.bin': inner })));
    expect(attachment.data.equals(inner)).toBe(true);
    expect(attachment.attachmentName).toBe('quyet-dinh.doc');
    expect(attachment.contentType).toBe('application/msword');
  });

  it('falls back to application/octet-stream for a name with no known type', () => {
    const [attachment] = attachmentsOf(zippedPackage(zipSync({ a: inner }), 'no-extension'));
    expect(attachment.contentType).toBe('application/octet-stream');
  });

  it('unwraps a stored (uncompressed) entry too', () => {
    const [attachment] = attachmentsOf(zippedPackage(zipSync({ a: inner }, { level: 0 })));
    expect(attachment.data.equals(inner)).toBe(true);
  });

  it('accepts the application/x-zip-compressed spelling', () => {
    const [attachment] = attachmentsOf(
      zippedPackage(zipSync({ a: inner }), 'a.pdf', 'application/x-zip-compressed'),
    );
    expect(attachment.data.equals(inner)).toBe(true);
    expect(attachment.contentType).toBe('application/pdf');
  });

  it('refuses a ZIP with two entries', () => {
    const error = captureError(() => parseEdxml(zippedPackage(zipSync({ 'a.doc': inner, 'b.doc': inner }))));
    expect(error.code).toBe('EDXML_ATTACHMENT_ZIP_ENTRIES');
    expect(error.message).toMatch(/more than one file/);
    expect(error.path).toBe(ENCODED);
  });

  it('refuses an empty ZIP', () => {
    const error = captureError(() => parseEdxml(zippedPackage(zipSync({}))));
    expect(error.code).toBe('EDXML_ATTACHMENT_ZIP_ENTRIES');
    expect(error.message).toMatch(/no file/);
  });

  it('refuses an entry larger than the unzip limit', () => {
    const xml = zippedPackage(zipSync({ a: Buffer.alloc(2048, 1) }));
    const error = captureError(() => parseEdxml(xml, { maxUnzippedBytes: 2047 }));
    expect(error.code).toBe('EDXML_ATTACHMENT_TOO_LARGE');
    expect(error.message).toContain('2048 bytes');
    expect(attachmentsOf(xml, { maxUnzippedBytes: 2048 })[0].data.length).toBe(2048);
  });

  it('refuses a zip bomb before inflating it', () => {
    const bomb = zipSync({ a: new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const started = process.hrtime.bigint();
    const error = captureError(() => parseEdxml(zippedPackage(bomb), { maxUnzippedBytes: 16 * 1024 * 1024 }));
    expect(error.code).toBe('EDXML_ATTACHMENT_TOO_LARGE');
    // Inflating 64 MiB takes far longer than reading the central directory.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });

  it('counts the unzip limit over all attachments of the package', () => {
    const pkg = minimalEdoc();
    for (const id of ['z1', 'z2']) {
      pkg.attachments.push({
        contentId: id,
        attachmentName: `${id}.doc`,
        contentType: 'application/zip',
        data: Buffer.from(zipSync({ a: Buffer.alloc(600, 7) })),
      });
    }
    const xml = buildEdxml(pkg);
    expect(attachmentsOf(xml, { maxUnzippedBytes: 1200 })).toHaveLength(2);
    const error = captureError(() => parseEdxml(xml, { maxUnzippedBytes: 1000 }));
    expect(error.code).toBe('EDXML_ATTACHMENT_TOO_LARGE');
    expect(error.path).toBe('AttachmentEncoded[1]/Attachment[2]/ContentTransferEncoded');
  });

  it('refuses a ZIP that lies about its size in the central directory', () => {
    const zip = zipSync({ a: Buffer.alloc(5000, 65) });
    const directory = Buffer.from(zip).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    new DataView(zip.buffer, zip.byteOffset).setUint32(directory + 24, 100, true);
    const error = captureError(() => parseEdxml(zippedPackage(zip)));
    expect(error.code).toBe('EDXML_ATTACHMENT_BAD_ZIP');
  });

  it('refuses a ZIP whose content was altered (CRC-32)', () => {
    const zip = zipSync({ a: Buffer.from('abcdefgh') }, { level: 0 });
    const at = Buffer.from(zip).indexOf(Buffer.from('abcdefgh'));
    zip[at] = 0x7a;
    expect(captureError(() => parseEdxml(zippedPackage(zip))).message).toMatch(/CRC-32/);
  });

  it('refuses bytes declared application/zip that are not a ZIP', () => {
    const error = captureError(() =>
      parseEdxml(zippedPackage(Buffer.from('definitely not a zip file at all'))),
    );
    expect(error.code).toBe('EDXML_ATTACHMENT_BAD_ZIP');
    expect(error.path).toBe(ENCODED);
  });

  it('keeps a file really named .zip as the ZIP it is', () => {
    const zip = zipSync({ 'a.doc': inner, 'b.doc': inner });
    const [attachment] = attachmentsOf(zippedPackage(zip, 'ho-so.zip'));
    expect(attachment.contentType).toBe('application/zip');
    expect(attachment.data.equals(Buffer.from(zip))).toBe(true);
  });
});

describe('unzipSingleEntry', () => {
  it('returns the entry name and bytes', () => {
    const result = unzipSingleEntry(zipSync({ 'x.txt': Buffer.from('x') }), 10);
    expect(result).toEqual({ kind: 'ok', name: 'x.txt', data: Buffer.from('x') });
  });

  it('reports the declared size when over the limit', () => {
    expect(unzipSingleEntry(zipSync({ 'x.txt': Buffer.alloc(11) }), 10)).toEqual({
      kind: 'too-large',
      size: 11,
    });
  });
});

describe('decodeAttachmentText', () => {
  it('decodes base64 with XML whitespace in it', () => {
    expect(decodeAttachmentText(' aGVs\n bG8=\r\n')).toEqual({ kind: 'base64', data: Buffer.from('hello') });
  });

  it('accepts base64 without padding', () => {
    expect(decodeAttachmentText('aGVsbG8')).toEqual({ kind: 'base64', data: Buffer.from('hello') });
  });

  it('recognizes only ${...} template placeholders', () => {
    expect(decodeAttachmentText('${__StringFromFile(test.txt,,,)}').kind).toBe('placeholder');
    expect(decodeAttachmentText('$__StringFromFile(test.txt)').kind).toBe('invalid');
    expect(decodeAttachmentText('{nope}').kind).toBe('invalid');
  });

  it('explains what is wrong with invalid base64', () => {
    expect(decodeAttachmentText('aGVs-bG8=')).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('"-"'),
    });
    expect(decodeAttachmentText('aGVsb')).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('truncated'),
    });
    expect(decodeAttachmentText('aGVsbG8==')).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('truncated'),
    });
    expect(decodeAttachmentText('aGV=bG8=')).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('padding'),
    });
  });
});

describe('stripCid and isZipWrapper', () => {
  it('strips cid: in any case, and only at the start', () => {
    expect(stripCid('cid:abc')).toBe('abc');
    expect(stripCid(' CID:abc ')).toBe('abc');
    expect(stripCid('abc')).toBe('abc');
    expect(stripCid('abc-cid:x')).toBe('abc-cid:x');
  });

  it('treats application/zip as a wrapper unless the file is named .zip', () => {
    expect(isZipWrapper('application/zip', 'a.doc')).toBe(true);
    expect(isZipWrapper('Application/ZIP', 'a.doc')).toBe(true);
    expect(isZipWrapper('application/zip', 'a.ZIP')).toBe(false);
    expect(isZipWrapper('application/pdf', 'a.pdf')).toBe(false);
    expect(isZipWrapper(undefined, 'a.doc')).toBe(false);
  });
});
