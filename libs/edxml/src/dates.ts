/**
 * QCVN 102 writes dates as `yyyy/MM/dd` and timestamps as `yyyy/MM/dd HH:mm:ss`, with no zone:
 * they are Vietnam civil time. Vietnam has been UTC+7 without daylight saving since 1975, so a
 * fixed offset is exact and avoids depending on the host's time-zone database.
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

const DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** `yyyy/MM/dd` of the instant, in Vietnam time. */
export function formatEdxmlDate(date: Date): string {
  const v = vietnamFields(date);
  return `${v.year}/${v.month}/${v.day}`;
}

/** `yyyy/MM/dd HH:mm:ss` of the instant, in Vietnam time. */
export function formatEdxmlTimestamp(date: Date): string {
  const v = vietnamFields(date);
  return `${v.year}/${v.month}/${v.day} ${v.hour}:${v.minute}:${v.second}`;
}

/** True for `yyyy/MM/dd` naming a day that exists (no 2014/02/30). */
export function isEdxmlDate(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && isRealDate(+m[1], +m[2], +m[3]);
}

/** True for `yyyy/MM/dd HH:mm:ss` naming a real day and time of day. */
export function isEdxmlTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  return m !== null && isRealDate(+m[1], +m[2], +m[3]) && +m[4] <= 23 && +m[5] <= 59 && +m[6] <= 59;
}

/** The instant a QCVN timestamp (Vietnam time) denotes, or undefined if it is not one. */
export function parseEdxmlTimestamp(text: string): Date | undefined {
  if (!isEdxmlTimestamp(text)) return undefined;
  const [, y, mo, d, h, mi, s] = TIMESTAMP.exec(text)!.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - VIETNAM_OFFSET_MS);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1];
}

function vietnamFields(date: Date) {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('Cannot format an invalid Date as an edXML date');
  const v = new Date(time + VIETNAM_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    year: String(v.getUTCFullYear()).padStart(4, '0'),
    month: two(v.getUTCMonth() + 1),
    day: two(v.getUTCDate()),
    hour: two(v.getUTCHours()),
    minute: two(v.getUTCMinutes()),
    second: two(v.getUTCSeconds()),
  };
}
