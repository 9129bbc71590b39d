// Enrolment (docs/protocol.md, "Enrolment"): a tablet trades a one-time code for a device token
// bound to its id, its public key and the code's center. Must stay true: the code is the only
// credential (no Authorization); a body with a bad device id or key is refused before the code is
// looked at, so a typo elsewhere never burns a code; the answer is sent only once the enrolment is
// committed; after ENROLMENT_FAILURE_LIMIT wrong, expired or used codes within the window, every
// enrolment is refused 429 until the oldest of them leaves it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EnrolmentResponse } from '../src/protocol/protocol.ts';
import { importDevicePublicKey, isDevicePublicKey } from '../src/domain/event-signature.ts';
import { parseEnrolmentCode } from '../src/domain/enrolment-code.ts';
import type { EnrolmentRefusal } from './device-registry.ts';
import type { FaultOptions } from './faults.ts';
import { injectRequestFaults } from './faults.ts';
import { HttpError, malformed, readJson, sendJson } from './http.ts';
import { isRecord } from './json-body.ts';
import type { RegistryStore } from './registry-store.ts';

/** An enrolment is a code, an id and a public key: a few hundred bytes. */
export const MAX_ENROLMENT_BODY_BYTES = 4 * 1024;
/** Failed enrolments (a wrong, expired or used code) registry-wide before the guard closes. */
export const ENROLMENT_FAILURE_LIMIT = 10;
export const ENROLMENT_FAILURE_WINDOW_MS = 10 * 60 * 1000;
/** Device ids travel in the X-Device-Id header: visible ASCII only. */
const DEVICE_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
const ENROLMENT_MEMBERS = ['code', 'deviceId', 'publicKey'];

const REFUSALS: Record<EnrolmentRefusal, HttpError> = {
  invalid: new HttpError(
    403,
    'enrolment_code_invalid',
    'this enrolment code is not one the registry issued; check it, or ask for a new one',
  ),
  expired: new HttpError(
    410,
    'enrolment_code_expired',
    'this enrolment code has expired; ask the registry for a new one',
  ),
  used: new HttpError(
    409,
    'enrolment_code_used',
    'this enrolment code was already used to enrol a device; each code works once',
  ),
  'device-id-taken': new HttpError(
    409,
    'device_id_taken',
    'this device id is already enrolled (a device id names one enrolment); enrol under a new one: the code was not used',
  ),
};

/**
 * Failures within a sliding window, registry-wide. One window for everyone, not per address: a
 * guesser behind many addresses is held to ENROLMENT_FAILURE_LIMIT guesses per window, at the
 * price that a stream of guesses also holds up honest enrolments until the window passes.
 */
export class FailureWindow {
  private failures: number[] = [];

  constructor(
    private readonly now: () => Date,
    private readonly limit = ENROLMENT_FAILURE_LIMIT,
    private readonly windowMs = ENROLMENT_FAILURE_WINDOW_MS,
  ) {}

  /** Seconds until a request may try again, or 0 when it may now. */
  retryAfterSeconds(): number {
    const now = this.now().getTime();
    this.failures = this.failures.filter((at) => at > now - this.windowMs);
    if (this.failures.length < this.limit) return 0;
    // Open again once fewer than `limit` failures remain in the window: when the one that makes
    // the count exactly `limit` leaves it, not merely the oldest.
    const freeing = this.failures[this.failures.length - this.limit] as number;
    return Math.max(1, Math.ceil((freeing + this.windowMs - now) / 1000));
  }

  /** Counts a failure now; answers a function that takes it back (the attempt did not fail). */
  record(): () => void {
    const at = this.now().getTime();
    this.failures.push(at);
    return () => {
      const index = this.failures.indexOf(at);
      if (index >= 0) this.failures.splice(index, 1);
    };
  }
}

export interface EnrolmentRouteContext {
  state: RegistryStore;
  faults(): FaultOptions;
  chance(rate: number): boolean;
  now(): Date;
}

export function createEnrolmentRoute(context: EnrolmentRouteContext) {
  const { state, faults, chance, now } = context;
  const guard = new FailureWindow(now);

  return async function handleEnrolment(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST')
      throw new HttpError(405, 'method_not_allowed', 'use POST', { Allow: 'POST' });
    // Latency, 429 and 503 as on every protocol route; never a lost answer, which would burn
    // the one-time code the tablet never learnt the token of (docs/protocol.md, Enrolment).
    await injectRequestFaults(faults, chance);
    const refuseWhileGuessing = () => {
      const retryAfter = guard.retryAfterSeconds();
      if (retryAfter > 0)
        throw new HttpError(
          429,
          'rate_limited',
          `too many failed enrolments in the last ${ENROLMENT_FAILURE_WINDOW_MS / 60_000} minutes; retry in ${retryAfter} s`,
          { 'Retry-After': String(retryAfter) },
        );
    };
    // Asked before the body is read (no work for a flood), and again just before the code is
    // tried (below), with no await between that check and the attempt being counted as a
    // failure until it is known to be none: requests that read their bodies in parallel cannot
    // all slip past the limit.
    refuseWhileGuessing();

    const body = await readJson(req, MAX_ENROLMENT_BODY_BYTES, { maxEntries: 8 });
    if (!isRecord(body))
      throw malformed('body must be { "code": "…", "deviceId": "…", "publicKey": { … } }');
    const unknown = Object.keys(body).filter((key) => !ENROLMENT_MEMBERS.includes(key));
    if (unknown.length > 0) throw malformed(`unknown member(s) ${unknown.join(', ')}`);
    const { code, deviceId, publicKey } = body;
    if (typeof deviceId !== 'string' || !DEVICE_ID_PATTERN.test(deviceId))
      throw malformed('deviceId must be 1 to 128 visible ASCII characters');
    if (!isDevicePublicKey(publicKey))
      throw malformed(
        'publicKey must be the JWK of an ECDSA P-256 public key: exactly kty "EC", crv "P-256", x and y',
      );
    try {
      await importDevicePublicKey(publicKey);
    } catch {
      throw malformed('publicKey is not a point on P-256');
    }
    if (typeof code !== 'string' || code.length > 64)
      throw malformed('code must be the enrolment code as text');

    refuseWhileGuessing();
    const notAFailure = guard.record();
    const parsed = parseEnrolmentCode(code);
    let outcome;
    try {
      outcome = parsed.ok
        ? await state.devices.enrol(parsed.code, deviceId, publicKey)
        : ({ ok: false, refusal: 'invalid' } as const);
    } catch (error) {
      notAFailure();
      throw error;
    }
    // A taken device id came with a right code: not a guess.
    if (outcome.ok || outcome.refusal === 'device-id-taken') notAFailure();
    if (!outcome.ok) throw REFUSALS[outcome.refusal];
    const center = await state.centerProfile(outcome.device.centerId);
    if (!center) throw new Error(`enrolment code of unknown center ${outcome.device.centerId}`);
    const answer: EnrolmentResponse = {
      deviceId,
      deviceToken: outcome.token,
      enrolledAt: outcome.device.enrolledAt,
      center,
    };
    sendJson(res, 200, answer);
  };
}
