// A page of the center's day off the wire (protocol 2.2, decision 023): read whole or not at all,
// so the tablet never stores half of a page it could not read. Must stay true: a page is for the
// center and day it was asked for; every item is a handover or a void with the members the report
// reads, of the shapes the contract gives; every device has its id and a lastHeardAt that is an
// instant or null.
import type {
  DayEventsResponse,
  DayFeedDevice,
  HandoverEvent,
  HandoverVoidEvent,
  ProtocolEvent,
} from '../protocol/protocol.ts';
import {
  DEVICE_STATUSES,
  MAX_DAY_EVENTS_LIMIT,
  OLD_CARD_STATES,
  RECIPIENT_KINDS,
  isOneOf,
} from '../protocol/protocol.ts';

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isInstant = (value: unknown): value is string =>
  typeof value === 'string' && Number.isFinite(Date.parse(value));

function isHandover(event: Fields): event is Fields & HandoverEvent {
  const { recipient, checks } = event;
  return (
    isRecord(recipient) &&
    isOneOf(RECIPIENT_KINDS, recipient.kind) &&
    typeof recipient.nationalCode === 'string' &&
    typeof recipient.fullName === 'string' &&
    isRecord(checks) &&
    isOneOf(OLD_CARD_STATES, checks.oldCard) &&
    typeof checks.feeCollected === 'boolean' &&
    typeof checks.biometricConfirmed === 'boolean'
  );
}

function isVoid(event: Fields): event is Fields & HandoverVoidEvent {
  return isText(event.handoverEventId) && typeof event.reason === 'string';
}

/** An accepted event as the report reads it: the members every event has, then its type's. */
export function isAcceptedEvent(value: unknown): value is ProtocolEvent {
  if (!isRecord(value)) return false;
  const common =
    isText(value.eventId) &&
    isText(value.cardId) &&
    isInstant(value.occurredAt) &&
    isText(value.staffId) &&
    isText(value.deviceId);
  if (!common) return false;
  if (value.type === 'handover') return isHandover(value);
  if (value.type === 'handover_void') return isVoid(value);
  return false;
}

function isDevice(value: unknown): value is DayFeedDevice {
  return (
    isRecord(value) &&
    isText(value.deviceId) &&
    isOneOf(DEVICE_STATUSES, value.status) &&
    typeof value.enrolledAt === 'string' &&
    (value.withdrawnAt === null || typeof value.withdrawnAt === 'string') &&
    (value.lastHeardAt === null || isInstant(value.lastHeardAt))
  );
}

/** The page, for `centerId` and `day`, or null when any of it is not as the contract says. */
export function parseDayEventsPage(
  value: unknown,
  centerId: string,
  day: string,
): DayEventsResponse | null {
  if (!isRecord(value)) return null;
  const { items, cursor, hasMore, devices } = value;
  if (value.centerId !== centerId || value.day !== day) return null;
  if (typeof cursor !== 'string' || typeof hasMore !== 'boolean') return null;
  if (!Array.isArray(items) || items.length > MAX_DAY_EVENTS_LIMIT) return null;
  if (!items.every(isAcceptedEvent)) return null;
  if (new Set(items.map((event) => event.eventId)).size !== items.length) return null;
  if (!Array.isArray(devices) || !devices.every(isDevice)) return null;
  return {
    centerId,
    day,
    items,
    cursor,
    hasMore,
    // Only the members the contract names: nothing else off the wire is kept.
    devices: devices.map(({ deviceId, status, enrolledAt, withdrawnAt, lastHeardAt }) => ({
      deviceId,
      status,
      enrolledAt,
      withdrawnAt,
      lastHeardAt,
    })),
  };
}
