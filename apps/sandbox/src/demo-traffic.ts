import { demoDocument, demoMetadata, DemoDocument, STATUS_NAMES } from './demo-documents';
import { apiKey, callApi, expectApi } from './http';
import { readState, RunningInfo, SandboxState } from './sandbox-state';

export interface DemoOptions {
  count: number;
  intervalMs: number;
  /** Where progress goes; a TTY gets one line rewritten in place. */
  out: NodeJS.WriteStream | { write(text: string): boolean; isTTY?: boolean };
}

export interface DemoSummary {
  documents: number;
  deliveries: number;
}

/** `npm run demo [-- --count N --interval-ms MS]`. */
export function parseDemoArgs(args: string[]): Pick<DemoOptions, 'count' | 'intervalMs'> {
  const options = { count: 20, intervalMs: 300 };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=', 2);
    const value = inline ?? args[++i];
    const number = Number(value);
    if (name === '--count' && Number.isInteger(number) && number > 0) options.count = number;
    else if (name === '--interval-ms' && Number.isInteger(number) && number >= 0) options.intervalMs = number;
    else
      throw new Error(
        `unknown option or bad value: ${args.slice(i - (inline ? 0 : 1), i + 1).join(' ')} (use --count N, --interval-ms MS)`,
      );
  }
  return options;
}

/** The running sandbox recorded in the data directory, checked to answer. */
export async function findRunningSandbox(
  dataDir: string,
): Promise<{ state: SandboxState; running: RunningInfo }> {
  const state = readState(dataDir);
  const running = state?.running;
  const hint = `start it first with npm start (data directory ${dataDir}; LIENTHONG_DATA_DIR to change)`;
  if (!state || !running) throw new Error(`no sandbox is running: ${hint}`);
  const live = await callApi('GET', `${running.axisUrl}/health/live`, { timeoutMs: 3_000 }).catch(
    () => undefined,
  );
  if (live?.status !== 200)
    throw new Error(`the sandbox recorded at ${running.axisUrl} does not answer: ${hint}`);
  return { state, running };
}

/**
 * Plays the agencies' software: each document is submitted by its sender with an attachment,
 * picked up by every recipient (inbox, taken), answered with business statuses, and followed on
 * the sender's timeline until the last status is back.
 */
export async function runDemo(
  target: { state: SandboxState; running: RunningInfo },
  options: DemoOptions,
): Promise<DemoSummary> {
  const { state, running } = target;
  const nodeUrl = (code: string) => running.nodes[running.hostedBy[code]];
  const key = (code: string) => {
    const k = state.apiKeys[code];
    if (!k) throw new Error(`no API key for ${code} in the sandbox state`);
    return k;
  };
  const progress = progressLine(options.out);
  let number = 1000 + (Math.floor(Date.now() / 1000) % 8000);
  let deliveries = 0;

  for (let n = 0; n < options.count; n++) {
    const doc = demoDocument(n);
    const label = `[${String(n + 1).padStart(String(options.count).length)}/${options.count}] ${doc.typeName} ${doc.from.short} → ${doc.to.map((a) => a.short).join(', ')}`;
    progress(`${label}: gửi…`);
    const sent = await submit(nodeUrl(doc.from.code), key(doc.from.code), doc, () => String(number++));
    for (const recipient of doc.to) {
      const url = nodeUrl(recipient.code);
      const headers = apiKey(key(recipient.code));
      const item = await poll(`${sent.documentId} in the inbox of ${recipient.code}`, async () => {
        const inbox = await expectApi<{ id: string; documentId?: string }[]>(
          'list the inbox',
          [200],
          callApi('GET', `${url}/api/v1/inbox?limit=100`, { headers }),
        );
        return inbox.body.find((i) => i.documentId === sent.documentId);
      });
      progress(`${label}: ${sent.code} · 01 ${STATUS_NAMES['01']}`);
      await expectApi(
        'mark taken',
        [200, 201, 204],
        callApi('POST', `${url}/api/v1/inbox/${item.id}/taken`, { headers }),
      );
      for (const statusCode of doc.statuses) {
        await expectApi(
          `status ${statusCode}`,
          [202],
          callApi('POST', `${url}/api/v1/inbox/${item.id}/statuses`, {
            headers,
            json: { statusCode, description: capitalize(STATUS_NAMES[statusCode]) },
          }),
        );
        progress(`${label}: ${sent.code} · ${recipient.short}: ${statusCode} ${STATUS_NAMES[statusCode]}`);
      }
      deliveries++;
    }
    const last = doc.statuses[doc.statuses.length - 1];
    await poll(`status ${last} back at ${doc.from.code}`, async () => {
      const detail = await expectApi<{ deliveries: { code: string; lastStatusCode?: string }[] }>(
        'read the sent document',
        [200],
        callApi('GET', `${nodeUrl(doc.from.code)}/api/v1/documents/sent/${sent.id}`, {
          headers: apiKey(key(doc.from.code)),
        }),
      );
      return detail.body.deliveries.every((d) => d.lastStatusCode === last) ? true : undefined;
    });
    progress(`${label}: ${sent.code} ✓ ${doc.statuses.join(' → ')} về nơi gửi`, true);
    if (options.intervalMs > 0 && n + 1 < options.count) {
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  }
  return { documents: options.count, deliveries };
}

async function submit(
  nodeUrl: string,
  key: string,
  doc: DemoDocument,
  nextNumber: () => string,
): Promise<{ id: string; documentId: string; code: string }> {
  // A number already used by this sender is refused (409): take the next one.
  for (let tries = 0; tries < 50; tries++) {
    const codeNumber = nextNumber();
    const form = new FormData();
    form.append('metadata', JSON.stringify(demoMetadata(doc, codeNumber, new Date())));
    form.append(
      'files',
      new Blob([doc.attachment.text], { type: doc.attachment.contentType }),
      doc.attachment.name,
    );
    const r = await callApi<{ id: string; documentId: string; code?: string }>(
      'POST',
      `${nodeUrl}/api/v1/documents`,
      {
        headers: apiKey(key),
        form,
      },
    );
    if (r.status === 202)
      return { id: r.body.id, documentId: r.body.documentId, code: `${codeNumber}/${doc.notation}` };
    if (r.status !== 409)
      throw new Error(`submit from ${doc.from.code}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  }
  throw new Error(`submit from ${doc.from.code}: no free document number`);
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** On a terminal one line rewritten in place (finished documents stay); elsewhere finished lines only. */
function progressLine(out: DemoOptions['out']): (text: string, done?: boolean) => void {
  return (text, done = false) => {
    if (out.isTTY) out.write(`\r\x1b[2K${text}${done ? '\n' : ''}`);
    else if (done) out.write(`${text}\n`);
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
