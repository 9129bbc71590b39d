// The center's day (docs/protocol.md, "The center's day (2.2)", decision 023): the events the
// registry accepted for a center on one Jalali day in Asia/Tehran, from every tablet, cursor-paged
// in acceptance order, with the center's devices and when each was last heard from. Must stay
// true: the device's checks come first, in the documented order, as for a pull; the day, the
// limit and the cursor are checked in that order and every bad one is 400 `malformed`; a cursor
// works only for the center and the day it was issued for; no day in the registry's future or
// older than the center's detailsRetentionDays is served; nothing is shown before it is committed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DayEventsResponse, DayFeedDevice } from '../src/protocol/protocol.ts';
import {
  DAY_FEED_TIME_ZONE,
  DAY_KEY_PATTERN,
  DEFAULT_DAY_EVENTS_LIMIT,
  MAX_DAY_EVENTS_LIMIT,
  PROTOCOL_BASE_PATH,
} from '../src/protocol/protocol.ts';
import { addJalaliDays, jalaliDayKey, normalizeJalaliDate } from '../src/domain/jalali.ts';
import { authorizeCenterDevice, decodePathId } from './device-auth.ts';
import type { FaultOptions } from './faults.ts';
import { injectRequestFaults } from './faults.ts';
import { HttpError, malformed, sendJson } from './http.ts';
import type { RegistryStore } from './registry-store.ts';

const DAY_FEED_ROUTE = new RegExp(`^${PROTOCOL_BASE_PATH}/centers/([^/]+)/day-events$`);

// The position is a count of the day's events already given; the cursor names the center and
// the day too, so it is refused anywhere else.
const CURSOR_PATTERN = /^d:([0-9]{4}-[0-9]{2}-[0-9]{2}):n:(0|[1-9][0-9]{0,15}):c:(.+)$/s;

export function encodeDayCursor(centerId: string, day: string, position: number): string {
  return Buffer.from(`d:${day}:n:${position}:c:${centerId}`, 'utf8').toString('base64url');
}

/** The position a cursor stands for on this center and day; absent or empty: the start. */
export function decodeDayCursor(
  centerId: string,
  day: string,
  cursor: string | null | undefined,
): number {
  if (cursor === null || cursor === undefined || cursor === '') return 0;
  const match = CURSOR_PATTERN.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // Re-encoding must give the same text, or two spellings would name one position.
  if (!match || encodeDayCursor(match[3]!, match[1]!, Number(match[2])) !== cursor)
    throw malformed('cursor is not one this registry issued');
  if (match[3] !== centerId)
    throw malformed(`cursor was issued for another center, not ${centerId}`);
  if (match[1] !== day) throw malformed(`cursor was issued for another day, not ${day}`);
  return Number(match[2]);
}

/** `limit`: absent → DEFAULT_DAY_EVENTS_LIMIT, else ASCII digits 1..MAX_DAY_EVENTS_LIMIT. */
export function parseDayEventsLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_DAY_EVENTS_LIMIT;
  const limit = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_DAY_EVENTS_LIMIT))
    throw malformed(`limit must be an integer from 1 to ${MAX_DAY_EVENTS_LIMIT}`);
  return limit;
}

/**
 * `day`: a real Jalali date `YYYY-MM-DD` in ASCII digits, from `retentionDays` before the
 * registry's today (in Asia/Tehran) to today.
 */
export function checkFeedDay(raw: string | null, now: Date, retentionDays: number): string {
  if (raw === null || !DAY_KEY_PATTERN.test(raw) || normalizeJalaliDate(raw) !== raw)
    throw malformed('day must be a Jalali date YYYY-MM-DD (ASCII digits) in Asia/Tehran');
  const today = jalaliDayKey(now, DAY_FEED_TIME_ZONE);
  if (raw > today) throw malformed(`day ${raw} is after the registry's today, ${today}`);
  const oldest = addJalaliDays(today, -retentionDays, DAY_FEED_TIME_ZONE);
  if (raw < oldest)
    throw malformed(
      `day ${raw} is before ${oldest}: the center keeps a day's details for ${retentionDays} days`,
    );
  return raw;
}

export interface DayFeedRouteContext {
  state: RegistryStore;
  faults(): FaultOptions;
  chance(rate: number): boolean;
  /** The registry's clock: which day is today. */
  now(): Date;
}

/** Handles GET …/day-events; false for any other path. */
export function createDayFeedRoutes(context: DayFeedRouteContext) {
  const { state, faults, chance, now } = context;

  /** The center's active devices, and the others that recorded something on the day. */
  const devicesOf = async (
    centerId: string,
    deviceIdsOfDay: ReadonlySet<string>,
  ): Promise<DayFeedDevice[]> =>
    (await state.devices.devicesOf(centerId))
      .filter((device) => device.status === 'active' || deviceIdsOfDay.has(device.deviceId))
      .sort((a, b) => a.enrolledAt.localeCompare(b.enrolledAt))
      .map((device) => ({
        deviceId: device.deviceId,
        status: device.status,
        enrolledAt: device.enrolledAt,
        withdrawnAt: device.withdrawnAt,
        lastHeardAt: state.devices.lastHeardAt(device.deviceId),
      }));

  return async function handleDayFeed(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const route = DAY_FEED_ROUTE.exec(url.pathname);
    if (!route) return false;
    if (req.method !== 'GET')
      throw new HttpError(405, 'method_not_allowed', 'use GET', { Allow: 'GET' });
    const centerId = decodePathId(route[1] as string, 'center id');

    await injectRequestFaults(faults, chance);
    await authorizeCenterDevice(state, req, centerId);

    const rules = (await state.centerProfile(centerId))!.rules;
    const day = checkFeedDay(url.searchParams.get('day'), now(), rules.detailsRetentionDays);
    const limit = parseDayEventsLimit(url.searchParams.get('limit'));
    const start = decodeDayCursor(centerId, day, url.searchParams.get('cursor'));
    const { items, total, deviceIds } = await state.acceptedOnDay(centerId, day, start, limit);
    if (start > total)
      throw malformed(
        'cursor is ahead of this registry: its data was replaced; ask from the start',
      );
    const position = start + items.length;
    const page: DayEventsResponse = {
      centerId,
      day,
      items,
      cursor: encodeDayCursor(centerId, day, position),
      hasMore: position < total,
      devices: await devicesOf(centerId, deviceIds),
    };
    if (chance(faults().dropRate)) req.socket.destroy();
    else sendJson(res, 200, page);
    return true;
  };
}
