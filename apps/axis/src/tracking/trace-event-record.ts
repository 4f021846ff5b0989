import type { TraceEvent } from '@lienthong/protocol';

/** A trace event as stored: what the node said, plus when the axis got it. */
export interface TraceEventRecord extends Omit<TraceEvent, 'occurredAt'> {
  occurredAt: Date;
  receivedAt: Date;
}
