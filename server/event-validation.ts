// Validation of the events tablets push (docs/protocol.md, "Events"): everything a tablet sends
// is untrusted until it passes here. Must stay true: an event passes only with exactly the members
// its type has (an unknown member is refused, never dropped) and every value in the form it is
// stored in, so the event kept is the very object its device signed; every text is bounded,
// every listed value is checked against src/protocol's lists, and a refusal is a code and a
// reason for a `rejected` answer, never an exception.
import type {
  CounterChecks,
  PushReasonCode,
  HandoverEvent,
  HandoverRecipient,
  HandoverVoidEvent,
  ProtocolEvent,
} from '../src/protocol/protocol.ts';
import {
  EVENT_TYPES,
  OLD_CARD_STATES,
  RECIPIENT_KINDS,
  isOneOf,
} from '../src/protocol/protocol.ts';
import { parseNationalCode } from '../src/domain/national-code.ts';
import { isRecord } from './json-body.ts';

export type ParsedEvent =
  | { ok: true; event: ProtocolEvent }
  | {
      ok: false;
      code: Extract<PushReasonCode, 'malformed-event' | 'bad-signature'>;
      reason: string;
    };

const MAX_ID_LENGTH = 128;
/** A signature is 86 characters (64 bytes in base64url); room for a longer encoding's mistake. */
const MAX_SIGNATURE_LENGTH = 256;
const MAX_TEXT_LENGTH = 500;
/** No handover of a smart card happened before this: an earlier time is a wrong clock. */
export const EARLIEST_OCCURRED_AT = '2020-01-01T00:00:00Z';
const EARLIEST_OCCURRED_AT_MS = Date.parse(EARLIEST_OCCURRED_AT);
/** How far ahead of the registry's clock an event's time may be (time zones, drift). */
export const MAX_OCCURRED_AT_AHEAD_MS = 24 * 60 * 60 * 1000;
const OCCURRED_AT_PATTERN =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

class EventProblem extends Error {}

/** The signature is checked by the caller with the device's key; here only that there is one. */
class MissingSignature extends Error {}

const HANDOVER_MEMBERS = [
  'eventId',
  'type',
  'cardId',
  'occurredAt',
  'staffId',
  'deviceId',
  'recipient',
  'checks',
  'signature',
];
const VOID_MEMBERS = [
  'eventId',
  'type',
  'handoverEventId',
  'cardId',
  'reason',
  'occurredAt',
  'staffId',
  'deviceId',
  'signature',
];
/** 2.1: a void a supervisor approved on the clerk's screen also names them. */
const VOID_OPTIONAL_MEMBERS = ['approvedBy'];
const HOLDER_MEMBERS = ['kind', 'nationalCode', 'fullName'];
const PROXY_MEMBERS = [...HOLDER_MEMBERS, 'relation', 'documentRef'];
const CHECK_MEMBERS = [
  'identityVerified',
  'birthCertificateSeen',
  'oldCard',
  'feeCollected',
  'biometricConfirmed',
];

/** Refuses a member the object's type does not have: a signed event is stored as sent. */
function onlyMembers(
  record: Record<string, unknown>,
  allowed: readonly string[],
  where = '',
): void {
  const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw new EventProblem(
      `unknown member${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `${where}${key}`).join(', ')}`,
    );
}

function text(
  record: Record<string, unknown>,
  field: string,
  maxLength: number,
  where = '',
): string {
  const value = record[field];
  if (typeof value !== 'string' || value.trim() === '')
    throw new EventProblem(`missing ${where}${field}`);
  if (value.length > maxLength)
    throw new EventProblem(`${where}${field} is longer than ${maxLength} characters`);
  return value;
}

function flag(record: Record<string, unknown>, field: string): boolean {
  const value = record[field];
  if (typeof value !== 'boolean') throw new EventProblem(`checks.${field} must be true or false`);
  return value;
}

function occurredAt(record: Record<string, unknown>): string {
  const value = text(record, 'occurredAt', 64);
  if (!OCCURRED_AT_PATTERN.test(value) || Number.isNaN(Date.parse(value))) {
    throw new EventProblem('occurredAt must be an ISO 8601 time with an offset');
  }
  return value;
}

/**
 * Why an event's time cannot be right by the registry's clock `now`, or null when it can.
 * Checked on new events only: a tablet with a wrong clock must be noticed, not recorded, since a
 * handover's time is the citizen's record; an event already accepted stays what it was.
 */
export function implausibleTime(event: ProtocolEvent, now: Date): string | null {
  const instant = Date.parse(event.occurredAt);
  if (instant < EARLIEST_OCCURRED_AT_MS)
    return `occurredAt ${event.occurredAt} is before ${EARLIEST_OCCURRED_AT}: is the tablet's clock right?`;
  if (instant > now.getTime() + MAX_OCCURRED_AT_AHEAD_MS)
    return `occurredAt ${event.occurredAt} is more than a day ahead of the registry's clock (${now.toISOString()}): is the tablet's clock right?`;
  return null;
}

