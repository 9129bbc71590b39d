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
  const offsetMinutes = Math.round((wallClockAsUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
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

function displayFormatter(language: UiLanguage, timeZone: string, options: Intl.DateTimeFormatOptions) {
  const key = `${language}|${timeZone}|${JSON.stringify(options)}`;
  let formatter = displayFormatters.get(key);
  if (!formatter) {
    const locale = language === 'fa' ? 'fa-IR-u-ca-persian-nu-arabext' : 'en-GB-u-ca-persian-nu-latn';
    formatter = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    displayFormatters.set(key, formatter);
  }
  return formatter;
}

/** A Jalali date for people: `۴ آذر ۱۴۰۵` in Persian, `4 Azar 1405 AP` in English. */
export function formatJalaliDate(date: Date, language: UiLanguage, timeZone: string = DEFAULT_TIME_ZONE): string {
  return displayFormatter(language, timeZone, { day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** Wall-clock time in the zone, 24-hour, in the language's digits. */
export function formatClockTime(date: Date, language: UiLanguage, timeZone: string = DEFAULT_TIME_ZONE): string {
  return displayFormatter(language, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

/** Parses a Jalali `YYYY-MM-DD` or `YYYY/MM/DD` date (any digit script) into ASCII `YYYY-MM-DD`, or null when malformed. */
export function normalizeJalaliDate(input: string): string | null {
  // Spreadsheets typed in Iran often hold dates in Persian or Arabic-Indic digits.
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(toAsciiDigits(input).trim());
  if (!match) return null;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > (m <= 6 ? 31 : 30)) return null;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}
