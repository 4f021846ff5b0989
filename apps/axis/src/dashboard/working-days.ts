/*
 * Working days for the Government Office's timeliness figures: Monday to Friday in Vietnam time
 * (UTC+7 all year, no daylight saving), minus the holidays the operator lists.
 */

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of the Vietnam calendar day `at` falls on. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 Vietnam time of a `YYYY-MM-DD` day, as an instant. */
export function startOfVietnamDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - VIETNAM_OFFSET_MS);
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(day: string, holidays: ReadonlySet<string> = new Set()): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(day);
}

/**
 * The deadline of something sent at `sentAt` that must happen within `workingDays` working days:
 * the end (24:00 Vietnam time) of the `workingDays`-th working day after the day it was sent. So
 * with 1, a document sent on Friday is due by the end of Monday; with 0, by the end of its own day.
 */
export function workingDayDeadline(
  sentAt: Date,
  workingDays: number,
  holidays: ReadonlySet<string> = new Set(),
): Date {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new RangeError(`working days must be a whole number ≥ 0, got ${workingDays}`);
  }
  let day = vietnamDay(sentAt);
  for (let left = workingDays; left > 0;) {
    day = nextDay(day);
    if (isWorkingDay(day, holidays)) left--;
  }
  return startOfVietnamDay(nextDay(day));
}

/** Holidays typed by an operator: `YYYY-MM-DD` separated by commas, spaces or new lines. */
export function parseHolidays(text: string | undefined): Set<string> {
  const days = new Set<string>();
  for (const part of (text ?? '').split(/[\s,;]+/)) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(part) && !Number.isNaN(Date.parse(`${part}T00:00:00Z`))) days.add(part);
  }
  return days;
}