function nationalCode(record: Record<string, unknown>): string {
  const value = record.nationalCode;
  if (typeof value !== 'string') throw new EventProblem('missing recipient.nationalCode');
  const parsed = parseNationalCode(value);
  if (!parsed.ok) throw new EventProblem(`recipient.nationalCode is invalid (${parsed.problem})`);
  // Rewriting it (Persian digits, dashes) would store something its device never signed.
  if (parsed.code !== value)
    throw new EventProblem('recipient.nationalCode must be sent as its 10 ASCII digits');
  return parsed.code;
}

function parseRecipient(value: unknown): HandoverRecipient {
  if (!isRecord(value)) throw new EventProblem('missing recipient');
  const kind = value.kind;
  if (!isOneOf(RECIPIENT_KINDS, kind))
    throw new EventProblem(`recipient.kind must be ${RECIPIENT_KINDS.join(' or ')}`);
  onlyMembers(value, kind === 'proxy' ? PROXY_MEMBERS : HOLDER_MEMBERS, 'recipient.');
  const recipient: HandoverRecipient = {
    kind,
    nationalCode: nationalCode(value),
    fullName: text(value, 'fullName', MAX_TEXT_LENGTH, 'recipient.'),
  };
  if (kind === 'proxy') {
    recipient.relation = text(value, 'relation', MAX_TEXT_LENGTH, 'recipient.');
    recipient.documentRef = text(value, 'documentRef', MAX_TEXT_LENGTH, 'recipient.');
  }
  return recipient;
}

function parseChecks(value: unknown): CounterChecks {
  if (!isRecord(value)) throw new EventProblem('missing checks');
  onlyMembers(value, CHECK_MEMBERS, 'checks.');
  const oldCard = value.oldCard;
  if (!isOneOf(OLD_CARD_STATES, oldCard)) {
    throw new EventProblem(`checks.oldCard must be ${OLD_CARD_STATES.join(', ')}`);
  }
  return {
    identityVerified: flag(value, 'identityVerified'),
    birthCertificateSeen: flag(value, 'birthCertificateSeen'),
    oldCard,
    feeCollected: flag(value, 'feeCollected'),
    biometricConfirmed: flag(value, 'biometricConfirmed'),
  };
}

function signature(record: Record<string, unknown>): string {
  const value = record.signature;
  if (typeof value !== 'string' || value === '')
    throw new MissingSignature('missing signature: every event must be signed by its device');
  if (value.length > MAX_SIGNATURE_LENGTH)
    throw new EventProblem(`signature is longer than ${MAX_SIGNATURE_LENGTH} characters`);
  return value;
}

/**
 * A void's `approvedBy` (2.1), when it has one: an id like `staffId`'s, and another person's.
 * Whether the approver is on the roster and a supervisor is the registry state's question.
 */
function approver(record: Record<string, unknown>, staffId: string): { approvedBy?: string } {
  if (record.approvedBy === undefined) return {};
  const approvedBy = text(record, 'approvedBy', MAX_ID_LENGTH);
  if (approvedBy === staffId)
    throw new EventProblem('approvedBy must be another staff member than staffId');
  return { approvedBy };
}

/**
 * Validates a pushed event and rebuilds it, refusing any member its type does not have and any
 * value not in its stored form (a national code must already be ten ASCII digits): the event
 * passed on is then equal to the one its device signed. That `signature` is that device's is
 * the caller's check (src/domain/event-signature.ts); a missing one is `bad-signature` here.
 * Whether the time is plausible is `implausibleTime`'s question, asked of new events only.
 */
export function parseEvent(raw: unknown): ParsedEvent {
  try {
    if (!isRecord(raw)) throw new EventProblem('event must be an object');
    const eventId = text(raw, 'eventId', MAX_ID_LENGTH);
    const type = raw.type;
    if (!isOneOf(EVENT_TYPES, type))
      throw new EventProblem(`type must be ${EVENT_TYPES.join(' or ')}`);
    onlyMembers(
      raw,
      type === 'handover' ? HANDOVER_MEMBERS : [...VOID_MEMBERS, ...VOID_OPTIONAL_MEMBERS],
    );
    const cardId = text(raw, 'cardId', MAX_ID_LENGTH);
    const when = occurredAt(raw);
    const staffId = text(raw, 'staffId', MAX_ID_LENGTH);
    const deviceId = text(raw, 'deviceId', MAX_ID_LENGTH);
    if (type === 'handover') {
      const event: HandoverEvent = {
        eventId,
        type,
        cardId,
        occurredAt: when,
        staffId,
        deviceId,
        recipient: parseRecipient(raw.recipient),
        checks: parseChecks(raw.checks),
        signature: signature(raw),
      };
      return { ok: true, event };
    }
    const event: HandoverVoidEvent = {
      eventId,
      type,
      handoverEventId: text(raw, 'handoverEventId', MAX_ID_LENGTH),
      cardId,
      reason: text(raw, 'reason', MAX_TEXT_LENGTH),
      occurredAt: when,
      staffId,
      deviceId,
      ...approver(raw, staffId),
      signature: signature(raw),
    };
    return { ok: true, event };
  } catch (error) {
    if (error instanceof EventProblem)
      return { ok: false, code: 'malformed-event', reason: error.message };
    if (error instanceof MissingSignature)
      return { ok: false, code: 'bad-signature', reason: error.message };
    throw error;
  }
}
