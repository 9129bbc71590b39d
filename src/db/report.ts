// The report's reads (docs/formats.md): the center's day and the backlog of ready cards. Must
// stay true: every handover the registry accepted for the center on the chosen day (the day feed,
// protocol 2.2) and every handover recorded on this tablet that day, each once, voided ones
// included; every read goes through an index ([dayKey+type], handoverEventId, cardId, primary
// keys, [status+updatedAt]), never a scan of a table. The rows and figures are
// domain/daily-report.ts's.
import Dexie from 'dexie';
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord, StoredCard } from './records.ts';
import {
  mergeCenterDay,
  overdueCutoff,
  type AcceptedHandover,
  type RecordedHandover,
} from '../domain/daily-report.ts';
import type { HandoverEvent } from '../protocol/protocol.ts';

/** Handover events recorded here on a center day, oldest first (by the clock, then by the order they were saved). */
export async function handoverRecordsOnDay(
  db: TahvilDatabase,
  dayKey: string,
): Promise<OutboxRecord[]> {
  const records = await db.events.where('[dayKey+type]').equals([dayKey, 'handover']).toArray();
  return records.sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.seq! - b.seq!);
}

/**
 * The center's day (decision 023): the accepted handovers of every tablet the feed brought for
 * `dayKey`, merged with this tablet's handovers of that day, each once; voided by an accepted
 * void (of any day the tablet holds), or, for this tablet's own, by a void recorded here (a
 * tablet voids only its own handovers).
 */
export async function centerDayRecords(
  db: TahvilDatabase,
  dayKey: string,
): Promise<RecordedHandover[]> {
  return db.transaction('r', [db.events, db.centerEvents, db.cards, db.staff], async () => {
    const [own, feed] = await Promise.all([
      handoverRecordsOnDay(db, dayKey),
      db.centerEvents.where('[dayKey+type]').equals([dayKey, 'handover']).toArray(),
    ]);
    const ownIds = new Set(own.map((record) => record.eventId));
    const others = feed.filter((record) => !ownIds.has(record.eventId));
    const unique = (values: string[]) => [...new Set(values)];
    const handoverIds = unique([...ownIds, ...feed.map((record) => record.eventId)]);
    const otherCardIds = unique(others.map((record) => record.cardId));
    const [cards, staff, acceptedVoids] = await Promise.all([
      db.cards.bulkGet(otherCardIds),
      db.staff.bulkGet(unique(others.map((record) => record.staffId))),
      db.centerEvents.where('handoverEventId').anyOf(handoverIds).toArray(),
    ]);
    const cardById = new Map(otherCardIds.map((cardId, index) => [cardId, cards[index]]));
    const nameOf = new Map(
      staff.flatMap((member) => (member ? [[member.staffId, member.name] as const] : [])),
    );
    const voids = new Map<string, string>();
    for (const record of acceptedVoids)
      if (record.handoverEventId) voids.set(record.handoverEventId, record.eventId);
    const accepted: AcceptedHandover[] = feed.map((record) => {
      const card = cardById.get(record.cardId);
      return {
        event: record.event as HandoverEvent,
        holderName: card ? `${card.firstName} ${card.lastName}`.trim() : '',
        holderNationalCode: card?.nationalCode ?? '',
        staffName: nameOf.get(record.staffId) ?? record.staffId,
        ...(record.detailsErasedAtMs !== undefined
          ? { detailsErasedAtMs: record.detailsErasedAtMs }
          : {}),
      };
    });
    return mergeCenterDay(own, accepted, voids);
  });
}

export interface BacklogSummary {
  ready: number;
  /** Ready cards that have waited longer than the retention period. */
  overdue: number;
  /** When the longest-waiting ready card arrived (its last registry change), or null with no backlog. */
  oldestWaitingSince: string | null;
}

function readyWaitingBefore(db: TahvilDatabase, cutoffIso: string) {
  return db.cards
    .where('[status+updatedAt]')
    .between(['ready', Dexie.minKey], ['ready', cutoffIso], true, false);
}

/** Read through the [status+updatedAt] index: counts and the oldest card without touching the rest. */
export async function backlogSummary(
  db: TahvilDatabase,
  now: Date,
  retentionDays: number,
): Promise<BacklogSummary> {
  return db.transaction('r', db.cards, async () => {
    const cutoff = overdueCutoff(now, retentionDays);
    const [ready, overdue, oldest] = await Promise.all([
      db.cards.where('status').equals('ready').count(),
      readyWaitingBefore(db, cutoff).count(),
      db.cards
        .where('[status+updatedAt]')
        .between(['ready', Dexie.minKey], ['ready', Dexie.maxKey])
        .first(),
    ]);
    return { ready, overdue, oldestWaitingSince: oldest?.updatedAt ?? null };
  });
}

/** Overdue ready cards, longest waiting first; `limit` for the screen, none for the file. */
export function overdueCards(
  db: TahvilDatabase,
  now: Date,
  retentionDays: number,
  limit?: number,
): Promise<StoredCard[]> {
  const query = readyWaitingBefore(db, overdueCutoff(now, retentionDays));
  return (limit === undefined ? query : query.limit(limit)).toArray();
}
