// A staff member changes their own PIN (docs/protocol.md, "Changing one's own PIN"): online only,
// with the current PIN, which the registry checks and rate-limits per member across tablets; the
// registry, not the tablet, judges the new one weak. Must stay true: a PIN is sent only in this
// request's body, to the enrolled registry with the device's headers, and is never stored,
// logged or put in an error; nothing is sent for a PIN that cannot be one; the member the
// registry answers with is stored like a roster change, so the new PIN works here at once.
import type { TahvilDatabase } from '../db/database.ts';
import { requestJson } from './request-json.ts';
import { retryAfterMs } from './engine.ts';
import { markDeviceWithdrawn } from '../db/enrolment.ts';
import { CenterChangedError, isEnrolled, readSettings } from '../db/settings.ts';
import { activeShiftMember, storeStaffMember } from '../db/staff.ts';
import { parsePin, type PinProblem } from '../domain/pin-verifier.ts';
import { parseStaffMember } from '../domain/staff-member.ts';
import { staffPinPath, type ErrorBody, type PinChangeRequest } from '../protocol/protocol.ts';

export const PIN_CHANGE_TIMEOUT_MS = 20_000;

/** Why the PIN did not change; each with what the screen needs to say. */
export type PinChangeProblem =
  /** Found on the tablet, nothing sent: the field and what is wrong with it. */
  | { problem: 'pin-invalid'; field: 'currentPin' | 'newPin'; reason: PinProblem }
  | { problem: 'not-enrolled' }
  | { problem: 'device-withdrawn' }
  /** No one signed in, the screen locked, or the member no longer active here. */
  | { problem: 'signed-out' }
  /** No answer from the registry (no network, or none within the timeout). */
  | { problem: 'offline' }
  | { problem: 'pin-wrong' }
  | { problem: 'pin-weak' }
  /** Too many wrong current PINs for this member lately; try again after `retryAfterSeconds`. */
  | { problem: 'rate-limited'; retryAfterSeconds: number | null }
  | { problem: 'staff-inactive' }
  | { problem: 'staff-not-found' }
  /** The registry does not take this device (its token, or its center): enrol again. */
  | { problem: 'not-registered' }
  | { problem: 'server-error' }
  | { problem: 'bad-response' };

export type PinChangeResult = { ok: true } | ({ ok: false } & PinChangeProblem);

export interface PinChangeInput {
  /** As typed, in any digit script. */
  currentPin: string;
  newPin: string;
}

export interface PinChangeDeps {
  fetch: typeof fetch;
  now: () => Date;
}

const PROBLEM_FOR_CODE: Record<string, PinChangeProblem> = {
  pin_wrong: { problem: 'pin-wrong' },
  pin_weak: { problem: 'pin-weak' },
  staff_inactive: { problem: 'staff-inactive' },
  staff_not_found: { problem: 'staff-not-found' },
};

/** Changes the PIN of the member signed in (and unlocked) on this tablet. */
export async function changeOwnPin(
  db: TahvilDatabase,
  input: PinChangeInput,
  deps: PinChangeDeps,
): Promise<PinChangeResult> {
  const currentPin = parsePin(input.currentPin);
  if (!currentPin.ok)
    return { ok: false, problem: 'pin-invalid', field: 'currentPin', reason: currentPin.problem };
  const newPin = parsePin(input.newPin);
  if (!newPin.ok)
    return { ok: false, problem: 'pin-invalid', field: 'newPin', reason: newPin.problem };

  const settings = await readSettings(db);
  if (!isEnrolled(settings)) return { ok: false, problem: 'not-enrolled' };
  if (settings.withdrawnAt !== null) return { ok: false, problem: 'device-withdrawn' };
  const onShift = await activeShiftMember(db);
  if (!onShift) return { ok: false, problem: 'signed-out' };
  const { staffId } = onShift.member;
  const guard = { forCenter: settings.centerId, forDevice: settings.deviceId };

  const request: PinChangeRequest = { currentPin: currentPin.pin, newPin: newPin.pin };
  const answer = await requestJson(
    deps.fetch,
    `${settings.registryUrl}${staffPinPath(settings.centerId, staffId)}`,
    {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${settings.deviceToken}`,
        'X-Device-Id': settings.deviceId,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(request),
    },
    PIN_CHANGE_TIMEOUT_MS,
  );
  if (!answer) return { ok: false, problem: 'offline' };
  const { response, body } = answer;

  if (response.ok) {
    const member = parseStaffMember((body as { staff?: unknown } | undefined)?.staff);
    if (!member || member.staffId !== staffId) return { ok: false, problem: 'bad-response' };
    try {
      await storeStaffMember(db, member, guard);
    } catch (error) {
      // Enrolled anew meanwhile: the registry changed the PIN all the same, and the new
      // enrolment's roster pull brings the member as they are now.
      if (!(error instanceof CenterChangedError)) throw error;
    }
    return { ok: true };
  }
  const code = (body as ErrorBody | undefined)?.error?.code ?? '';
  const known = PROBLEM_FOR_CODE[code];
  if (known) return { ok: false, ...known };
  if (response.status === 429)
    return { ok: false, problem: 'rate-limited', retryAfterSeconds: retryAfterSecondsOf(response) };
  if (response.status === 401 && code === 'device_withdrawn') {
    await markDeviceWithdrawn(db, deps.now(), guard).catch((error: unknown) => {
      if (!(error instanceof CenterChangedError)) throw error;
    });
    return { ok: false, problem: 'device-withdrawn' };
  }
  // As the sync engine reads them: the registry's own 401, 403 or 404 says it does not take
  // this device here; a 404 without its error body is something else on the way.
  if (response.status === 401 || response.status === 403)
    return { ok: false, problem: 'not-registered' };
  if (response.status === 404 && code !== '') return { ok: false, problem: 'not-registered' };
  if (response.status >= 500 || code === '') return { ok: false, problem: 'server-error' };
  return { ok: false, problem: 'bad-response' };
}

/** Retry-After in whole seconds, read as the sync engine reads it; null without a usable one. */
function retryAfterSecondsOf(response: Response): number | null {
  const ms = retryAfterMs(response);
  return ms === null ? null : Math.ceil(ms / 1000);
}
