// Step 5, the runner's part: handover commits with strict durability, app and baseline in turn
// (bench/page/steps/handover-commit.ts).
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { percentileMetric, rounded, summarize } from '../metrics.ts';
import { progress } from '../progress.ts';

const HANDOVERS = { samples: 240, warmup: 10 };

export async function measureHandover(bench: Page) {
  progress(`step 5: handover commits (strict durability), ${HANDOVERS.samples} cards…`);
  const handovers = await bench.evaluate(
    ({ samples, warmup }) => window.tahvilBench.measureHandover(samples, warmup),
    HANDOVERS,
  );
  return percentileMetric(
    'handover-commit',
    'handover commit (sign + card + event)',
    handovers.app,
    handovers.baseline,
    BUDGETS.handoverP95Ms,
    // ECDSA P-256 signing of the event alone, which the commit includes.
    { signing: rounded(summarize(handovers.signing)) },
  );
}
