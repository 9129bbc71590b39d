// The sync engine against the real mock registry on a loopback socket, with a fake clock:
// nothing waits on real timers, and every scheduled retry is inspected rather than slept.
import { afterEach, describe, expect, it } from 'vitest';
import {
  SyncEngine,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  PULL_PAGE_LIMIT,
  SYNC_INTERVAL_MS,
  SYNC_SOON_DELAY_MS,
  backoffDelayMs,
} from '../../src/sync/engine.ts';
import { workerPullWriter } from '../../src/sync/pull-writer.ts';
import {
  inThreadPullWorker,
  type InThreadPullWorker,
} from '../../src/sync/in-thread-pull-worker.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { readSettings, readSyncMeta, updateSettings } from '../../src/db/settings.ts';
import { readDeviceKey } from '../../src/db/enrolment.ts';
import { CommandRefused } from '../../src/domain/refusals.ts';
import { enrolTablet } from '../../src/sync/enrolment.ts';
import { verifyEventSignature } from '../../src/domain/event-signature.ts';
import type { MockEventsResponse } from '../../server/handler.ts';
import { readCounters } from '../../src/db/counters.ts';
import { startRegistry, type RunningRegistry } from '../../server/test-helpers.ts';
import { createTestDatabase, signInForTest } from '../factories/database.ts';
import { testRosterMembers } from '../factories/staff.ts';
import { storeRosterPage } from '../../src/db/staff.ts';
import { holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { FIXED_NOW } from '../factories/time.ts';

/**
 * The registry's clock is the tablets' (FIXED_NOW): on the real clock, a center day the engine
 * asks for at FIXED_NOW falls out of the registry's 30-day window a month after that date, and
 * every sync would end in bad-response.
 */
const registryNow = () => FIXED_NOW;
import type { TahvilDatabase } from '../../src/db/database.ts';
import { FakeClock } from '../factories/fake-clock.ts';

let registry: RunningRegistry | null = null;
let running: SyncEngine | null = null;
afterEach(async () => {
  running?.stop();
  await registry?.close();
  registry = null;
});

/**
 * Enrols `db` with `centerId` at the registry as a tablet does (a fresh code, a new key), then
 * the clerk signs in (an enrolment ends any shift): the test roster, which the test registry has
 * at every center, is stored as a roster pull from the start would bring it, and the next sync
 * still pulls it from the start.
 */
async function enrolWith(db: TahvilDatabase, running: RunningRegistry, centerId = 'DEMO-01') {
  const { code } = await running.issueEnrolmentCode(centerId);
  const center = await enrolTablet(
    db,
    { registryUrl: running.base, code },
    { fetch: (...args) => fetch(...args), now: () => FIXED_NOW },
  );
  await storeRosterPage(db, testRosterMembers(), '', {});
  await signInForTest(db);
  return center;
}

async function setup(options: Parameters<typeof startRegistry>[0] = {}) {
  registry = await startRegistry({ seedCards: 40, now: registryNow, ...options });
  const db = await createTestDatabase([], { enrolment: null });
  await enrolWith(db, registry);
  const clock = new FakeClock(FIXED_NOW.getTime());
  const engine = new SyncEngine({
    db,
    fetch: (...args) => fetch(...args),
    clock,
    random: () => 0.5,
  });
  running = engine;
  return { db, clock, engine, registry };
}

async function handOver(db: TahvilDatabase, cardId: string) {
  const card = await db.cards.get(cardId);
  return recordHandover(db, holderHandover(card!), testCommandContext());
}

async function acceptedEventIds(running: RunningRegistry): Promise<string[]> {
  const response = await running.mock('events?centerId=DEMO-01');
  return ((await response.json()) as { events: Array<{ eventId: string }> }).events.map(
    (event) => event.eventId,
  );
}

describe('SyncEngine', () => {
  it('pulls the whole inventory into an empty tablet and keeps the counters right', async () => {
    const { db, engine } = await setup();
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(await db.cards.count()).toBe(40);
    const counters = await readCounters(db, '1405-09-04');
    expect(counters.ready + counters.revoked + counters.returned + counters.handedOver).toBe(40);
  });

  it('pushes a handover once, marks it synced, and a later pull agrees', async () => {
    const { db, engine, registry } = await setup();
    await engine.start();
    const event = await handOver(db, 'C-0000001');
    await engine.syncNow();
    expect((await db.events.toArray()).map((record) => record.syncState)).toEqual(['synced']);
    expect(await acceptedEventIds(registry)).toEqual([event.eventId]);
    // The registry holds the event as signed on the tablet, and the tablet's key verifies it.
    const accepted = await registry.handler.state.acceptedEvent('DEMO-01', event.eventId);
    expect(accepted).toEqual(event);
    const key = await readDeviceKey(db);
    expect(await verifyEventSignature(accepted!, key!.publicKey)).toBe(true);
    expect(await db.cards.get('C-0000001')).toMatchObject({
      status: 'handed_over',
      handover: { eventId: event.eventId },
    });
    await engine.syncNow();
    expect(await acceptedEventIds(registry)).toEqual([event.eventId]);
  });

  it('replays an event whose answer was lost; the registry answers duplicate and holds it once', async () => {
    const { db, engine, registry } = await setup();
    await engine.start();
    const event = await handOver(db, 'C-0000001');
    registry.handler.setFaults({ dropRate: 1 });
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect((await db.events.toArray())[0]?.syncState).toBe('pending');
    expect(await acceptedEventIds(registry)).toEqual([event.eventId]);
    registry.handler.setFaults({ dropRate: 0 });
    await engine.syncNow();
    expect((await db.events.toArray())[0]?.syncState).toBe('synced');
    expect(await acceptedEventIds(registry)).toEqual([event.eventId]);
  });

  it('retries a 503 with backoff and keeps the event pending', async () => {
    const { db, engine, clock, registry } = await setup();
    await engine.start();
    await handOver(db, 'C-0000001');
    registry.handler.setFaults({ failRate: 1 });
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'server-error' });
    expect(clock.nextDelay()).toBe(backoffDelayMs(0, () => 0.5));
    await engine.syncNow();
    expect(clock.nextDelay()).toBe(backoffDelayMs(1, () => 0.5));
    expect((await db.events.toArray())[0]?.syncState).toBe('pending');
  });

  it('honours Retry-After on 429', async () => {
    const { engine, registry } = await setup();
    // After enrolment, which the fault would refuse too.
    registry.handler.setFaults({ retryAfter429Rate: 1 });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'rate-limited' });
    expect(engine.getState().nextAttemptAt! - FIXED_NOW.getTime()).toBe(1000);
    registry.handler.setFaults({ retryAfter429Rate: 0 });
  });

  it('stops on 401 and asks for re-registration instead of retrying', async () => {
    const { db, engine, clock } = await setup();
    await updateSettings(db, { deviceToken: 'wrong-token' });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'not-registered' });
    expect(clock.nextDelay()).toBeNull();
  });

  it('keeps a conflicting handover for staff with the registry reason', async () => {
    const { db, engine, registry } = await setup();
    await engine.start();
    await registry.mock(`revoke`, {
      method: 'POST',
      body: JSON.stringify({ centerId: 'DEMO-01', cardId: 'C-0000001' }),
    });
    await handOver(db, 'C-0000001');
    await engine.syncNow();
    const [record] = await db.events.toArray();
    expect(record?.syncState).toBe('conflict');
    expect(record?.serverReason).toBeTruthy();
    expect((await db.cards.get('C-0000001'))?.status).toBe('revoked');
  });

  it('recovers an event left "sending" by a tab that closed mid-request', async () => {
    const { db, engine, registry } = await setup();
    await engine.start();
    const event = await handOver(db, 'C-0000001');
    await db.events.toCollection().modify({ syncState: 'sending' });
    await engine.syncNow();
    expect((await db.events.toArray())[0]?.syncState).toBe('synced');
    expect(await acceptedEventIds(registry)).toEqual([event.eventId]);
  });

  it('schedules the next sync a minute after a success', async () => {
    const { engine, clock } = await setup();
    await engine.start();
    expect(clock.nextDelay()).toBe(SYNC_INTERVAL_MS);
    engine.stop();
  });
});

