// Handover and void commands: the two writes a clerk makes. Each writes the card's new state,
// its outbox event and the counters in one strict-durability transaction, so either all of it
// is on disk or none is; the UI reports "saved" only after the transaction commits. Every event
// is signed with the device key before that transaction (WebCrypto is not an IndexedDB request
// and would let it commit early), and the transaction checks again that the card, the handover
// and the key are as they were when the event was made: if not, nothing is written (decision 018).
// Who acts is checked the same way (decision 022): before signing, to know whether the void
// carries a supervisor's approval, and again in the transaction against the roster and the shift
// as they are then, so a lock, a sign-out or a deactivation meanwhile writes nothing.
import type { TahvilDatabase } from './database.ts';
import type {
  OutboxRecord,
  StaffOnShift,
  StoredCard,
  StoredEvent,
  StoredStaff,
  SyncState,
} from './records.ts';
import type {
  CardStatus,
  CenterRules,
  CounterChecks,
  HandoverEvent,
  HandoverRecipient,
  HandoverVoidEvent,
  ProtocolEvent,
  UnsignedEvent,
} from '../protocol/protocol.ts';
import { signEvent } from '../domain/event-signature.ts';
import { readDeviceKey, sameDeviceKey, type DeviceKey } from './enrolment.ts';
import { assertMayRecord } from './settings.ts';
import { approverFor, assertApprover, assertOnShift, type Approval } from './staff.ts';
import { permission, voidAction } from '../domain/staff-roles.ts';
import { parseNationalCode } from '../domain/national-code.ts';
import { toAsciiDigits } from '../domain/digits.ts';
import { CommandRefused, type HandoverRefusal } from '../domain/refusals.ts';
import { isoWithOffset, jalaliDayKey } from '../domain/jalali.ts';
import { tidyDisplayText } from '../domain/persian-text.ts';
import { addDelta, adjustCounters, handoversOnDayKey, statusCounterKey } from './counters.ts';

/** Who acts and when. The device is not in it: events name the enrolled device, read with its key. */
export interface CommandContext {
  staff: StaffOnShift | null;
  timeZone: string;
  now: Date;
  makeEventId: () => string;
}

export interface HandoverInput {
  cardId: string;
  recipient: HandoverRecipient;
  checks: CounterChecks;
}

const REFUSAL_FOR_STATUS: Record<Exclude<CardStatus, 'ready'>, HandoverRefusal> = {
  revoked: 'card-revoked',
  returned: 'card-returned',
  handed_over: 'card-handed-over',
};

export interface OutboxContext {
  dayKey: string;
  occurredAtMs: number;
  staff: Pick<StaffOnShift, 'staffId' | 'staffName'>;
  holderName: string;
  holderNationalCode: string;
}

/** The outbox row of a newly recorded protocol event: pending, with what lists show beside it. */
export function pendingOutboxRecord(
  event: HandoverEvent | HandoverVoidEvent,
  context: OutboxContext,
): OutboxRecord {
  return newEventRecord(event, context, 'pending');
}

/** The stored row of any newly recorded event, in the sync state it starts in. */
export function newEventRecord(
  event: StoredEvent,
  context: OutboxContext,
  syncState: SyncState,
): OutboxRecord {
  return {
    eventId: event.eventId,
    type: event.type,
    cardId: event.cardId,
    dayKey: context.dayKey,
    occurredAtMs: context.occurredAtMs,
    staffId: context.staff.staffId,
    staffName: context.staff.staffName,
    holderName: context.holderName,
    holderNationalCode: context.holderNationalCode,
    event,
    syncState,
    serverReason: null,
    voidedByEventId: null,
    resolvedByEventId: null,
  };
}

/** Every check the counter must confirm before a card leaves the building. */
export function checksComplete(checks: CounterChecks): boolean {
  return (
    checks.identityVerified &&
    checks.birthCertificateSeen &&
    checks.feeCollected &&
    checks.biometricConfirmed
  );
}

export function refusalForCard(card: StoredCard | undefined): HandoverRefusal | null {
  if (!card) return 'card-not-found';
  return card.status === 'ready' ? null : REFUSAL_FOR_STATUS[card.status];
}

function validatedRecipient(
  card: StoredCard,
  input: HandoverInput,
  rules: CenterRules,
): HandoverRecipient {
  const { recipient } = input;
  const code = parseNationalCode(recipient.nationalCode);
  if (!code.ok) throw new CommandRefused('recipient-code-invalid');
  const fullName = tidyDisplayText(recipient.fullName);
  if (recipient.kind === 'holder') {
    if (code.code !== card.nationalCode) throw new CommandRefused('recipient-not-holder');
    return {
      kind: 'holder',
      nationalCode: code.code,
      fullName: fullName || `${card.firstName} ${card.lastName}`,
    };
  }
  if (!rules.proxyPickupAllowed) throw new CommandRefused('proxy-not-allowed');
  const relation = tidyDisplayText(recipient.relation ?? '');
  // A document number is a code: «۱۴۰۵» and «1405» must be one reference in the registry and CSV.
  const documentRef = toAsciiDigits(tidyDisplayText(recipient.documentRef ?? ''));
  if (!fullName) throw new CommandRefused('recipient-name-missing');
  if (!relation || !documentRef) throw new CommandRefused('proxy-details-missing');
  return { kind: 'proxy', nationalCode: code.code, fullName, relation, documentRef };
}

