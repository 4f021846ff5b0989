import { createHmac } from 'node:crypto';
import { assertHashFile, claimedSystemId, RawHeaders, VdxpAuthError, verifySignature } from './vdxp-auth';
import { sdkHashFile } from './vdxp-wire';

const SECRET = 'TEST-ONLY-secret-0123456789abcdef';

/** Vector 01-getAgenciesList, as Node hands its headers over (lower-case names, latin-1 values). */
const VECTOR_01: RawHeaders = {
  'xroadvnpt-systemid': 'vxp.saas.03',
  'xroadvnpt-timestamp': '27112026T134937+0718',
  'content-type': 'application/json',
  'xroadvnpt-content-type': 'application/json',
  'xroadvnpt-sign-header-key': 'systemid;timestamp;Content-Type',
  'xroadvnpt-sign-header':
    '{"XroadVnpt-systemid":"vxp.saas.03","XroadVnpt-timestamp":"27112026T134937+0718","XroadVnpt-Content-Type":"application/json"}',
  'xroadvnpt-hash-header': '058cfa70bca1786fc45e2e43f24e3803d3af4563e8fc149afba773770769919b',
  'user-agent': 'JAVASDKAgent/1.0.0 XRoad/VPCP',
  'xroadvnpt-version': '3.0.201608',
};

function signed(values: Record<string, string>, extra: RawHeaders = {}): RawHeaders {
  const signHeader = JSON.stringify(
    Object.fromEntries(Object.entries(values).map(([k, v]) => [`XroadVnpt-${k}`, v])),
  );
  const headers: RawHeaders = {
    'xroadvnpt-sign-header': signHeader,
    'xroadvnpt-sign-header-key': Object.keys(values).join(';'),
    'xroadvnpt-hash-header': createHmac('sha256', SECRET).update(signHeader, 'utf8').digest('hex'),
  };
  for (const [k, v] of Object.entries(values)) headers[`xroadvnpt-${k.toLowerCase()}`] = v;
  return { ...headers, ...extra };
}

function reason(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof VdxpAuthError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('XroadVnpt request signature', () => {
  it('verifies a request captured from the official SDK and reads its signed parameters', () => {
    const params = verifySignature(VECTOR_01, SECRET);
    expect(params.systemId).toBe('vxp.saas.03');
    expect(params.get('timestamp')).toBe('27112026T134937+0718');
    expect(params.get('content-type')).toBe('application/json');
  });

  it('refuses the same request with another secret, or one hex digit changed', () => {
    expect(reason(() => verifySignature(VECTOR_01, 'another-secret-0123456789'))).toBe('BAD_SIGNATURE');
    const tampered = {
      ...VECTOR_01,
      'xroadvnpt-hash-header': '158cfa70bca1786fc45e2e43f24e3803d3af4563e8fc149afba773770769919b',
    };
    expect(reason(() => verifySignature(tampered, SECRET))).toBe('BAD_SIGNATURE');
    expect(reason(() => verifySignature({ ...VECTOR_01, 'xroadvnpt-hash-header': 'zz' }, SECRET))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('requires the three signing headers', () => {
    const { ['xroadvnpt-hash-header']: _, ...withoutHash } = VECTOR_01;
    expect(reason(() => claimedSystemId(withoutHash))).toBe('MISSING_SIGNATURE');
    const { ['xroadvnpt-systemid']: __, ...withoutSystem } = VECTOR_01;
    expect(reason(() => claimedSystemId(withoutSystem))).toBe('MISSING_SIGNATURE');
  });

  it('reads parameters from the signed set only: an unsigned or altered header is not taken', () => {
    const headers = signed({ systemid: 'vxp.saas.03', docId: 'a' }, { 'xroadvnpt-status': 'done' });
    const params = verifySignature(headers, SECRET);
    expect(params.get('status')).toBeUndefined();
    expect(params.get('docid')).toBe('a');
    expect(reason(() => verifySignature({ ...headers, 'xroadvnpt-docid': 'b' }, SECRET))).toBe(
      'SIGNED_HEADER_MISMATCH',
    );
  });

  it('refuses a signed systemid other than the header, and a sign-header-key that lists other names', () => {
    const headers = signed({ systemid: 'other.system', docId: 'a' });
    expect(reason(() => verifySignature({ ...headers, 'xroadvnpt-systemid': 'vxp.saas.03' }, SECRET))).toBe(
      'SIGNED_HEADER_MISMATCH',
    );
    const listed = signed(
      { systemid: 'vxp.saas.03', docId: 'a' },
      { 'xroadvnpt-sign-header-key': 'systemid' },
    );
    expect(reason(() => verifySignature(listed, SECRET))).toBe('SIGNED_HEADER_MISMATCH');
  });

  it('tolerates leaked extra parameters and a timestamp days old (the SDK freezes it)', () => {
    const headers = signed({
      systemid: 'vxp.saas.03',
      timestamp: '01012020T000000+0000',
      servicetype: 'eDoc',
      'hash-file': 'abc',
      docId: 'x',
      status: 'done',
    });
    expect(verifySignature(headers, SECRET).get('status')).toBe('done');
  });

  it('refuses non-ASCII header values with a clear reason (HttpClient sends the low byte of each char)', () => {
    const x2 = { ...VECTOR_01, 'xroadvnpt-note': 'H\u00e0 N\u00d9i' };
    let error: unknown;
    try {
      claimedSystemId(x2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VdxpAuthError);
    expect((error as VdxpAuthError).reason).toBe('NON_ASCII_HEADER');
    expect((error as VdxpAuthError).message).toMatch(/non-ASCII header value in XroadVnpt-note/);
    expect((error as VdxpAuthError).message).toMatch(/^[\x20-\x7e]+$/);
  });

  it('binds the package with hash-file, recomputed without zero padding', () => {
    const pkg = Buffer.from('<edXML/>');
    const params = verifySignature(
      signed({ systemid: 'vxp.saas.03', 'hash-file': sdkHashFile(pkg) }),
      SECRET,
    );
    expect(() => assertHashFile(params, sdkHashFile(pkg))).not.toThrow();
    expect(reason(() => assertHashFile(params, sdkHashFile(Buffer.from('<edXML />'))))).toBe(
      'HASH_FILE_MISMATCH',
    );
    const unsigned = verifySignature(signed({ systemid: 'vxp.saas.03' }), SECRET);
    expect(reason(() => assertHashFile(unsigned, sdkHashFile(pkg)))).toBe('HASH_FILE_MISMATCH');
  });
});
