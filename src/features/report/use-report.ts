import { useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import {
  backlogSummary,
  centerDayRecords,
  overdueCards,
  type BacklogSummary,
} from '../../db/report.ts';
import { readCenterDevices, type CenterDevices } from '../../db/center-day.ts';
import { readSyncMeta } from '../../db/settings.ts';
import { summarizeDay, type DaySummary, type RecordedHandover } from '../../domain/daily-report.ts';
import type { StoredCard } from '../../db/records.ts';
import { useServices, useSyncState } from '../../services/services.tsx';

/** Overdue cards listed on screen; the file has them all. */
export const OVERDUE_CARDS_SHOWN = 50;

export interface DayReport {
  records: RecordedHandover[];
  summary: DaySummary;
}

/**
 * The center's day, live: every tablet's accepted handovers and this tablet's unsent ones; a
 * sync answer, a pulled page or a void moves the numbers at once.
 */
export function useDayReport(dayKey: string, timeZone: string): DayReport | undefined {
  const { db } = useServices();
  const records = useLiveQuery(() => centerDayRecords(db, dayKey), [db, dayKey]);
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

export type DayFetch = 'idle' | 'fetching' | 'failed';

/**
 * Asks the registry for `dayKey` when it is not today (today's comes with every sync), once per
 * day chosen, unless the registry is known to be out of reach. The rows follow by the live query.
 */
export function useFetchedDay(dayKey: string, today: string): DayFetch {
  const { syncEngine } = useServices();
  const offline = useSyncState().status === 'offline';
  const [state, setState] = useState<{ dayKey: string; fetch: DayFetch }>({
    dayKey: '',
    fetch: 'idle',
  });
  useEffect(() => {
    if (!syncEngine || dayKey === today || offline) return;
    let current = true;
    setState({ dayKey, fetch: 'fetching' });
    void syncEngine.fetchCenterDay(dayKey).then((ok) => {
      if (current) setState({ dayKey, fetch: ok ? 'idle' : 'failed' });
    });
    return () => {
      current = false;
    };
  }, [syncEngine, dayKey, today, offline]);
  return state.dayKey === dayKey ? state.fetch : 'idle';
}

export interface CenterTablets {
  /** The center's devices as the registry last listed them; null before the first page. */
  listed: CenterDevices | null;
  /** When this tablet last synced, by its own clock (ms); null when it never has. */
  lastSyncAtMs: number | null;
}

/** The center's tablets and when each was last heard from; this tablet's own last sync. */
export function useCenterTablets(): CenterTablets | undefined {
  const { db } = useServices();
  const { lastSuccessAt } = useSyncState();
  const stored = useLiveQuery(
    async () => ({ listed: await readCenterDevices(db), meta: await readSyncMeta(db) }),
    [db],
  );
  if (!stored) return undefined;
  const fromMeta = stored.meta.lastSyncAt ? Date.parse(stored.meta.lastSyncAt) : null;
  const known = [lastSuccessAt, fromMeta].filter((at): at is number => at !== null);
  return { listed: stored.listed, lastSyncAtMs: known.length > 0 ? Math.max(...known) : null };
}
