import { PassThrough } from 'node:stream';
import type { Request, Response } from 'express';
import { TEST_CONFIG } from '../testing/unit-fakes';
import { PackageUploadInterceptor } from './package-upload.interceptor';

const LIMIT = 2048;

function requestOf(contentType: string, body: Buffer, declareLength = true): Request {
  const stream = new PassThrough();
  const req = Object.assign(stream, {
    headers: {
      'content-type': contentType,
      // A body of unknown length arrives chunked, as over HTTP/1.1.
      ...(declareLength ? { 'content-length': String(body.length) } : { 'transfer-encoding': 'chunked' }),
    },
  }) as unknown as Request;
  setImmediate(() => stream.end(body));
  return req;
}

function multipart(parts: { name: string; filename?: string; type?: string; data: Buffer }[]) {
  const boundary = 'lienthong-boundary';
  const chunks = parts.flatMap((p) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"` +
        (p.filename ? `; filename="${p.filename}"\r\nContent-Type: ${p.type}` : '') +
        '\r\n\r\n',
    ),
    p.data,
    Buffer.from('\r\n'),
  ]);
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

describe('PackageUploadInterceptor', () => {
  const interceptor = new PackageUploadInterceptor({ ...TEST_CONFIG, maxPackageBytes: LIMIT });
  const response = {} as Response;

  it('reads an XML body', async () => {
    const upload = await interceptor.read(
      requestOf('application/xml; charset=utf-8', Buffer.from('<edXML/>')),
      response,
    );
    expect(upload).toEqual({ type: 'xml', bytes: Buffer.from('<edXML/>') });
  });

  it('refuses a body over the limit with 413 PACKAGE_TOO_LARGE naming the limit, declared or streamed', async () => {
    const big = Buffer.alloc(LIMIT + 1, 'a');
    const expected = { kind: 'too-large', code: 'PACKAGE_TOO_LARGE', details: { limit: LIMIT } };
    await expect(interceptor.read(requestOf('application/xml', big), response)).rejects.toMatchObject(
      expected,
    );
    await expect(interceptor.read(requestOf('application/xml', big, false), response)).rejects.toMatchObject(
      expected,
    );
    await expect(interceptor.read(requestOf('application/xml', big), response)).rejects.toThrow(/2048 bytes/);
  });

  it('reads multipart metadata and files, with UTF-8 file names', async () => {
    const { type, body } = multipart([
      { name: 'metadata', data: Buffer.from('{"kind":"edoc"}') },
      { name: 'files', filename: 'kế-hoạch.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.4') },
    ]);
    const upload = await interceptor.read(requestOf(type, body), response);
    expect(upload).toEqual({
      type: 'multipart',
      metadata: '{"kind":"edoc"}',
      files: [{ name: 'kế-hoạch.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4') }],
    });
  });

  it('takes metadata sent as a file part too (curl -F metadata=@document.json)', async () => {
    const { type, body } = multipart([
      {
        name: 'metadata',
        filename: 'document.json',
        type: 'application/json',
        data: Buffer.from('{"kind":"edoc"}'),
      },
      { name: 'files', filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') },
    ]);
    const upload = await interceptor.read(requestOf(type, body), response);
    expect(upload).toMatchObject({
      type: 'multipart',
      metadata: '{"kind":"edoc"}',
      files: [{ name: 'a.txt' }],
    });
  });

  it('refuses multipart files over the limit, and multipart without metadata', async () => {
    const big = multipart([
      { name: 'metadata', data: Buffer.from('{}') },
      { name: 'files', filename: 'a.bin', type: 'application/octet-stream', data: Buffer.alloc(LIMIT + 10) },
    ]);
    await expect(interceptor.read(requestOf(big.type, big.body, false), response)).rejects.toMatchObject({
      code: 'PACKAGE_TOO_LARGE',
    });
    const bare = multipart([
      { name: 'files', filename: 'a.txt', type: 'text/plain', data: Buffer.from('x') },
    ]);
    await expect(interceptor.read(requestOf(bare.type, bare.body), response)).rejects.toMatchObject({
      code: 'MISSING_METADATA',
    });
  });

  it('refuses other media types with 415', async () => {
    await expect(
      interceptor.read(requestOf('application/json', Buffer.from('{}')), response),
    ).rejects.toMatchObject({
      status: 415,
    });
  });
});
