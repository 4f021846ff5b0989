import { parseTraceEvent } from './parse-trace-event';

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
  parseTraceEvent(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe('parseTraceEvent', () => {
  it('accepts a well-formed event, ignoring fields it does not know', () => {
    expect(parse({ ...valid, newerField: 1 })).toEqual({ ok: true, event: valid });
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
    expect(result.ok && result.event.detail?.length).toBe(1000);
  });
});
