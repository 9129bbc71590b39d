import { describe, expect, it } from 'vitest';
import {
  addJalaliDays,
  DEFAULT_TIME_ZONE,
  formatClockTime,
  formatJalaliDate,
  isoWithOffset,
  jalaliDateTime,
  jalaliDayKey,
  jalaliDayStart,
  jalaliMonthLength,
  jalaliMonthNames,
  jalaliWeekday,
  normalizeJalaliDate,
  utcOffset,
  weekdayNames,
} from './jalali.ts';
import { FIXED_NOW, FIXED_NOW_ISO } from '../../tests/factories/time.ts';

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
// - 1406 begins on 2027-03-21 (equinox 2027-03-20 20:25 UTC, after Tehran noon), 365 days after
//   1405 began: 1405 is a common year and 1405-12-29 = 2027-03-20.
// - 1408 begins on 2029-03-20 and 1409 on 2030-03-21 (equinoxes 08:02 and 13:52 UTC, before and
//   after Tehran noon): 1408 has 366 days, so Esfand 1408 has 30.
// - Weekdays from the Gregorian dates: 2026-01-01 is a Thursday, so 2026-03-20 (day 79) is a
//   Friday, 2026-11-22 (day 326) a Sunday and 2026-11-25 a Wednesday; 2025-03-20 is a Thursday
//   and 2027-03-20 a Saturday.

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
    expect(jalaliDateTime(FIXED_NOW)).toBe('1405-09-04 10:31:07');
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
    [
      'the handover in Tehran',
      '2026-11-25T10:31:07.512+03:30',
      'Asia/Tehran',
      '2026-11-25T10:31:07.512+03:30',
    ],
    [
      'the handover in UTC',
      '2026-11-25T10:31:07.512+03:30',
      'UTC',
      '2026-11-25T07:01:07.512+00:00',
    ],
    [
      'the handover in New York',
      '2026-11-25T10:31:07.512+03:30',
      'America/New_York',
      '2026-11-25T02:01:07.512-05:00',
    ],
    [
      'summer time in Berlin',
      '2026-07-01T12:00:00Z',
      'Europe/Berlin',
      '2026-07-01T14:00:00.000+02:00',
    ],
    [
      'whole second keeps .000',
      '2026-11-25T10:31:07+03:30',
      'Asia/Tehran',
      '2026-11-25T10:31:07.000+03:30',
    ],
    [
      'one millisecond',
      '2026-11-25T10:31:07.001+03:30',
      'Asia/Tehran',
      '2026-11-25T10:31:07.001+03:30',
    ],
    [
      'Tehran midnight crosses the Gregorian day too',
      '2026-11-25T20:30:00Z',
      'Asia/Tehran',
      '2026-11-26T00:00:00.000+03:30',
    ],
    [
      'before 1970, milliseconds',
      '1950-01-01T00:00:00.250Z',
      'UTC',
      '1950-01-01T00:00:00.250+00:00',
    ],
    [
      'one millisecond before the epoch',
      '1969-12-31T23:59:59.999Z',
      'UTC',
      '1969-12-31T23:59:59.999+00:00',
    ],
  ])('%s', (_name, instant, zone, expected) => {
    expect(isoWithOffset(new Date(instant), zone)).toBe(expected);
  });

  it('defaults to Asia/Tehran', () => {
    expect(isoWithOffset(FIXED_NOW)).toBe(FIXED_NOW_ISO);
  });

  it.each(['Asia/Tehran', 'UTC', 'America/St_Johns', 'Asia/Kathmandu'])(
    'parses back to the same instant in %s',
    (zone) => {
      expect(new Date(isoWithOffset(FIXED_NOW, zone)).getTime()).toBe(FIXED_NOW.getTime());
    },
  );
});

describe('formatJalaliDate', () => {
  it.each([
    [
      'Persian: Persian digits and the month آذر',
      'fa',
      '2026-11-25T10:31:07+03:30',
      'Asia/Tehran',
      '۴ آذر ۱۴۰۵',
    ],
    [
      'English: Latin digits and Azar',
      'en',
      '2026-11-25T10:31:07+03:30',
      'Asia/Tehran',
      '4 Azar 1405 AP',
    ],
    ['Persian Nowruz', 'fa', '2026-03-21T00:00:00+03:30', 'Asia/Tehran', '۱ فروردین ۱۴۰۵'],
    ['English Nowruz', 'en', '2026-03-21T00:00:00+03:30', 'Asia/Tehran', '1 Farvardin 1405 AP'],
    ['Persian, after Tehran midnight', 'fa', '2026-11-25T20:30:00Z', 'Asia/Tehran', '۵ آذر ۱۴۰۵'],
    ['Persian, same instant in UTC', 'fa', '2026-11-25T20:30:00Z', 'UTC', '۴ آذر ۱۴۰۵'],
  ] as const)('%s', (_name, language, instant, zone, expected) => {
    expect(formatJalaliDate(new Date(instant), language, zone)).toBe(expected);
  });

  it('writes no ASCII digits in Persian', () => {
    expect(formatJalaliDate(FIXED_NOW, 'fa')).not.toMatch(/[0-9]/);
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
    ['mixed separators', '1370-01/05'],
    ['30 Esfand of a common year', '1404-12-30'],
    ['year 0', '0000-01-01'],
  ])('rejects %s: %j', (_name, input) => {
    expect(normalizeJalaliDate(input)).toBeNull();
  });
});

