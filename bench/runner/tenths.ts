// "No slowdown with size" (issue 14): the rate over the first and the last tenth of a run's
// chunks or pages, in order, so a write that slows as the store grows shows beside its baseline.

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
