// Step 6b, the runner's part: how long one PIN check takes in the page
// (bench/page/steps/pin-check.ts). Reported only.
import type { Page } from '@playwright/test';
import { informationalMetric, rounded, summarize } from '../metrics.ts';
import { progress } from '../progress.ts';

const PIN_CHECKS = 6;

export async function measurePinCheck(bench: Page) {
  progress(`step 6b: ${PIN_CHECKS} PIN checks (PBKDF2-HMAC-SHA256)…`);
  const { times, iterations } = await bench.evaluate(
    (samples) => window.tahvilBench.measurePinCheck(samples),
    PIN_CHECKS,
  );
  const stats = summarize(times);
  return informationalMetric(
    'pin-check',
    `PIN check (PBKDF2, ${iterations} iterations), median`,
    stats?.p50 ?? Number.NaN,
    1,
    'checks/s',
    { iterations, checks: rounded(stats) },
  );
}
