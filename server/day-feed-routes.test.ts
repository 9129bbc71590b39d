// @vitest-environment node
// The center's day (protocol 2.2, decision 023): behind the device checks, the events the
// registry accepted on one Tehran day from every tablet of the center, cursor-paged in
// acceptance order, each exactly as accepted; the cursor works only for its center and day; the
// day, the limit and the cursor are bounded; refused events never appear; each device comes with
// when the registry last heard from it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  Card,
  DayEventsResponse,
  ErrorBody,
  HandoverEvent,
  ProtocolEvent,
  PushResponse,
} from '../src/protocol/protocol.ts';
import {
  DEMO_CENTER_ID,
  MAX_DAY_EVENTS_LIMIT,
  dayEventsPath,
  withdrawDevicePath,
} from '../src/protocol/protocol.ts';
import { addJalaliDays, isoWithOffset } from '../src/domain/jalali.ts';
import { generateDeviceKeyPair } from '../src/domain/event-signature.ts';
import { createCard } from '../tests/factories/cards.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import { PLACEHOLDER_SIGNATURE } from '../tests/factories/device-key.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from '../tests/factories/staff.ts';
import { FIXED_NOW, TEST_DAY_KEY, TEST_TIME_ZONE, onTestDay } from '../tests/factories/time.ts';
import { encodeDayCursor } from './day-feed-routes.ts';
import { openRegistryDatabase } from './database/registry-database.ts';
import { RegistryStore, encodeCursor } from './registry-store.ts';
import type { EnrolOptions, RunningRegistry, TestDevice } from './test-helpers.ts';
import { authHeaders, enrolInState, pushPath, startRegistry } from './test-helpers.ts';

const SEED_CARDS = 60;
let clock = FIXED_NOW.getTime();
let registry: RunningRegistry;
/** Two tablets of DEMO-01, one of THR-012, and one of DEMO-01 withdrawn after its handover. */
let tablet: TestDevice;
let neighbour: TestDevice;
let elsewhere: TestDevice;
let withdrawn: TestDevice;
let withdrawnHandover: HandoverEvent;

beforeAll(async () => {
  registry = await startRegistry({
    seedCards: SEED_CARDS,
    centers: { 'THR-012': {} },
    now: () => new Date(clock),
  });
  // Enrolled a second apart, before the tests' FIXED_NOW, so "oldest enrolment first" is this order.
  clock = FIXED_NOW.getTime() - 60_000;
  const enrolled = async (options?: EnrolOptions) => {
    clock += 1000;
    return registry.enrolDevice(options);
  };
  tablet = await enrolled();
  neighbour = await enrolled({
    deviceId: 'device-neighbour-0002',
    keys: await generateDeviceKeyPair(),
  });
  elsewhere = await enrolled({ centerId: 'THR-012', deviceId: 'device-thr-0003' });
  withdrawn = await enrolled({
    deviceId: 'device-withdrawn-0004',
    keys: await generateDeviceKeyPair(),
  });
});
afterAll(() => registry.close());

beforeEach(async () => {
  clock = FIXED_NOW.getTime();
  await registry.handler.reset(SEED_CARDS);
});

/** A handover of the `n`th ready card (from 1) of the demo inventory to its holder, on `device`. */
async function handoverOf(
  device: TestDevice,
  n: number,
  overrides: Partial<HandoverEvent> = {},
): Promise<HandoverEvent> {
  const ready = (await registry.handler.state.listCards(DEMO_CENTER_ID)).filter(
    (card) => card.status === 'ready',
  );
  const card = ready[n - 1]!;
  const { cardId } = card;
  return device.sign(
    createHandoverEvent({
      cardId,
      deviceId: device.deviceId,
      occurredAt: isoWithOffset(onTestDay('09:15:00'), TEST_TIME_ZONE),
      recipient: {
        kind: 'holder',
        nationalCode: card.nationalCode,
        fullName: `${card.firstName} ${card.lastName}`,
      },
      ...overrides,
    }),
  );
}

