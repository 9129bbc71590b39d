// Who a device request speaks for (docs/protocol.md, "Device identity"), shared by the cards,
// events and roster routes. Must stay true: the checks run in the documented order (401 token /
// 400 X-Device-Id / 401 another device's token / 401 device_withdrawn / 404 center / 403 another
// center), so every device route answers a given mistake the same way.
import type { IncomingMessage } from 'node:http';
import type { StoredDevice } from './device-registry.ts';
import { HttpError, bearerToken, malformed } from './http.ts';
import type { RegistryStore } from './registry-store.ts';

/**
 * The device a request speaks for, checked in the documented order: a known token (401), an
 * X-Device-Id (400), the token's own device (401), not withdrawn (401 device_withdrawn).
 */
export async function authenticateDevice(
  state: RegistryStore,
  req: IncomingMessage,
): Promise<StoredDevice> {
  const token = bearerToken(req);
  if (token === undefined)
    throw new HttpError(401, 'unauthorized', 'missing Authorization: Bearer <device token>');
  const device = await state.devices.deviceForToken(token);
  if (device === undefined)
    throw new HttpError(
      401,
      'unauthorized',
      'device token is not valid (never issued, or replaced by a later enrolment)',
    );
  const headerDeviceId = req.headers['x-device-id'];
  if (typeof headerDeviceId !== 'string' || headerDeviceId === '')
    throw malformed('missing X-Device-Id header');
  if (headerDeviceId !== device.deviceId)
    throw new HttpError(
      401,
      'unauthorized',
      `the device token belongs to another device, not ${headerDeviceId}`,
    );
  if (device.status === 'withdrawn')
    throw new HttpError(
      401,
      'device_withdrawn',
      `device ${device.deviceId} was withdrawn from center ${device.centerId} on ${device.withdrawnAt ?? '(unknown)'}; it must be enrolled again with a new code`,
    );
  // The day feed's lastHeardAt (2.2): the device spoke, whatever the rest of the answer is.
  state.devices.heard(device.deviceId);
  return device;
}

/**
 * The device a request about `centerId` speaks for: authenticateDevice, then a known center
 * (404) and the device's own (403), the documented steps 5 and 6.
 */
export async function authorizeCenterDevice(
  state: RegistryStore,
  req: IncomingMessage,
  centerId: string,
): Promise<StoredDevice> {
  const device = await authenticateDevice(state, req);
  // A device's own center exists (centers are never removed): only another one is looked up.
  if (device.centerId !== centerId && !(await state.hasCenter(centerId)))
    throw new HttpError(404, 'not_found', `unknown center ${centerId}`);
  if (device.centerId !== centerId)
    throw new HttpError(
      403,
      'forbidden',
      `device ${device.deviceId} is enrolled at center ${device.centerId}, not ${centerId}`,
    );
  return device;
}

/** A percent-encoded id of a path; one that does not decode is 400. */
export function decodePathId(encoded: string, what: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw malformed(`${what} is not valid percent-encoding`);
  }
}
