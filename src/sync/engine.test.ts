// The engine with a fake clock and a scripted fetch: every request it makes is answered by the
// test, so schedules, stops and state changes are checked exactly, without a network or timers.
// The roster pull and the center's day have their own responders (by default a roster with no
// changes and a day with no events), so a test about cards answers only cards.
// (tests/integration/sync-engine.test.ts runs the same engine against the real mock registry.)
import { describe, expect, it } from 'vitest';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  MAX_RETRY_AFTER_MS,
  REQUEST_TIMEOUT_MS,
  ROSTER_PAGE_LIMIT,
  SYNC_INTERVAL_MS,
  SYNC_SOON_DELAY_MS,
  SyncEngine,
  backoffDelayMs,
  type SyncState,
} from './engine.ts';
import type { TahvilDatabase } from '../db/database.ts';
import { recordHandover } from '../db/handovers.ts';
import { claimPendingBatch } from '../db/outbox.ts';
import type { OutboxRecord } from '../db/records.ts';
import {
  readClockEstimate,
  readSettings,
  readSyncMeta,
  updateSettings,
  writeSyncMeta,
} from '../db/settings.ts';
import { attentionItems } from '../db/attention.ts';
import { ROSTER_CURSOR_ROW, readRosterCursor, signIn, storeRosterPage } from '../db/staff.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../../tests/factories/context.ts';
import {
  TEST_DEVICE_TOKEN,
  createTestDatabase,
  enrolTestTablet,
} from '../../tests/factories/database.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  testStaffMember,
} from '../../tests/factories/staff.ts';
import { FIXED_NOW, FIXED_NOW_ISO } from '../../tests/factories/time.ts';
import {
  DEFAULT_CENTER_RULES,
  MAX_STAFF_PULL_LIMIT,
  staffPath,
  type Card,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type StaffMember,
  type StaffPullResponse,
} from '../protocol/protocol.ts';
import { FakeClock } from '../../tests/factories/fake-clock.ts';
import { createHandoverEvent, createVoidEvent } from '../../tests/factories/events.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';
import {
  CENTER_DAY_CURSORS_ROW,
  readCenterDayCursor,
  readCenterDevices,
} from '../db/center-day.ts';
import { addJalaliDays } from '../domain/jalali.ts';
import type { DayEventsResponse, ProtocolEvent } from '../protocol/protocol.ts';
import type { PullWriter } from './pull-writer.ts';
import { readPullPage, storePullPage } from './pull-page.ts';

type Route = 'health' | 'events' | 'cards' | 'staff' | 'day';
type Responder = (request: {
  route: Route;
  url: URL;
  body: unknown;
  signal: AbortSignal | null;
}) => Response | Promise<Response>;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
const errorBody = (status: number, code: string, headers: Record<string, string> = {}) =>
  json({ error: { code, message: code } }, status, headers);
/** The profile every page of the test center carries. */
const TEST_CENTER = { centerId: 'DEMO-01', name: 'مرکز آزمون', rules: DEFAULT_CENTER_RULES };
const emptyPage = (cursor = 'c0'): PullResponse => ({
  center: TEST_CENTER,
  items: [],
  cursor,
  hasMore: false,
  remaining: 0,
});

/** The roster page of a registry whose roster has not changed since the cursor asked from. */
const rosterAtRest: Responder = ({ url }) =>
  json({
    items: [],
    cursor: url.searchParams.get('cursor') ?? '',
    hasMore: false,
  } satisfies StaffPullResponse);

/** The center's day of a registry with no events on it after the cursor asked from. */
const dayAtRest: Responder = ({ url }) =>
  json({
    centerId: 'DEMO-01',
    day: url.searchParams.get('day'),
    items: [],
    cursor: url.searchParams.get('cursor') ?? '',
    hasMore: false,
    devices: [],
  });

/**
 * A fetch answered by `respond` (the roster pull by `roster`, the center's day by `day`); it
 * records every request so tests can say what was sent.
 */
function scriptedFetch(
  respond: Responder,
  roster: Responder = rosterAtRest,
  day: Responder = dayAtRest,
) {
  const requests: Array<{ route: Route; url: URL; body: unknown; headers: Headers }> = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const route: Route = url.pathname.endsWith('/health')
      ? 'health'
      : url.pathname.endsWith('/day-events')
        ? 'day'
        : url.pathname.endsWith('/events')
          ? 'events'
          : url.pathname.endsWith('/staff')
            ? 'staff'
            : 'cards';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    requests.push({ route, url, body, headers: new Headers(init?.headers) });
    const request = { route, url, body, signal: init?.signal ?? null };
    return route === 'staff' ? roster(request) : route === 'day' ? day(request) : respond(request);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

/** Answers health, accepts every pushed event, and serves no new cards: a registry at rest. */
const healthyRegistry: Responder = ({ route, body }) => {
  if (route === 'health') return json({ ok: true });
  if (route === 'events') {
    const events = (body as PushRequest).events;
    return json({
      results: events.map((event) => ({ eventId: event.eventId, status: 'accepted' })),
    } satisfies PushResponse);
  }
  return json(emptyPage());
};

async function setup(
  respond: Responder,
  {
    cards = [createCard({ cardId: 'C-0000001', version: 5 })],
    random = 1,
    roster = rosterAtRest,
    day = dayAtRest,
    pullWriter,
  }: {
    cards?: Card[];
    random?: number;
    roster?: Responder;
    day?: Responder;
    /** The pull's page writer, when a test controls it (else the engine's in-thread one). */
    pullWriter?: (db: TahvilDatabase) => PullWriter;
  } = {},
) {
  const db = await createTestDatabase(cards);
  await updateSettings(db, { registryUrl: 'http://registry.test' });
  const clock = new FakeClock(FIXED_NOW.getTime());
  const scripted = scriptedFetch(respond, roster, day);
  const connectivity = new EventTarget();
  const engine = new SyncEngine({
    db,
    fetch: scripted.fetch,
    clock,
    random: () => random,
    connectivity,
    ...(pullWriter ? { pullWriter: pullWriter(db) } : {}),
  });
  return { db, clock, engine, connectivity, requests: scripted.requests };
}

async function handOver(db: TahvilDatabase, { cardId }: Pick<Card, 'cardId'>) {
  const card = (await db.cards.get(cardId))!;
  return recordHandover(db, holderHandover(card), testCommandContext());
}

const storeCursor = (db: TahvilDatabase, pullCursor: string) =>
  writeSyncMeta(db, { pullCursor, initialPullDone: true });

const syncStates = async (db: TahvilDatabase) =>
  (await db.events.toArray()).map((record) => record.syncState);

/** How many events are in each sync state. */
async function syncStateTally(db: TahvilDatabase): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  for (const state of await syncStates(db)) tally[state] = (tally[state] ?? 0) + 1;
  return tally;
}

describe('SyncEngine schedule', () => {
  it('backs off exponentially from the base delay up to the cap while the registry fails', async () => {
    const { engine, clock } = await setup(({ route }) =>
      route === 'health' ? json({ ok: true }) : errorBody(503, 'unavailable'),
    );
    const delays: Array<number | null> = [];
    await engine.start();
    for (let attempt = 0; attempt < 10; attempt++) {
      delays.push(clock.nextDelay());
      await engine.syncNow();
    }
    expect(delays).toEqual(
      [2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map((seconds) => seconds * 1000),
    );
    expect(BACKOFF_BASE_MS).toBe(2000);
    expect(BACKOFF_CAP_MS).toBe(300_000);
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'server-error' });
  });

  it('draws each delay at random below the ceiling (full jitter)', async () => {
    const { engine, clock } = await setup(() => errorBody(503, 'unavailable'), { random: 0.25 });
    await engine.start();
    await engine.syncNow();
    await engine.syncNow();
    expect(clock.nextDelay()).toBe(backoffDelayMs(2, () => 0.25));
    expect(clock.nextDelay()).toBe(0.25 * 8000);
  });

  it('goes back to the one-minute schedule after a success', async () => {
    let failing = true;
    const { engine, clock } = await setup((request) =>
      failing ? errorBody(503, 'unavailable') : healthyRegistry(request),
    );
    await engine.start();
    await engine.syncNow();
    failing = false;
    await engine.syncNow();
    expect(engine.getState()).toMatchObject({
      status: 'idle',
      problem: null,
      lastSuccessAt: FIXED_NOW.getTime(),
    });
    expect(clock.nextDelay()).toBe(SYNC_INTERVAL_MS);
    failing = true;
    await engine.syncNow();
    expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
  });

  it('waits what Retry-After says on 429, in seconds', async () => {
    const { engine, clock } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : errorBody(429, 'rate_limited', { 'Retry-After': '42' }),
    );
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'rate-limited' });
    expect(clock.nextDelay()).toBe(42_000);
  });

  it('honours Retry-After on 503 too', async () => {
    const { engine, clock } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : errorBody(503, 'unavailable', { 'Retry-After': '7' }),
    );
    await engine.start();
    expect(clock.nextDelay()).toBe(7_000);
  });

  it.each([401, 403, 404])(
    'stops on %i: no retry, no "sync soon", until staff re-register',
    async (status) => {
      const { db, engine, clock, requests } = await setup(({ route }) =>
        route === 'health' ? json({ ok: true }) : errorBody(status, 'unauthorized'),
      );
      await handOver(db, { cardId: 'C-0000001' });
      await engine.start();
      expect(engine.getState()).toMatchObject({ status: 'error', problem: 'not-registered' });
      expect(clock.nextDelay()).toBeNull();
      engine.syncSoon();
      expect(clock.nextDelay()).toBeNull();
      expect(requests.filter((request) => request.route === 'events')).toHaveLength(1);
      expect(await syncStates(db)).toEqual(['pending']);
    },
  );
});

