// Tablet-class CPU (issue 14): a page's main thread slowed with CDP Emulation.setCPUThrottlingRate
// (rate 4, Lighthouse's mid-tier mobile) for one timed section, and set back to 1 after it, also
// when the section fails. A fixed busy loop timed before and under the throttle shows it took.
import type { Page } from '@playwright/test';
import { round2 } from './metrics.ts';
import { progress } from './progress.ts';

export const TABLET_CPU_THROTTLE_RATE = 4;
/** Iterations of the busy loop: some 10–30 ms unthrottled on the bench machine. */
const CALIBRATION_LOOPS = 3_000_000;

export interface CpuThrottle {
  rate: number;
  /** The busy loop's time under the throttle / without it (the fastest of five each). */
  measuredSlowdown: number;
  loopMs: { unthrottled: number; throttled: number };
}

/** The fastest of five runs: other jobs on the shared machine only ever add time to a run. */
async function busyLoopMs(page: Page): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++)
    runs.push(
      await page.evaluate((loops) => {
        const started = performance.now();
        let x = 0;
        for (let n = 0; n < loops; n++) x = (x + n * n) % 1_000_003;
        // x is returned so the loop cannot be optimized away.
        return x >= 0 ? performance.now() - started : -1;
      }, CALIBRATION_LOOPS),
    );
  return Math.min(...runs);
}

/** Runs `work` with the page's CPU throttled `rate` times; the throttle is reset after. */
export async function withCpuThrottling<T>(
  page: Page,
  rate: number,
  work: () => Promise<T>,
): Promise<{ result: T; throttle: CpuThrottle }> {
  const session = await page.context().newCDPSession(page);
  const unthrottled = await busyLoopMs(page);
  await session.send('Emulation.setCPUThrottlingRate', { rate });
  try {
    const throttled = await busyLoopMs(page);
    const measuredSlowdown = round2(throttled / unthrottled);
    if (measuredSlowdown < rate / 2)
      progress(
        `warning: CPU throttling ${rate}× slowed a busy loop only ${measuredSlowdown}× (${round2(unthrottled)} → ${round2(throttled)} ms)`,
      );
    const result = await work();
    return {
      result,
      throttle: {
        rate,
        measuredSlowdown,
        loopMs: { unthrottled: round2(unthrottled), throttled: round2(throttled) },
      },
    };
  } finally {
    if (!page.isClosed())
      await session.send('Emulation.setCPUThrottlingRate', { rate: 1 }).catch(() => undefined);
    await session.detach().catch(() => undefined);
  }
}