describe('backoffDelayMs', () => {
  it.each([
    [0, 1, BACKOFF_BASE_MS],
    [3, 1, BACKOFF_BASE_MS * 8],
    [30, 1, BACKOFF_CAP_MS],
    [0, 0, BACKOFF_BASE_MS / 2],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, () => random)).toBe(expected);
  });
});

describe('a tablet re-enrolled from AUD-1 to DEMO-01', () => {
  async function audTablet(fetchHook?: (url: string) => Promise<void>) {
    registry = await startRegistry({
      now: registryNow,
      seedCards: 40,
      centers: { 'AUD-1': { name: 'مرکز آزمایشی ۱' } },
    });
    await registry.mock('cards', {
      method: 'POST',
      body: JSON.stringify({ centerId: 'AUD-1', cards: [{}, {}, {}] }),
    });
    const db = await createTestDatabase([], { enrolment: null });
    await enrolWith(db, registry, 'AUD-1');
    const clock = new FakeClock(FIXED_NOW.getTime());
    const engine = new SyncEngine({
      db,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        await fetchHook?.(String(input));
        return response;
      },
      clock,
      random: () => 0.5,
    });
    running = engine;
    return { db, engine, registry };
  }

  async function eventsOn(centerId: string): Promise<string[]> {
    const response = await registry!.mock(`events?centerId=${centerId}`);
    return ((await response.json()) as MockEventsResponse).events.map((event) => event.eventId);
  }

  it('keeps AUD-1’s handover until AUD-1 has it, then holds only DEMO-01, whose registry never sees it', async () => {
    const { db, engine } = await audTablet();
    await engine.start();
    expect(await db.cards.count()).toBe(3);
    registry!.handler.setFaults({ failRate: 1 });
    const event = await handOver(db, 'C-0000001');
    await engine.syncNow();
    // Refused before the code is spent: the same code still works once the handover is sent.
    const { code } = await registry!.issueEnrolmentCode('DEMO-01');
    const enrolDemo = () =>
      enrolTablet(
        db,
        { registryUrl: registry!.base, code },
        { fetch: (...args) => fetch(...args), now: () => FIXED_NOW },
      );
    await expect(enrolDemo()).rejects.toThrow(CommandRefused);

    registry!.handler.setFaults({ failRate: 0 });
    await engine.syncNow();
    expect(await eventsOn('AUD-1')).toEqual([event.eventId]);
    await enrolDemo();
    expect((await readSettings(db)).centerId).toBe('DEMO-01');
    // The AUD-1 enrolment it left is retired at the registry: no token of it works any more.
    expect(
      (await registry!.handler.state.devices.devicesOf('AUD-1')).map((device) => device.status),
    ).toEqual(['withdrawn']);
    await engine.syncNow();

    expect(await eventsOn('DEMO-01')).toEqual([]);
    const cards = await db.cards.toArray();
    expect(cards).toHaveLength(40);
    expect(cards.every((card) => card.centerId === 'DEMO-01')).toBe(true);
    expect(await db.events.count()).toBe(0);
    const demoCard = (await registry!.mock('cards?centerId=DEMO-01&cardId=C-0000001')).json();
    expect(await db.cards.get('C-0000001')).toMatchObject({
      status: ((await demoCard) as { card: { status: string } }).card.status,
      handover: null,
    });
  });

  it('writes nothing of AUD-1 when the re-enrolment comes while an AUD-1 page is on its way', async () => {
    let switched = false;
    const { db, engine } = await audTablet(async (url) => {
      if (!switched && url.includes('/centers/AUD-1/cards')) {
        switched = true;
        await enrolWith(db, registry!, 'DEMO-01');
      }
    });
    await engine.syncNow();
    expect(switched).toBe(true);
    expect((await db.cards.toArray()).filter((card) => card.centerId === 'AUD-1')).toEqual([]);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
    await engine.syncNow();
    expect(await db.cards.count()).toBe(40);
    expect(await eventsOn('DEMO-01')).toEqual([]);
  });

  it('writes nothing of a page fetched before a re-enrolment into the same center', async () => {
    registry = await startRegistry({ seedCards: 40, now: registryNow });
    const db = await createTestDatabase([], { enrolment: null });
    await enrolWith(db, registry);
    let reenrolled = false;
    const engine = new SyncEngine({
      db,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (!reenrolled && String(input).includes('/cards')) {
          reenrolled = true;
          await enrolWith(db, registry!);
        }
        return response;
      },
      clock: new FakeClock(FIXED_NOW.getTime()),
      random: () => 0.5,
    });
    running = engine;
    await engine.syncNow();
    expect(reenrolled).toBe(true);
    // The page and its cursor belonged to the enrolment that was replaced.
    expect(await db.cards.count()).toBe(0);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
    await engine.syncNow();
    expect(await db.cards.count()).toBe(40);
  });

  it('an AUD-1 event sent to DEMO-01 anyway (a tampered tablet) is refused by the registry', async () => {
    const { db, engine } = await audTablet();
    await engine.start();
    const event = await handOver(db, 'C-0000001');
    // Not through the engine, which never would: the AUD-1 token on DEMO-01's endpoint.
    const { deviceToken, deviceId } = await readSettings(db);
    const response = await fetch(`${registry!.base}/api/v2/centers/DEMO-01/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${deviceToken}`,
        'X-Device-Id': deviceId,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ events: [event] }),
    });
    expect(response.status).toBe(403);
    expect(await eventsOn('DEMO-01')).toEqual([]);
  });
});