describe('SyncEngine "sync soon"', () => {
  it('brings the one-minute sync forward to a moment after a new event', async () => {
    const { engine, clock } = await setup(healthyRegistry);
    await engine.start();
    expect(clock.nextDelay()).toBe(SYNC_INTERVAL_MS);
    engine.syncSoon();
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS);
    clock.advance(1_000);
    engine.syncSoon();
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS - 1_000);
  });

  it('does not cut short the wait a rate-limited registry asked for', async () => {
    const { engine, clock } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : errorBody(429, 'rate_limited', { 'Retry-After': '120' }),
    );
    await engine.start();
    engine.syncSoon();
    expect(clock.nextDelay()).toBe(120_000);
  });

  it('does not cut short the backoff after a server error', async () => {
    const { engine, clock } = await setup(
      ({ route }) => (route === 'health' ? json({ ok: true }) : errorBody(503, 'unavailable')),
      { random: 1 },
    );
    await engine.start();
    await engine.syncNow();
    expect(clock.nextDelay()).toBe(4_000);
    engine.syncSoon();
    expect(clock.nextDelay()).toBe(4_000);
  });

  it('may try sooner while the registry is only unreachable: the probe is cheap and the event is new', async () => {
    const { engine, clock } = await setup(() => Promise.reject(new TypeError('Failed to fetch')), {
      random: 1,
    });
    await engine.start();
    await engine.syncNow();
    expect(clock.nextDelay()).toBe(4_000);
    engine.syncSoon();
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS);
  });

  it('follows a run during which an event was recorded with a sync soon, not in a minute', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { engine, clock } = await setup(async (request) => {
      if (request.route === 'cards') await gate;
      return healthyRegistry(request);
    });
    const first = engine.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    engine.syncSoon();
    release();
    await first;
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS);
  });
});

describe('SyncEngine connectivity', () => {
  it('judges the registry unreachable by its health answer and sends nothing', async () => {
    const { db, engine, requests } = await setup(({ route }) =>
      route === 'health' ? Promise.reject(new TypeError('Failed to fetch')) : json({}),
    );
    await handOver(db, { cardId: 'C-0000001' });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect(requests.map((request) => request.route)).toEqual(['health']);
    expect(await syncStates(db)).toEqual(['pending']);
  });

  it('asks for health without credentials, and for data with the device token and id', async () => {
    const { engine, requests } = await setup(healthyRegistry);
    await engine.start();
    const [health, pull] = requests;
    expect(health?.headers.get('Authorization')).toBeNull();
    expect(pull?.headers.get('Authorization')).toBe(`Bearer ${TEST_DEVICE_TOKEN}`);
    expect(pull?.headers.get('X-Device-Id')).toBe(TEST_DEVICE_ID);
  });

  it('tries again at once when the device says it is online, without waiting out the backoff', async () => {
    let reachable = false;
    const { engine, connectivity, clock } = await setup((request) =>
      reachable ? healthyRegistry(request) : Promise.reject(new TypeError('Failed to fetch')),
    );
    await engine.start();
    expect(engine.getState().status).toBe('offline');
    expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
    reachable = true;
    const synced = new Promise<void>((resolve) => {
      const unsubscribe = engine.subscribe((state) => {
        if (state.status === 'idle') {
          unsubscribe();
          resolve();
        }
      });
    });
    connectivity.dispatchEvent(new Event('online'));
    await synced;
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    engine.stop();
    connectivity.dispatchEvent(new Event('online'));
    expect(engine.getState().status).toBe('idle');
  });

  it('gives up on an answer whose body stops arriving, and retries later', async () => {
    const { db, engine, clock } = await setup(({ route, signal }) => {
      if (route === 'health') return json({ ok: true });
      const stalled = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"results": ['));
          signal?.addEventListener('abort', () =>
            controller.error(new DOMException('The operation was aborted.', 'AbortError')),
          );
        },
      });
      return new Response(stalled, {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    });
    await handOver(db, { cardId: 'C-0000001' });
    const sync = engine.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(engine.getState().status).toBe('syncing');
    clock.advance(REQUEST_TIMEOUT_MS);
    await sync;
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
    expect(await syncStates(db)).toEqual(['pending']);
  });

  it('reads a 404 without the registry’s error body (a wrong address, a proxy) as a server fault to retry', async () => {
    const { engine, clock } = await setup(() => new Response('Not Found', { status: 404 }));
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'server-error' });
    expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
  });

  it('caps a Retry-After so long a timer could not hold it', async () => {
    const { engine, clock } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : errorBody(429, 'rate_limited', { 'Retry-After': '99999999' }),
    );
    await engine.start();
    expect(clock.nextDelay()).toBe(MAX_RETRY_AFTER_MS);
  });

  it('listens for "online" once however often it starts, and stops listening when stopped', async () => {
    const listening = new Set<unknown>();
    const calls: string[] = [];
    const connectivity = {
      addEventListener: (_type: string, listener: unknown) => (
        calls.push('add'),
        listening.add(listener)
      ),
      removeEventListener: (_type: string, listener: unknown) => (
        calls.push('remove'),
        listening.delete(listener)
      ),
    };
    const db = await createTestDatabase();
    const engine = new SyncEngine({
      db,
      fetch: scriptedFetch(healthyRegistry).fetch,
      clock: new FakeClock(FIXED_NOW.getTime()),
      connectivity,
    });
    await engine.start();
    await engine.start();
    expect(calls).toEqual(['add']);
    engine.stop();
    expect(listening.size).toBe(0);
  });

  it('treats an answer cut off mid-body as unreachable and keeps the events pending', async () => {
    const { db, engine } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : new Response('{"results": [', {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
          }),
    );
    await handOver(db, { cardId: 'C-0000001' });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect(await syncStates(db)).toEqual(['pending']);
  });
});

