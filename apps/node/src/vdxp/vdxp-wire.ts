import { createHash } from 'node:crypto';

/*
 * The VDXP wire format of the official VPCP Java SDK (../shared/vdxp-wire/SPEC.md): parameters
 * travel as `XroadVnpt-<name>` headers, answers are a JSON envelope the SDK reads field by field.
 */

export const VDXP_HEADER_PREFIX = 'XroadVnpt-';

/** What every JSON answer carries. The SDK reads all three with getAsString: never absent, never null. */
export interface VdxpEnvelope {
  status: 'OK' | 'FAIL';
  ErrorCode: string;
  ErrorDesc: string;
  [field: string]: unknown;
}

export function ok(fields: Record<string, unknown> = {}): VdxpEnvelope {
  return { status: 'OK', ErrorCode: '0', ErrorDesc: 'Success', ...fields };
}

export function fail(
  httpStatus: number,
  description: string,
  fields: Record<string, unknown> = {},
): VdxpEnvelope {
  return { status: 'FAIL', ErrorCode: String(httpStatus), ErrorDesc: description, ...fields };
}

/**
 * JSON with every non-ASCII character written as `\uXXXX` and without any null: the SDK reads the
 * sendEdoc answer as US-ASCII, and a null inside a list item makes it drop the whole list. A null or
 * undefined value is left out (as an object key) or written as "" (in an array).
 */
export function vdxpJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (Array.isArray(v)) return v.map((item: unknown) => item ?? '');
    if (v === null) return undefined;
    return v;
  });
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The SDK's `hash-file`: SHA-256 of the package, each byte written with Integer.toHexString, so
 * without zero padding (32 to 64 characters). Compare by recomputing, never by parsing.
 */
export function sdkHashFile(bytes: Buffer): string {
  return [...createHash('sha256').update(bytes).digest()].map((b) => b.toString(16)).join('');
}

/** The package in a sendEdoc body: the file's bytes followed by one CRLF that the SDK appends. */
export function packageFromSendEdocBody(body: Buffer): Buffer {
  const n = body.length;
  return n >= 2 && body[n - 2] === 0x0d && body[n - 1] === 0x0a ? body.subarray(0, n - 2) : body;
}

/**
 * The `to` parameter of sendEdoc arrives as JSON text: `["a","b"]`, or a plain string with its
 * quotes (`"a"`); a bare code is accepted too. undefined when absent or empty.
 */
export function parseToParameter(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = value.trim();
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const codes = list.map((c) => (typeof c === 'string' ? c.trim() : String(c))).filter((c) => c !== '');
  return codes.length > 0 ? [...new Set(codes)] : undefined;
}
