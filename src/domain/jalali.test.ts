import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIME_ZONE,
  formatClockTime,
  formatJalaliDate,
  isoWithOffset,
  jalaliDateTime,
  jalaliDayKey,
  normalizeJalaliDate,
  utcOffset,
} from './jalali.ts';

// Every instant is written with an explicit offset, and every call names or defaults to a zone,
// so nothing here depends on the machine's TZ.
//
// Expected Jalali days were worked out independently of Intl:
// - 1405-01-01 (Nowruz) is 2026-03-21: the March equinox of 2026 falls at 14:46 UTC, 18:16 in
//   Tehran, after noon, so the year begins the next day. 1404 began on 2025-03-21, 365 days
//   earlier, so 1404 is a common year and its last day is 1404-12-29 = 2026-03-20.
// - 1403 began on 2024-03-20 and 1404 on 2025-03-21, 366 days later: 1403-12-30 = 2025-03-20.
// - Months 1–6 have 31 days and 7–8 have 30: 1405-09-01 is 186 + 60 = 246 days after
//   2026-03-21, i.e. 2026-11-22, so 2026-11-25 is 1405-09-04 (Azar, the ninth month).
const HANDOVER = new Date('2026-11-25T10:31:07.512+03:30');

describe('jalaliDayKey', () => {
  it.each([
    ['last second of 4 Azar, Tehran offset', '2026-11-25T23:59:59+03:30', '1405-09-04'],
    ['last millisecond of 4 Azar, Tehran offset', '2026-11-25T23:59:59.999+03:30', '1405-09-04'],
    ['Tehran midnight, Tehran offset', '2026-11-26T00:00:00+03:30', '1405-09-05'],
    ['last second of 4 Azar, written in UTC', '2026-11-25T20:29:59Z', '1405-09-04'],
    ['Tehran midnight, written in UTC', '2026-11-25T20:30:00Z', '1405-09-05'],
    ['first second of 4 Azar in Tehran', '2026-11-25T00:00:00+03:30', '1405-09-04'],
    ['last second of 3 Azar in Tehran', '2026-11-24T23:59:59+03:30', '1405-09-03'],
    ['last second of 1404, Tehran offset', '2026-03-20T23:59:59+03:30', '1404-12-29'],
    ['Nowruz 1405 midnight, Tehran offset', '2026-03-21T00:00:00+03:30', '1405-01-01'],
    ['last second of 1404, written in UTC', '2026-03-20T20:29:59Z', '1404-12-29'],
    ['Nowruz 1405 midnight, written in UTC', '2026-03-20T20:30:00Z', '1405-01-01'],
    ['30 Esfand of leap year 1403', '2025-03-20T12:00:00+03:30', '1403-12-30'],
    ['Nowruz 1404', '2025-03-21T00:00:00+03:30', '1404-01-01'],
    ['31 Shahrivar, last 31-day month', '2026-09-22T12:00:00+03:30', '1405-06-31'],
    ['1 Mehr', '2026-09-23T12:00:00+03:30', '1405-07-01'],
  ])('%s: %s → %s', (_name, instant, key) => {
    expect(jalaliDayKey(new Date(instant), 'Asia/Tehran')).toBe(key);
  });

  it.each([
    // Same instant, two zones: Tehran has passed midnight, the other zone has not (or has).
    ['2026-11-25T20:30:00Z', 'Asia/Tehran', '1405-09-05'],
    ['2026-11-25T20:30:00Z', 'UTC', '1405-09-04'],
    ['2026-03-20T20:30:00Z', 'Asia/Tehran', '1405-01-01'],
    ['2026-03-20T20:30:00Z', 'UTC', '1404-12-29'],
    ['2026-11-25T15:00:00Z', 'Asia/Tehran', '1405-09-04'],
    ['2026-11-25T15:00:00Z', 'Asia/Tokyo', '1405-09-05'],
    ['2026-11-26T02:00:00Z', 'Asia/Tehran', '1405-09-05'],
    ['2026-11-26T02:00:00Z', 'America/New_York', '1405-09-04'],
  ])('%s in %s → %s', (instant, zone, key) => {
    expect(jalaliDayKey(new Date(instant), zone)).toBe(key);
  });

  it('defaults to Asia/Tehran', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Tehran');
    // 20:30 UTC is already the next day in Tehran, whatever zone this machine runs in.
    expect(jalaliDayKey(new Date('2026-11-25T20:30:00Z'))).toBe('1405-09-05');
  });
});

