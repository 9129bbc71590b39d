// @vitest-environment node
// The registry's staff checks on a push (protocol 2.1, "Who may do what"; push steps 6 and 9):
// every event names someone on the center's roster, not deactivated at or before it, and a void
// has the supervisor it needs. The registry's clock is pinned, so a deactivation happens at a
// known instant and events are recorded just before or just after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  HandoverEvent,
  ProtocolEvent,
  PushResponse,
  PushResult,
} from '../src/protocol/protocol.ts';
import { DEMO_CENTER_ID, MAX_PUSH_EVENTS } from '../src/protocol/protocol.ts';
import { isoWithOffset } from '../src/domain/jalali.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  type TestStaffMember,
} from '../tests/factories/staff.ts';
import { FIXED_NOW, TEST_TIME_ZONE, onTestDay } from '../tests/factories/time.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { pushPath, startRegistry } from './test-helpers.ts';
import type { SqlDatabase, SqlQueryable } from './database/sql.ts';
import { RegistryStore, tehranDay } from './registry-store.ts';

/**
 * A worker's first registry creates the in-memory database template (initdb and the
 * migrations), which takes several seconds on a loaded machine: more than the 10 s hook default.
 */
const STARTUP_TIMEOUT_MS = 60_000;

const SEED_CARDS = 40;
let clock = FIXED_NOW.getTime();
let registry: RunningRegistry;
let tablet: TestDevice;
/** Each test takes ready cards of its own, so none depends on another's handovers. */
const usedCards = new Set<string>();

beforeAll(async () => {
  registry = await startRegistry({ seedCards: SEED_CARDS, now: () => new Date(clock) });
  tablet = await registry.enrolDevice();
}, STARTUP_TIMEOUT_MS);
afterAll(() => registry.close());
afterEach(() => {
  clock = FIXED_NOW.getTime();
});

async function freshCardId(): Promise<string> {
  const card = (await registry.handler.state.listCards(DEMO_CENTER_ID)).find(
    (candidate) => candidate.status === 'ready' && !usedCards.has(candidate.cardId),
  );
  if (!card) throw new Error('out of ready demo cards');
  usedCards.add(card.cardId);
  return card.cardId;
}

/** A handover of a card no other test touches, to its holder, by S-07 at FIXED_NOW unless told. */
async function handover(overrides: Partial<HandoverEvent> = {}): Promise<HandoverEvent> {
  const cardId = overrides.cardId ?? (await freshCardId());
  const card = (await registry.handler.state.getCard(DEMO_CENTER_ID, cardId))!;
  return createHandoverEvent({
    cardId,
    recipient: { kind: 'holder', nationalCode: card.nationalCode, fullName: card.firstName },
    ...overrides,
  });
}

