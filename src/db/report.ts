// The report's reads (docs/formats.md): the day's handover records and the backlog of
// ready cards. Must stay true: every handover event recorded on this tablet on the chosen center
// day, oldest first, voided ones included; the backlog is read through the [status+updatedAt]
// index, never by a scan of the inventory. The rows and figures are domain/daily-report.ts's.
import Dexie from 'dexie';
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord, StoredCard } from './records.ts';
import { overdueCutoff } from '../domain/daily-report.ts';

/** Handover events recorded here on a center day, oldest first (by the clock, then by the order they were saved). */
export async function handoverRecordsOnDay(
  db: TahvilDatabase,
  dayKey: string,
): Promise<OutboxRecord[]> {
  const records = await db.events.where('[dayKey+type]').equals([dayKey, 'handover']).toArray();
  return records.sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.seq! - b.seq!);
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
