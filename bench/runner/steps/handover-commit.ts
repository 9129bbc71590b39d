// Step 5, the runner's part: handover commits with strict durability, app and baseline in turn
// (bench/page/steps/handover-commit.ts). Step 5b does it again on further cards with the bench
// page's CPU throttled 4× (runner/cpu-throttle.ts), baseline and signing included.
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { withCpuThrottling } from '../cpu-throttle.ts';
import { percentileMetric, rounded, summarize } from '../metrics.ts';
import { progress } from '../progress.ts';

const HANDOVERS = { samples: 240, warmup: 10 };

export async function measureHandover(
  bench: Page,
  { cpuThrottleRate = 1 }: { cpuThrottleRate?: number } = {},
) {
  const throttled = cpuThrottleRate > 1;
  progress(
    `step 5${throttled ? 'b' : ''}: handover commits (strict durability), ${HANDOVERS.samples} cards${throttled ? `, CPU ${cpuThrottleRate}×` : ''}…`,
  );
  const run = () =>
    bench.evaluate(
      ({ samples, warmup }) => window.tahvilBench.measureHandover(samples, warmup),
      HANDOVERS,
    );
  const { result: handovers, throttle } = throttled
    ? await withCpuThrottling(bench, cpuThrottleRate, run)
    : { result: await run(), throttle: null };
  return percentileMetric(
    throttled ? `handover-commit-cpu${cpuThrottleRate}x` : 'handover-commit',
    throttled
      ? `handover commit (CPU ${cpuThrottleRate}×)`
      : 'handover commit (sign + card + event)',
    handovers.app,
    handovers.baseline,
    throttled ? BUDGETS.handoverCpu4xP95Ms : BUDGETS.handoverP95Ms,
    // ECDSA P-256 signing of the event alone, which the commit includes.
    { signing: rounded(summarize(handovers.signing)), cpuThrottle: throttle },
  );
}
