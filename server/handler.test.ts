// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Card,
  ErrorBody,
  HandoverEvent,
  HealthResponse,
  HandoverVoidEvent,
  ProtocolEvent,
  PullResponse,
  PushResponse,
} from '../src/protocol/protocol.ts';
import { DEFAULT_CENTER_RULES, DEMO_CENTER_ID, MAX_PUSH_EVENTS } from '../src/protocol/protocol.ts';
import { DEMO_CARDS, mulberry32 } from './demo-inventory.ts';
import type { SqlDatabase } from './database/sql.ts';
import { openRegistryDatabase } from './database/registry-database.ts';
import type { MockEventsResponse } from './handler.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { authHeaders, commitFaults, pullPath, pushPath, startRegistry } from './test-helpers.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import { ALL_CHECKS } from '../tests/factories/cards.ts';
import { FIXED_NOW } from '../tests/factories/time.ts';
import { TEST_OTHER_CLERK } from '../tests/factories/staff.ts';

const SEED_CARDS = 1234;
const OTHER_CENTER = 'THR-012';

let dir: string;
let database: SqlDatabase;
/** Makes the next commit of the registry's database fail, as a full or broken disk would. */
let failNextCommit: () => void;
let registry: RunningRegistry;
/** The test tablet, enrolled at DEMO-01, and a tablet of another center. */
let device: TestDevice;
let otherCenterDevice: TestDevice;

/** A factory handover signed by the test tablet. */
function signedHandover(overrides: Partial<HandoverEvent> = {}): Promise<HandoverEvent> {
  return device.sign(createHandoverEvent(overrides));
}

/** A factory void signed by the test tablet. */
function signedVoid(
  handoverEventId: string,
  overrides: Partial<HandoverVoidEvent> = {},
): Promise<HandoverVoidEvent> {
  return device.sign(createVoidEvent(handoverEventId, overrides));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tahvil-registry-'));
  const faults = commitFaults(await openRegistryDatabase({ dataDir: join(dir, 'registry') }));
  database = faults.database;
  failNextCommit = faults.failNextCommit;
  registry = await startRegistry({
    database,
    seedCards: SEED_CARDS,
    centers: { [OTHER_CENTER]: {} },
  });
  device = await registry.enrolDevice();
  otherCenterDevice = await registry.enrolDevice({
    centerId: OTHER_CENTER,
    deviceId: 'device-of-THR-012',
  });
});

afterAll(async () => {
  await registry.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  registry.handler.setFaults({ latencyMs: 0, failRate: 0, dropRate: 0, retryAfter429Rate: 0 });
  await registry.handler.reset(SEED_CARDS);
});

