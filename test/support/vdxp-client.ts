import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/*
 * A client that signs and sends requests exactly as the official VPCP Java SDK (SDKVXP 2.0.1)
 * does, ported from ../shared/vdxp-wire/verify_sig.py and SPEC.md §2: the parameter map is a
 * java.util.HashMap filled in the SDK's order, the timestamp is frozen when the client is made, and
 * parameters are never cleared between calls (so later calls carry earlier ones, as the SDK's do).
 */

/** gson 2.2 JsonWriter's string quoting (htmlSafe off): non-ASCII and `=` are not escaped. */
export function gsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** java.lang.String.hashCode() over UTF-16 code units, as an unsigned 32-bit number. */
export function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) >>> 0;
  return h;
}

/** Iteration order of a java.util.HashMap<String, ?> filled with these keys (capacity 16, load 0.75). */
export function javaHashMapOrder(keysInInsertionOrder: string[]): string[] {
  let cap = 16;
  while (keysInInsertionOrder.length > cap * 0.75) cap *= 2;
  const bucket = (k: string) => {
    const h = javaHash(k);
    return ((h ^ (h >>> 16)) & (cap - 1)) >>> 0;
  };
  return keysInInsertionOrder
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((e) => e.k);
}

/** `ddMMyyyy'T'HHmmss+SSSS` in the client's local time; +SSSS is milliseconds, not an offset. */
export function sdkTimestamp(date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(date.getDate())}${p(date.getMonth() + 1)}${date.getFullYear()}T` +
    `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}+${p(date.getMilliseconds(), 4)}`
  );
}

/** SHA-256 with each byte as Integer.toHexString: no zero padding. */
export function sdkHashFile(bytes: Buffer): string {
  return [...createHash('sha256').update(bytes).digest()].map((b) => b.toString(16)).join('');
}

/** The signing headers for a parameter map (in insertion order), as the SDK writes them. */
export function signHeaders(params: Map<string, string>, secret: string): Record<string, string> {
  const names = javaHashMapOrder([...params.keys()]);
  const signHeader = `{${names.map((n) => `${gsonString(`XroadVnpt-${n}`)}:${gsonString(params.get(n)!)}`).join(',')}}`;
  const headers: Record<string, string> = {};
  for (const n of names) headers[`XroadVnpt-${n}`] = params.get(n)!;
  headers['XroadVnpt-sign-header-key'] = names.join(';');
  headers['XroadVnpt-sign-header'] = signHeader;
  headers['XroadVnpt-hash-header'] = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(signHeader, 'utf8'))
    .digest('hex');
  headers['User-Agent'] = 'JAVASDKAgent/1.0.0 XRoad/VPCP';
  headers['XroadVnpt-version'] = '3.0.201608';
  return headers;
}

export interface VdxpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The parsed JSON body, when it is JSON. */
  json?: Record<string, unknown>;
}

export type JsonHeader = Record<string, string | number | boolean | string[]>;

export class SdkClient {
  /** The SDK's parameter map: an instance field, filled in order, never cleared. */
  readonly params = new Map<string, string>();

  constructor(
    private readonly endpoint: string,
    readonly systemId: string,
    private readonly secret: string,
    timestamp = sdkTimestamp(),
  ) {
    this.params.set('timestamp', timestamp);
    this.params.set('systemid', systemId);
  }

  /** Any operation but sendEdoc: HttpClient, application/json. */
  call(
    operation: string,
    jsonHeader: JsonHeader = {},
    options: { method?: 'GET' | 'POST'; body?: string } = {},
  ): Promise<VdxpResponse> {
    this.params.set('Content-Type', 'application/json');
    this.putJsonHeader(jsonHeader);
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    return this.send(options.method ?? 'POST', operation, 'application/json', body);
  }

  /** sendEdoc: HttpURLConnection, the package + CRLF as application/octet-stream, hash-file signed. */
  sendEdoc(pkg: Buffer, jsonHeader: JsonHeader): Promise<VdxpResponse> {
    this.params.set('Content-Type', 'application/octet-stream');
    this.putJsonHeader(jsonHeader);
    this.params.set('hash-file', sdkHashFile(pkg));
    return this.send(
      'POST',
      'sendEdoc',
      'application/octet-stream',
      Buffer.concat([pkg, Buffer.from('\r\n')]),
    );
  }

  /** The headers the next request would carry, e.g. to tamper with them. */
  headers(): Record<string, string> {
    return signHeaders(this.params, this.secret);
  }

  private putJsonHeader(jsonHeader: JsonHeader): void {
    for (const [k, v] of Object.entries(jsonHeader)) {
      // A JSON array is sent as JSON text (the SDK does this for `to` on sendEdoc).
      this.params.set(k, Array.isArray(v) ? JSON.stringify(v) : String(v));
    }
  }

  private send(method: string, operation: string, contentType: string, body?: Buffer): Promise<VdxpResponse> {
    return sendHttp(
      `${this.endpoint}/${operation}`,
      method,
      {
        'Content-Type': contentType,
        ...this.headers(),
        ...(body ? { 'Content-Length': String(body.length) } : { 'Content-Length': '0' }),
      },
      body,
    );
  }
}

export function sendHttp(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<VdxpResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: bytes,
          json: parseJson(res.headers['content-type'], bytes),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function parseJson(contentType: string | undefined, bytes: Buffer): Record<string, unknown> | undefined {
  if (!contentType?.includes('json')) return undefined;
  return JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
}

/** A captured request file: request line, headers as sent, CRLF CRLF, body. */
export interface CapturedRequest {
  method: string;
  path: string;
  raw: Buffer;
  headers: [string, Buffer][];
  body: Buffer;
}

export function parseCapturedRequest(raw: Buffer): CapturedRequest {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const [method, path] = head[0].split(' ');
  const headers = head.slice(1).map((line): [string, Buffer] => {
    const at = line.indexOf(':');
    return [line.slice(0, at), Buffer.from(line.slice(at + 1).trim(), 'latin1')];
  });
  return { method, path, raw, headers, body: raw.subarray(end + 4) };
}

/**
 * Replays a captured request byte for byte (only the request line's path is re-based and, if
 * asked, headers replaced or the body swapped) over a plain TCP socket, and reads one response,
 * skipping interim `100 Continue` answers. Returns those interim status codes too.
 */
export function replayRaw(
  host: string,
  port: number,
  captured: CapturedRequest,
  options: { basePath?: string; replaceHeaders?: Record<string, string>; body?: Buffer } = {},
): Promise<VdxpResponse & { interim: number[] }> {
  const lines = [`${captured.method} ${options.basePath ?? ''}${captured.path} HTTP/1.1`];
  const replace = new Map(Object.entries(options.replaceHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const body = options.body ?? captured.body;
  const head: Buffer[] = [];
  for (const [name, value] of captured.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' && options.body) {
      head.push(Buffer.from(`${name}: ${body.length}`, 'latin1'));
    } else if (replace.has(lower)) {
      head.push(Buffer.from(`${name}: ${replace.get(lower)}`, 'latin1'));
    } else {
      head.push(Buffer.concat([Buffer.from(`${name}: `, 'latin1'), value]));
    }
  }
  const bytes = Buffer.concat([
    Buffer.from(`${lines[0]}\r\n`, 'latin1'),
    ...head.flatMap((h) => [h, Buffer.from('\r\n')]),
    Buffer.from('\r\n'),
    body,
  ]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let received = Buffer.alloc(0);
    const interim: number[] = [];
    const done = (result: VdxpResponse) => {
      socket.destroy();
      resolve({ ...result, interim });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = received.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(lines[0].split(' ')[1]);
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const at = line.indexOf(':');
          headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
        }
        if (status >= 100 && status < 200) {
          interim.push(status);
          received = received.subarray(end + 4);
          continue;
        }
        const length = Number(headers['content-length'] ?? 0);
        if (received.length < end + 4 + length) return;
        const responseBody = received.subarray(end + 4, end + 4 + length);
        done({ status, headers, body: responseBody, json: parseJson(headers['content-type'], responseBody) });
        return;
      }
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/**
 * What the SDK makes of an envelope (SPEC §3): all three fields present and not null, else every
 * field null; a list holding a null anywhere in an item is dropped.
 */
export function sdkReads(json: Record<string, unknown> | undefined): {
  status: string | null;
  ErrorCode: string | null;
  ErrorDesc: string | null;
  data: unknown;
} {
  const fields = ['status', 'ErrorCode', 'ErrorDesc'] as const;
  if (!json || fields.some((f) => json[f] === undefined || json[f] === null)) {
    return { status: null, ErrorCode: null, ErrorDesc: null, data: null };
  }
  const data = json.data;
  const hasNull = (v: unknown): boolean =>
    v === null || (typeof v === 'object' && Object.values(v as object).some((x) => hasNull(x)));
  return {
    status: String(json.status),
    ErrorCode: String(json.ErrorCode),
    ErrorDesc: String(json.ErrorDesc),
    data: Array.isArray(data) && data.some(hasNull) ? null : data,
  };
}
