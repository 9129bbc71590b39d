// Personal details leave the tablet (docs/protocol.md, "Center rules"): a card handed over,
// revoked or returned, and the events recorded here, keep the holder's and recipient's details
// only for the center's `detailsRetentionDays` after the registry took the change. After that
// they keep what the counter needs (card id, status, version, the handover's event id, time,
// staff and checks); names, national codes, birth dates, tracking codes, boxes, proxy details and
// void reasons are erased; so are the recipients and void reasons of the center's day as the
// registry's feed brought it (protocol 2.2), counted from when it arrived. Must stay true: nothing unsent and nothing refused that waits for a
// supervisor is touched, a refused event only counts from when a supervisor settled it, nothing
// newer than the rule allows is erased, and a card never while an event of this tablet about it
// is not erasable too.
import type { TahvilDatabase } from './database.ts';
import type { CenterEventRecord, OutboxRecord, StoredCard, StoredEvent } from './records.ts';
import type { CardStatus, HandoverEvent } from '../protocol/protocol.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const SETTLED_STATUSES: readonly CardStatus[] = ['handed_over', 'revoked', 'returned'];
/** Cards per transaction, as for pulls: the erasure of a long day never blocks the counter long. */
const ERASE_CHUNK = 500;

export interface ErasureCounts {
  cards: number;
  events: number;
}

/** The handover as kept after erasure: who received it is gone, that it happened stays. */
function erasedHandover(handover: HandoverEvent): HandoverEvent {
  return {
    ...handover,
    recipient: { kind: handover.recipient.kind, nationalCode: '', fullName: '' },
  };
}

export function erasedCard(card: StoredCard, at: Date): StoredCard {
  return {
    ...card,
    nationalCode: '',
    firstName: '',
    lastName: '',
    fatherName: null,
    birthDate: null,
    trackingCode: null,
    box: null,
    nameKeys: [],
    handover: card.handover ? erasedHandover(card.handover) : null,
    detailsErasedAt: at.toISOString(),
  };
}

function erasedEvent(event: StoredEvent): StoredEvent {
  switch (event.type) {
    case 'handover':
      return erasedHandover(event);
    case 'handover_void':
      return { ...event, reason: '' };
    case 'attention_resolved':
      return { ...event, note: '' };
  }
}

function erasedRecord(record: OutboxRecord, at: Date): OutboxRecord {
  return {
    ...record,
    holderName: '',
    holderNationalCode: '',
    event: erasedEvent(record.event),
    detailsErasedAtMs: at.getTime(),
  };
}

/** When each supervisor's resolution was recorded, by its event id. */
type ResolutionTimes = ReadonlyMap<string, number>;

/**
 * When the event was settled, as this tablet knows it; null while it is not. Accepted: when the
 * registry's answer came. Refused: when a supervisor settled it (until then it waits, whole, on
 * "needs attention"). A supervisor's resolution: when it was recorded. Unsent: never.
 */
function settledAtMs(record: OutboxRecord, resolutions: ResolutionTimes): number | null {
  switch (record.syncState) {
    case 'synced':
      return record.syncedAtMs ?? record.occurredAtMs;
    case 'local':
      return record.occurredAtMs;
    case 'conflict':
    case 'rejected':
      return record.resolvedByEventId ? (resolutions.get(record.resolvedByEventId) ?? null) : null;
    default:
      return null;
  }
}

async function resolutionTimes(db: TahvilDatabase): Promise<ResolutionTimes> {
  const resolutions = await db.events.where('syncState').equals('local').toArray();
  return new Map(resolutions.map((record) => [record.eventId, record.occurredAtMs]));
}

/**
 * Erases the personal details whose time is up at `now` under `retentionDays`. Safe to run at
 * any time and as often as wanted: what was erased is skipped.
 */