/** An ISO 8601 UTC time with milliseconds, read between `beforeMs` and `afterMs`. */
function expectRegistryTimeBetween(serverTime: unknown, beforeMs: number, afterMs: number) {
  expect(serverTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const ms = Date.parse(serverTime as string);
  expect(ms).toBeGreaterThanOrEqual(beforeMs);
  expect(ms).toBeLessThanOrEqual(afterMs);
}

async function push(events: unknown[], headers = device.headers()): Promise<PushResponse> {
  const response = await fetch(registry.base + pushPath(), {
    method: 'POST',
    headers,
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as PushResponse;
}

async function pullAll(limit = 5000): Promise<Card[]> {
  const cards: Card[] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const response = await fetch(`${registry.base}${pullPath()}?${query}`, {
      headers: device.headers(),
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as PullResponse;
    cards.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) return cards;
  }
}

async function pullPage(cursor: string, limit: number): Promise<PullResponse> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  const response = await fetch(`${registry.base}${pullPath()}?${query}`, {
    headers: device.headers(),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as PullResponse;
}

async function pullCard(cardId: string): Promise<Card> {
  const card = (await pullAll()).filter((item) => item.cardId === cardId).at(-1);
  if (!card) throw new Error(`card ${cardId} not pulled`);
  return card;
}

async function acceptedEvents(): Promise<ProtocolEvent[]> {
  const response = await registry.mock(`events?centerId=${DEMO_CENTER_ID}`);
  return ((await response.json()) as { events: ProtocolEvent[] }).events;
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
}

describe('transport', () => {
  it('answers health without a token, with its clock (2.2)', async () => {
    const before = Date.now();
    const response = await fetch(`${registry.base}/api/v2/health`);
    const after = Date.now();
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthResponse;
    expect(body).toEqual({ ok: true, serverTime: expect.any(String) });
    expectRegistryTimeBetween(body.serverTime, before, after);
  });

  it('refuses a request without a token with 401', async () => {
    const response = await fetch(registry.base + pullPath(), { headers: { 'X-Device-Id': 'd' } });
    await expectError(response, 401, 'unauthorized');
  });

  it('refuses an unknown token with 401', async () => {
    await expectError(
      await fetch(registry.base + pullPath(), {
        headers: authHeaders({ deviceId: device.deviceId, token: 'not-a-token' }),
      }),
      401,
      'unauthorized',
    );
  });

  it("refuses another center's token with 403", async () => {
    await expectError(
      await fetch(registry.base + pullPath(), { headers: otherCenterDevice.headers() }),
      403,
      'forbidden',
    );
  });

  it('answers an unknown center with 404', async () => {
    await expectError(
      await fetch(registry.base + pullPath('NOWHERE-99'), { headers: device.headers() }),
      404,
      'not_found',
    );
  });

  it('answers malformed JSON with 400', async () => {
    const response = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: device.headers(),
      body: '{"events": [',
    });
    await expectError(response, 400, 'malformed');
  });

  it('answers a body without an events list with 400', async () => {
    const response = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: device.headers(),
      body: '{"event": []}',
    });
    await expectError(response, 400, 'malformed');
  });

  it('requires X-Device-Id', async () => {
    const { 'X-Device-Id': _deviceId, ...headers } = device.headers();
    expect(_deviceId).toBeTruthy();
    await expectError(await fetch(registry.base + pullPath(), { headers }), 400, 'malformed');
  });

  it(`refuses more than ${MAX_PUSH_EVENTS} events with 413 and applies none`, async () => {
    const events = await device.signAll(
      Array.from({ length: MAX_PUSH_EVENTS + 1 }, () => createHandoverEvent()),
    );
    const response = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: device.headers(),
      body: JSON.stringify({ events }),
    });
    await expectError(response, 413, 'batch_too_large');
    expect(await acceptedEvents()).toEqual([]);
  });

  it.each([['0'], ['5001'], ['ten'], ['1.5']])('refuses limit=%s with 400', async (limit) => {
    await expectError(
      await fetch(`${registry.base}${pullPath()}?limit=${limit}`, { headers: device.headers() }),
      400,
      'malformed',
    );
  });

  it('refuses a cursor issued for another center with 400', async () => {
    await registry.mock('cards', {
      method: 'POST',
      body: JSON.stringify({ centerId: 'AUD-1', cards: [{}, {}] }),
    });
    const audDevice = await registry.enrolDevice({ centerId: 'AUD-1', deviceId: 'device-AUD-1' });
    const audPage = await fetch(`${registry.base}${pullPath('AUD-1')}?limit=1`, {
      headers: audDevice.headers(),
    });
    const { cursor } = (await audPage.json()) as PullResponse;
    const onDemo = await fetch(`${registry.base}${pullPath()}?cursor=${cursor}`, {
      headers: device.headers(),
    });
    await expectError(onDemo, 400, 'malformed');
  });

  it('refuses a cursor it did not issue with 400', async () => {
    await expectError(
      await fetch(`${registry.base}${pullPath()}?cursor=garbage`, { headers: device.headers() }),
      400,
      'malformed',
    );
  });

  it('answers 503 with an error body when the fail rate says so', async () => {
    registry.handler.setFaults({ failRate: 1 });
    await expectError(
      await fetch(registry.base + pullPath(), { headers: device.headers() }),
      503,
      'unavailable',
    );
  });

  it('answers 429 with Retry-After when the rate-limit fault says so', async () => {
    registry.handler.setFaults({ retryAfter429Rate: 1 });
    const response = await fetch(registry.base + pullPath(), { headers: device.headers() });
    expect(response.headers.get('retry-after')).toBe('1');
    await expectError(response, 429, 'rate_limited');
  });

  it('answers 500 with an error body when its database cannot commit a change', async () => {
    failNextCommit();
    const response = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: device.headers(),
      body: JSON.stringify({ events: [await signedHandover()] }),
    });
    await expectError(response, 500, 'internal');
  });

  it('after a failed commit, keeps nothing of the push and accepts it when it comes again', async () => {
    const event = await signedHandover();
    const { state } = registry.handler;
    const versionBefore = await state.centerVersion(DEMO_CENTER_ID);
    failNextCommit();
    const failed = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: device.headers(),
      body: JSON.stringify({ events: [event] }),
    });
    expect(failed.status).toBe(500);
    expect(await state.acceptedEvent(DEMO_CENTER_ID, event.eventId)).toBeUndefined();
    expect((await state.getCard(DEMO_CENTER_ID, event.cardId))?.status).toBe('ready');
    expect(await state.centerVersion(DEMO_CENTER_ID)).toBe(versionBefore);
    const [result] = (await push([event])).results;
    expect(result?.status).toBe('accepted');
    // Answered once committed: the event is in the database, and a replay is a duplicate.
    expect(await state.acceptedEvent(DEMO_CENTER_ID, event.eventId)).toEqual(event);
    expect((await push([event])).results[0]?.status).toBe('duplicate');
  });
});