describe('a tablet withdrawn mid-shift', () => {
  it('stops syncing, keeps its unsent handover and refuses new ones; exported and re-enrolled, it works again', async () => {
    const { db, engine, registry } = await setup();
    await engine.start();
    const [first, second, third] = await db.cards
      .where('status')
      .equals('ready')
      .limit(3)
      .toArray();
    const synced = await handOver(db, first!.cardId);
    await engine.syncNow();
    const kept = await handOver(db, second!.cardId);
    const { deviceId } = await readSettings(db);
    const withdrawn = await registry.admin(`/api/v2/admin/devices/${deviceId}/withdraw`, {
      method: 'POST',
    });
    expect(withdrawn.status).toBe(200);
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'device-withdrawn' });
    expect((await readSettings(db)).withdrawnAt).not.toBeNull();
    expect(await acceptedEventIds(registry)).toEqual([synced.eventId]);
    expect((await db.events.toArray()).map((record) => record.syncState)).toEqual([
      'synced',
      'pending',
    ]);
    await expect(handOver(db, third!.cardId)).rejects.toMatchObject({
      refusal: 'device-withdrawn',
    });
    expect((await db.events.toArray())[1]?.eventId).toBe(kept.eventId);

    // The office issues a new code; the handover kept on the tablet is exported first.
    const { buildUnsentEventsFile, confirmUnsentEventsFile } =
      await import('../../src/db/unsent-export.ts');
    const file = await buildUnsentEventsFile(db, FIXED_NOW);
    expect(file.events.map((entry) => entry.event.eventId)).toEqual([kept.eventId]);
    expect((await confirmUnsentEventsFile(db, JSON.stringify(file))).ok).toBe(true);
    const { code } = await registry.issueEnrolmentCode('DEMO-01');
    await enrolTablet(
      db,
      { registryUrl: registry.base, code },
      { fetch: (...args) => fetch(...args), now: () => FIXED_NOW },
      { discardExported: true },
    );
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(await db.cards.count()).toBe(40);
  });
});