describe('SyncEngine outbox', () => {
  it('replays an event whose answer was lost, and marks it synced on "duplicate"', async () => {
    const seenOnRegistry = new Set<string>();
    let dropAnswer = true;
    const { db, engine, requests } = await setup(({ route, body }) => {
      if (route === 'health') return json({ ok: true });
      if (route === 'cards') return json(emptyPage());
      const results = (body as PushRequest).events.map((event) => {
        const status = seenOnRegistry.has(event.eventId) ? 'duplicate' : 'accepted';
        seenOnRegistry.add(event.eventId);
        return { eventId: event.eventId, status };
      });
      if (dropAnswer) return Promise.reject(new TypeError('network connection was lost'));
      return json({ results });
    });
    const event = await handOver(db, { cardId: 'C-0000001' });
    await engine.start();
    expect(await syncStates(db)).toEqual(['pending']);
    dropAnswer = false;
    await engine.syncNow();
    expect(await syncStates(db)).toEqual(['synced']);
    const pushed = requests
      .filter((request) => request.route === 'events')
      .map((request) => (request.body as PushRequest).events.map((e) => e.eventId));
    expect(pushed).toEqual([[event.eventId], [event.eventId]]);
    expect([...seenOnRegistry]).toEqual([event.eventId]);
  });

  it('sends again an event a closed tab left "sending", once', async () => {
    const { db, engine, requests } = await setup(healthyRegistry);
    const event = await handOver(db, { cardId: 'C-0000001' });
    await claimPendingBatch(db, 10);
    expect(await syncStates(db)).toEqual(['sending']);
    await engine.start();
    expect(await syncStates(db)).toEqual(['synced']);
    const pushed = requests
      .filter((request) => request.route === 'events')
      .flatMap((request) => (request.body as PushRequest).events.map((e) => e.eventId));
    expect(pushed).toEqual([event.eventId]);
  });

  it('pushes oldest first in batches of at most 500 before it pulls', async () => {
    const cards = Array.from({ length: 501 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    const { db, engine, requests } = await setup(healthyRegistry, { cards });
    const recorded: string[] = [];
    for (const card of cards) recorded.push((await handOver(db, card)).eventId);
    await engine.start();
    expect(requests.map((request) => request.route)).toEqual([
      'health',
      'events',
      'events',
      'cards',
      'staff',
      'day',
    ]);
    const pushed = requests
      .filter((request) => request.route === 'events')
      .map((request) => (request.body as PushRequest).events.map((e) => e.eventId));
    expect(pushed.map((batch) => batch.length)).toEqual([500, 1]);
    expect(pushed.flat()).toEqual(recorded);
  });

  it('puts back a lost batch and the next one, claimed while it was on its way, in order', async () => {
    const cards = Array.from({ length: 501 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    let loseAnswers = true;
    const { db, engine, requests } = await setup(
      (request) =>
        request.route === 'events' && loseAnswers
          ? Promise.reject(new TypeError('network connection was lost'))
          : healthyRegistry(request),
      { cards },
    );
    const recorded: string[] = [];
    for (const card of cards) recorded.push((await handOver(db, card)).eventId);
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect(requests.filter((request) => request.route === 'events')).toHaveLength(1);
    expect(await syncStateTally(db)).toEqual({ pending: 501 });
    loseAnswers = false;
    await engine.syncNow();
    const pushed = requests
      .filter((request) => request.route === 'events')
      .map((request) => (request.body as PushRequest).events.map((e) => e.eventId));
    expect(pushed.slice(1).map((batch) => batch.length)).toEqual([500, 1]);
    expect(pushed.slice(1).flat()).toEqual(recorded);
    expect(await syncStateTally(db)).toEqual({ synced: 501 });
  });

  it('puts a batch lost after the first back in line, leaving no event sending', async () => {
    const cards = Array.from({ length: 501 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    let pushes = 0;
    const { db, engine, requests } = await setup(
      (request) => {
        if (request.route === 'events' && ++pushes === 2)
          return Promise.reject(new TypeError('network connection was lost'));
        return healthyRegistry(request);
      },
      { cards },
    );
    for (const card of cards) await handOver(db, card);
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect(requests.filter((request) => request.route === 'events')).toHaveLength(2);
    expect(await syncStateTally(db)).toEqual({ synced: 500, pending: 1 });
  });

  it('puts back an answered batch whose results it could not write, keeping the answer to the batch sent meanwhile', async () => {
    const cards = Array.from({ length: 501 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    const { db, engine, requests } = await setup(healthyRegistry, { cards });
    for (const card of cards) await handOver(db, card);
    const bulkPut = db.events.bulkPut.bind(db.events);
    let failOnce = true;
    db.events.bulkPut = ((records: OutboxRecord[]) => {
      if (failOnce && records.some((record) => record.syncState === 'synced')) {
        failOnce = false;
        return Promise.reject(new Error('the disk is full'));
      }
      return bulkPut(records);
    }) as typeof db.events.bulkPut;
    await engine.start();
    expect(engine.getState().status).toBe('error');
    expect(requests.filter((request) => request.route === 'events')).toHaveLength(2);
    // The first batch's answer was lost on the way to disk; the second's, sent meanwhile, kept.
    expect(await syncStateTally(db)).toEqual({ pending: 500, synced: 1 });
    await engine.syncNow();
    expect(await syncStateTally(db)).toEqual({ synced: 501 });
  });

  it('after a partial answer, sends no more and puts the next batch back, so the rest stays pending', async () => {
    const cards = Array.from({ length: 501 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    const { db, engine, requests } = await setup(
      ({ route, body }) => {
        if (route === 'health') return json({ ok: true });
        const [first] = (body as PushRequest).events;
        return json({ results: [{ eventId: first!.eventId, status: 'accepted' }] });
      },
      { cards },
    );
    for (const card of cards) await handOver(db, card);
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(requests.filter((request) => request.route === 'events')).toHaveLength(1);
    expect(await syncStateTally(db)).toEqual({ synced: 1, pending: 500 });
  });

  it('sends an event recorded while a batch was on its way in the next request, after it', async () => {
    const cards = [
      createCard({ cardId: 'C-0000001', version: 5 }),
      createCard({ cardId: 'C-0000002', version: 6 }),
    ];
    let tablet: TahvilDatabase | null = null;
    let recordedMeanwhile = '';
    const { db, engine, requests } = await setup(
      async (request) => {
        if (request.route === 'events' && !recordedMeanwhile)
          recordedMeanwhile = (await handOver(tablet!, cards[1]!)).eventId;
        return healthyRegistry(request);
      },
      { cards },
    );
    tablet = db;
    const first = await handOver(db, cards[0]!);
    await engine.start();
    expect(engine.getState().status).toBe('idle');
    const pushed = requests
      .filter((request) => request.route === 'events')
      .map((request) => (request.body as PushRequest).events.map((e) => e.eventId));
    expect(pushed).toEqual([[first.eventId], [recordedMeanwhile]]);
    expect(await syncStates(db)).toEqual(['synced', 'synced']);
  });

  it('does not let a pull undo a handover recorded while the pull was on its way', async () => {
    const card = createCard({ cardId: 'C-0000001', version: 5 });
    let tablet: TahvilDatabase | null = null;
    const { db, engine } = await setup(
      async ({ route }) => {
        if (route === 'health') return json({ ok: true });
        // The clerk hands the card over while the page that still says "ready" is in flight.
        await handOver(tablet!, card);
        return json({
          center: TEST_CENTER,
          items: [{ ...card, version: 9, updatedAt: '2026-11-25T07:00:00.000Z' }],
          cursor: 'c9',
          hasMore: false,
          remaining: 0,
        });
      },
      { cards: [card] },
    );
    tablet = db;
    await engine.start();
    expect(engine.getState().status).toBe('idle');
    expect(await syncStates(db)).toEqual(['pending']);
    expect(await db.cards.get(card.cardId)).toMatchObject({ status: 'handed_over', version: 5 });
  });

  it('keeps what was answered and retries later, not at once, when the registry answers only part of a batch', async () => {
    const cards = [
      createCard({ cardId: 'C-0000001', version: 5 }),
      createCard({ cardId: 'C-0000002', version: 6 }),
    ];
    const { db, engine, clock, requests } = await setup(
      ({ route, body }) => {
        if (route === 'health') return json({ ok: true });
        const [first] = (body as PushRequest).events;
        return json({ results: [{ eventId: first!.eventId, status: 'accepted' }] });
      },
      { cards },
    );
    await handOver(db, cards[0]!);
    await handOver(db, cards[1]!);
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(requests.filter((request) => request.route === 'events')).toHaveLength(1);
    expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
    expect(await syncStates(db)).toEqual(['synced', 'pending']);
  });

  it('ignores answers with an unknown status or for events it did not send', async () => {
    const { db, engine } = await setup(({ route, body }) => {
      if (route === 'health') return json({ ok: true });
      const [event] = (body as PushRequest).events;
      return json({
        results: [
          { eventId: 'someone-else', status: 'accepted' },
          { eventId: event!.eventId, status: 'maybe' },
        ],
      });
    });
    await handOver(db, { cardId: 'C-0000001' });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(await syncStates(db)).toEqual(['pending']);
  });

  it('takes the registry’s copy of a card whose refused handover left it at the same version', async () => {
    const card = createCard({ cardId: 'C-0000001', version: 5 });
    const { db, engine } = await setup(({ route, body }) => {
      if (route === 'health') return json({ ok: true });
      if (route === 'cards') return json(emptyPage());
      const [event] = (body as PushRequest).events;
      return json({
        results: [
          { eventId: event!.eventId, status: 'rejected', reason: 'recipient does not match', card },
        ],
      });
    });
    await handOver(db, card);
    await engine.start();
    expect(await db.cards.get(card.cardId)).toMatchObject({
      status: 'ready',
      handover: null,
      version: 5,
    });
    expect(await syncStates(db)).toEqual(['rejected']);
  });

  it('shows the card as the registry answered a conflict, and keeps the event for a supervisor', async () => {
    const card = createCard({ cardId: 'C-0000001', version: 5 });
    const otherCounter = { ...card, status: 'handed_over' as const, version: 12 };
    const { db, engine } = await setup(({ route, body }) => {
      if (route === 'health') return json({ ok: true });
      if (route === 'cards') return json(emptyPage());
      const [event] = (body as PushRequest).events;
      const handover = {
        ...(event as Extract<typeof event, { type: 'handover' }>),
        eventId: 'other-tablet-event',
        deviceId: 'other-tablet',
      };
      return json({
        results: [
          {
            eventId: event!.eventId,
            status: 'conflict',
            reason: 'card already handed over',
            card: { ...otherCounter, handover },
          },
        ],
      });
    });
    const event = await handOver(db, card);
    await engine.start();
    expect(await db.cards.get(card.cardId)).toMatchObject({
      status: 'handed_over',
      version: 12,
      handover: { eventId: 'other-tablet-event', deviceId: 'other-tablet' },
    });
    const [item] = await attentionItems(db);
    expect(item?.record).toMatchObject({
      eventId: event.eventId,
      syncState: 'conflict',
      serverReason: 'card already handed over',
    });
  });
});

describe('SyncEngine pull', () => {
  it('reports first-pull progress in cards from the registry’s "remaining" hint, then remembers the pull is done', async () => {
    const cards = Array.from({ length: 5 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    const pages: PullResponse[] = [
      { center: TEST_CENTER, items: cards.slice(0, 2), cursor: 'c2', hasMore: true, remaining: 3 },
      { center: TEST_CENTER, items: cards.slice(2, 4), cursor: 'c4', hasMore: true, remaining: 1 },
      { center: TEST_CENTER, items: cards.slice(4), cursor: 'c5', hasMore: false, remaining: 0 },
    ];
    const { db, engine, requests } = await setup(
      ({ route, url }) => {
        if (route === 'health') return json({ ok: true });
        const after = url.searchParams.get('cursor');
        return json(
          after === null
            ? pages[0]
            : after === 'c2'
              ? pages[1]
              : after === 'c4'
                ? pages[2]
                : emptyPage('c5'),
        );
      },
      { cards: [] },
    );
    const seen: Array<Pick<SyncState, 'firstPull' | 'pulledCards' | 'pullTotal'>> = [];
    engine.subscribe(({ firstPull, pulledCards, pullTotal, status }) => {
      if (status === 'syncing' && pulledCards > 0) seen.push({ firstPull, pulledCards, pullTotal });
    });
    await engine.start();
    expect(seen).toEqual([
      { firstPull: true, pulledCards: 2, pullTotal: 5 },
      { firstPull: true, pulledCards: 4, pullTotal: 5 },
      { firstPull: true, pulledCards: 5, pullTotal: 5 },
    ]);
    expect(await db.cards.count()).toBe(5);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c5', initialPullDone: true });
    await engine.syncNow();
    expect(
      requests
        .filter((request) => request.route === 'cards')
        .at(-1)
        ?.url.searchParams.get('cursor'),
    ).toBe('c5');
    expect(engine.getState().firstPull).toBe(false);
  });

  it('shows counts without a total when the registry sends no hint', async () => {
    const { engine } = await setup(
      ({ route }) =>
        route === 'health'
          ? json({ ok: true })
          : json({
              center: TEST_CENTER,
              items: [createCard({ version: 1 })],
              cursor: 'c1',
              hasMore: false,
            }),
      { cards: [] },
    );
    const totals: Array<number | null> = [];
    engine.subscribe((state) => {
      if (state.pulledCards > 0) totals.push(state.pullTotal);
    });
    await engine.start();
    expect(totals).toEqual([null]);
  });

  it('starts the pull over, once, when the registry no longer knows the stored cursor', async () => {
    const card = createCard({ cardId: 'C-0000009', version: 3 });
    const { db, engine, requests } = await setup(({ route, url }) => {
      if (route === 'health') return json({ ok: true });
      if (url.searchParams.get('cursor') === 'c-old') return errorBody(400, 'malformed');
      return json({
        center: TEST_CENTER,
        items: [card],
        cursor: 'c3',
        hasMore: false,
        remaining: 0,
      });
    });
    await storeCursor(db, 'c-old');
    await engine.start();
    expect(engine.getState().status).toBe('idle');
    expect(
      requests
        .filter((request) => request.route === 'cards')
        .map((request) => request.url.searchParams.get('cursor')),
    ).toEqual(['c-old', null]);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c3' });
    expect(await db.cards.get(card.cardId)).toBeTruthy();
  });

  it('lets the registry’s copies win on that fresh pull, whatever their versions', async () => {
    const stored = createCard({ cardId: 'C-0000009', version: 1842 });
    const { db, engine } = await setup(
      ({ route, url }) => {
        if (route === 'health') return json({ ok: true });
        if (url.searchParams.get('cursor') === 'c-old') return errorBody(400, 'malformed');
        return json({
          center: TEST_CENTER,
          items: [{ ...stored, status: 'revoked', version: 3 }],
          cursor: 'c3',
          hasMore: false,
          remaining: 0,
        });
      },
      { cards: [stored] },
    );
    await storeCursor(db, 'c-old');
    await engine.start();
    expect(await db.cards.get(stored.cardId)).toMatchObject({ status: 'revoked', version: 3 });
  });

  it('stops a pull that says "more" but brings nothing', async () => {
    const { engine, requests } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : json({ center: TEST_CENTER, items: [], cursor: 'c0', hasMore: true }),
    );
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(requests.filter((request) => request.route === 'cards')).toHaveLength(1);
  });

  it('does not loop when the registry refuses even a pull from the beginning', async () => {
    const { db, engine, requests } = await setup(({ route }) =>
      route === 'health' ? json({ ok: true }) : errorBody(400, 'malformed'),
    );
    await storeCursor(db, 'c-old');
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(requests.filter((request) => request.route === 'cards')).toHaveLength(2);
  });

  it('resumes an interrupted first pull from the last page it stored', async () => {
    const cards = Array.from({ length: 4 }, (_, i) =>
      createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
    );
    let failSecondPage = true;
    const { db, engine, requests } = await setup(
      ({ route, url }) => {
        if (route === 'health') return json({ ok: true });
        if (url.searchParams.get('cursor') === null)
          return json({
            center: TEST_CENTER,
            items: cards.slice(0, 2),
            cursor: 'c2',
            hasMore: true,
            remaining: 2,
          });
        if (failSecondPage) return errorBody(503, 'unavailable');
        return json({
          center: TEST_CENTER,
          items: cards.slice(2),
          cursor: 'c4',
          hasMore: false,
          remaining: 0,
        });
      },
      { cards: [] },
    );
    await engine.start();
    expect(await db.cards.count()).toBe(2);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c2', initialPullDone: false });
    failSecondPage = false;
    await engine.syncNow();
    expect(await db.cards.count()).toBe(4);
    const cursors = requests
      .filter((request) => request.route === 'cards')
      .map((request) => request.url.searchParams.get('cursor'));
    expect(cursors).toEqual([null, 'c2', 'c2']);
  });
});

/** Waits, on real timers, until `condition` holds: the engine's promises and fake-indexeddb's own. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 1000; tries++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`still waiting for ${what}`);
}

/** A few turns of real time, for whatever the engine would do next to happen. */
const aMoment = () => new Promise((resolve) => setTimeout(resolve, 30));

/**
 * A page writer the test holds: it reads each page as the engine's own does and answers at once,
 * but writes a page only when the test releases it (or fails it). `log` gets each page handed
 * over and each written; `handedWhileWriting` counts pages handed over before the one before was
 * written (never, if the engine writes one page at a time).
 */
/**
 * A page writer whose writes the test lets go one by one (`release`, or `fail` as a full disk
 * would), keeping the writer's promise: each page written after the one before, and not at all
 * when the one before failed, unless it starts a pull.
 */
function heldWriter(log: string[]) {
  const held: Array<{ cursor: string; release: () => void; fail: (error: Error) => void }> = [];
  let writing: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  let overlapping = 0;
  const open = (db: TahvilDatabase): PullWriter => ({
    writePage(body, target) {
      const read = readPullPage(body, target.centerId);
      if (!read.ok)
        return Promise.resolve({ ok: false, problem: read.problem, serverTime: read.serverTime });
      const { cursor } = read.header;
      log.push(`handed ${cursor}`);
      const released = new Promise<void>((release, fail) => held.push({ cursor, release, fail }));
      const after = target.startsPull ? writing.catch(() => undefined) : writing;
      const written = after.then(async () => {
        await released;
        if (++inFlight > 1) overlapping++;
        try {
          await storePullPage(db, read.page, target);
          log.push(`written ${cursor}`);
        } finally {
          inFlight--;
        }
      });
      writing = written;
      written.catch(() => undefined);
      return Promise.resolve({ ok: true, header: read.header, written });
    },
    close() {},
  });
  return { open, held, overlappingWrites: () => overlapping };
}

describe('SyncEngine pull, pipelined (issue 14)', () => {
  const cards = Array.from({ length: 5 }, (_, i) =>
    createCard({ cardId: `C-${String(i + 1).padStart(7, '0')}`, version: i + 1 }),
  );
  const pages: Record<string, PullResponse> = {
    start: {
      center: TEST_CENTER,
      items: cards.slice(0, 2),
      cursor: 'c2',
      hasMore: true,
      remaining: 3,
    },
    c2: {
      center: TEST_CENTER,
      items: cards.slice(2, 4),
      cursor: 'c4',
      hasMore: true,
      remaining: 1,
    },
    c4: { center: TEST_CENTER, items: cards.slice(4), cursor: 'c5', hasMore: false, remaining: 0 },
  };
  /** The three pages above; `fail` answers the page after the named cursor instead. */
  const pagedRegistry =
    (log: string[], fail: Record<string, () => Response> = {}): Responder =>
    ({ route, url }) => {
      if (route === 'health') return json({ ok: true });
      const after = url.searchParams.get('cursor') ?? 'start';
      log.push(`fetch ${after}`);
      return fail[after]?.() ?? json(pages[after] ?? emptyPage('c5'));
    };

  it('asks for the next page while the last is written, and writes one page at a time, in order', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    const { db, engine } = await setup(pagedRegistry(log), {
      cards: [],
      pullWriter: writer.open,
    });
    const sync = engine.start();
    await until(() => log.includes('handed c4'), 'page 2 handed over');
    await aMoment();
    // Page 2 came and was handed over (to be read) while page 1 is still being written; page 3
    // is asked for only once page 1 is stored.
    expect(log).toEqual(['fetch start', 'handed c2', 'fetch c2', 'handed c4']);
    expect(await db.cards.count()).toBe(0);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
    writer.held[0]!.release();
    await until(() => writer.held.length === 3, 'page 3 asked for and handed over');
    await aMoment();
    expect((await readSyncMeta(db)).pullCursor).toBe('c2');
    expect(log).not.toContain('written c4');
    writer.held[1]!.release();
    writer.held[2]!.release();
    await sync;
    expect(log).toEqual([
      'fetch start',
      'handed c2',
      'fetch c2',
      'handed c4',
      'written c2',
      'fetch c4',
      'handed c5',
      'written c4',
      'written c5',
    ]);
    expect(writer.overlappingWrites()).toBe(0);
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(await db.cards.count()).toBe(5);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c5', initialPullDone: true });
  });

  it('counts a page as pulled only once it is written', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    const { engine } = await setup(pagedRegistry(log), { cards: [], pullWriter: writer.open });
    const sync = engine.start();
    await until(() => log.includes('fetch c2'), 'page 2 asked for');
    await aMoment();
    expect(engine.getState()).toMatchObject({ firstPull: true, pulledCards: 0 });
    writer.held[0]!.release();
    await until(() => engine.getState().pulledCards === 2, 'page 1 counted');
    expect(engine.getState()).toMatchObject({ firstPull: true, pulledCards: 2, pullTotal: 5 });
    writer.held[1]!.release();
    await until(() => writer.held.length === 3, 'page 3 handed over');
    writer.held[2]!.release();
    await sync;
  });

  it('writes nothing after a page whose write failed (a full disk), keeps the cursor before it, and reports it as before', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    const { db, engine } = await setup(pagedRegistry(log), {
      cards: [],
      pullWriter: writer.open,
    });
    const sync = engine.start();
    await until(() => writer.held.length >= 1, 'page 1 handed over');
    writer.held[0]!.release();
    await until(() => writer.held.length === 3, 'page 3 handed over while page 2 is written');
    writer.held[1]!.fail(Object.assign(new Error('disk full'), { name: 'QuotaExceededError' }));
    // Let go of page 3 too: the engine's word that it follows page 2 is what keeps it unwritten.
    writer.held[2]!.release();
    await sync;
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    // Page 3 had come and was handed over to be read, and was never written.
    expect(writer.held.map((page) => page.cursor)).toEqual(['c2', 'c4', 'c5']);
    expect(log).not.toContain('written c5');
    expect(await db.cards.count()).toBe(2);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c2', initialPullDone: false });
  });

  it('stops at a page refused because the tablet was re-enrolled while it was written, and starts again soon', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    const { db, clock, engine } = await setup(pagedRegistry(log), {
      cards: [],
      pullWriter: writer.open,
    });
    const sync = engine.start();
    await until(() => writer.held.length >= 1, 'page 1 handed over');
    writer.held[0]!.release();
    await until(() => log.includes('fetch c4'), 'page 3 asked for while page 2 is written');
    await db.settings.put({ key: 'deviceId', value: 'device-test-0002' });
    writer.held[1]!.release();
    await sync;
    expect(engine.getState()).toMatchObject({ status: 'idle', pulledCards: 0 });
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS);
    // Page 3 was handed over to be read, and never written after the refused page.
    expect(writer.held).toHaveLength(3);
    expect(log).not.toContain('written c5');
    expect(await db.cards.count()).toBe(2);
    expect((await readSyncMeta(db)).pullCursor).toBe('c2');
  });

  it('on a failed fetch after a page, stores that page and its cursor before it reports the failure', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    const { db, engine } = await setup(
      pagedRegistry(log, { c2: () => errorBody(503, 'unavailable') }),
      { cards: [], pullWriter: writer.open },
    );
    const sync = engine.start();
    await until(() => log.includes('fetch c2'), 'page 2 asked for');
    await aMoment();
    // The 503 is in, and the engine still waits for page 1.
    expect(engine.getState().status).toBe('syncing');
    writer.held[0]!.release();
    await sync;
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'server-error' });
    expect(await db.cards.count()).toBe(2);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c2', initialPullDone: false });
  });

  it('starts over from the beginning after a 400 on a page’s cursor only once that page is stored', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    const { db, engine } = await setup(
      pagedRegistry(log, { c2: () => errorBody(400, 'malformed') }),
      { cards: [], pullWriter: writer.open },
    );
    const sync = engine.start();
    await until(() => log.includes('fetch c2'), 'page 2 asked for');
    await aMoment();
    expect(log).toEqual(['fetch start', 'handed c2', 'fetch c2']);
    writer.held[0]!.release();
    await until(() => writer.held.length === 2, 'page 1 handed over again');
    writer.held[1]!.release();
    await sync;
    // From the start once more, and the second 400 is not taken for a lost cursor again.
    expect(log).toEqual([
      'fetch start',
      'handed c2',
      'fetch c2',
      'written c2',
      'fetch start',
      'handed c2',
      'fetch c2',
      'written c2',
    ]);
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect((await readSyncMeta(db)).pullCursor).toBe('c2');
  });

  it('reads the registry’s clock on a page as its body came, not after the wait for the page before', async () => {
    const log: string[] = [];
    const writer = heldWriter(log);
    let fake: FakeClock | null = null;
    const aheadBy: Record<string, number> = { start: 5 * 60_000, c2: 7 * 60_000 };
    const { db, clock, engine } = await setup(
      ({ route, url }) => {
        if (route === 'health') return json({ ok: true });
        const after = url.searchParams.get('cursor') ?? 'start';
        log.push(`fetch ${after}`);
        const serverTime = new Date(fake!.nowMs - (aheadBy[after] ?? 0)).toISOString();
        const page = after === 'start' ? pages.start : { ...pages.c4!, cursor: 'c4' };
        return json({ ...page, serverTime });
      },
      { cards: [], pullWriter: writer.open },
    );
    fake = clock;
    const sync = engine.start();
    await until(() => log.includes('fetch c2'), 'page 2 asked for');
    await aMoment();
    // Page 1 takes half a minute to write; page 2 waited for it, its answer did not.
    clock.nowMs += 30_000;
    writer.held[0]!.release();
    await until(() => writer.held.length === 2, 'page 2 handed over');
    writer.held[1]!.release();
    await sync;
    expect(await readClockEstimate(db)).toEqual({
      offsetMs: 7 * 60_000,
      measuredAtMs: FIXED_NOW.getTime(),
    });
  });

  it.each([
    ['items that are not a list', { ...emptyPage('c1'), items: {} }, 'bad-response'],
    ['a cursor that is not a string', { ...emptyPage(), cursor: 7 }, 'bad-response'],
    [
      'a card of another center',
      { ...emptyPage('c1'), items: [createCard({ centerId: 'AUD-1' })] },
      'bad-response',
    ],
    ['not a page at all', null, 'bad-response'],
  ])('refuses a page with %s and stores nothing of it', async (_name, page, problem) => {
    const { db, engine } = await setup(
      ({ route }) => (route === 'health' ? json({ ok: true }) : json(page)),
      { cards: [] },
    );
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem });
    expect(await db.cards.count()).toBe(0);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
    expect((await readSettings(db)).centerName).toBe('مرکز آزمون');
  });

  it('reads a page body cut short as unreachable, as any answer it cannot read', async () => {
    const { db, engine } = await setup(
      ({ route }) =>
        route === 'health'
          ? json({ ok: true })
          : new Response('{"items": [', { headers: { 'Content-Type': 'application/json' } }),
      { cards: [] },
    );
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'offline', problem: 'unreachable' });
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
  });
});

