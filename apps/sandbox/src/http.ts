/** A small JSON-over-HTTP helper for talking to the sandbox's own APIs (global fetch). */

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export async function callApi<T = unknown>(
  method: 'GET' | 'POST',
  url: string,
  options: { headers?: Record<string, string>; json?: unknown; form?: FormData; timeoutMs?: number } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  const response = await fetch(url, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if (response.headers.get('content-type')?.includes('json') && text !== '') parsed = JSON.parse(text);
  return { status: response.status, body: parsed as T, text };
}

/** The response when its status is one of `expected`; otherwise an error naming what was attempted. */
export async function expectApi<T = unknown>(
  what: string,
  expected: number[],
  response: Promise<ApiResponse<T>>,
): Promise<ApiResponse<T>> {
  const r = await response;
  if (!expected.includes(r.status)) {
    throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  }
  return r;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const apiKey = (key: string) => ({ 'x-api-key': key });