describe('jalaliDayStart', () => {
  it.each([
    ['4 Azar 1405 in Tehran', '1405-09-04', 'Asia/Tehran', '2026-11-24T20:30:00.000Z'],
    ['Nowruz 1405 in Tehran', '1405-01-01', 'Asia/Tehran', '2026-03-20T20:30:00.000Z'],
    ['last day of common year 1404', '1404-12-29', 'Asia/Tehran', '2026-03-19T20:30:00.000Z'],
    ['30 Esfand of leap year 1403', '1403-12-30', 'Asia/Tehran', '2025-03-19T20:30:00.000Z'],
    ['Nowruz 1404', '1404-01-01', 'Asia/Tehran', '2025-03-20T20:30:00.000Z'],
    ['31 Shahrivar 1405', '1405-06-31', 'Asia/Tehran', '2026-09-21T20:30:00.000Z'],
    ['4 Azar 1405 in UTC', '1405-09-04', 'UTC', '2026-11-25T00:00:00.000Z'],
    ['Nowruz 1405 in UTC', '1405-01-01', 'UTC', '2026-03-21T00:00:00.000Z'],
    ['4 Azar 1405 in New York', '1405-09-04', 'America/New_York', '2026-11-25T05:00:00.000Z'],
    ['4 Azar 1405 in Kathmandu', '1405-09-04', 'Asia/Kathmandu', '2026-11-24T18:15:00.000Z'],
    // Tehran kept summer time until 2022: on 2 Farvardin 1400 clocks jumped from 00:00 to 01:00,
    // so that day began at 01:00 +04:30, the instant 1 Farvardin ended.
    ['a day whose midnight was skipped', '1400-01-02', 'Asia/Tehran', '2021-03-21T20:30:00.000Z'],
    // On 30 Shahrivar 1400 the hour 23:00–24:00 ran twice (+04:30, then +03:30).
    ['the day after a 25-hour day', '1400-06-31', 'Asia/Tehran', '2021-09-21T20:30:00.000Z'],
  ])('%s: %s in %s starts at %s', (_name, key, zone, iso) => {
    expect(jalaliDayStart(key, zone).toISOString()).toBe(iso);
  });

  it.each([
    ['1405-09-04', 'Asia/Tehran', '1405-09-03'],
    ['1405-01-01', 'Asia/Tehran', '1404-12-29'],
    ['1404-01-01', 'Asia/Tehran', '1403-12-30'],
    ['1405-09-04', 'UTC', '1405-09-03'],
    ['1400-01-02', 'Asia/Tehran', '1400-01-01'],
  ])('one millisecond before %s in %s is still %s', (key, zone, previous) => {
    const start = jalaliDayStart(key, zone);
    expect(jalaliDayKey(start, zone)).toBe(key);
    expect(jalaliDayKey(new Date(start.getTime() - 1), zone)).toBe(previous);
  });

  it('defaults to Asia/Tehran', () => {
    expect(jalaliDayStart('1405-09-04').toISOString()).toBe('2026-11-24T20:30:00.000Z');
  });

  it.each([
    ['slashes', '1405/09/04'],
    ['one-digit month', '1405-9-04'],
    ['Persian digits', '۱۴۰۵-۰۹-۰۴'],
    ['surrounding space', ' 1405-09-04'],
    ['month 13', '1405-13-01'],
    ['day 31 in Mehr', '1405-07-31'],
    ['empty', ''],
    ['an ISO date-time', '1405-09-04T00:00'],
  ])('rejects a malformed key: %s', (_name, key) => {
    expect(() => jalaliDayStart(key)).toThrow(RangeError);
  });

  it.each([
    ['30 Esfand of common year 1405', '1405-12-30'],
    ['30 Esfand of common year 1404', '1404-12-30'],
  ])('rejects a day the calendar does not have: %s', (_name, key) => {
    expect(() => jalaliDayStart(key)).toThrow(RangeError);
  });
});

