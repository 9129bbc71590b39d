// The roster's device routes (docs/protocol.md, "Staff (2.1)"): a center's tablets pull its
// roster, and a staff member changes their own PIN from one. Must stay true: the device's checks
// come first, in the documented order, as for cards; a PIN change's checks follow in the order of
// the contract's table; at most PIN_CHANGE_MAX_WRONG wrong current PINs per member are tried in
// PIN_CHANGE_WINDOW_MS, across all tablets and counting ones still being checked, so parallel
// requests cannot slip past the count; PBKDF2 runs in WebCrypto (never blocking the event loop);
// a PIN is never kept, logged or answered; a change is answered only once it is committed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PinChangeResponse, StaffPullResponse } from '../src/protocol/protocol.ts';
import { PROTOCOL_BASE_PATH } from '../src/protocol/protocol.ts';
import { pinWeaknessMessage, weakPinPattern } from '../src/domain/pin-policy.ts';
import { PIN_ITERATIONS, makePinVerifier, verifyPin } from '../src/domain/pin-verifier.ts';
import type { FaultOptions } from './faults.ts';
import { injectRequestFaults } from './faults.ts';
import { HttpError, malformed, readJson, sendJson } from './http.ts';
import { isRecord } from './json-body.ts';
import { authorizeCenterDevice, decodePathId } from './device-auth.ts';
import type { RegistryStore } from './registry-store.ts';
import { StaffInputError, parseStaffPullLimit, staffMember } from './staff-roster.ts';

/** A PIN change is two short strings. */
export const MAX_PIN_CHANGE_BODY_BYTES = 4 * 1024;
/** Wrong current PINs a member may give in the window before changes are refused with 429. */
export const PIN_CHANGE_MAX_WRONG = 5;
export const PIN_CHANGE_WINDOW_MS = 15 * 60 * 1000;

const STAFF_ROUTE = new RegExp(`^${PROTOCOL_BASE_PATH}/centers/([^/]+)/staff(?:/([^/]+)/pin)?$`);
const ASCII_PIN = /^[0-9]{4,8}$/;

export interface StaffRouteContext {
  state: RegistryStore;
  faults(): FaultOptions;
  chance(rate: number): boolean;
  /** The registry's clock: the wrong-PIN window. */
  now(): Date;
  /** PBKDF2 iterations of a new verifier (PIN_ITERATIONS, 600,000). */
  pinIterations?: number;
}

/** The wrong current PINs of one member: when each was given, and how many are being checked. */
interface WrongPins {
  at: number[];
  checking: number;
}

/**
 * Handles the roster's routes; false for any other path. After the path and the method, the
 * checks are those of a cards pull (Device identity), then the route's own.
 */
export function createStaffRoutes(context: StaffRouteContext) {
  const { state, faults, chance, now } = context;
  const pinIterations = context.pinIterations ?? PIN_ITERATIONS;
  // In memory, like the enrolment guard: forgotten at a restart. Keyed by center and member.
  const wrongPins = new Map<string, WrongPins>();

  /** The member's wrong PINs, without those the window has passed. */
  const wrongPinsOf = (key: string, at: number): WrongPins => {
    let entry = wrongPins.get(key);
    if (!entry) {
      entry = { at: [], checking: 0 };
      wrongPins.set(key, entry);
    }
    entry.at = entry.at.filter((when) => when > at - PIN_CHANGE_WINDOW_MS);
    return entry;
  };
  /** Forgets a member with nothing in the window, so the map holds only recent guessing. */
  const forgetIfIdle = (key: string): void => {
    const entry = wrongPins.get(key);
    if (entry && entry.at.length === 0 && entry.checking === 0) wrongPins.delete(key);
  };

  return async function handleStaff(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const route = STAFF_ROUTE.exec(url.pathname);
    if (!route) return false;
    const changesPin = route[2] !== undefined;
    const method = changesPin ? 'POST' : 'GET';
    if (req.method !== method)
      throw new HttpError(405, 'method_not_allowed', `use ${method}`, { Allow: method });
    const centerId = decodePathId(route[1] as string, 'center id');
    const staffId = changesPin ? decodePathId(route[2] as string, 'staff id') : undefined;

    await injectRequestFaults(faults, chance);
    await authorizeCenterDevice(state, req, centerId);

    if (staffId === undefined) {
      let page: StaffPullResponse;
      try {
        page = await state.staff.pull(
          centerId,
          url.searchParams.get('cursor'),
          parseStaffPullLimit(url.searchParams.get('limit')),
        );
      } catch (error) {
        if (error instanceof StaffInputError) throw malformed(error.message);
        throw error;
      }
      if (chance(faults().dropRate)) req.socket.destroy();
      else sendJson(res, 200, page);
      return true;
    }

    const body = await readJson(req, MAX_PIN_CHANGE_BODY_BYTES);
    if (
      !isRecord(body) ||
      Object.keys(body).length !== 2 ||
      typeof body.currentPin !== 'string' ||
      typeof body.newPin !== 'string'
    )
      throw malformed('body must be exactly { "currentPin": "…", "newPin": "…" }');
    const { currentPin, newPin } = body;
    const key = `${centerId}\n${staffId}`;
    for (;;) {
      const member = await state.staff.member(centerId, staffId);
      if (!member)
        throw new HttpError(
          404,
          'staff_not_found',
          `center ${centerId} has no staff member ${staffId}`,
        );
      if (!member.active)
        throw new HttpError(
          403,
          'staff_inactive',
          `staff member ${staffId} was deactivated on ${member.deactivatedAt ?? '(unknown)'}`,
        );
      const asked = now().getTime();
      const wrong = wrongPinsOf(key, asked);
      // A check still running counts as wrong until it is known: no await between this and it.
      if (wrong.at.length + wrong.checking >= PIN_CHANGE_MAX_WRONG) {
        const freed = wrong.at.length > 0 ? wrong.at[0]! + PIN_CHANGE_WINDOW_MS : asked + 1000;
        const seconds = Math.max(1, Math.ceil((freed - asked) / 1000));
        throw new HttpError(
          429,
          'rate_limited',
          `too many wrong current PINs for ${staffId}; try again in ${seconds} s`,
          { 'Retry-After': String(seconds) },
        );
      }
      wrong.checking++;
      let right: boolean;
      try {
        right = ASCII_PIN.test(currentPin) && (await verifyPin(currentPin, member.pinVerifier));
      } finally {
        wrong.checking--;
      }
      if (!right) {
        const at = now().getTime();
        wrongPinsOf(key, at).at.push(at);
        throw new HttpError(403, 'pin_wrong', `that is not ${staffId}'s current PIN`);
      }
      wrongPinsOf(key, now().getTime());
      forgetIfIdle(key);
      // The current PIN was right, so the new one equals it exactly when the strings do.
      const weakness = weakPinPattern(newPin) ?? (newPin === currentPin ? 'current-pin' : null);
      if (weakness) throw new HttpError(400, 'pin_weak', pinWeaknessMessage(weakness));
      const pinVerifier = await makePinVerifier(newPin, pinIterations);
      // Deactivated, or given another PIN, while the PINs were being checked: judge again.
      const changed = await state.staff.setPin(centerId, staffId, pinVerifier, member.version);
      if (!changed) continue;
      // No "answer lost" fault here (as for enrolment): a tablet that never heard the answer
      // would try its old PIN again, which is no longer current.
      const answer: PinChangeResponse = { staff: staffMember(changed) };
      sendJson(res, 200, answer);
      return true;
    }
  };
}