describe('pull', () => {
  it('pages concatenate to every card once, ordered by version', async () => {
    const cards = await pullAll(100);
    expect(cards).toHaveLength(SEED_CARDS);
    expect(new Set(cards.map((card) => card.cardId)).size).toBe(SEED_CARDS);
    for (let i = 1; i < cards.length; i++)
      expect(cards[i]!.version).toBeGreaterThan(cards[i - 1]!.version);
  });

  it('starts from the beginning without a cursor and reports hasMore', async () => {
    const response = await fetch(`${registry.base}${pullPath()}?limit=3`, {
      headers: device.headers(),
    });
    const page = (await response.json()) as PullResponse;
    expect(page.items.map((card) => card.cardId)).toEqual(['C-0000001', 'C-0000002', 'C-0000003']);
    expect(page.hasMore).toBe(true);
  });

  it('carries its clock on every page, the last one included (2.2)', async () => {
    for (const query of ['?limit=3', `?limit=${SEED_CARDS}`]) {
      const before = Date.now();
      const response = await fetch(`${registry.base}${pullPath()}${query}`, {
        headers: device.headers(),
      });
      const after = Date.now();
      const page = (await response.json()) as PullResponse;
      expectRegistryTimeBetween(page.serverTime, before, after);
    }
  });

  it('after the last page returns nothing new until a card changes', async () => {
    const first = await fetch(`${registry.base}${pullPath()}?limit=5000`, {
      headers: device.headers(),
    });
    const { cursor, hasMore } = (await first.json()) as PullResponse;
    expect(hasMore).toBe(false);
    const empty = (await (
      await fetch(`${registry.base}${pullPath()}?cursor=${cursor}`, { headers: device.headers() })
    ).json()) as PullResponse;
    expect(empty).toEqual({
      center: { centerId: DEMO_CENTER_ID, name: 'مرکز نمونه ۱', rules: DEFAULT_CENTER_RULES },
      items: [],
      cursor,
      hasMore: false,
      remaining: 0,
      serverTime: expect.any(String),
    });

    await push([await signedHandover()]);
    const next = (await (
      await fetch(`${registry.base}${pullPath()}?cursor=${cursor}`, { headers: device.headers() })
    ).json()) as PullResponse;
    expect(next.items.map((card) => [card.cardId, card.status])).toEqual([
      ['C-0000001', 'handed_over'],
    ]);
  });

  it('says on every page how many cards remain after it, 0 on the last', async () => {
    const remaining: Array<number | undefined> = [];
    let cursor = '';
    for (;;) {
      const page = await pullPage(cursor, 500);
      remaining.push(page.remaining);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(remaining).toEqual([SEED_CARDS - 500, SEED_CARDS - 1000, 0]);
  });

  it('counts a card changed after it was pulled among the cards remaining', async () => {
    const first = await pullPage('', 3);
    expect(first.remaining).toBe(SEED_CARDS - 3);
    await push([await signedHandover()]); // C-0000001, already pulled, moves past the cursor
    const second = await pullPage(first.cursor, 3);
    expect(second.remaining).toBe(SEED_CARDS - 6 + 1);
  });

  it('pages with no gaps and no repeats while handovers, revokes and new cards arrive between pages', async () => {
    const random = mulberry32(7);
    const state = registry.handler.state;
    const pick = (cards: readonly Card[]) => cards[Math.floor(random() * cards.length)] as Card;
    const pages: Card[][] = [];
    /** changedAfter[i]: card ids written between page i and page i + 1. */
    const changedAfter: Array<Set<string>> = [];
    let cursor = '';
    for (;;) {
      const page = await pullPage(cursor, 97);
      pages.push(page.items);
      cursor = page.cursor;
      if (!page.hasMore) break;

      const changed = new Set<string>();
      const ready = (await state.listCards(DEMO_CENTER_ID)).filter(
        (card) => card.status === 'ready',
      );
      const seen = new Set(pages.flat().map((card) => card.cardId));
      // One card already pulled (it must come again) and one not yet pulled (it must come once, at its new version).
      for (const card of [
        pick(ready.filter((c) => seen.has(c.cardId))),
        pick(ready.filter((c) => !seen.has(c.cardId))),
      ]) {
        const event = await signedHandover({
          cardId: card.cardId,
          recipient: { kind: 'holder', nationalCode: card.nationalCode, fullName: card.firstName },
        });
        expect((await push([event])).results[0]?.status).toBe('accepted');
        changed.add(card.cardId);
      }
      const revoked = pick(ready.filter((card) => !changed.has(card.cardId)));
      const revoke = await registry.mock(`revoke`, {
        method: 'POST',
        body: JSON.stringify({ centerId: DEMO_CENTER_ID, cardId: revoked.cardId }),
      });
      expect(revoke.status).toBe(200);
      changed.add(revoked.cardId);
      const newCardId = `NEW-${pages.length}`;
      const added = await registry.mock(`cards`, {
        method: 'POST',
        body: JSON.stringify({ centerId: DEMO_CENTER_ID, cards: [{ cardId: newCardId }] }),
      });
      expect(added.status).toBe(200);
      changed.add(newCardId);
      changedAfter.push(changed);
    }
    expect(pages.length).toBeGreaterThan(10);

    const pulled = pages.flat();
    for (let i = 1; i < pulled.length; i++)
      expect(pulled[i]!.version).toBeGreaterThan(pulled[i - 1]!.version);
    // The last copy pulled of each card is its latest version, and no card is missing.
    const latest = new Map(pulled.map((card) => [card.cardId, card]));
    expect([...latest.values()].sort((a, b) => a.version - b.version)).toEqual(
      await state.listCards(DEMO_CENTER_ID),
    );
    // A card may come twice only when it was written after the page that brought it before.
    const lastPage = new Map<string, number>();
    pages.forEach((items, index) => {
      for (const card of items) {
        const before = lastPage.get(card.cardId);
        if (before !== undefined) {
          const writtenSince = changedAfter
            .slice(before, index)
            .some((changed) => changed.has(card.cardId));
          expect(writtenSince, `${card.cardId} came again on page ${index} without a change`).toBe(
            true,
          );
        }
        lastPage.set(card.cardId, index);
      }
    });
  });
});

describe('push', () => {
  it('accepts a handover of a ready card and records it on the card', async () => {
    const event = await signedHandover();
    const { results } = await push([event]);
    expect(results).toEqual([
      {
        eventId: event.eventId,
        status: 'accepted',
        card: expect.objectContaining({ status: 'handed_over' }),
      },
    ]);
    const card = await pullCard('C-0000001');
    expect(card.status).toBe('handed_over');
    expect(card.handover).toEqual(event);
  });

  it('answers a replayed batch with duplicate and changes nothing', async () => {
    const batch = [
      await signedHandover(),
      await signedHandover({
        cardId: 'C-0000006',
        recipient: {
          kind: 'proxy',
          nationalCode: '0499370899',
          fullName: 'علی کریمی',
          relation: 'برادر',
          documentRef: 'وکالت‌نامه ۱۲۳۴',
        },
      }),
    ];
    expect((await push(batch)).results.map((result) => result.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    const cardsBefore = await pullAll();
    const eventsBefore = await acceptedEvents();

    const replay = await push(batch);
    expect(replay.results.map((result) => [result.eventId, result.status])).toEqual(
      batch.map((event) => [event.eventId, 'duplicate']),
    );
    expect(await pullAll()).toEqual(cardsBefore);
    expect(await acceptedEvents()).toEqual(eventsBefore);
  });

  it('answers a replay of a voided handover and of its void with duplicate, leaving the card ready', async () => {
    const handover = await signedHandover();
    const annul = await signedVoid(handover.eventId);
    await push([handover, annul]);
    const { results } = await push([handover, annul]);
    expect(results.map((result) => result.status)).toEqual(['duplicate', 'duplicate']);
    expect((await pullCard('C-0000001')).status).toBe('ready');
    expect(await acceptedEvents()).toHaveLength(2);
  });

  it('answers a second handover of the same card with conflict and the current card', async () => {
    const first = await signedHandover();
    await push([first]);
    const second = await signedHandover({ staffId: TEST_OTHER_CLERK.staffId });
    const [result] = (await push([second])).results;
    expect(result).toMatchObject({ eventId: second.eventId, status: 'conflict' });
    expect(result?.reason).toBeTruthy();
    expect(result?.card).toMatchObject({
      cardId: 'C-0000001',
      status: 'handed_over',
      handover: { eventId: first.eventId },
    });
  });

  it('rejects a holder handover whose national code is not the card holder’s', async () => {
    const event = await signedHandover({
      recipient: {
        kind: 'holder',
        nationalCode: DEMO_CARDS.revoked.nationalCode,
        fullName: 'زهرا محمدی',
      },
    });
    const [result] = (await push([event])).results;
    expect(result).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('national code'),
    });
    expect((await pullCard('C-0000001')).status).toBe('ready');
  });

  it('rejects a handover of an unknown card', async () => {
    const [result] = (await push([await signedHandover({ cardId: 'C-9999999' })])).results;
    expect(result).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('unknown card'),
    });
  });

  it.each([
    [
      'an invalid national code',
      { recipient: { kind: 'holder', nationalCode: '0012345678', fullName: 'زهرا محمدی' } },
    ],
    [
      'a proxy without documentRef',
      {
        recipient: {
          kind: 'proxy',
          nationalCode: '0499370899',
          fullName: 'علی کریمی',
          relation: 'برادر',
        },
      },
    ],
    [
      'an unknown recipient kind',
      { recipient: { kind: 'neighbour', nationalCode: '0012345679', fullName: 'زهرا محمدی' } },
    ],
    ['missing checks', { checks: undefined }],
    ['an unknown event type', { type: 'handover_later' }],
    ['an unknown old-card state', { checks: { ...ALL_CHECKS, oldCard: 'lost' } }],
    ['a time without offset', { occurredAt: '2026-11-25 10:31' }],
  ])('rejects an event with %s', async (_name, overrides) => {
    const [result] = (await push([{ ...(await signedHandover()), ...overrides }])).results;
    expect(result?.status).toBe('rejected');
    expect(result?.reason).toBeTruthy();
    expect((await pullCard('C-0000001')).status).toBe('ready');
  });

  it('answers a handover of a revoked card with conflict', async () => {
    const event = await signedHandover({
      cardId: DEMO_CARDS.revoked.cardId,
      recipient: {
        kind: 'holder',
        nationalCode: DEMO_CARDS.revoked.nationalCode,
        fullName: 'رضا احمدی',
      },
    });
    const [result] = (await push([event])).results;
    expect(result).toMatchObject({ status: 'conflict', card: { status: 'revoked' } });
  });

  it('applies each event on its own: one rejection does not fail the batch', async () => {
    const good = await signedHandover();
    const { results } = await push([
      await signedHandover({ cardId: 'C-9999999' }),
      'not an event',
      good,
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'accepted']);
    expect(results[2]?.eventId).toBe(good.eventId);
  });

  it('a void puts the card back to ready with a higher version', async () => {
    const handover = await signedHandover();
    await push([handover]);
    const handedOver = await pullCard('C-0000001');
    const [result] = (await push([await signedVoid(handover.eventId)])).results;
    expect(result?.status).toBe('accepted');
    const card = await pullCard('C-0000001');
    expect(card).toMatchObject({ status: 'ready', handover: null });
    expect(card.version).toBeGreaterThan(handedOver.version);
    expect((await acceptedEvents()).map((event) => event.type)).toEqual([
      'handover',
      'handover_void',
    ]);
  });

  it('applies a batch in order: a handover and its void in one batch are both accepted', async () => {
    const handover = await signedHandover();
    const { results } = await push([handover, await signedVoid(handover.eventId)]);
    expect(results.map((result) => result.status)).toEqual(['accepted', 'accepted']);
    expect((await pullCard('C-0000001')).status).toBe('ready');
  });

  it('answers a second void of the same handover with conflict', async () => {
    const handover = await signedHandover();
    await push([handover, await signedVoid(handover.eventId)]);
    const [result] = (await push([await signedVoid(handover.eventId)])).results;
    expect(result).toMatchObject({ status: 'conflict', card: { status: 'ready' } });
  });

  it('answers a void of a superseded handover with conflict, keeping the newer one', async () => {
    const first = await signedHandover();
    const second = await signedHandover();
    await push([first, await signedVoid(first.eventId), second]);
    const [result] = (await push([await signedVoid(first.eventId)])).results;
    expect(result).toMatchObject({
      status: 'conflict',
      card: { status: 'handed_over', handover: { eventId: second.eventId } },
    });
  });

  it('rejects a void of a handover the registry never accepted', async () => {
    const [result] = (await push([await signedVoid('00000000-0000-4000-8000-000000000000')]))
      .results;
    expect(result?.status).toBe('rejected');
  });

  it.each([
    ['another card', { cardId: 'C-0000006' }],
    [
      'another recipient',
      {
        recipient: {
          kind: 'holder' as const,
          nationalCode: '0012345679',
          fullName: 'someone else',
        },
      },
    ],
    ['another time', { occurredAt: '2026-11-25T10:45:00.000+03:30' }],
    ['another clerk', { staffId: 'S-99' }],
    ['other checks', { checks: { ...ALL_CHECKS, oldCard: 'none' as const } }],
  ])(
    'rejects an accepted eventId reused with %s, and the card keeps the first',
    async (_name, change) => {
      const event = await signedHandover();
      await push([event]);
      const [result] = (await push([{ ...event, ...change }])).results;
      expect(result).toMatchObject({
        status: 'rejected',
        reason: expect.stringMatching(/different event/),
      });
      expect((await pullCard('C-0000001')).handover).toEqual(event);
    },
  );

  it('answers a replay of an accepted event as duplicate after the registry clock stepped back', async () => {
    let clock = FIXED_NOW.getTime();
    const stepped = await startRegistry({ seedCards: 5, now: () => new Date(clock) });
    try {
      const tablet = await stepped.enrolDevice();
      const nearlyADayAhead = await signedHandover({
        occurredAt: new Date(clock + 23 * 60 * 60 * 1000).toISOString(),
      });
      const send = async () => {
        const response = await fetch(`${stepped.base}${pushPath()}`, {
          method: 'POST',
          headers: tablet.headers(),
          body: JSON.stringify({ events: [nearlyADayAhead] }),
        });
        return ((await response.json()) as PushResponse).results[0]?.status;
      };
      expect(await send()).toBe('accepted');
      clock -= 2 * 60 * 60 * 1000;
      expect(await send()).toBe('duplicate');
    } finally {
      await stepped.close();
    }
  });

  it('judges an eventId reused against a handover loaded with its card field for field', async () => {
    const loaded = await signedHandover({
      cardId: 'L-1',
      recipient: { kind: 'holder', nationalCode: '0012345679', fullName: 'زهرا محمدی' },
    });
    await registry.mock('cards', {
      method: 'POST',
      body: JSON.stringify({
        centerId: DEMO_CENTER_ID,
        cards: [{ cardId: 'L-1', nationalCode: '0012345679', handover: loaded }],
      }),
    });
    expect((await push([loaded])).results[0]?.status).toBe('duplicate');
    const [other] = (await push([{ ...loaded, staffId: 'S-99' }])).results;
    expect(other).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/different event/),
    });
  });

  it('answers a replay sent with its fields in another order as duplicate', async () => {
    const event = await signedHandover();
    await push([event]);
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    const [result] = (await push([reordered])).results;
    expect(result).toMatchObject({ status: 'duplicate', code: 'already-accepted' });
  });

  it('rejects a replay with a stray member as a reused eventId: what is kept is what was signed', async () => {
    const event = await signedHandover();
    await push([event]);
    const [result] = (await push([{ ...event, stray: 1 }])).results;
    expect(result).toMatchObject({ status: 'rejected', code: 'event-id-reused' });
    expect((await pullCard('C-0000001')).handover).toEqual(event);
  });

  it('commits an event whose answer is lost, and answers its replay with duplicate', async () => {
    registry.handler.setFaults({ dropRate: 1 });
    const event = await signedHandover();
    await expect(
      fetch(registry.base + pushPath(), {
        method: 'POST',
        headers: device.headers(),
        body: JSON.stringify({ events: [event] }),
      }),
    ).rejects.toThrow();

    await registry.mock(`faults`, {
      method: 'POST',
      body: JSON.stringify({ dropRate: 0 }),
    });
    const [result] = (await push([event])).results;
    expect(result?.status).toBe('duplicate');
    expect((await acceptedEvents()).map((accepted) => accepted.eventId)).toEqual([event.eventId]);
  });
});

