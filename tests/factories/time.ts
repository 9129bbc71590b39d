// The instants tests stand at. FIXED_NOW is a Wednesday morning at the counter, Tehran time; a
// time that matters to a test (the last second of the day) is written as a wall-clock time on
// the same day, so every instant in the suite is counted from this one.

export const TEST_TIME_ZONE = 'Asia/Tehran';

/** Written as isoWithOffset writes an instant in TEST_TIME_ZONE. */
export const FIXED_NOW_ISO = '2026-11-25T10:31:07.512+03:30';
export const FIXED_NOW = new Date(FIXED_NOW_ISO);

/** FIXED_NOW's center day in TEST_TIME_ZONE: 4 Azar 1405. */
export const TEST_DAY_KEY = '1405-09-04';

const MS_PER_DAY = 86_400_000;
const TEST_DATE = FIXED_NOW_ISO.slice(0, 10);
const TEST_OFFSET = FIXED_NOW_ISO.slice(-6);

/** A wall-clock time (`23:59:59`) in Tehran on the test day, or `days` later (earlier if negative). */
export function onTestDay(time: string, days = 0): Date {
  const date = new Date(Date.parse(`${TEST_DATE}T00:00:00Z`) + days * MS_PER_DAY);
  return new Date(`${date.toISOString().slice(0, 10)}T${time}${TEST_OFFSET}`);
}

/** The instant `days` (and `extraMs`) before `from`, as a card's `updatedAt` holds it. */
export function daysBefore(days: number, extraMs = 0, from: Date = FIXED_NOW): string {
  return new Date(from.getTime() - days * MS_PER_DAY - extraMs).toISOString();
}
