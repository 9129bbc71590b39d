// "No slowdown with size" (issue 14): the rate over the first and the last tenth of a run's
// chunks or pages, in order, so a write that slows as the store grows shows beside its baseline.
import { BUDGETS } from './budgets.ts';
import { round2, type Metric } from './metrics.ts';

export interface TenthsTrend {
  /** Chunks or pages in each tenth (at least one; with fewer than ten in all, first and last may overlap). */
  each: number;
  firstCardsPerS: number;
  lastCardsPerS: number;
  /** last / first: below 1 is a slowdown as the store grows. */
  lastToFirst: number;
}

export function firstAndLastTenth(
  msEach: readonly number[],
  cardsEach: readonly number[],
): TenthsTrend | null {
  const count = Math.min(msEach.length, cardsEach.length);
  if (count === 0) return null;
  const each = Math.max(1, Math.round(count / 10));
  const rate = (from: number, to: number) => {
    let ms = 0;
    let cards = 0;
    for (let i = from; i < to; i++) {
      ms += msEach[i] as number;
      cards += cardsEach[i] as number;
    }
    return ms > 0 ? (cards / ms) * 1000 : 0;
  };
  const first = rate(0, each);
  const last = rate(count - each, count);
  return {
    each,
    firstCardsPerS: Math.round(first),
    lastCardsPerS: Math.round(last),
    lastToFirst: first > 0 ? Math.round((last / first) * 1000) / 1000 : 0,
  };
}

/**
 * Issue 14's two rows for a write against the searchable minimum's: its time (≤ 1.3 × the
 * minimum's) and its slowdown with size (last ÷ first tenth ≥ 0.9 × the minimum's same ratio).
 */
export function againstSearchableMinimum(write: {
  /** The metric id's stem: `<id>-vs-searchable-minimum` and `<id>-size-trend`. */
  id: string;
  /** e.g. "store 100000 cards"; the trend row is "<what> cards/s, last tenth ÷ first". */
  name: string;
  what: string;
  ms: number;
  unit: string;
  samples: number;
  trend: TenthsTrend | null;
  minimumMs: number;
  minimumTrend: TenthsTrend | null;
}): Metric[] {
  const ratio = BUDGETS.storeToSearchableMinimumRatio;
  const trendFloor = write.minimumTrend
    ? round2(write.minimumTrend.lastToFirst * BUDGETS.storeSizeTrendToSearchableMinimum)
    : null;
  return [
    {
      id: `${write.id}-vs-searchable-minimum`,
      name: `${write.name} against the searchable minimum`,
      value: round2(write.ms),
      unit: write.unit,
      budget: `≤ ${ratio} × searchable minimum`,
      budgetValue: round2(ratio * write.minimumMs),
      held: write.ms <= ratio * write.minimumMs,
      baseline: write.minimumMs,
      samples: write.samples,
    },
    {
      id: `${write.id}-size-trend`,
      name: `${write.what} cards/s, last tenth ÷ first`,
      value: write.trend?.lastToFirst ?? 0,
      unit: '× (1 = no slowdown)',
      budget: `≥ ${BUDGETS.storeSizeTrendToSearchableMinimum} × searchable minimum's`,
      budgetValue: trendFloor,
      held: write.trend && trendFloor !== null ? write.trend.lastToFirst >= trendFloor : false,
      baseline: write.minimumTrend?.lastToFirst ?? null,
      samples: write.samples,
    },
  ];
}