describe('jalaliDateTime', () => {
  it.each([
    ['the handover instant', '2026-11-25T10:31:07.512+03:30', 'Asia/Tehran', '1405-09-04 10:31:07'],
    ['Tehran midnight is 00, not 24', '2026-11-25T20:30:00Z', 'Asia/Tehran', '1405-09-05 00:00:00'],
    ['one second before', '2026-11-25T20:29:59Z', 'Asia/Tehran', '1405-09-04 23:59:59'],
    ['the handover instant in UTC', '2026-11-25T10:31:07.512+03:30', 'UTC', '1405-09-04 07:01:07'],
    ['Nowruz midnight', '2026-03-21T00:00:00+03:30', 'Asia/Tehran', '1405-01-01 00:00:00'],
  ])('%s', (_name, instant, zone, expected) => {
    expect(jalaliDateTime(new Date(instant), zone)).toBe(expected);
  });

  it('defaults to Asia/Tehran', () => {
    expect(jalaliDateTime(HANDOVER)).toBe('1405-09-04 10:31:07');
  });
});

describe('utcOffset', () => {
  it.each([
    ['Tehran in autumn 2026', '2026-11-25T10:31:07+03:30', 'Asia/Tehran', '+03:30'],
    ['Tehran in summer 2026 (no DST since 2022)', '2026-06-01T12:00:00Z', 'Asia/Tehran', '+03:30'],
    ['Tehran in summer 2021 (DST)', '2021-06-01T12:00:00Z', 'Asia/Tehran', '+04:30'],
    ['UTC', '2026-11-25T10:31:07Z', 'UTC', '+00:00'],
    ['New York in winter', '2026-11-25T12:00:00Z', 'America/New_York', '-05:00'],
    ['New York in summer', '2026-07-01T12:00:00Z', 'America/New_York', '-04:00'],
    ["St John's, negative half hour", '2026-11-25T12:00:00Z', 'America/St_Johns', '-03:30'],
    ['Kathmandu, quarter hour', '2026-11-25T12:00:00Z', 'Asia/Kathmandu', '+05:45'],
    ['sub-second instant', '2026-11-25T10:31:07.999+03:30', 'Asia/Tehran', '+03:30'],
  ])('%s → %s', (_name, instant, zone, expected) => {
    expect(utcOffset(new Date(instant), zone)).toBe(expected);
  });

  it('defaults to Asia/Tehran', () => {
    expect(utcOffset(new Date('2026-11-25T12:00:00Z'))).toBe('+03:30');
  });
});

describe('isoWithOffset', () => {
  it.each([
    ['the handover in Tehran', '2026-11-25T10:31:07.512+03:30', 'Asia/Tehran', '2026-11-25T10:31:07.512+03:30'],
    ['the handover in UTC', '2026-11-25T10:31:07.512+03:30', 'UTC', '2026-11-25T07:01:07.512+00:00'],
    ['the handover in New York', '2026-11-25T10:31:07.512+03:30', 'America/New_York', '2026-11-25T02:01:07.512-05:00'],
    ['summer time in Berlin', '2026-07-01T12:00:00Z', 'Europe/Berlin', '2026-07-01T14:00:00.000+02:00'],
    ['whole second keeps .000', '2026-11-25T10:31:07+03:30', 'Asia/Tehran', '2026-11-25T10:31:07.000+03:30'],
    ['one millisecond', '2026-11-25T10:31:07.001+03:30', 'Asia/Tehran', '2026-11-25T10:31:07.001+03:30'],
    ['Tehran midnight crosses the Gregorian day too', '2026-11-25T20:30:00Z', 'Asia/Tehran', '2026-11-26T00:00:00.000+03:30'],
    ['before 1970, milliseconds', '1950-01-01T00:00:00.250Z', 'UTC', '1950-01-01T00:00:00.250+00:00'],
    ['one millisecond before the epoch', '1969-12-31T23:59:59.999Z', 'UTC', '1969-12-31T23:59:59.999+00:00'],
  ])('%s', (_name, instant, zone, expected) => {
    expect(isoWithOffset(new Date(instant), zone)).toBe(expected);
  });

  it('defaults to Asia/Tehran', () => {
    expect(isoWithOffset(HANDOVER)).toBe('2026-11-25T10:31:07.512+03:30');
  });

  it.each(['Asia/Tehran', 'UTC', 'America/St_Johns', 'Asia/Kathmandu'])('parses back to the same instant in %s', (zone) => {
    expect(new Date(isoWithOffset(HANDOVER, zone)).getTime()).toBe(HANDOVER.getTime());
  });
});

