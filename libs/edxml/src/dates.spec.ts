import {
  formatEdxmlDate,
  formatEdxmlTimestamp,
  isEdxmlDate,
  isEdxmlTimestamp,
  parseEdxmlTimestamp,
} from './dates';

describe('formatEdxmlDate / formatEdxmlTimestamp', () => {
  it('write Vietnam time (UTC+7), whatever the host zone', () => {
    const lateUtc = new Date('2024-12-31T17:30:05Z');
    expect(formatEdxmlDate(lateUtc)).toBe('2025/01/01');
    expect(formatEdxmlTimestamp(lateUtc)).toBe('2025/01/01 00:30:05');
  });

  it('pad every field', () => {
    expect(formatEdxmlTimestamp(new Date('2024-03-04T22:05:09Z'))).toBe('2024/03/05 05:05:09');
  });

  it('have no daylight-saving shift in summer', () => {
    expect(formatEdxmlTimestamp(new Date('2024-07-01T00:00:00Z'))).toBe('2024/07/01 07:00:00');
  });

  it('refuse an invalid Date', () => {
    expect(() => formatEdxmlDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('isEdxmlDate', () => {
  it.each(['2024/02/29', '2000/02/29', '2019/01/17', '2018/12/31'])('accepts %s', (d) =>
    expect(isEdxmlDate(d)).toBe(true),
  );
  it.each([
    '2014/02/30',
    '2023/02/29',
    '1900/02/29',
    '2024/13/01',
    '2024/04/31',
    '2024/00/10',
    '2024-02-29',
    '24/02/29',
    '2024/2/9',
    '',
  ])('refuses %s', (d) => expect(isEdxmlDate(d)).toBe(false));
});

describe('isEdxmlTimestamp / parseEdxmlTimestamp', () => {
  it('accepts real times and reads them as Vietnam time', () => {
    expect(isEdxmlTimestamp('2018/09/28 17:25:11')).toBe(true);
    expect(parseEdxmlTimestamp('2018/09/28 17:25:11')?.toISOString()).toBe('2018-09-28T10:25:11.000Z');
  });

  it.each([
    '2018/09/28 24:00:00',
    '2018/09/28 12:60:00',
    '2018/09/31 10:00:00',
    '2018/09/28T10:00:00',
    '2018/09/28',
  ])('refuses %s', (t) => {
    expect(isEdxmlTimestamp(t)).toBe(false);
    expect(parseEdxmlTimestamp(t)).toBeUndefined();
  });

  it('round-trips with formatEdxmlTimestamp', () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(parseEdxmlTimestamp(formatEdxmlTimestamp(now))).toEqual(now);
  });
});
