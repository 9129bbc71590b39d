// The handover receipt (features/receipt): everything a printed receipt names, read in one
// transaction from this tablet's own records, so it needs no network. Must stay true: it shows
// the handover as it was recorded (the outbox record, not the card as it is now), it never
// invents a detail that retention erased, and it says when the handover was voided.
import type { TahvilDatabase } from './database.ts';
import type { HandoverEvent } from '../protocol/protocol.ts';
import type { SyncState } from '../domain/event-sync.ts';

/** Longer than any event id this app makes (a UUID is 36): anything longer is no event of ours. */
export const MAX_RECEIPT_EVENT_ID_LENGTH = 100;

export interface HandoverReceipt {
  handover: HandoverEvent;
  occurredAtMs: number;
  /** The holder as the record kept them at the handover; empty once erased. */
  holderName: string;
  holderNationalCode: string;
  /** From the card as this tablet holds it; null when unknown or erased. */
  trackingCode: string | null;
  /** The clerk who recorded it: the roster's name when the member is on it, else the record's. */
  staffId: string;
  staffName: string;
  /** Retention erased the personal details (db/retention.ts): names and codes are gone. */
  detailsErased: boolean;
  /** When the handover was voided on this tablet, or null. */
  voidedAtMs: number | null;
  syncState: SyncState;
}

/**
 * The receipt of handover `eventId` as recorded on this tablet, or null when this tablet holds no
 * handover by that id (another tablet's, a void's id, or a malformed link).
 */
export async function readHandoverReceipt(
  db: TahvilDatabase,
  eventId: string,
): Promise<HandoverReceipt | null> {
  if (eventId === '' || eventId.length > MAX_RECEIPT_EVENT_ID_LENGTH) return null;
  return db.transaction('r', [db.events, db.cards, db.staff], async () => {
    const record = await db.events.where('eventId').equals(eventId).first();
    if (!record || record.event.type !== 'handover') return null;
    const handover = record.event;
    const [card, member, voidRecord] = await Promise.all([
      db.cards.get(record.cardId),
      db.staff.get(record.staffId),
      record.voidedByEventId
        ? db.events.where('eventId').equals(record.voidedByEventId).first()
        : Promise.resolve(undefined),
    ]);
    const detailsErased = record.detailsErasedAtMs !== undefined;
    return {
      handover,
      occurredAtMs: record.occurredAtMs,
      holderName: record.holderName,
      holderNationalCode: record.holderNationalCode,
      trackingCode:
        detailsErased || !card || card.detailsErasedAt ? null : (card.trackingCode ?? null),
      staffId: record.staffId,
      staffName: member?.name ?? record.staffName,
      detailsErased,
      voidedAtMs: record.voidedByEventId ? (voidRecord?.occurredAtMs ?? record.occurredAtMs) : null,
      syncState: record.syncState,
    };
  });
}
