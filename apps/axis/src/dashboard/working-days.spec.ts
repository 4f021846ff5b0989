import { isWorkingDay, parseHolidays, vietnamDay, workingDayDeadline } from './working-days';

// 2026-11-27 is a Friday.
const vn = (local: string) => new Date(`${local}+07:00`);

describe('working days (Vietnam time)', () => {
  it('reads the calendar day in Vietnam time, not UTC', () => {
    expect(vietnamDay(new Date('2026-11-27T18:30:00Z'))).toBe('2026-11-28');
    expect(vietnamDay(new Date('2026-11-27T16:59:59Z'))).toBe('2026-11-27');
  });

  it('knows weekends and listed holidays', () => {
    expect(isWorkingDay('2026-11-27')).toBe(true);
    expect(isWorkingDay('2026-11-28')).toBe(false);
    expect(isWorkingDay('2026-11-29')).toBe(false);
    expect(isWorkingDay('2026-11-30', new Set(['2026-11-30']))).toBe(false);
  });

  it('ends a deadline at midnight after the N-th working day, skipping the weekend', () => {
    // Friday afternoon + 1 working day: the end of Monday.
    expect(workingDayDeadline(vn('2026-11-27T15:00:00'), 1)).toEqual(vn('2026-12-01T00:00:00'));
    // Friday + 2: the end of Tuesday.
    expect(workingDayDeadline(vn('2026-11-27T08:00:00'), 2)).toEqual(vn('2026-12-02T00:00:00'));
    // Saturday + 1: still the end of Monday (the weekend does not count).
    expect(workingDayDeadline(vn('2026-11-28T10:00:00'), 1)).toEqual(vn('2026-12-01T00:00:00'));
    // Monday + 5: the end of the next Monday.
    expect(workingDayDeadline(vn('2026-11-23T09:00:00'), 5)).toEqual(vn('2026-12-01T00:00:00'));
    // 0: the end of the day it was sent.
    expect(workingDayDeadline(vn('2026-11-27T23:59:00'), 0)).toEqual(vn('2026-11-28T00:00:00'));
  });

  it('skips holidays too', () => {
    const holidays = parseHolidays('2026-11-30, 2026-12-01 nonsense');
    expect([...holidays]).toEqual(['2026-11-30', '2026-12-01']);
    expect(workingDayDeadline(vn('2026-11-27T15:00:00'), 1, holidays)).toEqual(vn('2026-12-03T00:00:00'));
  });

  it('refuses a negative or fractional count', () => {
    expect(() => workingDayDeadline(new Date(), -1)).toThrow(RangeError);
    expect(() => workingDayDeadline(new Date(), 1.5)).toThrow(RangeError);
  });
});
