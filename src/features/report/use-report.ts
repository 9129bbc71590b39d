import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { backlogSummary, handoverRecordsOnDay, overdueCards, summarizeDay, type BacklogSummary, type DaySummary } from '../../db/report.ts';
import type { OutboxRecord, StoredCard } from '../../db/records.ts';
import { useServices } from '../../services/services.tsx';

/** Overdue cards listed on screen; the file has them all. */
export const OVERDUE_CARDS_SHOWN = 50;
const MS_PER_HOUR = 3_600_000;

export interface DayReport {
  records: OutboxRecord[];
  summary: DaySummary;
}

/** The day's handovers recorded here, live: a sync answer or a void moves the numbers at once. */
export function useDayReport(dayKey: string, timeZone: string): DayReport | undefined {
  const { db } = useServices();
  const records = useLiveQuery(() => handoverRecordsOnDay(db, dayKey), [db, dayKey]);
  return useMemo(() => (records ? { records, summary: summarizeDay(records, timeZone) } : undefined), [records, timeZone]);
}

export interface Backlog extends BacklogSummary {
  overdueShown: StoredCard[];
  /** The instant the figures were taken at: the overdue file uses the same one. */
  at: Date;
}

export function useBacklog(now: Date, retentionDays: number): Backlog | undefined {
  const { db } = useServices();
  // The cutoff moves by the hour, not by the render: a new Date each render must not re-query.
  const hourStamp = Math.floor(now.getTime() / MS_PER_HOUR);
  return useLiveQuery(async () => {
    const at = new Date(hourStamp * MS_PER_HOUR);
    const [summary, overdueShown] = await Promise.all([backlogSummary(db, at, retentionDays), overdueCards(db, at, retentionDays, OVERDUE_CARDS_SHOWN)]);
    return { ...summary, overdueShown, at };
  }, [db, hourStamp, retentionDays]);
}
