// Step 6, the runner's part: the counters read by the app against a count() of the status index
// (bench/page/steps/counters.ts), and whether they say what the inventory holds.
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { percentileMetric } from '../metrics.ts';
import { progress } from '../progress.ts';

const COUNTERS = { samples: 300, warmup: 20, baselineSamples: 20 };

export async function measureCounters(bench: Page) {
  progress(
    `step 6: counters, ${COUNTERS.samples} samples (baseline count() ${COUNTERS.baselineSamples})…`,
  );
  const counters = await bench.evaluate(
    ({ samples, baselineSamples, warmup }) =>
      window.tahvilBench.measureCounters(samples, baselineSamples, warmup),
    COUNTERS,
  );
  const countersCorrect =
    counters.snapshot.ready === counters.expectedReady &&
    counters.readyByCount === counters.expectedReady;
  if (counters.snapshot.ready !== counters.expectedReady) {
    progress(
      `warning: readCounters says ${counters.snapshot.ready} ready, expected ${counters.expectedReady}`,
    );
  }
  return percentileMetric(
    'counters',
    'counters shown (readCounters)',
    counters.app,
    counters.baseline,
    BUDGETS.countersP95Ms,
    {
      baselineIs: "IDBIndex('status').count('ready') on the baseline database",
      snapshot: counters.snapshot,
      expectedReady: counters.expectedReady,
      countersCorrect,
    },
  );
}
