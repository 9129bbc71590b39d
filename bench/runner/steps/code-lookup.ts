// Step 2, the runner's part: national-code lookups, app and baseline in turn
// (bench/page/steps/code-lookup.ts); a wrong card found ends the run.
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { percentileMetric } from '../metrics.ts';
import { progress } from '../progress.ts';

const CODE_LOOKUP = { samples: 400, warmup: 50 };

export async function measureCodeLookup(bench: Page) {
  progress(`step 2: national-code lookup, ${CODE_LOOKUP.samples} samples…`);
  const lookup = await bench.evaluate(
    ({ samples, warmup }) => window.tahvilBench.measureCodeLookup(samples, warmup),
    CODE_LOOKUP,
  );
  if (lookup.wrong > 0)
    throw new Error(`national-code lookup returned the wrong card ${lookup.wrong} times`);
  return percentileMetric(
    'national-code-lookup',
    'national-code lookup',
    lookup.app,
    lookup.baseline,
    BUDGETS.codeLookupP95Ms,
  );
}
