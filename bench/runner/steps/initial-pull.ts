// Step 7: one SyncEngine.syncNow() in the bench page pulls the whole inventory from the registry
// into the empty sync tablet (bench/page/steps/initial-pull.ts). The registry is online. The
// page's longest frame gap meanwhile is held to BUDGETS.pullFrameGapMs, and its time and its
// slowdown with size to step 1's searchable minimum (issue 14).
import type { Page } from '@playwright/test';
import { DEMO_CENTER_ID, cardsPath } from '../../../src/protocol/protocol.ts';
import { BUDGETS } from '../budgets.ts';
import {
  informationalMetric,
  requestStats,
  round2,
  roundedMainThread,
  type Metric,
} from '../metrics.ts';
import { progress } from '../progress.ts';
import { againstSearchableMinimum, firstAndLastTenth } from '../tenths.ts';
import { bytesPerCard, watchCodings } from '../wire-codings.ts';
import type { measureStorageBytes } from './storage-bytes.ts';

export async function measureInitialPull(bench: Page, cardCount: number, database: string) {
  progress(
    `step 7: initial pull of ${cardCount} cards into an empty tablet (${database}) through the sync engine…`,
  );
  const codings = watchCodings(bench, cardsPath(DEMO_CENTER_ID));
  const pull = await bench.evaluate(
    (expected) => window.tahvilBench.measureInitialPull(expected),
    cardCount,
  );
  const wire = { ...bytesPerCard(pull.wire, cardCount), ...(await codings.stop()) };
  const { mainThread } = pull;
  if (wire.responses !== pull.pages)
    progress(
      `warning: Resource Timing saw ${wire.responses} pull answers, the request log ${pull.pages}`,
    );
  if (pull.storedCards !== cardCount)
    throw new Error(
      `initial pull: the tablet holds ${pull.storedCards} cards, the registry ${cardCount}`,
    );
  if (pull.pulledCards !== cardCount)
    progress(`warning: the engine reported ${pull.pulledCards} pulled cards, not ${cardCount}`);
  const metric = informationalMetric(
    'initial-pull',
    `initial pull of ${cardCount} cards`,
    pull.ms,
    cardCount,
    'cards/s',
    {
      pages: pull.pages,
      pageLimit: pull.pageLimit,
      perPage: requestStats(pull),
      // In request order: a trend over the pull (the store growing) does not show in percentiles.
      cycleMsEach: pull.cycleMs.map(Math.round),
      // Cards/s of the first and the last tenth of the pages (issue 14: no slowdown with size),
      // each page timed from the end of the write before it to the end of its own.
      sizeTrend: firstAndLastTenth(pull.writtenMs, pull.writtenCards),
      writtenMsEach: pull.writtenMs.map(Math.round),
      beforeFirstPageMs: round2(pull.beforeFirstPageMs),
      otherRequests: pull.otherRequests,
      // Bytes of the pull pages' bodies as received (compressed) and decoded (Resource Timing).
      wire,
      // The page's main thread from syncNow() to its return (issue 14: no long task during a pull).
      mainThread: roundedMainThread(mainThread),
      verified: {
        storedCards: pull.storedCards,
        expected: cardCount,
        pulledCardsReported: pull.pulledCards,
        initialPullDone: pull.initialPullDone,
        byStatus: pull.byStatus,
      },
    },
  );
  progress(
    `initial pull: ${round2(pull.ms)} ms, ${metric.rate} cards/s, ${pull.pages} pages; ${wire.onTheWirePerCard} B/card on the wire (${JSON.stringify(wire.byContentEncoding)}), ${wire.uncompressedPerCard} B/card decoded; longest frame gap ${round2(mainThread.maxFrameGapMs)} ms, ${mainThread.longTasks.count} long tasks (longest ${round2(mainThread.longTasks.maxMs)} ms)`,
  );
  // One timed run, held on the page's longest frame gap (the table still shows its wall time).
  const maxFrameGapMs = mainThread.maxFrameGapMs ?? Number.POSITIVE_INFINITY;
  return {
    ...metric,
    budget: `longest frame gap ≤ ${BUDGETS.pullFrameGapMs} ms`,
    budgetValue: BUDGETS.pullFrameGapMs,
    held: maxFrameGapMs <= BUDGETS.pullFrameGapMs,
  };
}

/**
 * Issue 15's budget on the registry: its answer to a pull page, p50 over the initial pull's
 * pages, from the request to the response's headers (the registry's reading and joining of the
 * page on its database, and loopback).
 */
export function pullPageAnswerMetric(pull: Awaited<ReturnType<typeof measureInitialPull>>): Metric {
  const p50 = pull.perPage.answer?.p50 ?? Number.POSITIVE_INFINITY;
  return {
    id: 'pull-page-answer',
    name: `registry's answer to a pull page (p50 of ${pull.pages})`,
    value: p50,
    unit: 'ms (p50)',
    budget: `p50 ≤ ${BUDGETS.pullPageAnswerP50Ms} ms`,
    budgetValue: BUDGETS.pullPageAnswerP50Ms,
    held: p50 <= BUDGETS.pullPageAnswerP50Ms,
    baseline: null,
    samples: pull.pages,
  };
}

/**
 * Issue 14's two budgets on the pull, against the searchable minimum written as the pull writes:
 * alone, on an origin of its own, one chunk after another (step 11's, the same cards): the pull's
 * wall time, registry and wire included, ≤ 1.3 × the minimum's total, and its last-tenth ÷
 * first-tenth cards/s ≥ 0.9 × the minimum's.
 */
export function pullYardstickMetrics(
  pull: Awaited<ReturnType<typeof measureInitialPull>>,
  storage: Awaited<ReturnType<typeof measureStorageBytes>>,
): Metric[] {
  const minimum = storage.searchableMinimum.writes;
  return againstSearchableMinimum({
    id: 'initial-pull',
    name: pull.name,
    what: 'initial pull',
    ms: pull.value,
    unit: 'ms (wall)',
    samples: pull.samples,
    trend: pull.sizeTrend,
    minimumMs: minimum.ms,
    minimumTrend: firstAndLastTenth(minimum.chunkMs, minimum.chunkCards),
  });
}
