// Step 8b: the initial pull over an emulated slow link (the runner sets CDP network conditions
// around it): a fresh tablet of its own (tahvil-bench-link), enrolled at the registry's link
// center, pulls that center's whole inventory with one engine sync, as step 7 does. Must stay
// true: the tablet is enrolled before the link is slowed, so only the sync is on the slow link.
import { TahvilDatabase } from '../../../src/db/database.ts';
import { enrolFreshTablet } from '../sync-tablet.ts';
import { pullIntoEmptyTablet } from './initial-pull.ts';

export const LINK_DATABASE_NAME = 'tahvil-bench-link';

let linkTablet: TahvilDatabase | null = null;

/** An empty tablet with its device id, enrolled by the one-time code the runner issued. */
export async function prepareLinkTablet(enrolmentCode: string) {
  linkTablet?.close();
  const db = new TahvilDatabase(LINK_DATABASE_NAME);
  const settings = await enrolFreshTablet(db, enrolmentCode);
  linkTablet = db;
  return {
    database: LINK_DATABASE_NAME,
    centerId: settings.centerId,
    cards: await db.cards.count(),
  };
}

export async function measureLinkPull(expectedCards: number) {
  const db = linkTablet;
  if (!db) throw new Error('prepareLinkTablet() first');
  const result = await pullIntoEmptyTablet(db, 'link pull', expectedCards);
  // Its cards are not needed after the step; closing lets the next steps' databases be alone.
  db.close();
  linkTablet = null;
  return result;
}
