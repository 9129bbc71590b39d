// The administrator endpoints under /api/v2/admin/ (docs/protocol.md, "Administrator
// endpoints"): the registry's staff issue enrolment codes, list and withdraw devices, set a
// center's name and rules, and keep its roster (2.1). Must stay true: every request needs the
// administrator token (never a device token) before anything else is looked at, the answers
// carry no cross-origin headers (handler.ts), bodies are small and checked member by member, a
// change is answered only once it is committed, and a PIN is turned into a verifier (off the event
// loop, with WebCrypto) and forgotten: never kept, logged or answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  AddStaffRequest,
  CenterRules,
  EnrolmentCodeResponse,
} from '../src/protocol/protocol.ts';
import {
  ADMIN_BASE_PATH,
  CENTER_RULE_LIMITS,
  ENROLMENT_CODE_DEFAULT_MINUTES,
  ENROLMENT_CODE_MAX_MINUTES,
  ENROL_APP_PATH,
  STAFF_ID_PATTERN,
  STAFF_NAME_MAX_LENGTH,
  STAFF_ROLES,
  isOneOf,
} from '../src/protocol/protocol.ts';
import { formatEnrolmentCode } from '../src/domain/enrolment-code.ts';
import { pinWeakness, pinWeaknessMessage, weakPinPattern } from '../src/domain/pin-policy.ts';
import { PIN_ITERATIONS, makePinVerifier } from '../src/domain/pin-verifier.ts';
import { deviceRecord } from './device-registry.ts';
import { isIntegerFrom } from './faults.ts';
import { HttpError, malformed, readJson, requireAdminToken, sendJson } from './http.ts';
import { isRecord } from './json-body.ts';
import type { RegistryStore } from './registry-store.ts';
import { staffRecord } from './staff-roster.ts';

/** An administrator's body is a few fields. */
export const MAX_ADMIN_BODY_BYTES = 4 * 1024;
const MAX_CENTER_NAME_LENGTH = 200;
/** Ids in admin paths are visible ASCII, as a device id in a header must be. */
const ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

const CENTER_ROUTE = new RegExp(
  `^${ADMIN_BASE_PATH}/centers/([^/]+)(?:/(enrolment-codes|devices))?$`,
);
const WITHDRAW_ROUTE = new RegExp(`^${ADMIN_BASE_PATH}/devices/([^/]+)/withdraw$`);
const STAFF_ROUTE = new RegExp(
  `^${ADMIN_BASE_PATH}/centers/([^/]+)/staff(?:/([^/]+)/(pin|deactivate))?$`,
);

export interface AdminRouteContext {
  state: RegistryStore;
  adminToken: string;
  /** PBKDF2 iterations of the verifiers made here (PIN_ITERATIONS, 600,000). */
  pinIterations?: number;
}

function pathId(encoded: string, what: string): string {
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch {
    throw malformed(`${what} is not valid percent-encoding`);
  }
  if (!ID_PATTERN.test(id)) throw malformed(`${what} must be 1 to 128 visible ASCII characters`);
  return id;
}

function onlyMembers(body: Record<string, unknown>, allowed: readonly string[], where = ''): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw malformed(`unknown member(s) ${unknown.map((key) => `${where}${key}`).join(', ')}`);
}

/** Text of 1 to `maxLength` characters without control characters, trimmed; else 400. */
function boundedName(value: unknown, field: string, maxLength: number): string {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > maxLength ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  )
    throw malformed(
      `${field} must be text of 1 to ${maxLength} characters, without control characters`,
    );
  return value.trim();
}

/** A PIN an administrator sets: a string (else 400 malformed) of 4–8 ASCII digits, not weak by its digits (else 400 pin_weak). */
function adminPin(value: unknown): string {
  if (typeof value !== 'string') throw malformed('pin must be a string of digits');
  const weakness = weakPinPattern(value);
  if (weakness) throw new HttpError(400, 'pin_weak', pinWeaknessMessage(weakness));
  return value;
}

const NON_ASCII_DIGIT = /[\u06f0-\u06f9\u0660-\u0669]/;

/** `{ staffId, name, role, pin }` of POST centerStaffAdminPath, every value checked. */
export function parseAddStaff(body: unknown): AddStaffRequest {
  if (!isRecord(body))
    throw malformed('body must be { "staffId": "…", "name": "…", "role": "…", "pin": "…" }');
  onlyMembers(body, ['staffId', 'name', 'role', 'pin']);
  const { staffId, role } = body;
  // Refused, not folded: the administrator's tool folds, and the registry stores the one id
  // that every event will carry, as the administrator sees it in the answer (decision 025).
  if (typeof staffId === 'string' && NON_ASCII_DIGIT.test(staffId))
    throw malformed('staffId must write its digits as 0–9, not Persian or Arabic-Indic digits');
  if (typeof staffId !== 'string' || !STAFF_ID_PATTERN.test(staffId))
    throw malformed('staffId must be 1 to 32 of A–Z a–z 0–9 . _ -');
  const name = boundedName(body.name, 'name', STAFF_NAME_MAX_LENGTH);
  if (!isOneOf(STAFF_ROLES, role)) throw malformed(`role must be ${STAFF_ROLES.join(' or ')}`);
  return { staffId, name, role, pin: adminPin(body.pin) };
}