describe('persistence', () => {
  it('a new handler over the same database still knows an accepted event', async () => {
    const dataDir = join(dir, 'restart');
    const first = await startRegistry({ dataDir, seedCards: 50 });
    // Enrolled with the first, known to the second: devices are in the database too.
    const tablet = await first.enrolDevice();
    const event = await signedHandover();
    const response = await fetch(first.base + pushPath(), {
      method: 'POST',
      headers: tablet.headers(),
      body: JSON.stringify({ events: [event] }),
    });
    expect(((await response.json()) as PushResponse).results[0]?.status).toBe('accepted');
    await first.close();

    const second = await startRegistry({ dataDir, seedCards: 50 });
    try {
      const replay = await fetch(second.base + pushPath(), {
        method: 'POST',
        headers: tablet.headers(),
        body: JSON.stringify({ events: [event] }),
      });
      const [result] = ((await replay.json()) as PushResponse).results;
      expect(result).toMatchObject({
        status: 'duplicate',
        card: { status: 'handed_over', handover: event },
      });
    } finally {
      await second.close();
    }
  });
});

describe('restart', () => {
  it('keeps every acknowledged event and every card as it was pulled', async () => {
    const dataDir = join(dir, 'restart-all');
    const before = await startRegistry({ dataDir, seedCards: 50 });
    const tablet = await before.enrolDevice();
    const pullFrom = async (base: string) => {
      const response = await fetch(`${base}${pullPath()}?limit=5000`, {
        headers: tablet.headers(),
      });
      return ((await response.json()) as PullResponse).items;
    };
    const eventsOf = async (running: RunningRegistry) =>
      ((await (await running.mock('events')).json()) as MockEventsResponse).events;
    const voided = await signedHandover();
    const events = [
      voided,
      await signedVoid(voided.eventId),
      await signedHandover(),
      await signedHandover({ staffId: TEST_OTHER_CLERK.staffId }),
    ];
    const response = await fetch(before.base + pushPath(), {
      method: 'POST',
      headers: tablet.headers(),
      body: JSON.stringify({ events }),
    });
    expect(
      ((await response.json()) as PushResponse).results.map((result) => result.status),
    ).toEqual(['accepted', 'accepted', 'accepted', 'conflict']);
    const cards = await pullFrom(before.base);
    const accepted = await eventsOf(before);
    await before.close();

    const after = await startRegistry({ dataDir, seedCards: 50 });
    try {
      expect(await eventsOf(after)).toEqual(accepted);
      expect(accepted.map((event) => event.eventId)).toEqual(
        events.slice(0, 3).map((event) => event.eventId),
      );
      expect(await pullFrom(after.base)).toEqual(cards);
    } finally {
      await after.close();
    }
  });
});