/**
 * The device key to sign with, the center's rules and the roster's copy of the member on shift,
 * read before the write transaction; refused when the tablet may not record (not enrolled, or
 * withdrawn) or `staff` is no longer the member signed in with the screen open.
 */
async function signingContext(
  db: TahvilDatabase,
  staff: StaffOnShift,
): Promise<{ key: DeviceKey; rules: CenterRules; deviceId: string; member: StoredStaff }> {
  return db.transaction('r', [db.settings, db.staff], async () => {
    const [settings, key] = await Promise.all([assertMayRecord(db), readDeviceKey(db)]);
    if (!key) throw new CommandRefused('not-enrolled');
    const member = await assertOnShift(db, staff);
    return { key, rules: settings.rules, deviceId: settings.deviceId, member };
  });
}

/**
 * Inside the write transaction: the tablet may still record, with the key the event was signed
 * by, and `staff` is still the member on shift; the roster's copy of them as of the write.
 */
async function assertStillSigningWith(
  db: TahvilDatabase,
  key: DeviceKey,
  staff: StaffOnShift,
): Promise<StoredStaff> {
  await assertMayRecord(db);
  if (!sameDeviceKey(await readDeviceKey(db), key)) throw new CommandRefused('not-enrolled');
  return assertOnShift(db, staff);
}

/** The card as it must still be for an event made from it to be written. */
function sameCardState(a: StoredCard | undefined, b: StoredCard): boolean {
  return (
    a !== undefined &&
    a.status === b.status &&
    a.version === b.version &&
    a.nationalCode === b.nationalCode &&
    (a.handover?.eventId ?? null) === (b.handover?.eventId ?? null)
  );
}

/** The test seam for "the tablet stopped between signing and storing". */
export interface SigningHooks {
  /** Runs after the event is signed and before the write transaction starts. */
  afterSigning?: (event: ProtocolEvent) => unknown;
}

/** Records a handover: card → handed_over, event → outbox, counters moved. Returns the event. */
export async function recordHandover(
  db: TahvilDatabase,
  input: HandoverInput,
  context: CommandContext,
  hooks: SigningHooks = {},
): Promise<HandoverEvent> {
  const staff = context.staff;
  if (!staff) throw new CommandRefused('no-shift');
  if (!checksComplete(input.checks)) throw new CommandRefused('checks-incomplete');
  const { key, rules, deviceId } = await signingContext(db, staff);
  const seen = await db.cards.get(input.cardId);
  const refusal = refusalForCard(seen);
  if (refusal || !seen) throw new CommandRefused(refusal ?? 'card-not-found');
  const unsigned: UnsignedEvent<HandoverEvent> = {
    eventId: context.makeEventId(),
    type: 'handover',
    cardId: seen.cardId,
    occurredAt: isoWithOffset(context.now, context.timeZone),
    staffId: staff.staffId,
    deviceId,
    recipient: validatedRecipient(seen, input, rules),
    checks: { ...input.checks },
  };
  const event = await signEvent<HandoverEvent>(unsigned, key.privateKey);
  await hooks.afterSigning?.(event);
  return db.transaction(
    'rw',
    [db.cards, db.events, db.counters, db.settings, db.staff],
    async () => {
      // Any active member hands over; the one the event names must still be the one signed in.
      await assertStillSigningWith(db, key, staff);
      const card = await db.cards.get(input.cardId);
      if (!sameCardState(card, seen) || !card)
        throw new CommandRefused(refusalForCard(card) ?? 'card-changed');
      const dayKey = jalaliDayKey(context.now, context.timeZone);
      const record = pendingOutboxRecord(event, {
        dayKey,
        occurredAtMs: context.now.getTime(),
        staff,
        holderName: `${card.firstName} ${card.lastName}`,
        holderNationalCode: card.nationalCode,
      });
      await db.events.add(record);
      await db.cards.put({ ...card, status: 'handed_over', handover: event });
      const deltas = new Map<string, number>();
      addDelta(deltas, statusCounterKey('ready'), -1);
      addDelta(deltas, statusCounterKey('handed_over'), 1);
      addDelta(deltas, handoversOnDayKey(dayKey), 1);
      await adjustCounters(db, deltas);
      return event;
    },
  );
}

