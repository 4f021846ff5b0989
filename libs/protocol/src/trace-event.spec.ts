import { HEARTBEAT_ROUTING_KEY } from './node-heartbeat';
import {
  MAX_TRACE_EVENTS_PER_MESSAGE,
  TRACE_BATCH_ROUTING_KEY,
  TRACE_EVENTS,
  traceMessageBody,
  traceMessageEntries,
} from './trace-event';

const event = (eventId: string) => ({ eventId, event: 'submitted' });
const serialized = (eventId: string) => Buffer.from(JSON.stringify(event(eventId)));

describe('traceMessageBody', () => {
  it('sends a lone event as the single object older axes know', () => {
    expect(JSON.parse(traceMessageBody([serialized('a')]).toString())).toEqual(event('a'));
  });

  it('joins several events into one array, in order', () => {
    const body = traceMessageBody(['a', 'b', 'c'].map(serialized));
    expect(JSON.parse(body.toString())).toEqual([event('a'), event('b'), event('c')]);
  });

  it('refuses to make a message no axis would take', () => {
    expect(() => traceMessageBody([])).toThrow(RangeError);
    const tooMany = Array.from({ length: MAX_TRACE_EVENTS_PER_MESSAGE + 1 }, (_, i) => serialized(`${i}`));
    expect(() => traceMessageBody(tooMany)).toThrow(RangeError);
  });
});

describe('traceMessageEntries', () => {
  it('reads both forms: one object, or an array of them', () => {
    expect(traceMessageEntries(event('a'))).toEqual({ ok: true, entries: [event('a')] });
    expect(traceMessageEntries([event('a'), event('b')])).toEqual({
      ok: true,
      entries: [event('a'), event('b')],
    });
  });

  it('refuses an empty array, an over-long one and anything not an object', () => {
    expect(traceMessageEntries([])).toMatchObject({ ok: false, reason: expect.stringContaining('empty') });
    const longest = Array.from({ length: MAX_TRACE_EVENTS_PER_MESSAGE }, (_, i) => event(`${i}`));
    expect(traceMessageEntries(longest)).toMatchObject({ ok: true });
    expect(traceMessageEntries([...longest, event('one more')])).toMatchObject({ ok: false });
    for (const json of [null, 'submitted', 3]) expect(traceMessageEntries(json)).toMatchObject({ ok: false });
  });

  it('keeps the batch routing key apart from step names and heartbeats', () => {
    expect([...TRACE_EVENTS, HEARTBEAT_ROUTING_KEY]).not.toContain(TRACE_BATCH_ROUTING_KEY);
  });
});
