import { NOTIFICATION_TYPES, parseTrustNotification } from './trust-notification';

describe('parseTrustNotification', () => {
  it('reads both kinds, from bytes or text', () => {
    const crl = { type: 'crl-updated', crlNumber: '12', thisUpdate: '2026-11-27T08:00:00.000Z' };
    expect(parseTrustNotification(Buffer.from(JSON.stringify(crl)))).toEqual(crl);
    expect(parseTrustNotification('{"type":"directory-updated"}')).toEqual({ type: 'directory-updated' });
    expect(
      parseTrustNotification(
        JSON.stringify({ type: 'directory-updated', agencyCode: '000.00.00.H41', change: 'suspended', x: 1 }),
      ),
    ).toEqual({ type: 'directory-updated', agencyCode: '000.00.00.H41', change: 'suspended' });
    expect(NOTIFICATION_TYPES).toEqual(['crl-updated', 'directory-updated']);
  });

  it('ignores an unknown change but keeps the notification (a newer axis may add some)', () => {
    expect(parseTrustNotification('{"type":"directory-updated","change":"merged"}')).toEqual({
      type: 'directory-updated',
    });
  });

  it.each([
    'not json',
    'null',
    '[]',
    '{"type":"ca-rotated"}',
    '{"type":"crl-updated","crlNumber":12,"thisUpdate":"x"}',
    '{"type":"crl-updated","crlNumber":"-1","thisUpdate":"x"}',
    '{"type":"crl-updated","crlNumber":"3"}',
    '{"type":"directory-updated","agencyCode":7}',
  ])('returns undefined for %s', (body) => {
    expect(parseTrustNotification(body)).toBeUndefined();
  });
});