/** Pushes `events` signed now by the test tablet, or (`signed`) exactly as given. */
async function push(
  events: readonly ProtocolEvent[],
  { signed = false } = {},
): Promise<PushResult[]> {
  const response = await fetch(registry.base + pushPath(), {
    method: 'POST',
    headers: tablet.headers(),
    body: JSON.stringify({ events: signed ? events : await tablet.signAll(events) }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as PushResponse).results;
}

async function pushOne(event: ProtocolEvent): Promise<PushResult> {
  return (await push([event]))[0]!;
}

/**
 * A fresh handover by the test clerk and, in the same push, a void of it by `staffId` approved
 * by `approvedBy`: the handover and the void's result.
 */
async function pushApprovedVoid(
  approvedBy: string,
  staffId: string = TEST_OTHER_CLERK.staffId,
): Promise<{ first: HandoverEvent; result: PushResult }> {
  const first = await handover();
  const [, result] = await push([
    first,
    createVoidEvent(first.eventId, { cardId: first.cardId, staffId, approvedBy }),
  ]);
  return { first, result: result! };
}

/** A member of the test center who is deactivated (by the administrator) at `at`. */
async function deactivatedAt(
  staffId: string,
  at: Date,
  member: TestStaffMember = TEST_CLERK,
): Promise<void> {
  await registry.seedStaff(DEMO_CENTER_ID, [{ ...member, staffId }]);
  clock = at.getTime();
  expect((await registry.deactivateStaff(staffId)).deactivatedAt).toBe(at.toISOString());
  clock = FIXED_NOW.getTime();
}

const at = (time: string, days = 0) => isoWithOffset(onTestDay(time, days), TEST_TIME_ZONE);

describe('who did it (step 6)', () => {
  it('rejects staff not on the roster as unknown-staff, naming staffId, with the card', async () => {
    const event = await handover({ staffId: 'S-404' });
    const result = await pushOne(event);
    expect(result).toMatchObject({
      status: 'rejected',
      code: 'unknown-staff',
      card: { cardId: event.cardId, status: 'ready' },
    });
    expect(result.reason).toMatch(/staffId S-404 .*roster/);
  });

  it('rejects an approver not on the roster as unknown-staff, naming approvedBy', async () => {
    const { first, result } = await pushApprovedVoid('S-405');
    expect(result).toMatchObject({ status: 'rejected', code: 'unknown-staff' });
    expect(result?.reason).toMatch(/approvedBy S-405/);
    expect((await registry.handler.state.getCard(DEMO_CENTER_ID, first.cardId))?.status).toBe(
      'handed_over',
    );
  });

  it('judges staff after the time and before the card', async () => {
    expect(
      await pushOne(await handover({ staffId: 'S-404', occurredAt: '2019-01-01T10:00:00Z' })),
    ).toMatchObject({ code: 'implausible-time' });
    const unknownBoth = await pushOne(
      createHandoverEvent({ cardId: 'C-9999999', staffId: 'S-404' }),
    );
    expect(unknownBoth).toMatchObject({ status: 'rejected', code: 'unknown-staff' });
    expect(unknownBoth.card).toBeUndefined();
  });

  it('rejects an event recorded at or after its clerk was deactivated, and takes one recorded before', async () => {
    const end = onTestDay('12:00:00');
    await deactivatedAt('S-60', end);
    const after = await pushOne(await handover({ staffId: 'S-60', occurredAt: at('12:00:01') }));
    expect(after).toMatchObject({
      status: 'rejected',
      code: 'staff-inactive',
      card: { status: 'ready' },
    });
    expect(after.reason).toMatch(/staffId S-60 was deactivated on 2026-11-25T08:30:00.000Z/);
    expect(
      await pushOne(await handover({ staffId: 'S-60', occurredAt: at('12:00:00') })),
    ).toMatchObject({
      code: 'staff-inactive',
    });
    // Recorded offline before the deactivation, pushed after it: still accepted.
    expect(
      await pushOne(await handover({ staffId: 'S-60', occurredAt: at('11:59:59') })),
    ).toMatchObject({
      status: 'accepted',
    });
  });

  it('rejects a void approved by a supervisor deactivated before it', async () => {
    await deactivatedAt('S-61', onTestDay('10:00:00'), TEST_SUPERVISOR);
    const { result } = await pushApprovedVoid('S-61');
    expect(result).toMatchObject({ status: 'rejected', code: 'staff-inactive' });
    expect(result?.reason).toMatch(/approvedBy S-61/);
  });

  it('rejects a clerk as an approver with staff-role', async () => {
    const { result } = await pushApprovedVoid(TEST_OTHER_CLERK.staffId, TEST_SUPERVISOR.staffId);
    expect(result).toMatchObject({
      status: 'rejected',
      code: 'staff-role',
      card: { status: 'handed_over' },
    });
    expect(result?.reason).toMatch(/approvedBy S-03 is a clerk/);
  });

  it('rejects approvedBy equal to staffId, or on a handover, as malformed', async () => {
    const first = await handover();
    const [, same] = await push([
      first,
      createVoidEvent(first.eventId, {
        cardId: first.cardId,
        approvedBy: TEST_CLERK.staffId,
      }),
    ]);
    expect(same).toMatchObject({ status: 'rejected', code: 'malformed-event' });
    expect(same?.reason).toMatch(/approvedBy must be another staff member/);
    const onHandover = await pushOne({
      ...(await handover()),
      approvedBy: TEST_SUPERVISOR.staffId,
    } as HandoverEvent);
    expect(onHandover).toMatchObject({ status: 'rejected', code: 'malformed-event' });
    expect(onHandover.reason).toMatch(/unknown member approvedBy/);
    const tooLong = await pushOne(
      createVoidEvent(first.eventId, { cardId: first.cardId, approvedBy: 'S'.repeat(129) }),
    );
    expect(tooLong).toMatchObject({ code: 'malformed-event' });
  });

  it('does not judge the staff of a replay again', async () => {
    const event = await tablet.sign(
      await handover({ staffId: 'S-62', occurredAt: at('11:00:00') }),
    );
    await registry.seedStaff(DEMO_CENTER_ID, [{ ...TEST_CLERK, staffId: 'S-62' }]);
    expect((await push([event], { signed: true }))[0]).toMatchObject({ status: 'accepted' });
    // Deactivated "before" the event (a clock set back): a new event would be refused, the replay is not.
    clock = onTestDay('10:00:00').getTime();
    await registry.deactivateStaff('S-62');
    expect((await push([event], { signed: true }))[0]).toMatchObject({
      status: 'duplicate',
      code: 'already-accepted',
    });
    expect(
      await pushOne(await handover({ staffId: 'S-62', occurredAt: at('11:00:00') })),
    ).toMatchObject({
      code: 'staff-inactive',
    });
  });
});

describe('who may void (step 9)', () => {
  it("takes a clerk's void of another's handover approved by a supervisor, and keeps approvedBy", async () => {
    const first = await handover();
    const approved = createVoidEvent(first.eventId, {
      cardId: first.cardId,
      staffId: TEST_OTHER_CLERK.staffId,
      approvedBy: TEST_SUPERVISOR.staffId,
    });
    const [, result] = await push([first, approved]);
    expect(result).toMatchObject({ status: 'accepted', card: { status: 'ready' } });
    expect(
      await registry.handler.state.acceptedEvent(DEMO_CENTER_ID, approved.eventId),
    ).toMatchObject({
      approvedBy: TEST_SUPERVISOR.staffId,
    });
  });

  it("rejects a clerk's void of another's handover without an approver, and takes a supervisor's", async () => {
    const first = await handover();
    const [, byClerk] = await push([
      first,
      createVoidEvent(first.eventId, { cardId: first.cardId, staffId: TEST_OTHER_CLERK.staffId }),
    ]);
    expect(byClerk).toMatchObject({
      status: 'rejected',
      code: 'staff-role',
      card: { status: 'handed_over' },
    });
    expect(byClerk?.reason).toMatch(/S-03 may not void S-07's handover/);
    expect(
      await pushOne(
        createVoidEvent(first.eventId, { cardId: first.cardId, staffId: TEST_SUPERVISOR.staffId }),
      ),
    ).toMatchObject({ status: 'accepted' });
  });

  it("takes a clerk's void of their own handover of the same Tehran day, though the UTC days differ", async () => {
    // 00:10 and 23:50 in Tehran: 20:40 UTC the day before, and 20:20 UTC the same day.
    const first = await handover({ occurredAt: at('00:10:00') });
    const own = createVoidEvent(first.eventId, {
      cardId: first.cardId,
      occurredAt: at('23:50:00'),
    });
    expect(new Date(first.occurredAt).toISOString().slice(0, 10)).not.toBe(
      new Date(own.occurredAt).toISOString().slice(0, 10),
    );
    clock = onTestDay('23:55:00').getTime();
    expect((await push([first, own]))[1]).toMatchObject({ status: 'accepted' });
  });

  it("rejects a clerk's void of their own handover of another Tehran day, though the UTC day is the same", async () => {
    // 23:50 and 00:10 the next day in Tehran: both 20:xx UTC of one day.
    const first = await handover({ occurredAt: at('23:50:00', -1) });
    const own = createVoidEvent(first.eventId, {
      cardId: first.cardId,
      occurredAt: at('00:10:00'),
    });
    expect(new Date(first.occurredAt).toISOString().slice(0, 10)).toBe(
      new Date(own.occurredAt).toISOString().slice(0, 10),
    );
    const [accepted, result] = await push([first, own]);
    expect(accepted).toMatchObject({ status: 'accepted' });
    expect(result).toMatchObject({ status: 'rejected', code: 'staff-role' });
    expect(result?.reason).toMatch(/only on the day it was recorded/);
    expect(
      await pushOne({ ...own, eventId: crypto.randomUUID(), approvedBy: TEST_SUPERVISOR.staffId }),
    ).toMatchObject({ status: 'accepted' });
  });

  it('judges the voider before the card state: a void that needs a supervisor is refused even when it would conflict', async () => {
    const first = await handover();
    await push([first, createVoidEvent(first.eventId, { cardId: first.cardId })]);
    const again = createVoidEvent(first.eventId, {
      cardId: first.cardId,
      staffId: TEST_OTHER_CLERK.staffId,
    });
    expect(await pushOne(again)).toMatchObject({ status: 'rejected', code: 'staff-role' });
    expect(
      await pushOne({ ...again, eventId: crypto.randomUUID(), staffId: TEST_SUPERVISOR.staffId }),
    ).toMatchObject({ status: 'conflict', code: 'already-voided' });
  });

  it('still names an unknown handover first', async () => {
    const result = await pushOne(
      createVoidEvent('never-accepted', {
        cardId: await freshCardId(),
        staffId: TEST_OTHER_CLERK.staffId,
      }),
    );
    expect(result).toMatchObject({ status: 'rejected', code: 'unknown-handover' });
  });
});

describe('tehranDay', () => {
  it.each([
    ['2026-11-24T20:29:59Z', '2026-11-24'],
    ['2026-11-24T20:30:00Z', '2026-11-25'],
    ['2026-11-25T00:10:00+03:30', '2026-11-25'],
    ['2026-11-25T23:59:59.999+03:30', '2026-11-25'],
  ])('%s is %s in Tehran', (occurredAt, day) => {
    expect(tehranDay(occurredAt)).toBe(day);
  });
});

it(`judges the staff of ${MAX_PUSH_EVENTS} events with one read of the roster, not one an event`, async () => {
  const events = Array.from({ length: MAX_PUSH_EVENTS }, (_, index) =>
    createHandoverEvent({
      cardId: 'C-9999999',
      staffId: index % 2 === 0 ? 'S-404' : TEST_CLERK.staffId,
    }),
  );
  const signed = await tablet.signAll(events);
  // The registry's own store over its database, with every statement it sends written down.
  const statements: string[] = [];
  const { db } = registry.handler.state;
  const counted = (on: SqlQueryable): SqlQueryable => ({
    query: (text, params) => {
      statements.push(text);
      return on.query(text, params);
    },
    exec: (script) => {
      statements.push(script);
      return on.exec(script);
    },
  });
  const countingDb: SqlDatabase = {
    ...db,
    ...counted(db),
    transaction: (work) => db.transaction((tx) => work(counted(tx))),
  };
  const store = new RegistryStore(countingDb, { now: () => new Date(clock) });
  const results = await store.applyEvents(DEMO_CENTER_ID, signed, {
    deviceId: tablet.deviceId,
    verified: signed.map(() => true),
  });
  expect(new Set(results.map((result) => result.code))).toEqual(
    new Set(['unknown-staff', 'unknown-card']),
  );
  expect(statements.filter((text) => /\bFROM staff\b/.test(text))).toHaveLength(1);
  // The center, the cards, the events and the staff the batch names: a read each, whatever its size.
  expect(statements.length).toBeLessThanOrEqual(5);
});
