// Step 1, the runner's part: the page writes the inventory chunk by chunk into the app's database,
// the same-schema baseline, the searchable minimum and the floor (bench/page/steps/store-cards.ts);
// one budget is on the app's total against the same-schema baseline's; two more (issue 14) on the
// app against the searchable minimum: its total, and how much it slows as the store grows.
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { round2, rounded, summarize, type Metric } from '../metrics.ts';
import { progress } from '../progress.ts';
import { againstSearchableMinimum, firstAndLastTenth } from '../tenths.ts';

/** The pause in the page between opening the empty databases and the first chunk. */
const BEFORE_FIRST_CHUNK_MS = 1500;

export async function measureStore(bench: Page, cardCount: number) {
  progress(
    `step 1: store ${cardCount} cards, app, baseline, searchable minimum and floor chunk by chunk…`,
  );
  const result = await bench.evaluate(
    (settleMs) => window.tahvilBench.storeInterleaved(settleMs),
    BEFORE_FIRST_CHUNK_MS,
  );
  progress(
    `schemas: searchable minimum ${result.yardstickSchemas.searchableMinimum}, floor ${result.yardstickSchemas.floor}`,
  );
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  const ratioOf = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
  const app = total(result.appChunks);
  const baseline = total(result.baselineChunks);
  const searchableMinimum = total(result.searchableMinimumChunks);
  const floor = total(result.floorChunks);
  const ratio = app / baseline;
  const appStats = summarize(result.appChunks);
  const baselineStats = summarize(result.baselineChunks);
  if (!appStats) throw new Error('store: no chunk was written');
  return {
    id: 'store',
    name: `store ${cardCount} cards`,
    value: round2(app),
    unit: 'ms (total)',
    budget: `≤ ${BUDGETS.storeRatio} × baseline`,
    budgetValue: round2(BUDGETS.storeRatio * baseline),
    held: ratio <= BUDGETS.storeRatio,
    baseline: round2(baseline),
    ratio: Math.round(ratio * 1000) / 1000,
    samples: result.appChunks.length,
    p50: round2(appStats.p50),
    p95: round2(appStats.p95),
    max: round2(appStats.max),
    perChunk: { app: rounded(appStats), baseline: rounded(baselineStats) },
    // Issue 14's yardsticks, written in the same chunks in turn (their budgets: storeYardstickMetrics).
    yardsticks: {
      searchableMinimumMs: round2(searchableMinimum),
      floorMs: round2(floor),
      appToSearchableMinimum: ratioOf(app, searchableMinimum),
      appToFloor: ratioOf(app, floor),
      baselineToSearchableMinimum: ratioOf(baseline, searchableMinimum),
      searchableMinimumToFloor: ratioOf(searchableMinimum, floor),
      schemas: result.yardstickSchemas,
      perChunk: {
        searchableMinimum: rounded(summarize(result.searchableMinimumChunks)),
        floor: rounded(summarize(result.floorChunks)),
      },
      // Cards/s over the first and the last tenth of the chunks: a slowdown with size beyond the
      // searchable minimum's is the app's.
      sizeTrend: {
        app: firstAndLastTenth(result.appChunks, result.chunkCards),
        baseline: firstAndLastTenth(result.baselineChunks, result.chunkCards),
        searchableMinimum: firstAndLastTenth(result.searchableMinimumChunks, result.chunkCards),
        floor: firstAndLastTenth(result.floorChunks, result.chunkCards),
      },
    },
  };
}

/**
 * Issue 14's two budgets on step 1 against the searchable minimum, as rows of their own: the
 * app's total time, and its last-tenth-to-first cards/s ratio against the minimum's.
 */
export function storeYardstickMetrics(store: Awaited<ReturnType<typeof measureStore>>): Metric[] {
  const { yardsticks } = store;
  return againstSearchableMinimum({
    id: 'store',
    name: store.name,
    what: 'store',
    ms: store.value,
    unit: 'ms (total)',
    samples: store.samples,
    trend: yardsticks.sizeTrend.app,
    minimumMs: yardsticks.searchableMinimumMs,
    minimumTrend: yardsticks.sizeTrend.searchableMinimum,
  });
}