export async function erasePersonalDetails(
  db: TahvilDatabase,
  now: Date,
  retentionDays: number,
): Promise<ErasureCounts> {
  const cutoffMs = now.getTime() - retentionDays * DAY_MS;
  const cutoffIso = new Date(cutoffMs).toISOString();

  const resolutions = await resolutionTimes(db);
  const dueRecords = await db.events
    .where('syncState')
    .anyOf('synced', 'local', 'conflict', 'rejected')
    .filter((record) => {
      const settled = settledAtMs(record, resolutions);
      return record.detailsErasedAtMs === undefined && settled !== null && settled < cutoffMs;
    })
    .toArray();
  for (let start = 0; start < dueRecords.length; start += ERASE_CHUNK) {
    const chunk = dueRecords.slice(start, start + ERASE_CHUNK);
    await db.transaction('rw', db.events, async () => {
      // Read again inside the transaction: a record may have changed since the scan.
      const current = await db.events.bulkGet(chunk.map((record) => record.seq!));
      const writes = current.filter(
        (record): record is OutboxRecord =>
          record !== undefined &&
          record.detailsErasedAtMs === undefined &&
          (settledAtMs(record, resolutions) ?? Infinity) < cutoffMs,
      );
      await db.events.bulkPut(writes.map((record) => erasedRecord(record, now)));
    });
  }

  await eraseCenterDayDetails(db, now, cutoffMs);

  let cards = 0;
  for (const status of SETTLED_STATUSES) {
    // The registry's time of the change; an index range, not a scan of the inventory.
    const dueIds = (await db.cards
      .where('[status+updatedAt]')
      .between([status, ''], [status, cutoffIso], true, false)
      .filter((card) => card.detailsErasedAt === undefined)
      .primaryKeys()) as string[];
    for (let start = 0; start < dueIds.length; start += ERASE_CHUNK) {
      const chunk = dueIds.slice(start, start + ERASE_CHUNK);
      cards += await db.transaction('rw', db.cards, db.events, async () => {
        const [stored, events] = await Promise.all([
          db.cards.bulkGet(chunk),
          db.events.where('cardId').anyOf(chunk).toArray(),
        ]);
        // A card stays whole while any event of this tablet about it is newer than the rule.
        const held = new Set(
          events
            .filter((record) => (settledAtMs(record, resolutions) ?? Infinity) >= cutoffMs)
            .map((record) => record.cardId),
        );
        const writes = stored.filter(
          (card): card is StoredCard =>
            card !== undefined &&
            card.detailsErasedAt === undefined &&
            card.status === status &&
            card.updatedAt < cutoffIso &&
            !held.has(card.cardId),
        );
        await db.cards.bulkPut(writes.map((card) => erasedCard(card, now)));
        return writes.length;
      });
    }
  }
  return { cards, events: dueRecords.length };
}

/**
 * The center's day (protocol 2.2) keeps its personal details as long as this tablet's own events
 * do, counted from when the page arrived (never before the registry accepted it): read through
 * the `receivedAtMs` index, so only rows old enough are touched.
 */
async function eraseCenterDayDetails(
  db: TahvilDatabase,
  now: Date,
  cutoffMs: number,
): Promise<number> {
  const dueIds = (await db.centerEvents
    .where('receivedAtMs')
    .below(cutoffMs)
    .filter((record) => record.detailsErasedAtMs === undefined)
    .primaryKeys()) as string[];
  for (let start = 0; start < dueIds.length; start += ERASE_CHUNK) {
    const chunk = dueIds.slice(start, start + ERASE_CHUNK);
    await db.transaction('rw', db.centerEvents, async () => {
      const current = await db.centerEvents.bulkGet(chunk);
      const writes = current.filter(
        (record): record is CenterEventRecord =>
          record !== undefined &&
          record.detailsErasedAtMs === undefined &&
          record.receivedAtMs < cutoffMs,
      );
      await db.centerEvents.bulkPut(
        writes.map((record) => ({
          ...record,
          event: erasedEvent(record.event) as CenterEventRecord['event'],
          detailsErasedAtMs: now.getTime(),
        })),
      );
    });
  }
  return dueIds.length;
}
