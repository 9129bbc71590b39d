import { describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_WARN_MS,
  MAX_CLOCK_ROUND_TRIP_MS,
  clockWarning,
  estimateClockOffset,
  isClockEstimate,
  type ClockEstimate,
} from './clock-skew.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';

const REGISTRY_MS = FIXED_NOW.getTime();
const MINUTE_MS = 60_000;

/** The estimate from an answer read `offsetMs` off, with a round trip of `roundTripMs`. */
function answerWith(offsetMs: number, roundTripMs = 200): ClockEstimate | null {
  const sentAtMs = REGISTRY_MS + offsetMs - roundTripMs / 2;
  return estimateClockOffset(new Date(REGISTRY_MS).toISOString(), sentAtMs, sentAtMs + roundTripMs);
}

describe('estimateClockOffset', () => {
  it('reads the registry time against the middle of the request', () => {
    const sentAtMs = REGISTRY_MS + 5 * MINUTE_MS - 1_000;
    expect(
      estimateClockOffset(new Date(REGISTRY_MS).toISOString(), sentAtMs, sentAtMs + 2_000),
    ).toEqual({ offsetMs: 5 * MINUTE_MS, measuredAtMs: sentAtMs + 2_000 });
  });

  it('is negative for a tablet behind the registry', () => {
    expect(answerWith(-7 * MINUTE_MS)?.offsetMs).toBe(-7 * MINUTE_MS);
  });

  it(`judges a round trip of ${MAX_CLOCK_ROUND_TRIP_MS} ms, and ignores a longer one`, () => {
    expect(answerWith(MINUTE_MS, MAX_CLOCK_ROUND_TRIP_MS)?.offsetMs).toBe(MINUTE_MS);
    expect(answerWith(MINUTE_MS, MAX_CLOCK_ROUND_TRIP_MS + 1)).toBeNull();
  });

  it('ignores a round trip that ends before it began (the tablet clock stepped meanwhile)', () => {
    expect(estimateClockOffset(FIXED_NOW.toISOString(), REGISTRY_MS, REGISTRY_MS - 1)).toBeNull();
  });

  it.each([
    ['no serverTime', undefined],
    ['a number', REGISTRY_MS],
    ['not a date', 'tomorrow at noon'],
    ['a date without a time', '2026-12-01'],
    ['a time not in UTC', '2026-12-01T10:00:00+03:30'],
    ['a calendar date that does not exist', '2026-13-45T99:00:00Z'],
    ['a year before 2020', '1970-01-01T00:00:00.000Z'],
    ['a year from 2100 on', '2100-01-01T00:00:00.000Z'],
    ['a huge text', `${'9'.repeat(10_000)}-01-01T00:00:00Z`],
  ])('ignores %s', (_label, serverTime) => {
    expect(estimateClockOffset(serverTime, REGISTRY_MS, REGISTRY_MS + 100)).toBeNull();
  });
});

describe('clockWarning', () => {
  it.each([
    ['exactly on time', 0, null],
    ['2 minutes fast', CLOCK_SKEW_WARN_MS, null],
    ['2 minutes slow', -CLOCK_SKEW_WARN_MS, null],
    ['just over 2 minutes fast', CLOCK_SKEW_WARN_MS + 1_000, { direction: 'fast', minutes: 3 }],
    ['just over 2 minutes slow', -CLOCK_SKEW_WARN_MS - 1_000, { direction: 'slow', minutes: 3 }],
    ['10 minutes fast', 10 * MINUTE_MS, { direction: 'fast', minutes: 10 }],
    ['a day slow', -24 * 60 * MINUTE_MS, { direction: 'slow', minutes: 1440 }],
  ])('%s → %j', (_label, offsetMs, expected) => {
    expect(clockWarning({ offsetMs, measuredAtMs: REGISTRY_MS })).toEqual(expected);
  });

  it('warns on nothing without an estimate', () => {
    expect(clockWarning(null)).toBeNull();
  });

  it('follows the latest estimate: a later answer from a fixed clock clears the warning', () => {
    const skewed = answerWith(10 * MINUTE_MS);
    const fixed = answerWith(4_000);
    expect(clockWarning(skewed)).not.toBeNull();
    expect(clockWarning(fixed)).toBeNull();
  });

  it('keeps warning on an old estimate: a clock does not fix itself while offline', () => {
    const weekOld = {
      offsetMs: 10 * MINUTE_MS,
      measuredAtMs: REGISTRY_MS - 7 * 24 * 60 * MINUTE_MS,
    };
    expect(clockWarning(weekOld)).toEqual({ direction: 'fast', minutes: 10 });
  });
});

describe('isClockEstimate', () => {
  it.each([
    [{ offsetMs: 1, measuredAtMs: 2 }, true],
    [{ offsetMs: Number.NaN, measuredAtMs: 2 }, false],
    [{ offsetMs: '1', measuredAtMs: 2 }, false],
    [null, false],
    ['estimate', false],
  ])('%j → %s', (value, expected) => {
    expect(isClockEstimate(value)).toBe(expected);
  });
});