/** `{ name?, rules? }` of PUT centerAdminPath, every value checked; rules may be partial. */
export function parseCenterChanges(body: unknown): {
  name?: string;
  rules?: Partial<CenterRules>;
} {
  if (!isRecord(body)) throw malformed('body must be { "name"?: "…", "rules"?: { … } }');
  onlyMembers(body, ['name', 'rules']);
  const changes: { name?: string; rules?: Partial<CenterRules> } = {};
  if (body.name !== undefined)
    changes.name = boundedName(body.name, 'name', MAX_CENTER_NAME_LENGTH);
  if (body.rules !== undefined) {
    const rules = body.rules;
    if (!isRecord(rules)) throw malformed('rules must be an object');
    onlyMembers(rules, ['proxyPickupAllowed', 'idleLockMinutes', 'detailsRetentionDays'], 'rules.');
    const checked: Partial<CenterRules> = {};
    if (rules.proxyPickupAllowed !== undefined) {
      if (typeof rules.proxyPickupAllowed !== 'boolean')
        throw malformed('rules.proxyPickupAllowed must be true or false');
      checked.proxyPickupAllowed = rules.proxyPickupAllowed;
    }
    for (const rule of ['idleLockMinutes', 'detailsRetentionDays'] as const) {
      const value = rules[rule];
      if (value === undefined) continue;
      const { min, max } = CENTER_RULE_LIMITS[rule];
      if (!isIntegerFrom(value, min, max))
        throw malformed(`rules.${rule} must be an integer from ${min} to ${max}`);
      checked[rule] = value;
    }
    changes.rules = checked;
  }
  return changes;
}

