// Step 7: the whole inventory pulled into the empty sync tablet by one engine sync, with the
// page's main thread watched meanwhile (frames and long tasks, main-thread-watch.ts).
import type { TahvilDatabase } from '../../../src/db/database.ts';
import { readSettings, readSyncMeta } from '../../../src/db/settings.ts';
import { cardsPath } from '../../../src/protocol/protocol.ts';
import { PULL_PAGE_LIMIT } from '../../../src/sync/engine.ts';
import { watchMainThread } from '../main-thread-watch.ts';
import { requestTimings, runSync, syncDb } from '../sync-tablet.ts';
import { pause } from '../timing.ts';
import { startWireCount, wireBytes } from '../wire-bytes.ts';

export async function measureInitialPull(expectedCards: number, settleMs = 2000) {
  const db = syncDb();
  await pause(settleMs);
  const pull = await pullIntoEmptyTablet(db, 'initial pull', expectedCards);
  const byStatus: Record<string, number> = {};
  for (const status of ['ready', 'handed_over', 'revoked', 'returned'] as const)
    byStatus[status] = await db.cards.where('status').equals(status).count();
  return { ...pull, byStatus };
}

/**
 * One engine sync into `db`, which must hold no card yet: the pull's pages (answer and whole
 * cycle each), what else was asked, what was stored, the bytes on the wire and what the page's
 * main thread did from syncNow() to its return. Step 8b's slow-link pull is this too.
 */
export async function pullIntoEmptyTablet(
  db: TahvilDatabase,
  label: string,
  expectedCards: number,
) {
  const before = await db.cards.count();
  if (before !== 0) throw new Error(`${label}: the tablet is not empty: ${before} cards`);
  const { centerId } = await readSettings(db);
  startWireCount();
  const watcher = await watchMainThread();
  const run = await runSync(db, label);
  const mainThread = await watcher.stop(run.started, run.ended);
  const wire = wireBytes(cardsPath(centerId));
  const pages = requestTimings(run.requests, 'pull', run.ended);
  const storedCards = await db.cards.count();
  const firstPage = run.requests.find((record) => record.kind === 'pull');
  // Pages are written while the next is fetched, so a request's cycle is not its page's cost:
  // the time from one page's write ending to the next one's is (the first from its request).
  const writtenMs: number[] = [];
  const writtenCards: number[] = [];
  run.pagesWritten.forEach(({ at, pulledCards }, i) => {
    const previous = run.pagesWritten[i - 1];
    writtenMs.push(at - (previous?.at ?? firstPage?.startedAt ?? run.started));
    writtenCards.push(pulledCards - (previous?.pulledCards ?? 0));
  });
  return {
    ms: run.ended - run.started,
    pages: pages.answerMs.length,
    pageLimit: PULL_PAGE_LIMIT,
    answerMs: pages.answerMs,
    cycleMs: pages.cycleMs,
    writtenMs,
    writtenCards,
    beforeFirstPageMs: (firstPage?.startedAt ?? run.ended) - run.started,
    otherRequests: run.requests
      .filter((record) => record.kind !== 'pull')
      .map((record) => record.path),
    storedCards,
    expectedCards,
    pulledCards: run.pulledCards,
    initialPullDone: (await readSyncMeta(db)).initialPullDone,
    wire,
    mainThread,
  };
}
