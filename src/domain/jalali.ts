// Jalali dates and center-local days, all through Intl's Persian calendar and IANA time zones:
// no hand-made calendar arithmetic. A "day key" (Jalali YYYY-MM-DD in the center's zone) is
// what events are filed under, so "today" means the center's today, not the device's or UTC's.
import { toAsciiDigits } from './digits.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Tehran';

export type UiLanguage = 'fa' | 'en';

interface ZonedParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(date: Date, timeZone: string, calendar: 'persian' | 'gregory'): ZonedParts {
  const key = `${calendar}|${timeZone}`;
  let formatter = partsFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(`en-US-u-ca-${calendar}-nu-latn`, {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsFormatters.set(key, formatter);
  }
  const parts: Partial<ZonedParts> = {};
  for (const part of formatter.formatToParts(date)) {
    if (part.type in { year: 1, month: 1, day: 1, hour: 1, minute: 1, second: 1 }) {
      parts[part.type as keyof ZonedParts] = part.value;
    }
  }
  return parts as ZonedParts;
}

/** The Jalali calendar day of an instant in the given zone, as `YYYY-MM-DD` (e.g. `1405-09-04`). */
export function jalaliDayKey(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const { year, month, day } = zonedParts(date, timeZone, 'persian');
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/** `1405-09-04 10:31:07`: the Jalali date and wall-clock time in the given zone. */
export function jalaliDateTime(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const p = zonedParts(date, timeZone, 'persian');
  return `${p.year.padStart(4, '0')}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** The zone's UTC offset at an instant, as `+03:30`. */
export function utcOffset(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const g = zonedParts(date, timeZone, 'gregory');
  const wallClockAsUtc = Date.UTC(
    Number(g.year),
    Number(g.month) - 1,
    Number(g.day),
    Number(g.hour),
    Number(g.minute),
    Number(g.second),
  );
  const offsetMinutes = Math.round(
    (wallClockAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000,
  );
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** ISO 8601 with the zone's offset and milliseconds: `2026-11-25T10:31:07.512+03:30`. */
export function isoWithOffset(date: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const g = zonedParts(date, timeZone, 'gregory');
  // Before 1970 the remainder is negative while Intl's seconds are floored: wrap it into 0..999.
  const ms = String(((date.getTime() % 1000) + 1000) % 1000).padStart(3, '0');
  return `${g.year}-${g.month}-${g.day}T${g.hour}:${g.minute}:${g.second}.${ms}${utcOffset(date, timeZone)}`;
}

const displayFormatters = new Map<string, Intl.DateTimeFormat>();

function displayFormatter(
  language: UiLanguage,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
) {
  const key = `${language}|${timeZone}|${JSON.stringify(options)}`;
  let formatter = displayFormatters.get(key);
  if (!formatter) {
    const locale =
      language === 'fa' ? 'fa-IR-u-ca-persian-nu-arabext' : 'en-GB-u-ca-persian-nu-latn';
    formatter = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    displayFormatters.set(key, formatter);
  }
  return formatter;
}

/** A Jalali date for people: `۴ آذر ۱۴۰۵` in Persian, `4 Azar 1405 AP` in English. */
export function formatJalaliDate(
  date: Date,
  language: UiLanguage,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  return displayFormatter(language, timeZone, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(date);
}

/** Wall-clock time in the zone, 24-hour, in the language's digits. */
export function formatClockTime(
  date: Date,
  language: UiLanguage,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  return displayFormatter(language, timeZone, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** Parses a Jalali `YYYY-MM-DD` or `YYYY/MM/DD` date (any digit script) into ASCII `YYYY-MM-DD`, or null when malformed or not in the calendar. */
export function normalizeJalaliDate(input: string): string | null {
  // Spreadsheets typed in Iran often hold dates in Persian or Arabic-Indic digits.
  const match = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/.exec(toAsciiDigits(input).trim());
  if (!match) return null;
  const [, year, , month, day] = match as unknown as [string, string, string, string, string];
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > (m <= 6 ? 31 : 30)) return null;
  // 30 Esfand exists only in leap years.
  if (m === 12 && d === 30 && jalaliMonthLength(y, 12) < 30) return null;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

const DAY_MS = 86_400_000;
// The bracket below starts within a few days of the answer; this many widenings covers any key.
const MAX_BRACKET_WIDENINGS = 64;

function assertDayKey(dayKey: string): void {
  if (normalizeJalaliDate(dayKey) !== dayKey)
    throw new RangeError(`Not a Jalali day key (YYYY-MM-DD): ${JSON.stringify(dayKey)}`);
}

/**
 * The first instant of the Jalali day `YYYY-MM-DD` in the zone: its 00:00:00.000, or the first
 * wall-clock time that exists when a clock change skips midnight. Found by binary search over
 * instants with `jalaliDayKey`, since day keys are fixed-width and order as strings.
 * Throws a RangeError for a malformed key or a day the calendar does not have (1405-12-30).
 */
export function jalaliDayStart(dayKey: string, timeZone: string = DEFAULT_TIME_ZONE): Date {
  assertDayKey(dayKey);
  const [year, month, day] = dayKey.split('-').map(Number) as [number, number, number];
  // Only a first guess (1 Farvardin 1349 ≈ 1970-03-21, months of about 30.5 days); the search decides.
  const guess = Math.round(
    ((year - 1349) * 365.2422 + 79 + (month - 1) * 30.5 + (day - 1)) * DAY_MS,
  );
  const keyAt = (ms: number) => jalaliDayKey(new Date(ms), timeZone);
  let low = guess - 2 * DAY_MS;
  let high = guess + 2 * DAY_MS;
  for (let widenings = 0; keyAt(low) >= dayKey || keyAt(high) < dayKey; widenings += 1) {
    if (widenings === MAX_BRACKET_WIDENINGS)
      throw new RangeError(`Jalali day out of range: ${dayKey}`);
    if (keyAt(low) >= dayKey) low -= 4 * DAY_MS;
    if (keyAt(high) < dayKey) high += 4 * DAY_MS;
  }
  // Invariant: keyAt(low) < dayKey <= keyAt(high).
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (keyAt(middle) < dayKey) low = middle;
    else high = middle;
  }
  const start = new Date(high);
  if (jalaliDayKey(start, timeZone) !== dayKey)
    throw new RangeError(`No such Jalali day: ${dayKey}`);
  return start;
}

/** The day key `days` days after (or before, when negative) `dayKey`: `1405-12-29` + 1 → `1406-01-01`. */
export function addJalaliDays(
  dayKey: string,
  days: number,
  timeZone: string = DEFAULT_TIME_ZONE,
): string {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  // Stepping whole 24 hours from midday lands inside the right day even when clock changes in
  // between have moved the wall clock by an hour or two.
  const midday = jalaliDayStart(dayKey, timeZone).getTime() + DAY_MS / 2;
  return jalaliDayKey(new Date(midday + days * DAY_MS), timeZone);
}

/** The day key of a Jalali year, month and day: `1405-09-04`. */
export function dayKeyOf(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The number of days (29, 30 or 31) in a Jalali month, e.g. Esfand 1403 (leap) → 30, Esfand 1404 → 29. */
export function jalaliMonthLength(year: number, month: number): number {
  if (
    !Number.isInteger(year) ||
    year < 1 ||
    year > 9999 ||
    !Number.isInteger(month) ||
    month < 1 ||
    month > 12
  ) {
    throw new RangeError(`Not a Jalali year and month: ${year}-${month}`);
  }
  // Calendar days only: UTC has no clock changes, so every day there is exactly DAY_MS long.
  const firstDay = jalaliDayStart(dayKeyOf(year, month, 1), 'UTC').getTime();
  for (const length of [31, 30]) {
    const last = jalaliDayKey(new Date(firstDay + (length - 1) * DAY_MS), 'UTC');
    if (last === dayKeyOf(year, month, length)) return length;
  }
  return 29;
}

/** The day of the week of a Jalali day, with the Iranian week: 0 = Saturday (شنبه) … 6 = Friday (جمعه). */
export function jalaliWeekday(dayKey: string): number {
  // A calendar date has one weekday whatever the zone; at 00:00 UTC, getUTCDay reads it exactly.
  const sundayFirst = jalaliDayStart(dayKey, 'UTC').getUTCDay();
  return (sundayFirst + 1) % 7;
}

/** The twelve Jalali month names, Farvardin first, as the language writes them. */
export function jalaliMonthNames(language: UiLanguage): string[] {
  const format = displayFormatter(language, 'UTC', { month: 'long' });
  // The 10th of each month, at noon UTC: safely inside the month whatever the year.
  return Array.from({ length: 12 }, (_, i) =>
    format.format(jalaliDayStart(`1405-${String(i + 1).padStart(2, '0')}-10`, 'UTC')),
  );
}

/** Weekday names, Saturday (the first day of the Iranian week) first. */
export function weekdayNames(language: UiLanguage, width: 'long' | 'narrow'): string[] {
  const format = displayFormatter(language, 'UTC', { weekday: width });
  // 1405-09-07 is a Saturday (jalaliWeekday gives 0).
  const saturday = jalaliDayStart('1405-09-07', 'UTC').getTime();
  return Array.from({ length: 7 }, (_, i) =>
    format.format(new Date(saturday + i * 86_400_000 + 43_200_000)),
  );
}