export function createAdminRoutes(context: AdminRouteContext) {
  const { state, adminToken } = context;
  const pinIterations = context.pinIterations ?? PIN_ITERATIONS;

  return async function handleAdmin(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> {
    // First, before the path: a caller without the token learns nothing, not even what exists.
    requireAdminToken(req, adminToken, 'the administrator endpoints');
    const requireMethod = (method: string) => {
      if (req.method !== method)
        throw new HttpError(405, 'method_not_allowed', `use ${method}`, { Allow: method });
    };
    const knownCenter = async (centerId: string) => {
      if (!(await state.hasCenter(centerId)))
        throw new HttpError(404, 'not_found', `unknown center ${centerId}`);
    };

    const withdraw = WITHDRAW_ROUTE.exec(url.pathname);
    if (withdraw) {
      requireMethod('POST');
      const deviceId = pathId(withdraw[1] as string, 'device id');
      const body = await readJson(req, MAX_ADMIN_BODY_BYTES, { optional: true });
      if (!isRecord(body)) throw malformed('body must be empty or {}');
      onlyMembers(body, []);
      const device = await state.devices.withdraw(deviceId);
      if (!device) throw new HttpError(404, 'not_found', `unknown device ${deviceId}`);
      sendJson(res, 200, { device: deviceRecord(device) });
      return;
    }

    const staffRoute = STAFF_ROUTE.exec(url.pathname);
    if (staffRoute) {
      await handleStaff(
        req,
        res,
        pathId(staffRoute[1] as string, 'center id'),
        staffRoute[2] === undefined ? undefined : pathId(staffRoute[2], 'staff id'),
        staffRoute[3] as 'pin' | 'deactivate' | undefined,
      );
      return;
    }

    const route = CENTER_ROUTE.exec(url.pathname);
    if (!route)
      throw new HttpError(404, 'not_found', `no administrator endpoint at ${url.pathname}`);
    const centerId = pathId(route[1] as string, 'center id');
    switch (route[2]) {
      case undefined: {
        if (req.method === 'GET') {
          await knownCenter(centerId);
          sendJson(res, 200, await state.centerProfile(centerId));
          return;
        }
        if (req.method !== 'PUT')
          throw new HttpError(405, 'method_not_allowed', 'use GET or PUT', { Allow: 'GET, PUT' });
        const changes = parseCenterChanges(await readJson(req, MAX_ADMIN_BODY_BYTES));
        const profile = await state.putCenterProfile(centerId, changes);
        sendJson(res, 200, profile);
        return;
      }
      case 'enrolment-codes': {
        requireMethod('POST');
        const body = await readJson(req, MAX_ADMIN_BODY_BYTES, { optional: true });
        if (!isRecord(body)) throw malformed('body must be { "validMinutes"?: n }');
        onlyMembers(body, ['validMinutes']);
        const validMinutes = body.validMinutes ?? ENROLMENT_CODE_DEFAULT_MINUTES;
        if (!isIntegerFrom(validMinutes, 1, ENROLMENT_CODE_MAX_MINUTES))
          throw malformed(
            `validMinutes must be an integer from 1 to ${ENROLMENT_CODE_MAX_MINUTES}`,
          );
        await knownCenter(centerId);
        const { code, stored } = await state.devices.issueCode(centerId, validMinutes);
        const answer: EnrolmentCodeResponse = {
          code: formatEnrolmentCode(code),
          centerId,
          expiresAt: stored.expiresAt,
          enrolPath: `${ENROL_APP_PATH}?code=${code}`,
        };
        sendJson(res, 201, answer);
        return;
      }
      case 'devices': {
        requireMethod('GET');
        await knownCenter(centerId);
        sendJson(res, 200, {
          devices: (await state.devices.devicesOf(centerId)).map(deviceRecord),
        });
        return;
      }
    }

    /**
     * The roster (2.1): list, add, set a PIN, deactivate. Bodies are checked first (400), then
     * the center (404), then the member (404 staff_not_found, 409, 403), then the PIN's
     * strength; the verifier is made last, and the member looked at again after it.
     */
    async function handleStaff(
      req: IncomingMessage,
      res: ServerResponse,
      centerId: string,
      staffId: string | undefined,
      action: 'pin' | 'deactivate' | undefined,
    ): Promise<void> {
      const staffNotFound = (id: string) =>
        new HttpError(404, 'staff_not_found', `center ${centerId} has no staff member ${id}`);
      if (staffId === undefined) {
        if (req.method === 'GET') {
          await knownCenter(centerId);
          sendJson(res, 200, { staff: (await state.staff.membersOf(centerId)).map(staffRecord) });
          return;
        }
        if (req.method !== 'POST')
          throw new HttpError(405, 'method_not_allowed', 'use GET or POST', {
            Allow: 'GET, POST',
          });
        const request = parseAddStaff(await readJson(req, MAX_ADMIN_BODY_BYTES));
        await knownCenter(centerId);
        const taken = () =>
          new HttpError(
            409,
            'staff_id_taken',
            `center ${centerId} has (or had) staff member ${request.staffId}; an id is never reused`,
          );
        if (await state.staff.member(centerId, request.staffId)) throw taken();
        const pinVerifier = await makePinVerifier(request.pin, pinIterations);
        // Another request may have added the id while the verifier was being made.
        const added = await state.staff.add(centerId, {
          staffId: request.staffId,
          name: request.name,
          role: request.role,
          pinVerifier,
        });
        if (!added) throw taken();
        sendJson(res, 201, { staff: staffRecord(added) });
        return;
      }

      if (action === 'deactivate') {
        requireMethod('POST');
        const body = await readJson(req, MAX_ADMIN_BODY_BYTES, { optional: true });
        if (!isRecord(body)) throw malformed('body must be empty or {}');
        onlyMembers(body, []);
        await knownCenter(centerId);
        const member = await state.staff.deactivate(centerId, staffId);
        if (!member) throw staffNotFound(staffId);
        sendJson(res, 200, { staff: staffRecord(member) });
        return;
      }

      requireMethod('PUT');
      const body = await readJson(req, MAX_ADMIN_BODY_BYTES);
      if (!isRecord(body)) throw malformed('body must be { "pin": "…" }');
      onlyMembers(body, ['pin']);
      if (body.pin === undefined) throw malformed('body must be { "pin": "…" }');
      const pin = adminPin(body.pin);
      await knownCenter(centerId);
      for (;;) {
        const member = await state.staff.member(centerId, staffId);
        if (!member) throw staffNotFound(staffId);
        if (!member.active)
          throw new HttpError(
            403,
            'staff_inactive',
            `staff member ${staffId} of center ${centerId} was deactivated on ${member.deactivatedAt ?? '(unknown)'}`,
          );
        const weakness = await pinWeakness(pin, member.pinVerifier);
        if (weakness) throw new HttpError(400, 'pin_weak', pinWeaknessMessage(weakness));
        const pinVerifier = await makePinVerifier(pin, pinIterations);
        // Changed meanwhile (deactivated, or another PIN set): judge again against what it is now.
        const changed = await state.staff.setPin(centerId, staffId, pinVerifier, member.version);
        if (!changed) continue;
        sendJson(res, 200, { staff: staffRecord(changed) });
        return;
      }
    }
  };
}