describe('the pull through the worker page writer (its handler in-thread)', () => {
  /** A tablet enrolled with a registry of `seedCards`, whose engine writes pulls as the app does. */
  async function workerTablet(seedCards: number, fetchHook?: (url: string) => Promise<void>) {
    registry = await startRegistry({ seedCards, now: registryNow });
    const db = await createTestDatabase([], { enrolment: null });
    await enrolWith(db, registry);
    const clock = new FakeClock(FIXED_NOW.getTime());
    const workers: InThreadPullWorker[] = [];
    const requests: string[] = [];
    const engine = new SyncEngine({
      db,
      fetch: async (input, init) => {
        requests.push(String(input));
        const response = await fetch(input, init);
        await fetchHook?.(String(input));
        return response;
      },
      clock,
      random: () => 0.5,
      pullWriter: workerPullWriter(db, () => {
        const worker = inThreadPullWorker();
        workers.push(worker);
        return worker.port;
      }),
    });
    running = engine;
    return { db, clock, engine, workers, requests };
  }

  it('pulls an inventory of several pages into an empty tablet, page after page, with one worker', async () => {
    const { db, engine, workers, requests } = await workerTablet(2 * PULL_PAGE_LIMIT + 500);
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(await db.cards.count()).toBe(2 * PULL_PAGE_LIMIT + 500);
    expect(requests.filter((url) => url.includes('/cards'))).toHaveLength(3);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.replies).toEqual([
      'header',
      'written',
      'header',
      'written',
      'header',
      'written',
    ]);
    expect(await readSyncMeta(db)).toMatchObject({ initialPullDone: true });
    const counters = await readCounters(db, '1405-09-04');
    expect(counters.ready + counters.revoked + counters.returned + counters.handedOver).toBe(
      2 * PULL_PAGE_LIMIT + 500,
    );
  });

  it('writes nothing of a page fetched before a re-enrolment, and knows it for one: it starts again soon', async () => {
    let reenrolled = false;
    const { db, clock, engine } = await workerTablet(40, async (url) => {
      if (!reenrolled && url.includes('/cards')) {
        reenrolled = true;
        await enrolWith(db, registry!);
      }
    });
    await engine.start();
    expect(reenrolled).toBe(true);
    // The worker's CenterChangedError is one on this side too: not a bad response to back off from.
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS);
    expect(await db.cards.count()).toBe(0);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
    await engine.syncNow();
    expect(await db.cards.count()).toBe(40);
  });
});