describe('formatJalaliDate', () => {
  it.each([
    ['Persian: Persian digits and the month آذر', 'fa', '2026-11-25T10:31:07+03:30', 'Asia/Tehran', '۴ آذر ۱۴۰۵'],
    ['English: Latin digits and Azar', 'en', '2026-11-25T10:31:07+03:30', 'Asia/Tehran', '4 Azar 1405 AP'],
    ['Persian Nowruz', 'fa', '2026-03-21T00:00:00+03:30', 'Asia/Tehran', '۱ فروردین ۱۴۰۵'],
    ['English Nowruz', 'en', '2026-03-21T00:00:00+03:30', 'Asia/Tehran', '1 Farvardin 1405 AP'],
    ['Persian, after Tehran midnight', 'fa', '2026-11-25T20:30:00Z', 'Asia/Tehran', '۵ آذر ۱۴۰۵'],
    ['Persian, same instant in UTC', 'fa', '2026-11-25T20:30:00Z', 'UTC', '۴ آذر ۱۴۰۵'],
  ] as const)('%s', (_name, language, instant, zone, expected) => {
    expect(formatJalaliDate(new Date(instant), language, zone)).toBe(expected);
  });

  it('writes no ASCII digits in Persian', () => {
    expect(formatJalaliDate(HANDOVER, 'fa')).not.toMatch(/[0-9]/);
  });

  it('defaults to Asia/Tehran', () => {
    expect(formatJalaliDate(new Date('2026-11-25T20:30:00Z'), 'en')).toBe('5 Azar 1405 AP');
  });
});

describe('formatClockTime', () => {
  it.each([
    ['Persian digits', 'fa', '2026-11-25T10:31:07+03:30', 'Asia/Tehran', '۱۰:۳۱'],
    ['Latin digits', 'en', '2026-11-25T10:31:07+03:30', 'Asia/Tehran', '10:31'],
    ['24-hour afternoon', 'en', '2026-11-25T17:05:00+03:30', 'Asia/Tehran', '17:05'],
    ['midnight is 00:00', 'en', '2026-11-25T20:30:00Z', 'Asia/Tehran', '00:00'],
    ['midnight in Persian', 'fa', '2026-11-25T20:30:00Z', 'Asia/Tehran', '۰۰:۰۰'],
    ['other zone', 'en', '2026-11-25T10:31:07+03:30', 'UTC', '07:01'],
  ] as const)('%s', (_name, language, instant, zone, expected) => {
    expect(formatClockTime(new Date(instant), language, zone)).toBe(expected);
  });

  it('defaults to Asia/Tehran', () => {
    expect(formatClockTime(new Date('2026-11-25T07:01:07Z'), 'en')).toBe('10:31');
  });
});

describe('normalizeJalaliDate', () => {
  it.each([
    ['slashes, one-digit month and day', '1368/4/21', '1368-04-21'],
    ['dashes, already normal', '1368-04-21', '1368-04-21'],
    ['slashes, two-digit', '1368/04/21', '1368-04-21'],
    ['dashes, one-digit month and day', '1368-4-1', '1368-04-01'],
    ['surrounding spaces', '  1368/04/21 ', '1368-04-21'],
    ['Persian digits', '۱۳۶۸/۴/۲۱', '1368-04-21'],
    ['Arabic-Indic digits', '١٣٦٨-٠٤-٢١', '1368-04-21'],
    ['day 31 in month 1', '1405-01-31', '1405-01-31'],
    ['day 31 in month 6', '1405-06-31', '1405-06-31'],
    ['day 30 in month 7', '1405-07-30', '1405-07-30'],
    ['day 30 in month 12', '1403-12-30', '1403-12-30'],
  ])('accepts %s: %j → %s', (_name, input, expected) => {
    expect(normalizeJalaliDate(input)).toBe(expected);
  });

  it.each([
    ['month 13', '1368-13-01'],
    ['month 0', '1368-00-10'],
    ['day 0', '1368-01-00'],
    ['day 32 in month 1', '1368-01-32'],
    ['day 31 in month 7', '1368-07-31'],
    ['day 31 in month 9', '1368/9/31'],
    ['day 31 in month 12', '1368-12-31'],
    ['empty', ''],
    ['garbage', 'garbage'],
    ['Persian words', 'بیست و یکم تیر'],
    ['missing day', '1368-04'],
    ['two-digit year', '68-04-21'],
    ['five-digit year', '13680-04-21'],
    ['three-digit month', '1368-004-21'],
    ['trailing text', '1368-04-21x'],
    ['dots as separators', '1368.04.21'],
    ['no separators', '13680421'],
    ['ISO date-time', '1368-04-21T10:00'],
    ['negative month', '1368--4-21'],
  ])('rejects %s: %j', (_name, input) => {
    expect(normalizeJalaliDate(input)).toBeNull();
  });
});