describe('SyncEngine and the center’s enrolment (protocol v2)', () => {
  it('takes the center’s name and rules from every pull page and follows them', async () => {
    const rules = { proxyPickupAllowed: false, idleLockMinutes: 5, detailsRetentionDays: 7 };
    const { db, engine } = await setup(({ route }) =>
      route === 'health'
        ? json({ ok: true })
        : json({ ...emptyPage(), center: { centerId: 'DEMO-01', name: 'مرکز تازه', rules } }),
    );
    await engine.start();
    expect(await readSettings(db)).toMatchObject({ centerName: 'مرکز تازه', rules });
  });

  it.each([
    ['no profile', undefined],
    ['another center’s profile', { ...TEST_CENTER, centerId: 'AUD-1' }],
    [
      'rules out of range',
      { ...TEST_CENTER, rules: { ...DEFAULT_CENTER_RULES, idleLockMinutes: 0 } },
    ],
  ])('refuses a page with %s and keeps the rules it had', async (_name, center) => {
    const { db, engine } = await setup(({ route }) =>
      route === 'health' ? json({ ok: true }) : json({ ...emptyPage(), center }),
    );
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect((await readSettings(db)).rules).toEqual(DEFAULT_CENTER_RULES);
  });

  it('does not sync a tablet that is not enrolled: nothing is asked of any registry', async () => {
    const { fetch, requests } = scriptedFetch(healthyRegistry);
    const db = await createTestDatabase([], { enrolment: null });
    const clock = new FakeClock(FIXED_NOW.getTime());
    const engine = new SyncEngine({ db, fetch, clock });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'not-enrolled' });
    expect(requests).toEqual([]);
    expect(clock.nextDelay()).toBeNull();
  });

  it('on device_withdrawn mid-shift: records it, stops, keeps the unsent events, refuses new handovers', async () => {
    const cards = [createCard({ cardId: 'C-0000001' }), createCard({ cardId: 'C-0000002' })];
    const { db, engine, clock, requests } = await setup(
      ({ route }) => (route === 'health' ? json({ ok: true }) : errorBody(401, 'device_withdrawn')),
      { cards },
    );
    await handOver(db, { cardId: 'C-0000001' });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'device-withdrawn' });
    expect((await readSettings(db)).withdrawnAt).toBe(FIXED_NOW.toISOString());
    expect(await syncStates(db)).toEqual(['pending']);
    expect(clock.nextDelay()).toBeNull();
    await expect(handOver(db, { cardId: 'C-0000002' })).rejects.toMatchObject({
      refusal: 'device-withdrawn',
    });
    // A later start (a reload) asks nothing more of the registry.
    const asked = requests.length;
    await engine.syncNow();
    expect(requests).toHaveLength(asked);
    expect(engine.getState().problem).toBe('device-withdrawn');
  });

  it('erases personal details due under the pulled rule at the end of a sync', async () => {
    const card = createCard({ cardId: 'C-0000001', version: 5, updatedAt: '2026-01-01T00:00:00Z' });
    const rules = { ...DEFAULT_CENTER_RULES, detailsRetentionDays: 0 };
    const { db, engine, clock } = await setup(({ route, body }) => {
      if (route === 'health') return json({ ok: true });
      if (route === 'events')
        return json({
          results: (body as PushRequest).events.map((event) => ({
            eventId: event.eventId,
            status: 'accepted',
          })),
        } satisfies PushResponse);
      return json({ ...emptyPage(), center: { ...TEST_CENTER, rules } });
    });
    await handOver(db, card);
    await engine.start();
    // Accepted this very moment: kept whole until the next sync after it.
    expect((await db.cards.get(card.cardId))?.firstName).toBe(card.firstName);
    clock.advance(1);
    await engine.syncNow();
    expect(await db.cards.get(card.cardId)).toMatchObject({
      status: 'handed_over',
      nationalCode: '',
      firstName: '',
    });
    const [record] = await db.events.toArray();
    expect(record).toMatchObject({ syncState: 'synced', holderName: '' });
  });
});

