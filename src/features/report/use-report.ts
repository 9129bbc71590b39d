import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import {
  backlogSummary,
  handoverRecordsOnDay,
  overdueCards,
  type BacklogSummary,
} from '../../db/report.ts';
import { summarizeDay, type DaySummary } from '../../domain/daily-report.ts';
import type { OutboxRecord, StoredCard } from '../../db/records.ts';
import { useServices } from '../../services/services.tsx';

/** Overdue cards listed on screen; the file has them all. */
export const OVERDUE_CARDS_SHOWN = 50;

export interface DayReport {
  records: OutboxRecord[];
  summary: DaySummary;
}

/** The day's handovers recorded here, live: a sync answer or a void moves the numbers at once. */
export function useDayReport(dayKey: string, timeZone: string): DayReport | undefined {
  const { db } = useServices();
  const records = useLiveQuery(() => handoverRecordsOnDay(db, dayKey), [db, dayKey]);
  return useMemo(
    () => (records ? { records, summary: summarizeDay(records, timeZone) } : undefined),
    [records, timeZone],
  );
}

export interface Backlog extends BacklogSummary {
  overdueShown: StoredCard[];
  /** The instant the figures were taken at: the overdue file uses the same one. */
  at: Date;
}

/** The backlog as of `at`, the moment the screen opened: a new Date each render must not re-query. */
export function useBacklog(at: Date, retentionDays: number): Backlog | undefined {
  const { db } = useServices();
  return useLiveQuery(async () => {
    const [summary, overdueShown] = await Promise.all([
      backlogSummary(db, at, retentionDays),
      overdueCards(db, at, retentionDays, OVERDUE_CARDS_SHOWN),
    ]);
    return { ...summary, overdueShown, at };
  }, [db, at, retentionDays]);
}
