// The tablet of steps 7 and 8: a database of its own (tahvil-bench-sync), empty apart from a
// device id and a shift as after first start, synced by the app's real SyncEngine (the page's
// real fetch, a real clock, no tab lock, the app's pull writer: a module worker) with the
// registry on this origin. Must stay true: the
// engine is never started, so nothing runs after a step's one syncNow(), and the fetch it is
// given only notes each request's kind and times, which is how a push is told from its pull.
import { TahvilDatabase } from '../../src/db/database.ts';
import type { StaffOnShift } from '../../src/db/records.ts';
import { ensureDeviceIdentity, readSettings } from '../../src/db/settings.ts';
import { signIn } from '../../src/db/staff.ts';
import { cardsPath, eventsPath } from '../../src/protocol/protocol.ts';
import { SyncEngine, type SyncClock } from '../../src/sync/engine.ts';
import { enrolTablet } from '../../src/sync/enrolment.ts';
import { createPullWriter } from '../../src/sync/pull-writer.ts';
import { deleteDatabase } from './baseline.ts';
import { BENCH_STAFF_ID, BENCH_STAFF_PIN } from './clerk.ts';
import { log } from './timing.ts';

/** Not the app's own database (that one holds the bench's inventory for steps 1–6): a fresh tablet. */
export const SYNC_DATABASE_NAME = 'tahvil-bench-sync';

const realClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

let tablet: TahvilDatabase | null = null;
let deviceId = '';
let staff: StaffOnShift | null = null;

/**
 * `db` made anew (its database deleted first), with a device id, and enrolled with the registry
 * by the one-time `enrolmentCode`: a new key, a device token, the center's rules.
 */
export async function enrolFreshTablet(db: TahvilDatabase, enrolmentCode: string) {
  await deleteDatabase(db.name);
  await db.open();
  await ensureDeviceIdentity(db);
  await enrolTablet(
    db,
    { registryUrl: '', code: enrolmentCode },
    { fetch: (...args) => window.fetch(...args), now: () => new Date() },
  );
  return readSettings(db);
}

export function syncDb(): TahvilDatabase {
  tablet ??= new TahvilDatabase(SYNC_DATABASE_NAME);
  return tablet;
}

/**
 * A fresh tablet: an empty database with its device id, enrolled with the registry by the
 * one-time `enrolmentCode` the runner issued (a new key, a device token); its clerk signs in
 * once the roster has arrived (syncClerk).
 */
export async function prepareSyncTablet(enrolmentCode: string) {
  tablet?.close();
  tablet = null;
  const db = syncDb();
  const settings = await enrolFreshTablet(db, enrolmentCode);
  deviceId = settings.deviceId;
  staff = null;
  return {
    database: SYNC_DATABASE_NAME,
    centerId: settings.centerId,
    cards: await db.cards.count(),
    events: await db.events.count(),
  };
}

/**
 * The sync tablet's device and the clerk on its shift: signed in with their PIN at the first
 * call, once the initial pull has brought the roster (the runner put them on it).
 */
export async function syncClerk(): Promise<{ deviceId: string; staff: StaffOnShift }> {
  if (!deviceId) throw new Error('prepareSyncTablet() first');
  if (!staff) {
    const signedIn = await signIn(syncDb(), BENCH_STAFF_ID, BENCH_STAFF_PIN, new Date());
    if (!signedIn.ok) throw new Error(`the bench clerk was not signed in: ${signedIn.problem}`);
    staff = signedIn.shift;
  }
  return { deviceId, staff };
}

export interface RequestRecord {
  kind: 'pull' | 'push' | 'other';
  path: string;
  startedAt: number;
  /**
   * When the response headers arrived; the engine then reads the body (and, for a pull page,
   * hands it to its page writer, which writes it while the next page is asked for).
   */
  answeredAt: number | null;
  status: number | null;
}

/**
 * The page's real fetch, noting each request's kind and times. The engine cannot tell it from
 * fetch; the log is what separates the push phase from the pull that follows it in one sync.
 */
function observedFetch(requests: RequestRecord[], centerId: string): typeof fetch {
  const pullPath = cardsPath(centerId);
  const pushPath = eventsPath(centerId);
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const kind =
      method === 'GET' && url.pathname === pullPath
        ? 'pull'
        : method === 'POST' && url.pathname === pushPath
          ? 'push'
          : 'other';
    const record: RequestRecord = {
      kind,
      path: `${method} ${url.pathname}`,
      startedAt: performance.now(),
      answeredAt: null,
      status: null,
    };
    requests.push(record);
    const response = await window.fetch(input, init);
    record.answeredAt = performance.now();
    record.status = response.status;
    return response;
  };
}

/**
 * Per request of one kind: `answerMs` from its start to the response headers (network and the
 * registry's work, its fsync included), `cycleMs` from its start to the next request's start
 * (or the end of the sync): the answer plus body and the engine's work before it asks again
 * (for a pull page: the wait for the page before it to be written, then this page's reading
 * in the page writer; its own write overlaps the next request).
 */
export function requestTimings(
  requests: readonly RequestRecord[],
  kind: RequestRecord['kind'],
  endedAt: number,
) {
  const answerMs: number[] = [];
  const cycleMs: number[] = [];
  requests.forEach((record, i) => {
    if (record.kind !== kind) return;
    answerMs.push((record.answeredAt ?? record.startedAt) - record.startedAt);
    cycleMs.push((requests[i + 1]?.startedAt ?? endedAt) - record.startedAt);
  });
  return { answerMs, cycleMs };
}

/**
 * One syncNow() of a fresh SyncEngine (real fetch, real clock, no lock, the app's pull writer:
 * its own module worker, let go by stop()), with its request log.
 */
export async function runSync(db: TahvilDatabase, label: string) {
  const settings = await readSettings(db);
  const requests: RequestRecord[] = [];
  const engine = new SyncEngine({
    db,
    fetch: observedFetch(requests, settings.centerId),
    clock: realClock,
    pullWriter: createPullWriter(db),
  });
  let pulledCards = 0;
  let nextReport = 20_000;
  /** When each pulled page's write ended (the engine's count moves then), and the count then. */
  const pagesWritten: Array<{ at: number; pulledCards: number }> = [];
  const unsubscribe = engine.subscribe((syncState) => {
    if (syncState.pulledCards > pulledCards)
      pagesWritten.push({ at: performance.now(), pulledCards: syncState.pulledCards });
    pulledCards = Math.max(pulledCards, syncState.pulledCards);
    if (pulledCards >= nextReport) {
      log(`${label}: ${pulledCards} cards pulled`);
      nextReport += 20_000;
    }
  });
  const started = performance.now();
  await engine.syncNow();
  const ended = performance.now();
  unsubscribe();
  // Never started, so nothing is scheduled; stop() still drops any listener a newer engine adds.
  engine.stop();
  const final = engine.getState();
  if (final.status !== 'idle') {
    const trail = requests
      .map((record) => `${record.path} → ${record.status ?? 'no answer'}`)
      .slice(-5)
      .join(', ');
    throw new Error(
      `${label}: sync ended ${final.status} (${final.problem ?? '?'}); last requests: ${trail}`,
    );
  }
  return { started, ended, requests, pulledCards, pagesWritten };
}

/** The outbox's events by sync state (pending, sending, synced …). */
export async function syncStateCounts(db: TahvilDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await db.events.each((record) => {
    counts[record.syncState] = (counts[record.syncState] ?? 0) + 1;
  });
  return counts;
}