export interface VoidInput {
  handoverEventId: string;
  reason: string;
  /** The supervisor who approved it in the dialog (db/staff.ts), when the clerk needed one. */
  approvedBy?: Approval;
}

/** Why a void of `original` is refused now, or null when it may be recorded. */
function voidRefusal(original: OutboxRecord | undefined): HandoverRefusal | null {
  if (!original || original.event.type !== 'handover') return 'handover-not-found';
  if (original.voidedByEventId) return 'handover-already-voided';
  // The registry never took a refused handover, so a void of it would be refused too: a
  // supervisor settles it on the "needs attention" screen instead.
  if (original.syncState === 'conflict' || original.syncState === 'rejected')
    return 'handover-needs-attention';
  // The card it would put back on the shelf has no holder left to find it by.
  if (original.detailsErasedAtMs !== undefined) return 'handover-details-erased';
  return null;
}

/** Which void `original` would be for `staffId` today (staff-roles.ts): their own of today, or any. */
function voidActionFor(original: OutboxRecord, staffId: string, context: CommandContext) {
  return voidAction(
    { staffId: original.event.staffId, dayKey: original.dayKey },
    staffId,
    jalaliDayKey(context.now, context.timeZone),
  );
}

/**
 * Undoes a handover recorded here: card → ready, a void event → outbox; both events stay. A
 * clerk voids their own handover of today; any other void needs a supervisor signed in, or
 * `input.approvedBy`, whose id the void then carries (signed with the rest).
 */
export async function voidHandover(
  db: TahvilDatabase,
  input: VoidInput,
  context: CommandContext,
  hooks: SigningHooks = {},
): Promise<HandoverVoidEvent> {
  const staff = context.staff;
  if (!staff) throw new CommandRefused('no-shift');
  const reason = tidyDisplayText(input.reason);
  if (!reason) throw new CommandRefused('void-reason-missing');
  const { key, deviceId, member } = await signingContext(db, staff);
  const seen = await db.events.where('eventId').equals(input.handoverEventId).first();
  const refusal = voidRefusal(seen);
  if (refusal || !seen) throw new CommandRefused(refusal ?? 'handover-not-found');
  if (!(await db.cards.get(seen.cardId))) throw new CommandRefused('card-not-found');
  // Decided before signing: approvedBy is part of what the signature covers.
  const approvedBy = await db.transaction('r', [db.staff], () =>
    approverFor(db, member, voidActionFor(seen, member.staffId, context), input.approvedBy),
  );
  const unsigned: UnsignedEvent<HandoverVoidEvent> = {
    eventId: context.makeEventId(),
    type: 'handover_void',
    handoverEventId: seen.eventId,
    cardId: seen.cardId,
    reason,
    occurredAt: isoWithOffset(context.now, context.timeZone),
    staffId: staff.staffId,
    deviceId,
    ...(approvedBy === undefined ? {} : { approvedBy }),
  };
  const event = await signEvent<HandoverVoidEvent>(unsigned, key.privateKey);
  await hooks.afterSigning?.(event);
  return db.transaction(
    'rw',
    [db.cards, db.events, db.counters, db.settings, db.staff],
    async () => {
      const memberNow = await assertStillSigningWith(db, key, staff);
      const original = await db.events.where('eventId').equals(input.handoverEventId).first();
      const refusalNow = voidRefusal(original);
      if (refusalNow || !original) throw new CommandRefused(refusalNow ?? 'handover-not-found');
      // As the registry judges it: an approval on the event must be an active supervisor's, and
      // without one the voider's role must allow the void by itself.
      if (event.approvedBy !== undefined)
        await assertApprover(db, memberNow, { staffId: event.approvedBy });
      else if (
        permission(memberNow.role, voidActionFor(original, memberNow.staffId, context)) !==
        'allowed'
      )
        throw new CommandRefused('needs-supervisor');
      const card = await db.cards.get(original.cardId);
      if (!card) throw new CommandRefused('card-not-found');
      await db.events.add(
        pendingOutboxRecord(event, {
          dayKey: jalaliDayKey(context.now, context.timeZone),
          occurredAtMs: context.now.getTime(),
          staff,
          holderName: original.holderName,
          holderNationalCode: original.holderNationalCode,
        }),
      );
      await db.events.update(original.seq!, { voidedByEventId: event.eventId });
      const deltas = new Map<string, number>();
      addDelta(deltas, handoversOnDayKey(original.dayKey), -1);
      // The card goes back on the shelf only if this handover is still what it shows; a card the
      // registry has since revoked stays revoked.
      if (card.status === 'handed_over' && card.handover?.eventId === original.eventId) {
        await db.cards.put({ ...card, status: 'ready', handover: null });
        addDelta(deltas, statusCounterKey('handed_over'), -1);
        addDelta(deltas, statusCounterKey('ready'), 1);
      }
      await adjustCounters(db, deltas);
      return event;
    },
  );
}