describe('SyncEngine roster pull (protocol 2.1)', () => {
  const rosterPage = (
    items: StaffMember[],
    cursor: string,
    hasMore = false,
  ): StaffPullResponse => ({ items, cursor, hasMore });
  const deactivatedClerk = () =>
    testStaffMember(TEST_CLERK, {
      version: 7,
      active: false,
      deactivatedAt: FIXED_NOW_ISO,
      pinVerifier: null,
    });
  const rosterRequests = <Request extends { route: Route }>(requests: Request[]) =>
    requests.filter((request) => request.route === 'staff');

  it('pulls the roster after the cards, page by page from its stored cursor, storing each page with its cursor', async () => {
    const renamed = testStaffMember(TEST_OTHER_CLERK, { version: 4, name: 'حسین کریمی‌نژاد' });
    const added = testStaffMember(TEST_SUPERVISOR, { staffId: 'S-11', version: 5 });
    const pages: Record<string, StaffPullResponse> = {
      '3': rosterPage([renamed], '4', true),
      '4': rosterPage([added], '5'),
    };
    const { db, engine, requests } = await setup(healthyRegistry, {
      roster: ({ url }) => json(pages[url.searchParams.get('cursor') ?? ''] ?? rosterPage([], '5')),
    });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(requests.map((request) => request.route)).toEqual([
      'health',
      'cards',
      'staff',
      'staff',
      'day',
    ]);
    const asked = rosterRequests(requests);
    // createTestDatabase stored the test roster as a pull at cursor "3" would have.
    expect(asked.map((request) => request.url.searchParams.get('cursor'))).toEqual(['3', '4']);
    expect(asked.map((request) => request.url.searchParams.get('limit'))).toEqual([
      String(ROSTER_PAGE_LIMIT),
      String(ROSTER_PAGE_LIMIT),
    ]);
    expect(ROSTER_PAGE_LIMIT).toBeLessThanOrEqual(MAX_STAFF_PULL_LIMIT);
    for (const request of asked) {
      expect(request.url.pathname).toBe(staffPath('DEMO-01'));
      expect(request.headers.get('Authorization')).toBe(`Bearer ${TEST_DEVICE_TOKEN}`);
      expect(request.headers.get('X-Device-Id')).toBe(TEST_DEVICE_ID);
    }
    expect(await db.staff.get('S-03')).toEqual(renamed);
    expect(await db.staff.get('S-11')).toEqual(added);
    expect(await readRosterCursor(db)).toBe('5');
    await engine.syncNow();
    expect(rosterRequests(requests).at(-1)?.url.searchParams.get('cursor')).toBe('5');
  });

  it('asks from the start when no roster has been pulled yet', async () => {
    const { db, engine, requests } = await setup(healthyRegistry);
    await db.settings.delete(ROSTER_CURSOR_ROW);
    await engine.start();
    expect(rosterRequests(requests)[0]?.url.searchParams.has('cursor')).toBe(false);
  });

  it('resumes an interrupted roster pull from the last page it stored', async () => {
    let failSecondPage = true;
    const { db, engine, requests } = await setup(healthyRegistry, {
      roster: ({ url }) => {
        const after = url.searchParams.get('cursor');
        if (after === '3')
          return json(rosterPage([testStaffMember(TEST_OTHER_CLERK, { version: 4 })], '4', true));
        if (failSecondPage) return errorBody(503, 'unavailable');
        return json(rosterPage([testStaffMember(TEST_SUPERVISOR, { version: 5 })], '5'));
      },
    });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'server-error' });
    expect(await readRosterCursor(db)).toBe('4');
    expect((await db.staff.get('S-03'))?.version).toBe(4);
    failSecondPage = false;
    await engine.syncNow();
    expect(engine.getState().status).toBe('idle');
    expect(await readRosterCursor(db)).toBe('5');
    expect((await db.staff.get('S-09'))?.version).toBe(5);
    expect(
      rosterRequests(requests).map((request) => request.url.searchParams.get('cursor')),
    ).toEqual(['3', '4', '4']);
  });

  it.each([
    ['items that are not a list', { items: {}, cursor: '9', hasMore: false }],
    ['no cursor', { items: [testStaffMember(TEST_OTHER_CLERK, { version: 9 })], hasMore: false }],
    [
      'hasMore missing',
      { items: [testStaffMember(TEST_OTHER_CLERK, { version: 9 })], cursor: '9' },
    ],
    [
      'one member of an unknown role',
      {
        items: [
          testStaffMember(TEST_OTHER_CLERK, { version: 8 }),
          { ...testStaffMember(TEST_SUPERVISOR, { version: 9 }), role: 'admin' },
        ],
        cursor: '9',
        hasMore: false,
      },
    ],
    [
      'an active member without a verifier',
      {
        items: [testStaffMember(TEST_OTHER_CLERK, { version: 9, pinVerifier: null })],
        cursor: '9',
        hasMore: false,
      },
    ],
    [
      'a staffId the protocol does not allow',
      {
        items: [testStaffMember(TEST_OTHER_CLERK, { staffId: 'S 03', version: 9 })],
        cursor: '9',
        hasMore: false,
      },
    ],
    [
      'more members than a page may hold',
      {
        items: Array.from({ length: MAX_STAFF_PULL_LIMIT + 1 }, (_, index) =>
          testStaffMember(TEST_OTHER_CLERK, { staffId: `S-${index + 100}`, version: index + 4 }),
        ),
        cursor: '1004',
        hasMore: true,
      },
    ],
    ['"more" and nothing in it', { items: [], cursor: '9', hasMore: true }],
  ])(
    'writes nothing of a page with %s, and retries it later as a bad answer',
    async (_name, page) => {
      const { db, engine, clock } = await setup(healthyRegistry, {
        roster: () =>
          json({
            ...(page as object),
            // A deactivation of the clerk on shift in the same bad page: not believed either.
            items:
              Array.isArray(page.items) && page.items.length > 0
                ? [deactivatedClerk(), ...page.items]
                : page.items,
          }),
      });
      const before = await db.staff.toArray();
      await engine.start();
      expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
      expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
      expect(await db.staff.toArray()).toEqual(before);
      expect(await readRosterCursor(db)).toBe('3');
      expect((await readSettings(db)).shift?.staffId).toBe(TEST_CLERK.staffId);
    },
  );

  it('signs out the member on shift at the pull that shows them deactivated, for good', async () => {
    const { db, engine, clock } = await setup(healthyRegistry, {
      roster: ({ url }) =>
        json(
          url.searchParams.get('cursor') === '3'
            ? rosterPage([deactivatedClerk()], '7')
            : rosterPage([], '7'),
        ),
    });
    expect((await readSettings(db)).shift?.staffId).toBe(TEST_CLERK.staffId);
    clock.advance(5_000);
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle' });
    expect((await readSettings(db)).shift).toBeNull();
    expect(await db.staff.get(TEST_CLERK.staffId)).toMatchObject({ active: false, version: 7 });
    await expect(signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW)).resolves.toEqual({
      ok: false,
      problem: 'inactive',
    });
    // A screen still showing the shift records nothing under it.
    await expect(handOver(db, { cardId: 'C-0000001' })).rejects.toMatchObject({
      refusal: 'staff-signed-out',
    });
  });

  it('leaves the shift alone when the pull changes only others', async () => {
    const { db, engine } = await setup(healthyRegistry, {
      roster: () =>
        json(
          rosterPage(
            [
              testStaffMember(TEST_OTHER_CLERK, {
                version: 4,
                active: false,
                deactivatedAt: FIXED_NOW_ISO,
                pinVerifier: null,
              }),
            ],
            '4',
          ),
        ),
    });
    await engine.start();
    expect((await readSettings(db)).shift?.staffId).toBe(TEST_CLERK.staffId);
  });

  it('writes nothing of a roster page fetched for an earlier enrolment, and starts again under the new one', async () => {
    let tablet: TahvilDatabase | null = null;
    const { db, engine, clock } = await setup(healthyRegistry, {
      roster: async () => {
        // The tablet is enrolled anew (a new device id) while this page is on its way.
        await tablet!.settings.put({ key: 'deviceId', value: 'device-test-0002' });
        await enrolTestTablet(tablet!);
        return json(rosterPage([deactivatedClerk()], '7'));
      },
    });
    tablet = db;
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle' });
    expect(clock.nextDelay()).toBe(SYNC_SOON_DELAY_MS);
    // The new enrolment starts with no roster; the old enrolment's page put nothing in it.
    expect(await db.staff.count()).toBe(0);
    expect(await readRosterCursor(db)).toBeNull();
  });

  it.each([
    [401, 'unauthorized', 'not-registered'],
    [403, 'forbidden', 'not-registered'],
    [404, 'not_found', 'not-registered'],
    [401, 'device_withdrawn', 'device-withdrawn'],
  ] as const)(
    'stops on a %i %s from the roster as from the cards: %s, no retry',
    async (status, code, problem) => {
      const { db, engine, clock } = await setup(healthyRegistry, {
        roster: () => errorBody(status, code),
      });
      await engine.start();
      expect(engine.getState()).toMatchObject({ status: 'error', problem });
      expect(clock.nextDelay()).toBeNull();
      expect((await readSettings(db)).withdrawnAt).toBe(
        problem === 'device-withdrawn' ? FIXED_NOW.toISOString() : null,
      );
    },
  );

  it('waits what Retry-After says when the roster pull is rate-limited', async () => {
    const { engine, clock } = await setup(healthyRegistry, {
      roster: () => errorBody(429, 'rate_limited', { 'Retry-After': '30' }),
    });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'rate-limited' });
    expect(clock.nextDelay()).toBe(30_000);
  });

  it('asks once from the start when the registry no longer knows the roster cursor, and takes its copies whatever their versions', async () => {
    const { db, engine, requests } = await setup(healthyRegistry, {
      roster: ({ url }) =>
        url.searchParams.get('cursor') === '3'
          ? errorBody(400, 'malformed')
          : json(rosterPage([testStaffMember(TEST_CLERK, { version: 1, name: 'از نو' })], '1')),
    });
    await storeRosterPage(db, [testStaffMember(TEST_CLERK, { version: 3 })], '3', {});
    await engine.start();
    expect(engine.getState().status).toBe('idle');
    expect(
      rosterRequests(requests).map((request) => request.url.searchParams.get('cursor')),
    ).toEqual(['3', null]);
    expect(await db.staff.get(TEST_CLERK.staffId)).toMatchObject({ version: 1, name: 'از نو' });
    expect(await readRosterCursor(db)).toBe('1');
  });

  it('does not loop when the registry refuses even a roster pull from the start', async () => {
    const { engine, requests } = await setup(healthyRegistry, {
      roster: () => errorBody(400, 'malformed'),
    });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(rosterRequests(requests)).toHaveLength(2);
  });
});

