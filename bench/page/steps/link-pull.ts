// Step 8b: the initial pull over an emulated slow link (the runner sets CDP network conditions
// around it): a fresh tablet of its own (tahvil-bench-link), enrolled at the registry's link
// center, pulls that center's whole inventory with one engine sync, as step 7 does. Must stay
// true: the tablet is enrolled before the link is slowed, so only the sync is on the slow link.
import { TahvilDatabase } from '../../../src/db/database.ts';
import { ensureDeviceIdentity, readSettings, readSyncMeta } from '../../../src/db/settings.ts';
import { cardsPath } from '../../../src/protocol/protocol.ts';
import { PULL_PAGE_LIMIT } from '../../../src/sync/engine.ts';
import { enrolTablet } from '../../../src/sync/enrolment.ts';
import { deleteDatabase } from '../baseline.ts';
import { requestTimings, runSync } from '../sync-tablet.ts';
import { startWireCount, wireBytes } from '../wire-bytes.ts';

export const LINK_DATABASE_NAME = 'tahvil-bench-link';

let linkTablet: TahvilDatabase | null = null;

/** An empty tablet with its device id, enrolled by the one-time code the runner issued. */
export async function prepareLinkTablet(enrolmentCode: string) {
  linkTablet?.close();
  linkTablet = null;
  await deleteDatabase(LINK_DATABASE_NAME);
  const db = new TahvilDatabase(LINK_DATABASE_NAME);
  await db.open();
  await ensureDeviceIdentity(db);
  await enrolTablet(
    db,
    { registryUrl: '', code: enrolmentCode },
    { fetch: (...args) => window.fetch(...args), now: () => new Date() },
  );
  linkTablet = db;
  const settings = await readSettings(db);
  return {
    database: LINK_DATABASE_NAME,
    centerId: settings.centerId,
    cards: await db.cards.count(),
  };
}

export async function measureLinkPull(expectedCards: number) {
  const db = linkTablet;
  if (!db) throw new Error('prepareLinkTablet() first');
  const before = await db.cards.count();
  if (before !== 0) throw new Error(`the link tablet is not empty: ${before} cards`);
  const { centerId } = await readSettings(db);
  startWireCount();
  const run = await runSync(db, 'link pull');
  const wire = wireBytes(cardsPath(centerId));
  const pages = requestTimings(run.requests, 'pull', run.ended);
  const firstPage = run.requests.find((record) => record.kind === 'pull');
  const storedCards = await db.cards.count();
  const result = {
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
    wire,
  };
  // Its cards are not needed after the step; closing lets the next steps' databases be alone.
  db.close();
  linkTablet = null;
  return result;
}
