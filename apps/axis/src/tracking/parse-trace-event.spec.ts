import { MAX_TRACE_EVENTS_PER_MESSAGE } from '@lienthong/protocol';
import { parseTraceMessage } from './parse-trace-event';

const valid = {
  eventId: 'e-1',
  event: 'status',
  documentUuid: '7d9f4a52-3c0e-4c61-9a55-0d3b2f6e8a11',
  kind: 'edoc',
  sender: '000.00.00.G22',
  recipient: '000.00.00.H41',
  statusCode: '03',
  nodeId: 'node-vpcp',
  occurredAt: '2026-11-27T15:00:00+07:00',
};
const parse = (value: unknown) =>
  parseTraceMessage(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe('parseTraceMessage', () => {
  it('accepts a well-formed event, ignoring fields it does not know', () => {
    expect(parse({ ...valid, newerField: 1 })).toEqual({ ok: true, events: [valid], invalid: [] });
  });

  it('refuses what can never be stored, saying why', () => {
    expect(parse('{')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parse({ ...valid, documentUuid: 'x' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('documentUuid'),
    });
    expect(parse({ ...valid, event: 'lost' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('event'),
    });
    expect(parse({ ...valid, occurredAt: 'yesterday' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('occurredAt'),
    });
  });

  it('wants a status code on a status event, and only there', () => {
    const { statusCode: _, ...withoutCode } = valid;
    expect(parse(withoutCode)).toMatchObject({ ok: false, reason: expect.stringContaining('statusCode') });
    expect(parse({ ...valid, event: 'delivered' })).toMatchObject({ ok: false });
    expect(parse({ ...valid, statusCode: '99' })).toMatchObject({ ok: false });
  });

  it('cuts an overlong detail instead of refusing the event', () => {
    const result = parse({ ...valid, detail: 'x'.repeat(5000) });
    expect(result.ok && result.events[0].detail?.length).toBe(1000);
  });

  describe('an array of events (what a node sends when it has several at once)', () => {
    const { statusCode: _, ...withoutCode } = valid;
    const delivered = { ...withoutCode, eventId: 'e-2', event: 'delivered' };

    it('reads every event, in order', () => {
      expect(parse([valid, delivered])).toEqual({ ok: true, events: [valid, delivered], invalid: [] });
      expect(parse([valid])).toEqual({ ok: true, events: [valid], invalid: [] });
    });

    it('refuses an empty array, an over-long one, and one with no valid event', () => {
      expect(parse([])).toMatchObject({ ok: false, reason: expect.stringContaining('empty') });
      const tooMany = Array.from({ length: MAX_TRACE_EVENTS_PER_MESSAGE + 1 }, (_, i) => ({
        ...valid,
        eventId: `e-${i}`,
      }));
      expect(parse(tooMany)).toMatchObject({ ok: false, reason: expect.stringContaining('more than') });
      expect(parse(tooMany.slice(1))).toMatchObject({ ok: true });
      expect(parse([{ ...valid, occurredAt: 'soon' }])).toMatchObject({
        ok: false,
        reason: expect.stringContaining('[0] occurredAt'),
      });
      expect(parse(['e-1', 3])).toMatchObject({ ok: false });
      expect(parse(7)).toMatchObject({ ok: false });
    });

    it('keeps the valid events beside invalid ones, naming each invalid one by its place', () => {
      const result = parse([valid, { ...delivered, documentUuid: 'x' }, delivered]);
      expect(result).toEqual({
        ok: true,
        events: [valid, delivered],
        invalid: [expect.stringMatching(/^\[1\] documentUuid/)],
      });
    });
  });
});