async function push(device: TestDevice, events: ProtocolEvent[]): Promise<PushResponse> {
  const response = await fetch(registry.base + pushPath(), {
    method: 'POST',
    headers: device.headers(),
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as PushResponse;
}

function ask(
  headers: Record<string, string>,
  query: Record<string, string>,
  centerId = DEMO_CENTER_ID,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${registry.base}${dayEventsPath(centerId)}?${new URLSearchParams(query)}`, {
    headers,
    ...init,
  });
}

async function page(
  device: TestDevice,
  query: Record<string, string> = {},
): Promise<DayEventsResponse> {
  const response = await ask(device.headers(), { day: TEST_DAY_KEY, ...query });
  expect(response.status).toBe(200);
  return (await response.json()) as DayEventsResponse;
}

/** Every page of the day from the start, `limit` at a time. */
async function wholeDay(device: TestDevice, limit: number): Promise<DayEventsResponse[]> {
  const pages: DayEventsResponse[] = [];
  let cursor = '';
  for (;;) {
    const next = await page(device, { cursor, limit: String(limit) });
    pages.push(next);
    cursor = next.cursor;
    if (!next.hasMore) return pages;
  }
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe('who may ask', () => {
  it.each([
    ['no token', () => ({}), DEMO_CENTER_ID, 401, 'unauthorized'],
    [
      'an unknown token',
      () => authHeaders({ deviceId: tablet.deviceId, token: 'nope' }),
      DEMO_CENTER_ID,
      401,
      'unauthorized',
    ],
    [
      'no X-Device-Id',
      () => ({ Authorization: `Bearer ${tablet.token}` }),
      DEMO_CENTER_ID,
      400,
      'malformed',
    ],
    [
      'another device’s id',
      () => authHeaders({ deviceId: neighbour.deviceId, token: tablet.token }),
      DEMO_CENTER_ID,
      401,
      'unauthorized',
    ],
    ['an unknown center', () => tablet.headers(), 'NOWHERE-9', 404, 'not_found'],
    ['a device of another center', () => elsewhere.headers(), DEMO_CENTER_ID, 403, 'forbidden'],
  ] as const)('%s → %i %s', async (_, headers, centerId, status, code) => {
    await expectError(await ask(headers(), { day: TEST_DAY_KEY }, centerId), status, code);
  });

  it('a withdrawn device is told so, and asks nothing more', async () => {
    withdrawnHandover = await handoverOf(withdrawn, 30);
    expect((await push(withdrawn, [withdrawnHandover])).results[0]!.status).toBe('accepted');
    await registry.admin(withdrawDevicePath(withdrawn.deviceId), { method: 'POST' });
    await expectError(
      await ask(withdrawn.headers(), { day: TEST_DAY_KEY }),
      401,
      'device_withdrawn',
    );
    // Its accepted handover stays in the day, and the device with it, marked withdrawn.
    const day = await page(tablet);
    expect(day.items).toEqual([withdrawnHandover]);
    expect(day.devices.find((device) => device.deviceId === withdrawn.deviceId)).toMatchObject({
      status: 'withdrawn',
    });
  });

  it('only GET', async () => {
    const response = await ask(tablet.headers(), { day: TEST_DAY_KEY }, DEMO_CENTER_ID, {
      method: 'POST',
      body: '{}',
    });
    await expectError(response, 405, 'method_not_allowed');
    expect(response.headers.get('Allow')).toBe('GET');
  });
});

describe('what the day holds', () => {
  it('both tablets’ accepted events, in acceptance order, each exactly as accepted', async () => {
    const mine = await handoverOf(tablet, 1);
    const theirs = await handoverOf(neighbour, 2, { staffId: TEST_OTHER_CLERK.staffId });
    await push(tablet, [mine]);
    await push(neighbour, [theirs]);
    const day = await page(neighbour);
    expect(day).toMatchObject({ centerId: DEMO_CENTER_ID, day: TEST_DAY_KEY, hasMore: false });
    expect(day.items).toEqual([mine, theirs]);
  });

  it('a handover accepted and then voided is there as both', async () => {
    const handover = await handoverOf(tablet, 3);
    const voiding = await tablet.sign(
      createVoidEvent(handover.eventId, {
        cardId: handover.cardId,
        deviceId: tablet.deviceId,
        staffId: TEST_CLERK.staffId,
      }),
    );
    expect((await push(tablet, [handover, voiding])).results.map((r) => r.status)).toEqual([
      'accepted',
      'accepted',
    ]);
    expect((await page(tablet)).items).toEqual([handover, voiding]);
  });

  it('a conflict, a rejection and a duplicate never appear', async () => {
    const first = await handoverOf(tablet, 4);
    const again = await handoverOf(neighbour, 4, { staffId: TEST_OTHER_CLERK.staffId });
    const unsigned = { ...(await handoverOf(tablet, 5)), signature: PLACEHOLDER_SIGNATURE };
    const stranger = await handoverOf(tablet, 6, { staffId: 'S-NOBODY' });
    await push(tablet, [first]);
    const answers = [
      ...(await push(neighbour, [again])).results,
      ...(await push(tablet, [unsigned, stranger, first])).results,
    ];
    expect(answers.map((r) => r.status)).toEqual(['conflict', 'rejected', 'rejected', 'duplicate']);
    expect((await page(tablet)).items).toEqual([first]);
  });

  it('an event falls on the Tehran day of its occurredAt, not the day it was pushed', async () => {
    const yesterday = await handoverOf(tablet, 7, {
      occurredAt: isoWithOffset(onTestDay('23:59:59', -1), TEST_TIME_ZONE),
    });
    const today = await handoverOf(tablet, 8, {
      occurredAt: isoWithOffset(onTestDay('00:00:00'), TEST_TIME_ZONE),
    });
    await push(tablet, [yesterday, today]);
    expect((await page(tablet)).items).toEqual([today]);
    expect((await page(tablet, { day: addJalaliDays(TEST_DAY_KEY, -1) })).items).toEqual([
      yesterday,
    ]);
  });
});

describe('paging', () => {
  it('many events come page by page, each once, and a later event after the last cursor', async () => {
    const events: HandoverEvent[] = [];
    for (let n = 1; n <= 25; n++)
      events.push(
        await handoverOf(
          n % 2 ? tablet : neighbour,
          n,
          n % 2 ? {} : { staffId: TEST_OTHER_CLERK.staffId },
        ),
      );
    await push(
      tablet,
      events.filter((event) => event.deviceId === tablet.deviceId),
    );
    await push(
      neighbour,
      events.filter((event) => event.deviceId === neighbour.deviceId),
    );
    const pages = await wholeDay(tablet, 7);
    expect(pages.map((p) => p.items.length)).toEqual([7, 7, 7, 4]);
    const seen = pages.flatMap((p) => p.items.map((event) => event.eventId));
    expect(new Set(seen).size).toBe(25);
    expect(seen.sort()).toEqual(events.map((event) => event.eventId).sort());

    const last = pages[pages.length - 1]!.cursor;
    const empty = await page(tablet, { cursor: last });
    expect(empty).toMatchObject({ items: [], hasMore: false, cursor: last });
    const later = await handoverOf(tablet, 26);
    await push(tablet, [later]);
    expect((await page(tablet, { cursor: last })).items).toEqual([later]);
  });

  it.each([
    ['text it never issued', () => 'not-a-cursor'],
    ['a cards cursor', () => encodeCursor(DEMO_CENTER_ID, 0)],
    ['another center’s', () => encodeDayCursor('THR-012', TEST_DAY_KEY, 0)],
    ['another day’s', () => encodeDayCursor(DEMO_CENTER_ID, addJalaliDays(TEST_DAY_KEY, -1), 0)],
    ['one ahead of the day', () => encodeDayCursor(DEMO_CENTER_ID, TEST_DAY_KEY, 1)],
    ['a second spelling', () => `${encodeDayCursor(DEMO_CENTER_ID, TEST_DAY_KEY, 0)}=`],
  ])('a cursor that is %s → 400 malformed', async (_, cursor) => {
    await expectError(
      await ask(tablet.headers(), { day: TEST_DAY_KEY, cursor: cursor() }),
      400,
      'malformed',
    );
  });

  it.each(['0', String(MAX_DAY_EVENTS_LIMIT + 1), '-1', '1.5', 'ten', '', '٥'])(
    'limit=%j → 400 malformed',
    async (limit) => {
      await expectError(
        await ask(tablet.headers(), { day: TEST_DAY_KEY, limit }),
        400,
        'malformed',
      );
    },
  );

  it('limit 1 and the largest limit are taken', async () => {
    await push(tablet, [await handoverOf(tablet, 9), await handoverOf(tablet, 10)]);
    expect((await page(tablet, { limit: '1' })).items).toHaveLength(1);
    expect((await page(tablet, { limit: String(MAX_DAY_EVENTS_LIMIT) })).items).toHaveLength(2);
  });
});

describe('which days', () => {
  it.each([
    ['no day', null],
    ['one-digit month', '1405-9-04'],
    ['no such month', '1405-13-01'],
    ['no such day', '1405-12-31'],
    ['Persian digits', '۱۴۰۵-۰۹-۰۴'],
    ['a Gregorian date', '2026-11-25x'],
    ['tomorrow', addJalaliDays(TEST_DAY_KEY, 1)],
    ['older than the center keeps details (30 days)', addJalaliDays(TEST_DAY_KEY, -31)],
  ])('%s → 400 malformed', async (_, day) => {
    await expectError(await ask(tablet.headers(), day === null ? {} : { day }), 400, 'malformed');
  });

  it('today and the oldest day the retention keeps are served', async () => {
    expect((await page(tablet)).day).toBe(TEST_DAY_KEY);
    const oldest = addJalaliDays(TEST_DAY_KEY, -30);
    expect((await page(tablet, { day: oldest })).items).toEqual([]);
  });
});

describe('devices', () => {
  it('each active device of the center, with when the registry last heard from it', async () => {
    const first = await page(tablet);
    const atFirst = new Date(clock).toISOString();
    expect(first.devices.map((device) => device.deviceId)).toEqual([
      tablet.deviceId,
      neighbour.deviceId,
    ]);
    expect(first.devices[0]).toMatchObject({ status: 'active', lastHeardAt: atFirst });

    clock += 90_000;
    await push(neighbour, [await handoverOf(neighbour, 11, { staffId: TEST_OTHER_CLERK.staffId })]);
    const second = await page(tablet);
    const heard = new Map(second.devices.map((device) => [device.deviceId, device.lastHeardAt]));
    expect(heard.get(neighbour.deviceId)).toBe(new Date(clock).toISOString());
    expect(heard.get(tablet.deviceId)).toBe(new Date(clock).toISOString());
    // The other center's tablet is none of DEMO-01's business.
    expect(heard.has(elsewhere.deviceId)).toBe(false);
  });

  it('a device never heard from since the registry started says null', async () => {
    const fresh = await registry.enrolDevice({
      deviceId: 'device-fresh-0005',
      keys: await generateDeviceKeyPair(),
    });
    const day = await page(tablet);
    expect(day.devices.find((device) => device.deviceId === fresh.deviceId)).toMatchObject({
      lastHeardAt: null,
    });
  });
});

describe('the store’s day page', () => {
  it('gives each day its events in acceptance order, its total and its devices, page by page', async () => {
    const db = await openRegistryDatabase();
    try {
      const state = new RegistryStore(db, { now: () => FIXED_NOW });
      const cards = Array.from({ length: 5 }, () => createCard({ centerId: 'X-1' }));
      await state.putCards('X-1', cards);
      const first = await enrolInState(state, { centerId: 'X-1', deviceId: 'device-x-0001' });
      const second = await enrolInState(state, {
        centerId: 'X-1',
        deviceId: 'device-x-0002',
        keys: await generateDeviceKeyPair(),
      });
      const handover = (device: TestDevice, card: Card, occurredAt: Date) =>
        device.sign(
          createHandoverEvent({
            cardId: card.cardId,
            deviceId: device.deviceId,
            occurredAt: isoWithOffset(occurredAt, TEST_TIME_ZONE),
            recipient: {
              kind: 'holder',
              nationalCode: card.nationalCode,
              fullName: `${card.firstName} ${card.lastName}`,
            },
          }),
        );
      const late = await handover(first, cards[0]!, onTestDay('10:30:00'));
      const yesterday = await handover(first, cards[1]!, onTestDay('23:59:59', -1));
      // Recorded earlier in the day than `late`, accepted after it: the day is in acceptance order.
      const early = await handover(second, cards[2]!, onTestDay('08:00:00'));
      const midnight = await handover(first, cards[3]!, onTestDay('00:00:00'));
      const statuses = async (device: TestDevice, events: HandoverEvent[]) =>
        (await state.pushEvents('X-1', (await state.devices.device(device.deviceId))!, events)).map(
          (result) => result.status,
        );
      expect(await statuses(first, [late, yesterday])).toEqual(['accepted', 'accepted']);
      expect(await statuses(second, [early])).toEqual(['accepted']);
      // A replay of an accepted event adds nothing to its day.
      expect(await statuses(first, [midnight, late])).toEqual(['accepted', 'duplicate']);

      const today = await state.acceptedOnDay('X-1', TEST_DAY_KEY, 0, 100);
      expect(today).toEqual({
        items: [late, early, midnight],
        total: 3,
        deviceIds: new Set([first.deviceId, second.deviceId]),
      });
      expect(await state.acceptedOnDay('X-1', addJalaliDays(TEST_DAY_KEY, -1), 0, 100)).toEqual({
        items: [yesterday],
        total: 1,
        deviceIds: new Set([first.deviceId]),
      });
      expect(await state.acceptedOnDay('X-1', addJalaliDays(TEST_DAY_KEY, -2), 0, 100)).toEqual({
        items: [],
        total: 0,
        deviceIds: new Set(),
      });

      // Pages from a position: the total and the devices are the whole day's, whatever the page.
      const pageOf = (start: number, limit: number) =>
        state.acceptedOnDay('X-1', TEST_DAY_KEY, start, limit);
      expect(await pageOf(0, 2)).toEqual({ ...today, items: [late, early] });
      expect(await pageOf(1, 1)).toEqual({ ...today, items: [early] });
      expect(await pageOf(2, 5)).toEqual({ ...today, items: [midnight] });
      expect(await pageOf(3, 5)).toEqual({ ...today, items: [] });
      // Another center's day is its own.
      expect((await state.acceptedOnDay(DEMO_CENTER_ID, TEST_DAY_KEY, 0, 100)).total).toBe(0);
    } finally {
      await db.close();
    }
  });
});