describe('SyncEngine and the registry’s clock (protocol 2.2)', () => {
  const MINUTE_MS = 60_000;
  /** The registry's clock, read as each answer leaves; tests set how far off the tablet is. */
  function clockedRegistry(
    tabletAheadMs: () => number,
    { roundTripMs = 300, on = ['health', 'cards'] as Route[] } = {},
  ) {
    let clock: FakeClock | null = null;
    const respond: Responder = async (request) => {
      // Half the round trip on the way there, half on the way back.
      clock!.nowMs += roundTripMs / 2;
      const serverTime = new Date(clock!.nowMs - tabletAheadMs()).toISOString();
      const answer = (await (await healthyRegistry(request)).json()) as object;
      clock!.nowMs += roundTripMs / 2;
      return json(on.includes(request.route) ? { ...answer, serverTime } : answer);
    };
    return { respond, useClock: (fake: FakeClock) => void (clock = fake) };
  }

  it('stores how far off the tablet is from the health answer, and replaces it with each answer', async () => {
    let ahead = 10 * MINUTE_MS;
    const registry = clockedRegistry(() => ahead, { on: ['health'] });
    const { db, clock, engine } = await setup(registry.respond);
    registry.useClock(clock);
    await engine.start();
    expect(await readClockEstimate(db)).toEqual({
      offsetMs: 10 * MINUTE_MS,
      measuredAtMs: FIXED_NOW.getTime() + 300,
    });
    ahead = -3 * MINUTE_MS;
    await engine.syncNow();
    expect((await readClockEstimate(db))?.offsetMs).toBe(-3 * MINUTE_MS);
    // The clerk fixed the clock: the next answer says so, and the estimate is no longer a warning.
    ahead = 0;
    await engine.syncNow();
    expect((await readClockEstimate(db))?.offsetMs).toBe(0);
  });

  it('reads the clock of every pull page too', async () => {
    const registry = clockedRegistry(() => 5 * MINUTE_MS, { on: ['cards'] });
    const { db, clock, engine } = await setup(registry.respond);
    registry.useClock(clock);
    await engine.start();
    expect((await readClockEstimate(db))?.offsetMs).toBe(5 * MINUTE_MS);
  });

  it('ignores an answer whose round trip is over 10 s, keeping the estimate it had', async () => {
    const registry = clockedRegistry(() => 30 * MINUTE_MS, { roundTripMs: 10_002 });
    const { db, clock, engine } = await setup(registry.respond);
    registry.useClock(clock);
    await engine.start();
    expect(engine.getState().status).toBe('idle');
    expect(await readClockEstimate(db)).toBeNull();
  });

  it.each([
    ['not a date', 'soon'],
    ['years off', '1999-01-01T00:00:00.000Z'],
    ['an object', { toISOString: 'x' }],
  ])('syncs on and estimates nothing from a serverTime that is %s', async (_label, serverTime) => {
    const { db, engine } = await setup(async (request) =>
      json({ ...((await (await healthyRegistry(request)).json()) as object), serverTime }),
    );
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(await readClockEstimate(db)).toBeNull();
  });
});

