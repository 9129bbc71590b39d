// Enrolling the tablet with a center (docs/protocol.md, "Enrolment"): the clerk types (or
// opens a link carrying) the one-time code the registry's staff issued. Must stay true: the
// code is checked on the tablet first (its check digit), the tablet's own refusal to leave its
// center is asked before the code is spent and nothing is recorded from then until the answer is
// stored or the enrolment failed, a new device id and non-extractable key pair are made for every
// enrolment, and the old center is erased only in the transaction that stores the new one.
import type { TahvilDatabase } from '../db/database.ts';
import {
  abandonEnrolment,
  applyEnrolment,
  beginEnrolment,
  leaveCenter,
  type DeviceKey,
  type LeaveOptions,
} from '../db/enrolment.ts';
import { requestJson } from './request-json.ts';
import { isEnrolled, readSettings } from '../db/settings.ts';
import { isCenterProfile } from '../domain/center-rules.ts';
import { parseEnrolmentCode, type EnrolmentCodeProblem } from '../domain/enrolment-code.ts';
import { exportDevicePublicKey, generateDeviceKeyPair } from '../domain/event-signature.ts';
import {
  ENROLMENT_PATH,
  RETIRE_DEVICE_PATH,
  type EnrolmentRequest,
  type EnrolmentResponse,
  type ErrorBody,
} from '../protocol/protocol.ts';

export const ENROLMENT_TIMEOUT_MS = 20_000;

export type EnrolmentProblem =
  | 'registry-url-invalid'
  | 'code-invalid'
  | 'code-expired'
  | 'code-used'
  | 'rate-limited'
  | 'unreachable'
  | 'server-error'
  | 'device-id-taken'
  | 'bad-response';

/** Why an enrolment did not happen; nothing on the tablet changed. */
export class EnrolmentFailed extends Error {
  override readonly name = 'EnrolmentFailed';
  constructor(
    readonly problem: EnrolmentProblem | { code: EnrolmentCodeProblem },
    /** The registry's words, for the log; never shown as they are. */
    detail = '',
  ) {
    super(typeof problem === 'string' ? `${problem} ${detail}`.trim() : `code ${problem.code}`);
  }
}

/** '' (the app's own origin) or an http(s) origin with an optional path, without a trailing slash. */
export function normalizeRegistryUrl(text: string): string | null {
  const trimmed = text.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.username || url.password || url.search || url.hash) return null;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export interface EnrolmentInput {
  registryUrl: string;
  code: string;
}

export interface EnrolmentDeps {
  fetch: typeof fetch;
  now: () => Date;
}

function isEnrolmentResponse(value: unknown, deviceId: string): value is EnrolmentResponse {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Record<string, unknown>;
  return (
    answer.deviceId === deviceId &&
    typeof answer.deviceToken === 'string' &&
    answer.deviceToken.length > 0 &&
    answer.deviceToken.length <= 512 &&
    typeof answer.enrolledAt === 'string' &&
    !Number.isNaN(Date.parse(answer.enrolledAt)) &&
    isCenterProfile(answer.center)
  );
}

const PROBLEM_FOR_CODE: Record<string, EnrolmentProblem> = {
  enrolment_code_invalid: 'code-invalid',
  enrolment_code_expired: 'code-expired',
  enrolment_code_used: 'code-used',
  rate_limited: 'rate-limited',
  device_id_taken: 'device-id-taken',
};

/**
 * Enrols the tablet with the center `code` was issued for; returns the center's profile. Throws
 * EnrolmentFailed, or CommandRefused when the tablet may not leave its current center.
 */
