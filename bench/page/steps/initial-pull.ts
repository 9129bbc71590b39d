// Step 7: the whole inventory pulled into the empty sync tablet by one engine sync.
import { readSettings, readSyncMeta } from '../../../src/db/settings.ts';
import { cardsPath } from '../../../src/protocol/protocol.ts';
import { PULL_PAGE_LIMIT } from '../../../src/sync/engine.ts';
import { requestTimings, runSync, syncDb } from '../sync-tablet.ts';
import { pause } from '../timing.ts';
import { startWireCount, wireBytes } from '../wire-bytes.ts';

export async function measureInitialPull(expectedCards: number, settleMs = 2000) {
  const db = syncDb();
  const before = await db.cards.count();
  if (before !== 0) throw new Error(`the sync tablet is not empty: ${before} cards`);
  await pause(settleMs);
  const { centerId } = await readSettings(db);
  startWireCount();
  const run = await runSync(db, 'initial pull');
  const wire = wireBytes(cardsPath(centerId));
  const pages = requestTimings(run.requests, 'pull', run.ended);
  const storedCards = await db.cards.count();
  const byStatus: Record<string, number> = {};
  for (const status of ['ready', 'handed_over', 'revoked', 'returned'] as const)
    byStatus[status] = await db.cards.where('status').equals(status).count();
  const firstPage = run.requests.find((record) => record.kind === 'pull');
  return {
    ms: run.ended - run.started,
    pages: pages.answerMs.length,
    pageLimit: PULL_PAGE_LIMIT,
    answerMs: pages.answerMs,
    cycleMs: pages.cycleMs,
    beforeFirstPageMs: (firstPage?.startedAt ?? run.ended) - run.started,
    otherRequests: run.requests
      .filter((record) => record.kind !== 'pull')
      .map((record) => record.path),
    storedCards,
    expectedCards,
    pulledCards: run.pulledCards,
    initialPullDone: (await readSyncMeta(db)).initialPullDone,
    byStatus,
    wire,
  };
}
