import { useLiveQuery } from 'dexie-react-hooks';
import { searchCards, type SearchOutcome } from '../../db/queries.ts';
import { readCounters, type CounterSnapshot } from '../../db/counters.ts';
import { jalaliDayKey } from '../../domain/jalali.ts';
import { useServices, useSettings } from '../../services/services.tsx';

export interface SearchAnswer {
  /** The query these results answer: while a newer query runs, the older answer stays on screen. */
  query: string;
  outcome: SearchOutcome;
}

export function useCardSearch(query: string): SearchAnswer | undefined {
  const { db } = useServices();
  return useLiveQuery(async () => ({ query, outcome: await searchCards(db, query) }), [db, query]);
}

export function useCounterSnapshot(): CounterSnapshot | undefined {
  const { db, now } = useServices();
  const { timeZone } = useSettings();
  const todayKey = jalaliDayKey(now(), timeZone);
  return useLiveQuery(() => readCounters(db, todayKey), [db, todayKey]);
}
