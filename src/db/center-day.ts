// The center's day as the registry accepted it (protocol 2.2, decision 023): every tablet's
// handovers and voids, stored by eventId with their day, the day's cursor, and the center's
// devices with when the registry last heard from each. Must stay true: a page is stored whole,
// with its cursor, in one transaction, and only for the enrolment it was fetched for; an event is
// stored once however often its day is asked; a row the retention rule erased stays erased.
import type { TahvilDatabase } from './database.ts';
import type { CenterEventRecord } from './records.ts';
import { assertCenter, type EnrolmentGuard } from './settings.ts';
import type { DayEventsResponse, DayFeedDevice } from '../protocol/protocol.ts';

/** The feed's position per day (the settings table; not a setting). */
export const CENTER_DAY_CURSORS_ROW = 'centerDayCursors';
/** The devices of the last page stored, and when it came. */
export const CENTER_DEVICES_ROW = 'centerDevices';
/** Days whose cursor is kept: today's and the few a manager looked back at. */
export const KEPT_DAY_CURSORS = 8;

export interface CenterDevices {
  devices: DayFeedDevice[];
  /** This tablet's clock when the page that named them arrived. */
  receivedAtMs: number;
}

type DayCursors = Record<string, string>;

async function readCursors(db: TahvilDatabase): Promise<DayCursors> {
  const value = (await db.settings.get(CENTER_DAY_CURSORS_ROW))?.value;
  return typeof value === 'object' && value !== null ? (value as DayCursors) : {};
}

/** Where the feed of `dayKey` was left; null: from the day's start. */
export async function readCenterDayCursor(
  db: TahvilDatabase,
  dayKey: string,
): Promise<string | null> {
  const cursor = (await readCursors(db))[dayKey];
  return typeof cursor === 'string' ? cursor : null;
}

export async function readCenterDevices(db: TahvilDatabase): Promise<CenterDevices | null> {
  const value = (await db.settings.get(CENTER_DEVICES_ROW))?.value as CenterDevices | undefined;
  return value && Array.isArray(value.devices) ? value : null;
}

function recordOf(
  dayKey: string,
  event: DayEventsResponse['items'][number],
  receivedAtMs: number,
): CenterEventRecord {
  return {
    eventId: event.eventId,
    dayKey,
    type: event.type,
    cardId: event.cardId,
    deviceId: event.deviceId,
    staffId: event.staffId,
    occurredAtMs: Date.parse(event.occurredAt),
    ...(event.type === 'handover_void' ? { handoverEventId: event.handoverEventId } : {}),
    event,
    receivedAtMs,
  };
}

/**
 * Stores one page of `dayKey` (read whole by parseDayEventsPage), its cursor and its devices, for
 * the enrolment `guard` names (CenterChangedError otherwise).
 */
export async function storeCenterDayPage(
  db: TahvilDatabase,
  dayKey: string,
  page: Pick<DayEventsResponse, 'items' | 'cursor' | 'devices'>,
  { receivedAtMs, ...guard }: EnrolmentGuard & { receivedAtMs: number },
): Promise<void> {
  await db.transaction('rw', [db.centerEvents, db.settings], async () => {
    await assertCenter(db, guard);
    const stored = await db.centerEvents.bulkGet(page.items.map((event) => event.eventId));
    // An event asked again (a day from the start after a 400) keeps what it had: an erased row
    // is never filled in again.
    const fresh = page.items.filter((_, index) => stored[index] === undefined);
    await db.centerEvents.bulkPut(fresh.map((event) => recordOf(dayKey, event, receivedAtMs)));
    const cursors = { ...(await readCursors(db)), [dayKey]: page.cursor };
    const kept = Object.keys(cursors).sort().slice(-KEPT_DAY_CURSORS);
    await db.settings.bulkPut([
      {
        key: CENTER_DAY_CURSORS_ROW,
        value: Object.fromEntries(kept.map((day) => [day, cursors[day]])),
      },
      { key: CENTER_DEVICES_ROW, value: { devices: page.devices, receivedAtMs } },
    ]);
  });
}
