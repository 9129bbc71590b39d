import { describe, expect, it } from 'vitest';
import {
  FIRST_LOCKOUT_MS,
  LOCKOUT_AFTER_FAILURES,
  MAX_LOCKOUT_MS,
  NO_ATTEMPTS,
  afterRightPin,
  afterWrongPin,
  lockRemainingMs,
  lockoutLengthMs,
  type PinAttempts,
} from './pin-lockout.ts';
import { FakeClock } from '../../tests/factories/fake-clock.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';

function wrong(times: number, attempts: PinAttempts, clock: FakeClock): PinAttempts {
  let next = attempts;
  for (let i = 0; i < times; i++) next = afterWrongPin(next, clock.now());
  return next;
}

describe('the lockout schedule', () => {
  it('locks after five wrong PINs in a row, for 1, 2, 4 … minutes, at most an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(lockoutLengthMs)).toEqual([
      60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
    expect(lockoutLengthMs(40)).toBe(MAX_LOCKOUT_MS);
  });

  it('counts four wrong PINs without locking, and the fifth locks with a countdown', () => {
    const clock = new FakeClock(FIXED_NOW.getTime());
    let attempts = wrong(LOCKOUT_AFTER_FAILURES - 1, NO_ATTEMPTS, clock);
    expect(lockRemainingMs(attempts, clock.now())).toBe(0);
    expect(attempts.failures).toBe(4);
    attempts = afterWrongPin(attempts, clock.now());
    expect(lockRemainingMs(attempts, clock.now())).toBe(FIRST_LOCKOUT_MS);
    clock.advance(20_000);
    expect(lockRemainingMs(attempts, clock.now())).toBe(40_000);
    // Typed during the lockout: neither checked nor counted.
    expect(afterWrongPin(attempts, clock.now())).toBe(attempts);
    clock.advance(40_000);
    expect(lockRemainingMs(attempts, clock.now())).toBe(0);
  });

  it('doubles the next lockout until a right PIN, which starts over', () => {
    const clock = new FakeClock(FIXED_NOW.getTime());
    let attempts = wrong(5, NO_ATTEMPTS, clock);
    clock.advance(FIRST_LOCKOUT_MS);
    attempts = wrong(5, attempts, clock);
    expect(lockRemainingMs(attempts, clock.now())).toBe(2 * FIRST_LOCKOUT_MS);
    clock.advance(2 * FIRST_LOCKOUT_MS);
    attempts = wrong(2, attempts, clock);
    attempts = afterRightPin();
    expect(attempts).toEqual(NO_ATTEMPTS);
    attempts = wrong(5, attempts, clock);
    expect(lockRemainingMs(attempts, clock.now())).toBe(FIRST_LOCKOUT_MS);
  });

  it('a clock set back never makes the wait longer than the lockout', () => {
    const clock = new FakeClock(FIXED_NOW.getTime());
    const attempts = wrong(5, NO_ATTEMPTS, clock);
    expect(lockRemainingMs(attempts, clock.now() - 3_600_000)).toBe(FIRST_LOCKOUT_MS);
  });
});
