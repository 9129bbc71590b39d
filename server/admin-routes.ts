// The administrator endpoints under /api/v2/admin/ (docs/protocol.md, "Administrator
// endpoints"): the registry's staff issue enrolment codes, list and withdraw devices, and set a
// center's name and rules. Must stay true: every request needs the administrator token (never a
// device token) before anything else is looked at, the answers carry no cross-origin headers
// (handler.ts), bodies are small and checked member by member, and a change is answered only
// once it is on disk.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CenterRules, EnrolmentCodeResponse } from '../src/protocol/protocol.ts';
import {
  ADMIN_BASE_PATH,
  CENTER_RULE_LIMITS,
  ENROLMENT_CODE_DEFAULT_MINUTES,
  ENROLMENT_CODE_MAX_MINUTES,
  ENROL_APP_PATH,
} from '../src/protocol/protocol.ts';
import { formatEnrolmentCode } from '../src/domain/enrolment-code.ts';
import { deviceRecord } from './device-registry.ts';
import { isIntegerFrom } from './faults.ts';
import { HttpError, malformed, readJson, requireAdminToken, sendJson } from './http.ts';
import { isRecord } from './json-body.ts';
import type { RegistryState } from './registry-state.ts';

/** An administrator's body is a few fields. */
export const MAX_ADMIN_BODY_BYTES = 4 * 1024;
const MAX_CENTER_NAME_LENGTH = 200;
/** Ids in admin paths are visible ASCII, as a device id in a header must be. */
const ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

const CENTER_ROUTE = new RegExp(
  `^${ADMIN_BASE_PATH}/centers/([^/]+)(?:/(enrolment-codes|devices))?$`,
);
const WITHDRAW_ROUTE = new RegExp(`^${ADMIN_BASE_PATH}/devices/([^/]+)/withdraw$`);

export interface AdminRouteContext {
  state: RegistryState;
  flush(): Promise<void>;
  adminToken: string;
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

/** `{ name?, rules? }` of PUT centerAdminPath, every value checked; rules may be partial. */
export function parseCenterChanges(body: unknown): {
  name?: string;
  rules?: Partial<CenterRules>;
} {
  if (!isRecord(body)) throw malformed('body must be { "name"?: "…", "rules"?: { … } }');
  onlyMembers(body, ['name', 'rules']);
  const changes: { name?: string; rules?: Partial<CenterRules> } = {};
  if (body.name !== undefined) {
    const name = body.name;
    if (
      typeof name !== 'string' ||
      name.trim() === '' ||
      name.length > MAX_CENTER_NAME_LENGTH ||
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f]/.test(name)
    )
      throw malformed(
        `name must be text of 1 to ${MAX_CENTER_NAME_LENGTH} characters, without control characters`,
      );
    changes.name = name.trim();
  }
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
  const { state, flush, adminToken } = context;

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
    const knownCenter = (centerId: string) => {
      if (!state.hasCenter(centerId))
        throw new HttpError(404, 'not_found', `unknown center ${centerId}`);
    };

    const withdraw = WITHDRAW_ROUTE.exec(url.pathname);
    if (withdraw) {
      requireMethod('POST');
      const deviceId = pathId(withdraw[1] as string, 'device id');
      const body = await readJson(req, MAX_ADMIN_BODY_BYTES, { optional: true });
      if (!isRecord(body)) throw malformed('body must be empty or {}');
      onlyMembers(body, []);
      const device = state.devices.withdraw(deviceId);
      if (!device) throw new HttpError(404, 'not_found', `unknown device ${deviceId}`);
      await flush();
      sendJson(res, 200, { device: deviceRecord(device) });
      return;
    }

    const route = CENTER_ROUTE.exec(url.pathname);
    if (!route)
      throw new HttpError(404, 'not_found', `no administrator endpoint at ${url.pathname}`);
    const centerId = pathId(route[1] as string, 'center id');
    switch (route[2]) {
      case undefined: {
        if (req.method === 'GET') {
          knownCenter(centerId);
          sendJson(res, 200, state.centerProfile(centerId));
          return;
        }
        if (req.method !== 'PUT')
          throw new HttpError(405, 'method_not_allowed', 'use GET or PUT', { Allow: 'GET, PUT' });
        const changes = parseCenterChanges(await readJson(req, MAX_ADMIN_BODY_BYTES));
        const profile = state.putCenterProfile(centerId, changes);
        await flush();
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
        knownCenter(centerId);
        const { code, stored } = state.devices.issueCode(centerId, validMinutes);
        await flush();
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
        knownCenter(centerId);
        sendJson(res, 200, { devices: state.devices.devicesOf(centerId).map(deviceRecord) });
        return;
      }
    }
  };
}
