import { TRACE_EVENTS, TraceEvent, traceMessageEntries } from '@lienthong/protocol';
import { z } from 'zod';
import { TRACKED_STATUS_CODES } from './delivery-state';

const MAX_DETAIL = 1_000;

const code = z.string().min(1).max(100);

const schema = z
  .object({
    eventId: z.string().min(1).max(200),
    event: z.enum(TRACE_EVENTS),
    documentUuid: z.guid(),
    documentId: z.string().min(1).max(500).optional(),
    messageId: z.string().min(1).max(255).optional(),
    kind: z.enum(['edoc', 'status']),
    sender: code,
    recipient: code,
    statusCode: z.enum(TRACKED_STATUS_CODES as [string, ...string[]]).optional(),
    // A reason is helpful, not essential: a long one is cut rather than the event refused.
    detail: z
      .string()
      .optional()
      .transform((d) => (d && d.length > MAX_DETAIL ? `${d.slice(0, MAX_DETAIL - 1)}…` : d)),
    nodeId: z.string().min(1).max(100),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .refine((e) => (e.event === 'status') === (e.statusCode !== undefined), {
    message: 'statusCode is required for a status event and only there',
    path: ['statusCode'],
  });

/**
 * What a trace message holds: its valid events, and why the others (array entries only) cannot be
 * stored. A body that holds no valid event at all is `ok: false`.
 */
export type TraceMessageParse =
  { ok: true; events: TraceEvent[]; invalid: string[] } | { ok: false; reason: string };

/** Invalid entries named in a reason; the rest are counted (a reason travels in a header). */
const REASONS_SHOWN = 3;

/**
 * A trace message body (libs/protocol `TraceMessageBody`): one TraceEvent as JSON, as every node
 * version sends it, or an array of them, as a node's outbox relay sends what it has at once.
 * Unknown fields are ignored (newer nodes may add some).
 */
export function parseTraceMessage(body: Buffer): TraceMessageParse {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const envelope = traceMessageEntries(json);
  if (!envelope.ok) return envelope;
  const batch = Array.isArray(json);
  const events: TraceEvent[] = [];
  const invalid: string[] = [];
  envelope.entries.forEach((entry, i) => {
    const parsed = parseEntry(entry);
    if (parsed.ok) events.push(parsed.event);
    else invalid.push(batch ? `[${i}] ${parsed.reason}` : parsed.reason);
  });
  if (events.length === 0) return { ok: false, reason: describeInvalid(invalid) };
  return { ok: true, events, invalid };
}

/** One reason for several invalid entries: the first few, then how many more. */
export function describeInvalid(invalid: string[]): string {
  const shown = invalid.slice(0, REASONS_SHOWN).join('; ');
  const more = invalid.length - REASONS_SHOWN;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

function parseEntry(entry: unknown): { ok: true; event: TraceEvent } | { ok: false; reason: string } {
  const result = schema.safeParse(entry);
  if (!result.success) {
    const reason = result.error.issues
      .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason };
  }
  const { detail, ...rest } = result.data;
  return { ok: true, event: { ...rest, ...(detail !== undefined ? { detail } : {}) } as TraceEvent };
}