export async function enrolTablet(
  db: TahvilDatabase,
  input: EnrolmentInput,
  deps: EnrolmentDeps,
  options: LeaveOptions = {},
): Promise<EnrolmentResponse['center']> {
  const registryUrl = normalizeRegistryUrl(input.registryUrl);
  if (registryUrl === null) throw new EnrolmentFailed('registry-url-invalid');
  const code = parseEnrolmentCode(input.code);
  if (!code.ok) throw new EnrolmentFailed({ code: code.problem });
  // Before the code is spent: a tablet holding unsent events must not give them up for it; and
  // from here until the new enrolment is stored (or this one fails), nothing new is recorded.
  const previous = await enrolledDevice(db);
  const hold = await beginEnrolment(db, options);
  let center: EnrolmentResponse['center'];
  try {
    center = await askAndApply(db, registryUrl, code.code, deps, options);
  } catch (error) {
    await abandonEnrolment(db, hold);
    throw error;
  }
  // The enrolment this one replaces leaves the registry too, so no token of it still works.
  if (previous) await retireDevice(previous, deps.fetch);
  return center;
}

/** What the registry knows this tablet by, while it is enrolled. */
export interface DeviceCredentials {
  registryUrl: string;
  deviceId: string;
  deviceToken: string;
}

async function enrolledDevice(db: TahvilDatabase): Promise<DeviceCredentials | null> {
  const settings = await readSettings(db);
  if (!isEnrolled(settings) || settings.withdrawnAt !== null) return null;
  const { registryUrl, deviceId, deviceToken } = settings;
  return { registryUrl, deviceId, deviceToken };
}

export const RETIRE_TIMEOUT_MS = 8_000;

/**
 * Tells the registry the device leaves its center for good. Best effort: true when the registry
 * took it (or had withdrawn the device already), false when it could not be told (offline); the
 * registry's staff then withdraw the device themselves.
 */
export async function retireDevice(
  device: DeviceCredentials,
  fetchFn: typeof fetch,
): Promise<boolean> {
  const answer = await requestJson(
    fetchFn,
    `${device.registryUrl}${RETIRE_DEVICE_PATH}`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${device.deviceToken}`, 'X-Device-Id': device.deviceId },
    },
    RETIRE_TIMEOUT_MS,
  );
  if (!answer) return false;
  if (answer.response.ok) return true;
  return (answer.body as ErrorBody | undefined)?.error?.code === 'device_withdrawn';
}

/**
 * Leaves the center: refused as leaving is (checked, and recording held, first), then the
 * registry is told the device is retiring, then everything of the center leaves the tablet.
 * Returns whether the registry was told.
 */
export async function leaveAndRetire(
  db: TahvilDatabase,
  deps: Pick<EnrolmentDeps, 'fetch'>,
  options: LeaveOptions = {},
): Promise<boolean> {
  const device = await enrolledDevice(db);
  const hold = await beginEnrolment(db, options);
  try {
    const told = device ? await retireDevice(device, deps.fetch) : false;
    await leaveCenter(db, options);
    return told;
  } catch (error) {
    await abandonEnrolment(db, hold);
    throw error;
  }
}

async function askAndApply(
  db: TahvilDatabase,
  registryUrl: string,
  code: string,
  deps: EnrolmentDeps,
  options: LeaveOptions,
): Promise<EnrolmentResponse['center']> {
  // A device id names one enrolment at the registry (decision 017): a new one every time.
  const deviceId = crypto.randomUUID();
  const pair = await generateDeviceKeyPair();
  const key: DeviceKey = {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk: await exportDevicePublicKey(pair.publicKey),
    createdAt: deps.now().toISOString(),
  };
  const request: EnrolmentRequest = { code, deviceId, publicKey: key.publicJwk };

  const answer = await requestJson(
    deps.fetch,
    `${registryUrl}${ENROLMENT_PATH}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    },
    ENROLMENT_TIMEOUT_MS,
  );
  if (!answer) throw new EnrolmentFailed('unreachable');
  const { response, body } = answer;

  if (!response.ok) {
    const errorCode = (body as ErrorBody | undefined)?.error?.code ?? '';
    const problem = PROBLEM_FOR_CODE[errorCode];
    if (problem) throw new EnrolmentFailed(problem, errorCode);
    throw new EnrolmentFailed(
      response.status >= 500 || errorCode === '' ? 'server-error' : 'bad-response',
      `${response.status} ${errorCode}`,
    );
  }
  if (!isEnrolmentResponse(body, deviceId)) throw new EnrolmentFailed('bad-response');
  await applyEnrolment(db, { deviceId, response: body, key, registryUrl }, options);
  return body.center;
}
