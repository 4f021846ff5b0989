import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail, ok, packageFromSendEdocBody, parseToParameter, sdkHashFile, vdxpJson } from './vdxp-wire';

describe('VDXP wire format', () => {
  it("computes the SDK's unpadded hash-file (SPEC §4.1 example, 62 characters)", () => {
    const edoc = readFileSync(resolve(__dirname, '../../../../../shared/interop/vpcp-sdk/edoc.edxml'));
    expect(sdkHashFile(edoc)).toBe('7e4a746b898d9b54749de74b58e7bd24c8b86287a386653f6593adf9db5eb');
  });

  it('strips the one CRLF the SDK appends to the package, and only one', () => {
    expect(packageFromSendEdocBody(Buffer.from('<a/>\r\n\r\n')).toString()).toBe('<a/>\r\n');
    expect(packageFromSendEdocBody(Buffer.from('<a/>')).toString()).toBe('<a/>');
  });

  it('writes JSON that the SDK reads as US-ASCII, with no null anywhere', () => {
    const text = vdxpJson(ok({ DocId: 'x', ErrorDesc: 'Thành công', data: [{ a: null, b: 'ộ' }, null] }));
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).not.toContain('null');
    expect(JSON.parse(text)).toEqual({
      status: 'OK',
      ErrorCode: '0',
      ErrorDesc: 'Thành công',
      DocId: 'x',
      data: [{ b: 'ộ' }, ''],
    });
  });

  it('makes error envelopes with the HTTP code as ErrorCode', () => {
    expect(fail(401, 'invalid XroadVnpt signature', { DocId: '' })).toEqual({
      status: 'FAIL',
      ErrorCode: '401',
      ErrorDesc: 'invalid XroadVnpt signature',
      DocId: '',
    });
  });

  it('reads `to` as JSON text, a quoted string or a bare code', () => {
    expect(parseToParameter('["000.00.15.H51","000.00.00.G22"]')).toEqual(['000.00.15.H51', '000.00.00.G22']);
    expect(parseToParameter('"000.00.15.H51"')).toEqual(['000.00.15.H51']);
    expect(parseToParameter('000.00.15.H51')).toEqual(['000.00.15.H51']);
    expect(parseToParameter('')).toBeUndefined();
    expect(parseToParameter(undefined)).toBeUndefined();
  });
});