describe('SyncEngine center day pull (protocol 2.2)', () => {
  const neighbourDevice = {
    deviceId: 'tablet-2',
    status: 'active' as const,
    enrolledAt: '2026-11-20T06:00:00.000Z',
    withdrawnAt: null,
    lastHeardAt: '2026-11-25T06:58:00.000Z',
  };
  const dayPage = (
    day: string,
    items: ProtocolEvent[],
    cursor: string,
    hasMore = false,
  ): DayEventsResponse => ({
    centerId: 'DEMO-01',
    day,
    items,
    cursor,
    hasMore,
    devices: [neighbourDevice],
  });
  const dayRequests = (requests: Array<{ route: string; url: URL }>) =>
    requests.filter((request) => request.route === 'day');
  const first = createHandoverEvent({ deviceId: 'tablet-2', staffId: TEST_OTHER_CLERK.staffId });
  const second = createHandoverEvent({ cardId: 'C-0000002', deviceId: 'tablet-2' });
  const voiding = createVoidEvent(first.eventId, { deviceId: 'tablet-2' });

  it("pulls today's day after the roster, page by page, storing each event once with the day's cursor and the devices", async () => {
    const pages: Record<string, DayEventsResponse> = {
      '': dayPage(TEST_DAY_KEY, [first], 'p1', true),
      p1: dayPage(TEST_DAY_KEY, [second, voiding], 'p2'),
      p2: dayPage(TEST_DAY_KEY, [], 'p2'),
    };
    const { db, engine, requests, clock } = await setup(healthyRegistry, {
      day: ({ url }) => json(pages[url.searchParams.get('cursor') ?? '']),
    });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    const asked = dayRequests(requests).map((request) => ({
      day: request.url.searchParams.get('day'),
      cursor: request.url.searchParams.get('cursor'),
      limit: request.url.searchParams.get('limit'),
    }));
    expect(asked).toEqual([
      { day: TEST_DAY_KEY, cursor: null, limit: '1000' },
      { day: TEST_DAY_KEY, cursor: 'p1', limit: '1000' },
    ]);
    expect(await readCenterDayCursor(db, TEST_DAY_KEY)).toBe('p2');
    const stored = await db.centerEvents.orderBy('eventId').toArray();
    expect(stored.map((record) => record.eventId).sort()).toEqual(
      [first.eventId, second.eventId, voiding.eventId].sort(),
    );
    expect(await db.centerEvents.get(voiding.eventId)).toMatchObject({
      dayKey: TEST_DAY_KEY,
      type: 'handover_void',
      handoverEventId: first.eventId,
      deviceId: 'tablet-2',
      event: voiding,
      receivedAtMs: FIXED_NOW.getTime(),
    });
    expect(await readCenterDevices(db)).toEqual({
      devices: [neighbourDevice],
      receivedAtMs: FIXED_NOW.getTime(),
    });

    // The next sync asks from where the day was left.
    clock.advance(SYNC_INTERVAL_MS);
    await engine.syncNow();
    expect(dayRequests(requests).at(-1)!.url.searchParams.get('cursor')).toBe('p2');
  });

  it('keeps a cursor per day: a new day is asked from its start, and the last one keeps its own', async () => {
    const { db, engine, requests, clock } = await setup(healthyRegistry, {
      day: ({ url }) =>
        json(dayPage(url.searchParams.get('day')!, [], `end-of-${url.searchParams.get('day')}`)),
    });
    await engine.start();
    // The center's next day (in Asia/Tehran) begins 13.5 hours after FIXED_NOW (10:31).
    clock.advance(14 * 60 * 60_000);
    await engine.syncNow();
    const tomorrow = addJalaliDays(TEST_DAY_KEY, 1);
    expect(
      dayRequests(requests).map((request) => [
        request.url.searchParams.get('day'),
        request.url.searchParams.get('cursor'),
      ]),
    ).toEqual([
      [TEST_DAY_KEY, null],
      [tomorrow, null],
    ]);
    expect((await db.settings.get(CENTER_DAY_CURSORS_ROW))?.value).toEqual({
      [TEST_DAY_KEY]: `end-of-${TEST_DAY_KEY}`,
      [tomorrow]: `end-of-${tomorrow}`,
    });
  });

  it('backs off on a server error from the day like the other pulls, and honours Retry-After', async () => {
    const failing = await setup(healthyRegistry, { day: () => errorBody(503, 'unavailable') });
    await failing.engine.start();
    expect(failing.engine.getState()).toMatchObject({ status: 'error', problem: 'server-error' });
    expect(failing.clock.nextDelay()).toBe(BACKOFF_BASE_MS);
    const limited = await setup(healthyRegistry, {
      day: () => errorBody(429, 'rate_limited', { 'Retry-After': '45' }),
    });
    await limited.engine.start();
    expect(limited.engine.getState()).toMatchObject({ status: 'error', problem: 'rate-limited' });
    expect(limited.clock.nextDelay()).toBe(45_000);
  });

  it('asks the day once from its start when the registry no longer knows the stored cursor', async () => {
    const { db, engine, requests } = await setup(healthyRegistry, {
      day: ({ url }) =>
        url.searchParams.get('cursor') === 'stale'
          ? errorBody(400, 'malformed')
          : json(dayPage(TEST_DAY_KEY, [first], 'fresh')),
    });
    await db.settings.put({ key: CENTER_DAY_CURSORS_ROW, value: { [TEST_DAY_KEY]: 'stale' } });
    await engine.start();
    expect(engine.getState().status).toBe('idle');
    expect(dayRequests(requests).map((request) => request.url.searchParams.get('cursor'))).toEqual([
      'stale',
      null,
    ]);
    expect(await readCenterDayCursor(db, TEST_DAY_KEY)).toBe('fresh');
  });

  it.each([
    ['another day', () => dayPage(addJalaliDays(TEST_DAY_KEY, -1), [first], 'x')],
    ['another center', () => ({ ...dayPage(TEST_DAY_KEY, [first], 'x'), centerId: 'THR-012' })],
    ['an event without its device', () => dayPage(TEST_DAY_KEY, [{ ...first, deviceId: '' }], 'x')],
    ['"more" with nothing', () => dayPage(TEST_DAY_KEY, [], 'x', true)],
  ])('stores nothing of a page for %s, and backs off', async (_, page) => {
    const { db, engine, clock } = await setup(healthyRegistry, { day: () => json(page()) });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'error', problem: 'bad-response' });
    expect(clock.nextDelay()).toBe(BACKOFF_BASE_MS);
    expect(await db.centerEvents.count()).toBe(0);
    expect(await readCenterDayCursor(db, TEST_DAY_KEY)).toBeNull();
  });

  it('a registry without the feed (404, protocol 2.1) leaves the sync successful', async () => {
    const { engine, clock } = await setup(healthyRegistry, {
      day: () => errorBody(404, 'not_found'),
    });
    await engine.start();
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(clock.nextDelay()).toBe(SYNC_INTERVAL_MS);
  });

  it('fetches another day for the report on demand, and a failure leaves the schedule alone', async () => {
    const yesterday = addJalaliDays(TEST_DAY_KEY, -1);
    let down = false;
    const { db, engine, clock } = await setup(healthyRegistry, {
      day: ({ url }) =>
        down
          ? errorBody(503, 'unavailable')
          : json(dayPage(url.searchParams.get('day')!, [], 'y1')),
    });
    await engine.start();
    const scheduled = clock.nextDelay();
    expect(await engine.fetchCenterDay(yesterday)).toBe(true);
    expect(await readCenterDayCursor(db, yesterday)).toBe('y1');
    down = true;
    expect(await engine.fetchCenterDay(yesterday)).toBe(false);
    expect(engine.getState()).toMatchObject({ status: 'idle', problem: null });
    expect(clock.nextDelay()).toBe(scheduled);
  });
});
