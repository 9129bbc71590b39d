// One page of the card pull, from the body as it came to what is stored: read (JSON) and checked
// whole before anything of it is written, then its center profile, its cards and last its cursor.
// Must stay true: a page is believed only if it is all the registry's (every card and the profile
// of the run's center), and the cursor moves only after that page's cards are written, so a pull
// cut short anywhere resumes from the last page stored. Runs where the page writer runs (a module
// worker in the app, the page's thread in tests), so it touches nothing but the database.
import type { TahvilDatabase } from '../db/database.ts';
import { upsertCards } from '../db/cards.ts';
import { writeCenterProfile } from '../db/enrolment.ts';
import { writeSyncMeta } from '../db/settings.ts';
import { isCenterProfile } from '../domain/center-rules.ts';
import type { PullResponse } from '../protocol/protocol.ts';

/** Whose page it is and how to write it: the run's enrolment, and whether the pull started over. */
export interface PullPageTarget {
  centerId: string;
  deviceId: string;
  /** The registry's copy wins whatever its version: the pull started over (a 400 on the cursor). */
  anyVersion: boolean;
  /**
   * The first page of a pull: written once the pages handed over before it are, whatever became
   * of them. Any other page is written only if the page before it was.
   */
  startsPull: boolean;
}

/** What the engine needs to go on with, known as soon as the page is read. */
export interface PullPageHeader {
  cursor: string;
  hasMore: boolean;
  /** The registry's hint of how many cards changed after this page; null without a usable one. */
  remaining: number | null;
  items: number;
  /** The registry's clock on the page, for the engine's estimate (decision 024); as sent. */
  serverTime: unknown;
}

/**
 * A page not to be believed. unreadable: not JSON (a body cut short), as the engine reads any
 * answer it cannot parse; bad-response: JSON, but not a page of this center's registry.
 */
export interface PullPageRefusal {
  problem: 'unreadable' | 'bad-response';
  /** The clock of a refused page that had one: the engine notes it as it did before. */
  serverTime: unknown;
}

export type ReadPullPage =
  { ok: true; page: PullResponse; header: PullPageHeader } | ({ ok: false } & PullPageRefusal);

const utf8 = new TextDecoder();

/** The page in `body`, checked against every rule a pull page must meet for `centerId`. */
export function readPullPage(body: ArrayBuffer | Uint8Array, centerId: string): ReadPullPage {
  let answer: unknown;
  try {
    answer = JSON.parse(utf8.decode(body));
  } catch {
    return { ok: false, problem: 'unreadable', serverTime: undefined };
  }
  if (typeof answer !== 'object' || answer === null)
    return { ok: false, problem: 'bad-response', serverTime: undefined };
  const page = answer as PullResponse;
  const refused = {
    ok: false as const,
    problem: 'bad-response' as const,
    serverTime: page.serverTime,
  };
  if (!Array.isArray(page.items) || typeof page.cursor !== 'string') return refused;
  // "More" with nothing in this page would ask for the same page forever.
  if (page.hasMore && page.items.length === 0) return refused;
  // A registry that answers with another center's cards is broken, not to be believed.
  if (
    page.items.some(
      (card) => (card as unknown as { centerId?: unknown } | null)?.centerId !== centerId,
    )
  )
    return refused;
  // Every page carries the center's rules; a page without them, or for another center, is not
  // the registry's.
  if (!isCenterProfile(page.center) || page.center.centerId !== centerId) return refused;
  const remaining =
    typeof page.remaining === 'number' && page.remaining >= 0 ? page.remaining : null;
  return {
    ok: true,
    page,
    header: {
      cursor: page.cursor,
      hasMore: Boolean(page.hasMore),
      remaining,
      items: page.items.length,
      serverTime: page.serverTime,
    },
  };
}

/**
 * A page read by readPullPage, stored in one transaction: the center's profile, the cards
 * (refused whole with a CenterChangedError once the tablet is another enrolment), then the
 * cursor, with `initialPullDone` on the last page. One transaction, not one per write: a page is
 * one strict-durability flush, and its cards and its cursor are on disk together or not at all.
 */
export async function storePullPage(
  db: TahvilDatabase,
  page: PullResponse,
  target: PullPageTarget,
): Promise<void> {
  const guard = { forCenter: target.centerId, forDevice: target.deviceId };
  await db.transaction('rw', [db.cards, db.events, db.counters, db.settings], async () => {
    await writeCenterProfile(db, page.center);
    await upsertCards(db, page.items, { anyVersion: target.anyVersion, ...guard });
    await writeSyncMeta(
      db,
      page.hasMore
        ? { pullCursor: page.cursor }
        : { pullCursor: page.cursor, initialPullDone: true },
      guard,
    );
  });
}
