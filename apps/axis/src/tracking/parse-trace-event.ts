import { TRACE_EVENTS, TraceEvent } from '@lienthong/protocol';
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

export type TraceEventParse = { ok: true; event: TraceEvent } | { ok: false; reason: string };

/** A trace message body: one TraceEvent as JSON. Unknown fields are ignored (newer nodes may add some). */
export function parseTraceEvent(body: Buffer): TraceEventParse {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const reason = result.error.issues
      .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason };
  }
  const { detail, ...rest } = result.data;
  return { ok: true, event: { ...rest, ...(detail !== undefined ? { detail } : {}) } as TraceEvent };
}