describe('addJalaliDays', () => {
  it.each([
    ['across Nowruz after a common year', '1405-12-29', 1, '1406-01-01'],
    ['back across Nowruz into a common year', '1405-01-01', -1, '1404-12-29'],
    ['back across Nowruz into a leap year', '1404-01-01', -1, '1403-12-30'],
    ['onto 30 Esfand of a leap year', '1403-12-29', 1, '1403-12-30'],
    ['off 30 Esfand of a leap year', '1403-12-30', 1, '1404-01-01'],
    ['from a 31-day month', '1405-06-31', 1, '1405-07-01'],
    ['back into a 31-day month', '1405-07-01', -1, '1405-06-31'],
    ['from a 30-day month', '1405-07-30', 1, '1405-08-01'],
    ['zero days', '1405-09-04', 0, '1405-09-04'],
    ['a week', '1405-09-04', 7, '1405-09-11'],
    ['a common year', '1405-01-01', 365, '1406-01-01'],
    ['a leap year', '1403-01-01', 366, '1404-01-01'],
    ['a leap year backwards', '1404-01-01', -366, '1403-01-01'],
    ['over the skipped midnight of 2 Farvardin 1400', '1400-01-01', 1, '1400-01-02'],
    ['over the 25-hour 30 Shahrivar 1400', '1400-06-30', 1, '1400-06-31'],
    // 1399 is a leap year: 6 days to Nowruz 1400, then 186 through Shahrivar, then 8 into Mehr.
    ['through a whole season of Tehran summer time', '1399-12-25', 200, '1400-07-09'],
  ])('%s: %s plus %d → %s', (_name, key, days, expected) => {
    expect(addJalaliDays(key, days, 'Asia/Tehran')).toBe(expected);
  });

  it.each(['UTC', 'America/New_York', 'Australia/Lord_Howe'])(
    'gives the same calendar days in %s',
    (zone) => {
      expect(addJalaliDays('1405-12-29', 1, zone)).toBe('1406-01-01');
      expect(addJalaliDays('1404-01-01', -1, zone)).toBe('1403-12-30');
      expect(addJalaliDays('1405-01-01', 365, zone)).toBe('1406-01-01');
    },
  );

  it('defaults to Asia/Tehran', () => {
    expect(addJalaliDays('1405-12-29', 1)).toBe('1406-01-01');
  });

  it.each([
    ['a malformed key', '1405/12/29', 1],
    ['a day the calendar does not have', '1405-12-30', 1],
    ['a fraction of a day', '1405-12-29', 0.5],
    ['NaN days', '1405-12-29', Number.NaN],
  ])('rejects %s', (_name, key, days) => {
    expect(() => addJalaliDays(key, days)).toThrow(RangeError);
  });
});

describe('jalaliMonthLength', () => {
  it.each([
    ['Farvardin', 1405, 1, 31],
    ['Shahrivar, the last 31-day month', 1405, 6, 31],
    ['Mehr, the first 30-day month', 1405, 7, 30],
    ['Azar', 1405, 9, 30],
    ['Bahman', 1405, 11, 30],
    ['Esfand of leap year 1403', 1403, 12, 30],
    ['Esfand of common year 1404', 1404, 12, 29],
    ['Esfand of common year 1405', 1405, 12, 29],
    ['Esfand of leap year 1408', 1408, 12, 30],
  ])('%s: %d-%d has %d days', (_name, year, month, length) => {
    expect(jalaliMonthLength(year, month)).toBe(length);
  });

  it.each([
    ['month 0', 1405, 0],
    ['month 13', 1405, 13],
    ['a fractional month', 1405, 1.5],
    ['year 0', 0, 1],
    ['a five-digit year', 10000, 1],
  ])('rejects %s', (_name, year, month) => {
    expect(() => jalaliMonthLength(year, month)).toThrow(RangeError);
  });
});

describe('jalaliWeekday', () => {
  it.each([
    ['1405-12-29 (2027-03-20), a Saturday', '1405-12-29', 0],
    ['1405-09-01 (2026-11-22), a Sunday', '1405-09-01', 1],
    ['1405-09-04 (2026-11-25), a Wednesday', '1405-09-04', 4],
    ['1403-12-30 (2025-03-20), a Thursday', '1403-12-30', 5],
    ['1404-12-29 (2026-03-20), a Friday', '1404-12-29', 6],
    ['Nowruz 1405 (2026-03-21), a Saturday', '1405-01-01', 0],
  ])('%s: %s → %d', (_name, key, weekday) => {
    expect(jalaliWeekday(key)).toBe(weekday);
  });

  it('rejects a malformed key', () => {
    expect(() => jalaliWeekday('1405-9-1')).toThrow(RangeError);
  });
});

describe('calendar names', () => {
  it('names the Jalali months in each language, Farvardin first', () => {
    expect(jalaliMonthNames('fa')[0]).toBe('فروردین');
    expect(jalaliMonthNames('fa')[8]).toBe('آذر');
    expect(jalaliMonthNames('en')[0]).toBe('Farvardin');
    expect(jalaliMonthNames('en')[11]).toBe('Esfand');
  });

  it('names the weekdays Saturday first', () => {
    expect(weekdayNames('fa', 'long')).toEqual([
      'شنبه',
      'یکشنبه',
      'دوشنبه',
      'سه‌شنبه',
      'چهارشنبه',
      'پنجشنبه',
      'جمعه',
    ]);
    expect(weekdayNames('en', 'long')[0]).toBe('Saturday');
    expect(weekdayNames('en', 'long')[6]).toBe('Friday');
  });
});

it('weekdayNames starts from a day jalaliWeekday calls Saturday', () => {
  expect(jalaliWeekday('1405-09-07')).toBe(0);
});
