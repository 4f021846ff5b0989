import { createHmac, timingSafeEqual } from 'node:crypto';
import { VDXP_HEADER_PREFIX } from './vdxp-wire';

/*
 * The XroadVnpt request signature (SPEC §2.3): HMAC-SHA256, keyed with the connector's secret, over
 * the raw bytes of the `XroadVnpt-sign-header` value, a JSON object of the signed parameters. The
 * parameters are read from that signed object only; unsigned headers are ignored.
 */

/** Node's request headers: lower-case names, values decoded byte for byte as latin-1. */
export type RawHeaders = Record<string, string | string[] | undefined>;

export type VdxpAuthFailure =
  | 'MISSING_SIGNATURE'
  | 'NON_ASCII_HEADER'
  | 'UNKNOWN_SYSTEM'
  | 'BAD_SIGNATURE'
  | 'MALFORMED_SIGNED_HEADER'
  | 'SIGNED_HEADER_MISMATCH'
  | 'HASH_FILE_MISMATCH';

export class VdxpAuthError extends Error {
  override readonly name = 'VdxpAuthError';

  constructor(
    readonly reason: VdxpAuthFailure,
    /** Short ASCII sentence for the envelope's ErrorDesc. */
    message: string,
    readonly systemId?: string,
  ) {
    super(message);
  }
}

/** The signed parameters, by name without the `XroadVnpt-` prefix (`systemid`, `docId`, …). */
export interface SignedParams {
  systemId: string;
  /** Every signed parameter, names as signed. */
  values: ReadonlyMap<string, string>;
  /** A parameter by name, case-insensitively (the SDK writes `docId`, `AgencyCode`). */
  get(name: string): string | undefined;
}

export const SIGN_HEADER = 'xroadvnpt-sign-header';
export const HASH_HEADER = 'xroadvnpt-hash-header';
export const SIGN_HEADER_KEY = 'xroadvnpt-sign-header-key';
export const SYSTEM_ID_HEADER = 'xroadvnpt-systemid';

function single(headers: RawHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Printable ASCII only: the SDK's HttpClient writes the low byte of each character (SPEC §2.4). */
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The systemid the request claims, for looking the secret up, after the checks that need no secret.
 * Throws VdxpAuthError.
 */
export function claimedSystemId(headers: RawHeaders): string {
  const signHeader = single(headers, SIGN_HEADER);
  const hash = single(headers, HASH_HEADER);
  const systemId = single(headers, SYSTEM_ID_HEADER);
  if (signHeader === undefined || hash === undefined || systemId === undefined || systemId === '') {
    throw new VdxpAuthError(
      'MISSING_SIGNATURE',
      'XroadVnpt-sign-header, XroadVnpt-hash-header and XroadVnpt-systemid are required',
    );
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('xroadvnpt-')) continue;
    const values = Array.isArray(value) ? value : [value ?? ''];
    if (!values.every((v) => ASCII.test(v))) {
      throw new VdxpAuthError(
        'NON_ASCII_HEADER',
        `non-ASCII header value in ${VDXP_HEADER_PREFIX}${name.slice('xroadvnpt-'.length)}: parameters must be ASCII`,
        ASCII.test(systemId) ? systemId : undefined,
      );
    }
  }
  return systemId;
}

/**
 * Verifies the signature with the connector's secret and returns the signed parameters.
 * Throws VdxpAuthError.
 */
export function verifySignature(headers: RawHeaders, secret: string): SignedParams {
  const systemId = claimedSystemId(headers);
  const signHeader = single(headers, SIGN_HEADER)!;
  const presented = single(headers, HASH_HEADER)!.trim().toLowerCase();
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(signHeader, 'latin1'))
    .digest();
  const given = /^[0-9a-f]{64}$/.test(presented) ? Buffer.from(presented, 'hex') : Buffer.alloc(32);
  // Always compare, so a malformed hash takes as long as a wrong one.
  if (!timingSafeEqual(expected, given) || !/^[0-9a-f]{64}$/.test(presented)) {
    throw new VdxpAuthError('BAD_SIGNATURE', 'invalid XroadVnpt signature', systemId);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(signHeader);
  } catch {
    throw new VdxpAuthError('MALFORMED_SIGNED_HEADER', 'XroadVnpt-sign-header is not JSON', systemId);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new VdxpAuthError(
      'MALFORMED_SIGNED_HEADER',
      'XroadVnpt-sign-header is not a JSON object',
      systemId,
    );
  }
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' || !key.startsWith(VDXP_HEADER_PREFIX)) {
      throw new VdxpAuthError(
        'MALFORMED_SIGNED_HEADER',
        'XroadVnpt-sign-header must map XroadVnpt-<name> to strings',
        systemId,
      );
    }
    const name = key.slice(VDXP_HEADER_PREFIX.length);
    // Every signed value must be the one its own header carries.
    if (single(headers, key.toLowerCase()) !== value) {
      throw new VdxpAuthError(
        'SIGNED_HEADER_MISMATCH',
        `header ${key} differs from its signed value`,
        systemId,
      );
    }
    values.set(name, value);
  }
  if (values.get('systemid') !== systemId) {
    throw new VdxpAuthError('SIGNED_HEADER_MISMATCH', 'XroadVnpt-systemid is not the signed one', systemId);
  }
  const listed = single(headers, SIGN_HEADER_KEY);
  if (listed !== undefined) {
    const names = listed.split(';').filter((n) => n !== '');
    const same = names.length === values.size && names.every((n) => values.has(n));
    if (!same) {
      throw new VdxpAuthError(
        'SIGNED_HEADER_MISMATCH',
        'XroadVnpt-sign-header-key does not list the signed names',
        systemId,
      );
    }
  }
  const lower = new Map([...values].map(([k, v]) => [k.toLowerCase(), v]));
  return { systemId, values, get: (name) => values.get(name) ?? lower.get(name.toLowerCase()) };
}

/**
 * The hash-file binding of a sendEdoc (SPEC §4.1): the signed `hash-file` must be the SDK's hash of
 * the package. Throws VdxpAuthError.
 */
export function assertHashFile(params: SignedParams, computed: string): void {
  const signed = params.get('hash-file');
  const a = Buffer.from(signed ?? '', 'latin1');
  const b = Buffer.from(computed, 'latin1');
  if (signed === undefined || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new VdxpAuthError(
      'HASH_FILE_MISMATCH',
      signed === undefined
        ? 'XroadVnpt-hash-file is required on sendEdoc'
        : 'XroadVnpt-hash-file does not match the package',
      params.systemId,
    );
  }
}
