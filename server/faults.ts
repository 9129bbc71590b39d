// The faults the mock registry can inject into protocol requests, for the soak, the e2e suite
// and staff trying the demo. Must stay true: a fault is drawn from the injected random source
// only, and a fault setting is checked before it takes effect; every protocol route (health
// excepted) meets them in the same order.
import { HttpError, malformed, sleep } from './http.ts';

export interface FaultOptions {
  /** Delay before every protocol request is handled (health excepted). */
  latencyMs: number;
  /** Share of protocol requests answered 503 before anything happens. */
  failRate: number;
  /** Share of successful protocol requests whose answer is lost after the change is committed. */
  dropRate: number;
  /** Share of protocol requests answered 429 with `Retry-After: 1`. */
  retryAfter429Rate: number;
}

export const NO_FAULTS: FaultOptions = {
  latencyMs: 0,
  failRate: 0,
  dropRate: 0,
  retryAfter429Rate: 0,
};

/** Below the socket's whole-request timeout (60 s), so a delayed push is answered, not cut off. */
export const MAX_LATENCY_MS = 30_000;

/** A whole number from `min` to `max`, as a control body's number field must be. */
export function isIntegerFrom(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function checkRate(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw malformed(`${name} must be a number from 0 to 1`);
  return value;
}

/** `current` with `changes` applied, every one checked; throws a 400 on the first bad one. */
export function checkFaults(current: FaultOptions, changes: Record<string, unknown>): FaultOptions {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (key === 'latencyMs') {
      if (!isIntegerFrom(value, 0, MAX_LATENCY_MS)) {
        throw malformed(`latencyMs must be an integer from 0 to ${MAX_LATENCY_MS}`);
      }
      next.latencyMs = value;
    } else if (key === 'failRate' || key === 'dropRate' || key === 'retryAfter429Rate') {
      next[key] = checkRate(value, key);
    } else {
      throw malformed(`unknown fault ${key}`);
    }
  }
  return next;
}

/**
 * The faults a protocol request meets before it is handled, in order: the delay, then 429
 * (`Retry-After: 1`), then 503. The rates are read after the delay, so faults changed
 * meanwhile apply to the requests still waiting. The lost answer is the caller's, after commit.
 */
export async function injectRequestFaults(
  faults: () => FaultOptions,
  chance: (rate: number) => boolean,
): Promise<void> {
  const { latencyMs } = faults();
  if (latencyMs > 0) await sleep(latencyMs);
  const { retryAfter429Rate, failRate } = faults();
  if (chance(retryAfter429Rate))
    throw new HttpError(429, 'rate_limited', 'too many requests; retry later', {
      'Retry-After': '1',
    });
  if (chance(failRate))
    throw new HttpError(
      503,
      'unavailable',
      'the registry is temporarily unavailable (injected fault)',
    );
}
