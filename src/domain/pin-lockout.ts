// Wrong PINs on this tablet, per staff member (issue 12): after LOCKOUT_AFTER_FAILURES in a row
// the staff member is locked out on this tablet for a while, longer each time, up to an hour.
// Pure: the clock is passed in, so a fake one drives every test. Must stay true: a right PIN
// outside a lockout starts over; a PIN typed during a lockout is neither checked nor counted;
// a clock set back never lengthens a lockout beyond its length.

export const LOCKOUT_AFTER_FAILURES = 5;
export const FIRST_LOCKOUT_MS = 60_000;
export const MAX_LOCKOUT_MS = 60 * 60_000;

export interface PinAttempts {
  /** Wrong PINs since the last right one or the last lockout. */
  failures: number;
  /** Lockouts so far without a right PIN between them: the next is twice as long. */
  lockouts: number;
  /** When the current lockout began, and how long it lasts; null when none. */
  lockedAtMs: number | null;
  lockMs: number;
}

export const NO_ATTEMPTS: PinAttempts = { failures: 0, lockouts: 0, lockedAtMs: null, lockMs: 0 };

/** The length of the `n`-th lockout (1-based): 1, 2, 4 … minutes, at most an hour. */
export function lockoutLengthMs(n: number): number {
  return Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** Math.max(0, n - 1));
}

/** How long the staff member must still wait at `nowMs`; 0 when they may try. */
export function lockRemainingMs(attempts: PinAttempts, nowMs: number): number {
  if (attempts.lockedAtMs === null) return 0;
  const elapsed = nowMs - attempts.lockedAtMs;
  // A clock set back (elapsed < 0) counts as no time passed, never as more time to wait.
  return Math.max(0, attempts.lockMs - Math.max(0, elapsed));
}

/** After a wrong PIN at `nowMs`: counted, and the fifth in a row starts a lockout. */
export function afterWrongPin(attempts: PinAttempts, nowMs: number): PinAttempts {
  if (lockRemainingMs(attempts, nowMs) > 0) return attempts;
  const failures = attempts.failures + 1;
  if (failures < LOCKOUT_AFTER_FAILURES)
    return { ...attempts, failures, lockedAtMs: null, lockMs: 0 };
  const lockouts = attempts.lockouts + 1;
  return { failures: 0, lockouts, lockedAtMs: nowMs, lockMs: lockoutLengthMs(lockouts) };
}

/** After a right PIN outside a lockout: everything starts over. */
export function afterRightPin(): PinAttempts {
  return NO_ATTEMPTS;
}

/**
 * Why a PIN check said no (db/staff.ts answers it; the screens say it): each with what the
 * screen needs, the time left of a lockout or the tries left before one.
 */
export type PinCheckProblem =
  | { problem: 'unknown-staff' }
  | { problem: 'inactive' }
  | { problem: 'not-supervisor' }
  | { problem: 'locked-out'; remainingMs: number }
  | { problem: 'wrong-pin'; triesLeft: number };
