// What the app must hold (issue budgets). Never loosened here to make a run pass: a missed budget
// is a finding about the app. The push has a rate to hold and the pull a longest frame gap; the import figures have none.
import type { Metric } from './metrics.ts';

export const BUDGETS = {
  storeRatio: 1.2,
  codeLookupP95Ms: 2,
  nameSearchP95Ms: 10,
  keystrokeP95Ms: 50,
  handoverP95Ms: 30,
  countersP95Ms: 5,
  // Under CDP CPU throttling 4× (Lighthouse's mid-tier mobile), issue 14.
  keystrokeCpu4xP95Ms: 100,
  handoverCpu4xP95Ms: 60,
  /** Issue 14: 10,000 queued events pushed (fewer on a small --cards run) at this rate or better. */
  pushEventsPerS: 2000,
  /** Issue 14: no long task on the page's main thread during the initial pull (step 7). */
  pullFrameGapMs: 50,
  /**
   * Issue 15: the registry on its database answers a pull page (up to 2,000 cards) within this,
   * p50, seen from the tablet (request sent to headers in), so the pull is no slower than it was
   * with the registry in memory (17 ms).
   */
  pullPageAnswerP50Ms: 50,
  /** Issue 14: the app's store against the plain-IndexedDB searchable minimum, in the same chunks. */
  storeToSearchableMinimumRatio: 1.3,
  /**
   * Issue 14's "no slowdown with size beyond what that baseline shows": the app's cards/s over
   * the last tenth of its chunks against the first, at least this share of the searchable
   * minimum's same ratio. The share is the noise of one tenth (two chunks at 100,000 cards): the
   * minimum's own ratio moved by up to a tenth between runs of the same build.
   */
  storeSizeTrendToSearchableMinimum: 0.9,
} as const;

/** The metrics that missed their budget; informational ones (held === null) have none to miss. */
export function missedBudgets(metrics: readonly Metric[]): Metric[] {
  return metrics.filter((metric) => metric.held === false);
}
