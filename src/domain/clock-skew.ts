// How far the tablet's clock is off from the registry's (protocol 2.2, decision 024): estimated
// from the registry's `serverTime` against this tablet's time at the middle of the request. Only
// ever a warning: nothing here changes the tablet's clock or any recorded time.

/** Off by more than this, either way, the header warns. */
export const CLOCK_SKEW_WARN_MS = 2 * 60_000;
/** An answer that took longer than this says too little about when `serverTime` was read. */
export const MAX_CLOCK_ROUND_TRIP_MS = 10_000;
/** A registry time outside these years is not a clock reading (a fault, or someone's joke). */
const EARLIEST_SERVER_TIME_MS = Date.UTC(2020, 0, 1);
const LATEST_SERVER_TIME_MS = Date.UTC(2100, 0, 1);
/** ISO 8601 in UTC, as the protocol writes it; seconds' fraction optional. */
const SERVER_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export interface ClockEstimate {
  /** The tablet's clock minus the registry's: positive when the tablet is fast. */
  offsetMs: number;
  /** The tablet's clock when the answer came. */
  measuredAtMs: number;
}

/**
 * The estimate one answer gives, or null when it gives none: no `serverTime`, one that is not
 * an ISO 8601 UTC time of this century, or a round trip too long (or negative) to judge by.
 */
export function estimateClockOffset(
  serverTime: unknown,
  sentAtMs: number,
  receivedAtMs: number,
): ClockEstimate | null {
  if (typeof serverTime !== 'string' || !SERVER_TIME_PATTERN.test(serverTime)) return null;
  const serverMs = Date.parse(serverTime);
  if (!Number.isFinite(serverMs)) return null;
  if (serverMs < EARLIEST_SERVER_TIME_MS || serverMs >= LATEST_SERVER_TIME_MS) return null;
  const roundTripMs = receivedAtMs - sentAtMs;
  if (!Number.isFinite(roundTripMs) || roundTripMs < 0 || roundTripMs > MAX_CLOCK_ROUND_TRIP_MS)
    return null;
  return {
    offsetMs: Math.round(sentAtMs + roundTripMs / 2 - serverMs),
    measuredAtMs: receivedAtMs,
  };
}

export interface ClockWarning {
  direction: 'fast' | 'slow';
  /** How far off, in whole minutes, at least 3 (a warning is never for "2 minutes"). */
  minutes: number;
}

/**
 * The warning the latest estimate calls for, or null. The latest estimate stands however old it
 * is: a clock does not fix itself, and the next registry answer replaces it (so a fixed clock
 * clears the warning at the next sync, and a tablet offline for a day keeps warning).
 */
export function clockWarning(estimate: ClockEstimate | null): ClockWarning | null {
  if (estimate === null || !Number.isFinite(estimate.offsetMs)) return null;
  const off = Math.abs(estimate.offsetMs);
  if (off <= CLOCK_SKEW_WARN_MS) return null;
  return {
    direction: estimate.offsetMs > 0 ? 'fast' : 'slow',
    minutes: Math.max(3, Math.round(off / 60_000)),
  };
}

/** A stored estimate this version can read; anything else is none. */
export function isClockEstimate(value: unknown): value is ClockEstimate {
  if (typeof value !== 'object' || value === null) return false;
  const { offsetMs, measuredAtMs } = value as Partial<ClockEstimate>;
  return Number.isFinite(offsetMs) && Number.isFinite(measuredAtMs);
}
