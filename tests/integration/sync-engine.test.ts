// The sync engine against the real mock registry on a loopback socket, with a fake clock:
// nothing waits on real timers, and every scheduled retry is inspected rather than slept.
import { afterEach, describe, expect, it } from 'vitest';
import {
  SyncEngine,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  SYNC_INTERVAL_MS,
  backoffDelayMs,
} from '../../src/sync/engine.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { updateSettings } from '../../src/db/settings.ts';
import { readCounters } from '../../src/db/counters.ts';
import { startRegistry, type RunningRegistry } from '../../server/test-helpers.ts';
import { createTestDatabase } from '../factories/database.ts';
import { holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { FIXED_NOW } from '../factories/time.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { FakeClock } from '../factories/fake-clock.ts';

let registry: RunningRegistry | null = null;
let running: SyncEngine | null = null;
afterEach(async () => {
  running?.stop();
  await registry?.close();
  registry = null;
});

async function setup(options: Parameters<typeof startRegistry>[0] = {}) {
  registry = await startRegistry({ seedCards: 40, ...options });
  const db = await createTestDatabase();
  await updateSettings(db, { registryUrl: registry.base });
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
    const { engine, registry } = await setup({ faults: { retryAfter429Rate: 1 } });
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
