// Step 1, the runner's part: the page writes the inventory chunk by chunk into both databases
// (bench/page/steps/store-cards.ts); the budget is on the app's total against the baseline's.
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { round2, rounded, summarize } from '../metrics.ts';
import { progress } from '../progress.ts';

/** The pause in the page between opening the empty databases and the first chunk. */
const BEFORE_FIRST_CHUNK_MS = 1500;

export async function measureStore(bench: Page, cardCount: number) {
  progress(`step 1: store ${cardCount} cards, app and baseline chunk by chunk…`);
  const result = await bench.evaluate(
    (settleMs) => window.tahvilBench.storeInterleaved(settleMs),
    BEFORE_FIRST_CHUNK_MS,
  );
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  const app = total(result.appChunks);
  const baseline = total(result.baselineChunks);
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
  };
}
