// Step 8: a full outbox pushed by one engine sync; filling it first is setup, timed apart.
import { recordHandover } from '../../../src/db/handovers.ts';
import { MAX_PUSH_EVENTS } from '../../../src/protocol/protocol.ts';
import { mulberry32 } from '../../../server/demo-inventory.ts';
import { holderHandover } from '../../../tests/factories/cards.ts';
import { commandContextNow } from '../clerk.ts';
import { inventorySeed } from '../inventory.ts';
import { requestTimings, runSync, syncClerk, syncDb, syncStateCounts } from '../sync-tablet.ts';
import { pause } from '../timing.ts';

/**
 * Handovers recorded at once while filling the outbox. Setup, not what is timed: each is the
 * real recordHandover (signed, then its own strict transaction, as at the counter and timed in
 * step 5); running a group together overlaps one's signing with another's commit. They can no
 * longer share one transaction, as a signature is made outside it (decision 018).
 */
const QUEUE_HANDOVERS_AT_ONCE = 50;

/**
 * Fills the outbox with `wanted` handovers of cards the pull brought in as ready (so ready on
 * the registry too: revoked and returned ones would be refused by the command), spread over
 * the inventory by a seeded draw. Timed, but reported as setup.
 */
export async function queueHandovers(wanted: number) {
  const db = syncDb();
  const { staff } = await syncClerk();
  const readyIds = (await db.cards.where('status').equals('ready').primaryKeys()) as string[];
  const count = Math.min(wanted, readyIds.length);
  const random = mulberry32(inventorySeed() + 11);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (readyIds.length - i));
    [readyIds[i], readyIds[j]] = [readyIds[j] as string, readyIds[i] as string];
  }
  const chosen = readyIds.slice(0, count);
  const started = performance.now();
  for (let start = 0; start < chosen.length; start += QUEUE_HANDOVERS_AT_ONCE) {
    const cards = await db.cards.bulkGet(chosen.slice(start, start + QUEUE_HANDOVERS_AT_ONCE));
    await Promise.all(
      cards.map((card) => {
        if (!card) throw new Error('a chosen card is missing from the tablet');
        return recordHandover(db, holderHandover(card), commandContextNow(staff));
      }),
    );
  }
  const ms = performance.now() - started;
  const pending = await db.events.where('syncState').equals('pending').count();
  if (pending !== count)
    throw new Error(`queued ${count} handovers but the outbox holds ${pending} pending`);
  return {
    queued: count,
    readyCards: readyIds.length,
    ms,
    atOnce: QUEUE_HANDOVERS_AT_ONCE,
  };
}

/**
 * One engine sync with the outbox full. The push phase runs from syncNow() to the moment the
 * engine asks for its first pull page: by then its claim of the next batch came back empty, so
 * the outbox is empty. The pull that follows (the registry's new versions of the cards just
 * handed over) is timed on its own and not counted in the push.
 */
export async function measurePush(settleMs = 2000) {
  const db = syncDb();
  const queued = await db.events.where('syncState').equals('pending').count();
  await pause(settleMs);
  const run = await runSync(db, 'push');
  const firstPull = run.requests.find((record) => record.kind === 'pull');
  const pushEndedAt = firstPull?.startedAt ?? run.ended;
  const batches = requestTimings(run.requests, 'push', run.ended);
  const pullAfter = requestTimings(run.requests, 'pull', run.ended);
  const firstBatch = run.requests.find((record) => record.kind === 'push');
  return {
    queued,
    ms: pushEndedAt - run.started,
    batches: batches.answerMs.length,
    batchSize: MAX_PUSH_EVENTS,
    answerMs: batches.answerMs,
    cycleMs: batches.cycleMs,
    beforeFirstBatchMs: (firstBatch?.startedAt ?? pushEndedAt) - run.started,
    otherRequests: run.requests
      .filter((record) => record.kind === 'other')
      .map((record) => record.path),
    pullAfterPush: {
      ms: run.ended - pushEndedAt,
      pages: pullAfter.answerMs.length,
      cards: run.pulledCards,
    },
    syncMs: run.ended - run.started,
    outbox: await syncStateCounts(db),
    handedOverCards: await db.cards.where('status').equals('handed_over').count(),
  };
}