describe('/__mock/', () => {
  it('reset reseeds the demo center deterministically and forgets events', async () => {
    await push([await signedHandover()]);
    const response = await registry.mock(`reset`, {
      method: 'POST',
      body: JSON.stringify({ seedCards: 20 }),
    });
    expect(await response.json()).toMatchObject({ ok: true, cards: 20 });
    const cards = await pullAll();
    expect(cards).toHaveLength(20);
    expect(cards[0]).toMatchObject({ cardId: 'C-0000001', status: 'ready' });
    expect(await acceptedEvents()).toEqual([]);
  });

  it.each([
    ['faults', { latencyMs: -1 }],
    ['faults', { latencyMs: 1.5 }],
    ['faults', { latencyMs: '10' }],
    ['faults', { latencyMs: 30_001 }],
    ['reset', { seedCards: -1 }],
    ['reset', { seedCards: 2.5 }],
    ['reset', { seedCards: 1_000_001 }],
  ])('%s refuses %j with 400 and changes nothing', async (control, body) => {
    const faults = async () => (await registry.mock(`faults`)).json();
    const faultsBefore = await faults();
    const response = await registry.mock(`${control}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('malformed');
    expect(await pullAll()).toHaveLength(SEED_CARDS);
    expect(await faults()).toEqual(faultsBefore);
  });

  it('loads partial cards into a new center, filling the rest', async () => {
    const response = await registry.mock(`cards`, {
      method: 'POST',
      body: JSON.stringify({
        centerId: 'SHZ-003',
        cards: [{ cardId: 'X-1', firstName: 'سارا', nationalCode: '4608968882' }, {}],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { cards: Card[] };
    expect(body.cards[0]).toMatchObject({
      cardId: 'X-1',
      centerId: 'SHZ-003',
      firstName: 'سارا',
      nationalCode: '4608968882',
      status: 'ready',
    });
    expect(body.cards[1]?.cardId).toMatch(/^C-\d{7}$/);

    const shiraz = await registry.enrolDevice({ centerId: 'SHZ-003', deviceId: 'device-SHZ-003' });
    const pulled = await fetch(`${registry.base}${pullPath('SHZ-003')}`, {
      headers: shiraz.headers(),
    });
    expect(((await pulled.json()) as PullResponse).items).toHaveLength(2);
  });

  it('refuses a loaded card with an invalid national code', async () => {
    const response = await registry.mock(`cards`, {
      method: 'POST',
      body: JSON.stringify({ centerId: DEMO_CENTER_ID, cards: [{ nationalCode: '1234567890' }] }),
    });
    await expectError(response, 400, 'malformed');
  });

  it('revoke makes a later handover conflict', async () => {
    const revoke = await registry.mock(`revoke`, {
      method: 'POST',
      body: JSON.stringify({ centerId: DEMO_CENTER_ID, cardId: 'C-0000001' }),
    });
    expect(((await revoke.json()) as { card: Card }).card.status).toBe('revoked');
    const [result] = (await push([await signedHandover()])).results;
    expect(result).toMatchObject({ status: 'conflict', card: { status: 'revoked' } });
  });
});
