import { describe, expect, it } from 'vitest';
import type { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { recordHandover, voidHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch, outboxSummary } from './outbox.ts';
import { attentionItems, resolveAttention } from './attention.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { staffOnShift, testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase, signInForTest } from '../../tests/factories/database.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  testStaffMember,
} from '../../tests/factories/staff.ts';
import { FIXED_NOW_ISO, TEST_DAY_KEY } from '../../tests/factories/time.ts';
import { endShift, lockShift, storeRosterPage } from './staff.ts';
import type { Card } from '../protocol/protocol.ts';

/** The supervisor who settles refused events, signed in on the tablet. */
const context = () => testCommandContext({ staff: staffOnShift(TEST_SUPERVISOR) });

/**
 * A tablet with one card handed over here by the clerk, its event in flight to the registry,
 * and the supervisor signed in since.
 */
async function handoverInFlight() {
  const card = createCard();
  const db = await createTestDatabase([card]);
  const handover = await recordHandover(db, holderHandover(card), testCommandContext());
  await claimPendingBatch(db, 10);
  await signInForTest(db, TEST_SUPERVISOR);
  return { db, card, handover };
}

/** A tablet with one card handed over here and refused by the registry with `answer`. */
async function refusedHandover(
  answer: 'conflict' | 'rejected',
  registryCard?: (card: Card) => Card,
) {
  const { db, card, handover } = await handoverInFlight();
  const answeredCard = registryCard?.(card);
  await applyPushResults(db, [
    {
      eventId: handover.eventId,
      status: answer,
      reason: 'registry says no',
      ...(answeredCard ? { card: answeredCard } : {}),
    },
  ]);
  if (answeredCard) await upsertCards(db, [answeredCard]);
  return { db, card, handover };
}

const revokedOnRegistry = (card: Card): Card => ({
  ...card,
  status: 'revoked',
  version: card.version + 10,
});

/** The kept counters agree with a recount of the cards. */
async function expectCountersMatchRecount(db: TahvilDatabase) {
  const recount = await recountStatuses(db);
  const counters = await readCounters(db, TEST_DAY_KEY);
  expect({
    ready: counters.ready,
    handed_over: counters.handedOver,
    revoked: counters.revoked,
    returned: counters.returned,
  }).toEqual(recount);
}

describe('needs attention', () => {
  it('lists a refused event with its reason and the card as the registry answered it', async () => {
    const { db, handover, card } = await refusedHandover('conflict', revokedOnRegistry);
    const items = await attentionItems(db);
    expect(items).toHaveLength(1);
    expect(items[0]!.record).toMatchObject({
      eventId: handover.eventId,
      syncState: 'conflict',
      serverReason: 'registry says no',
    });
    expect(items[0]!.card).toMatchObject({ cardId: card.cardId, status: 'revoked' });
    expect((await outboxSummary(db)).needsAttention).toBe(1);
  });

  it('voiding a rejected handover puts the card back on the shelf and off the day count', async () => {
    const { db, handover, card } = await refusedHandover('rejected');
    expect((await readCounters(db, TEST_DAY_KEY)).handoversToday).toBe(1);
    const resolution = await resolveAttention(
      db,
      { eventId: handover.eventId, resolution: 'voided', note: 'wrong card picked' },
      context(),
    );
    expect(await db.cards.get(card.cardId)).toMatchObject({ status: 'ready', handover: null });
    expect((await readCounters(db, TEST_DAY_KEY)).handoversToday).toBe(0);
    expect(await recountStatuses(db)).toMatchObject({ ready: 1, handed_over: 0 });
    await expectCountersMatchRecount(db);
    const original = await db.events.where('eventId').equals(handover.eventId).first();
    expect(original).toMatchObject({
      syncState: 'rejected',
      serverReason: 'registry says no',
      resolvedByEventId: resolution.eventId,
      voidedByEventId: resolution.eventId,
    });
    expect(await attentionItems(db)).toEqual([]);
    expect((await outboxSummary(db)).needsAttention).toBe(0);
  });

  it('voiding a conflicted handover leaves the registry’s state of the card alone', async () => {
    const { db, handover, card } = await refusedHandover('conflict', revokedOnRegistry);
    await resolveAttention(
      db,
      { eventId: handover.eventId, resolution: 'voided', note: 'card was revoked' },
      context(),
    );
    expect((await db.cards.get(card.cardId))?.status).toBe('revoked');
    expect(await recountStatuses(db)).toMatchObject({ revoked: 1, ready: 0, handed_over: 0 });
    await expectCountersMatchRecount(db);
  });

  it('records the resolution as a local event that is never pushed', async () => {
    const { db, handover } = await refusedHandover('conflict');
    const resolution = await resolveAttention(
      db,
      { eventId: handover.eventId, resolution: 'noted', note: '  citizen called back  ' },
      context(),
    );
    const stored = await db.events.where('eventId').equals(resolution.eventId).first();
    expect(stored).toMatchObject({
      syncState: 'local',
      type: 'attention_resolved',
      staffId: TEST_SUPERVISOR.staffId,
    });
    expect(stored?.event).toMatchObject({
      resolvesEventId: handover.eventId,
      resolution: 'noted',
      note: 'citizen called back',
    });
    expect(await claimPendingBatch(db, 10)).toEqual([]);
    expect((await outboxSummary(db)).pending).toBe(0);
  });

  it('"noted" keeps the handover as recorded', async () => {
    const { db, handover, card } = await refusedHandover('rejected');
    await resolveAttention(
      db,
      { eventId: handover.eventId, resolution: 'noted', note: 'reported to head office' },
      context(),
    );
    expect((await db.cards.get(card.cardId))?.status).toBe('handed_over');
    expect((await readCounters(db, TEST_DAY_KEY)).handoversToday).toBe(1);
  });

  it.each([
    ['an empty note', { note: '   ' }, 'resolution-note-missing'],
    ['an event this tablet never recorded', { eventId: 'no-such-event' }, 'attention-not-found'],
  ])('refuses %s and writes nothing', async (_case, change, refusal) => {
    const { db, handover } = await refusedHandover('rejected');
    const before = await db.events.count();
    await expect(
      resolveAttention(
        db,
        { eventId: handover.eventId, resolution: 'voided', note: 'n', ...change },
        context(),
      ),
    ).rejects.toEqual(new CommandRefused(refusal as 'attention-not-found'));
    expect(await db.events.count()).toBe(before);
  });

  it('refuses to resolve an event the registry accepted', async () => {
    const { db, card, handover } = await handoverInFlight();
    await applyPushResults(db, [{ eventId: handover.eventId, status: 'accepted' }]);
    await expect(
      resolveAttention(
        db,
        { eventId: handover.eventId, resolution: 'voided', note: 'n' },
        context(),
      ),
    ).rejects.toMatchObject({
      refusal: 'attention-not-found',
    });
    expect((await db.cards.get(card.cardId))?.status).toBe('handed_over');
  });

  it('refuses a second resolution of the same event', async () => {
    const { db, handover } = await refusedHandover('rejected');
    await resolveAttention(
      db,
      { eventId: handover.eventId, resolution: 'noted', note: 'done' },
      context(),
    );
    await expect(
      resolveAttention(
        db,
        { eventId: handover.eventId, resolution: 'voided', note: 'again' },
        context(),
      ),
    ).rejects.toMatchObject({
      refusal: 'attention-not-found',
    });
  });

  it('sends a plain void of a refused handover to the supervisor instead of pushing it', async () => {
    const { db, handover } = await refusedHandover('rejected');
    await expect(
      voidHandover(db, { handoverEventId: handover.eventId, reason: 'oops' }, context()),
    ).rejects.toMatchObject({
      refusal: 'handover-needs-attention',
    });
    expect(await db.events.count()).toBe(1);
  });
});

describe('who may resolve (decision 022)', () => {
  /** The refused handover of the clerk, who is signed in again to settle it. */
  async function refusedAsClerk() {
    const refused = await refusedHandover('rejected');
    await signInForTest(refused.db, TEST_CLERK);
    return refused;
  }
  const asClerk = () => testCommandContext({ staff: staffOnShift(TEST_CLERK) });
  const resolution = (eventId: string, approvedBy?: { staffId: string; staffName: string }) => ({
    eventId,
    resolution: 'noted' as const,
    note: 'called the head office',
    ...(approvedBy ? { approvedBy } : {}),
  });
  const approval = (member = TEST_SUPERVISOR) => ({
    staffId: member.staffId,
    staffName: member.name,
  });

  it('lets a supervisor resolve without an approval, and records none', async () => {
    const { db, handover } = await refusedHandover('rejected');
    const event = await resolveAttention(db, resolution(handover.eventId), context());
    expect(event.staffId).toBe(TEST_SUPERVISOR.staffId);
    expect(event).not.toHaveProperty('approvedBy');
  });

  it('records no approval a supervisor did not need', async () => {
    const { db, handover } = await refusedHandover('rejected');
    const event = await resolveAttention(db, resolution(handover.eventId, approval()), context());
    expect(event).not.toHaveProperty('approvedBy');
  });

  it('lets a clerk resolve with a supervisor’s approval, which the resolution records', async () => {
    const { db, handover } = await refusedAsClerk();
    const event = await resolveAttention(db, resolution(handover.eventId, approval()), asClerk());
    expect(event).toMatchObject({
      staffId: TEST_CLERK.staffId,
      approvedBy: TEST_SUPERVISOR.staffId,
    });
    const stored = await db.events.where('eventId').equals(event.eventId).first();
    expect(stored).toMatchObject({ staffId: TEST_CLERK.staffId, staffName: TEST_CLERK.name });
    expect(stored?.event).toEqual(event);
  });

  it.each([
    ['no approval', undefined],
    ['a clerk’s approval', approval(TEST_OTHER_CLERK)],
    ['an approval by someone not on the roster', { staffId: 'S-99', staffName: 'ناشناس' }],
  ])('refuses a clerk’s resolution with %s and writes nothing', async (_name, approvedBy) => {
    const { db, handover } = await refusedAsClerk();
    const before = await db.events.toArray();
    await expect(
      resolveAttention(db, resolution(handover.eventId, approvedBy), asClerk()),
    ).rejects.toEqual(new CommandRefused('needs-supervisor'));
    expect(await db.events.toArray()).toEqual(before);
  });

  it('refuses an approval by a supervisor the roster has deactivated since', async () => {
    const { db, handover } = await refusedAsClerk();
    await storeRosterPage(
      db,
      [
        testStaffMember(TEST_SUPERVISOR, {
          version: 8,
          active: false,
          deactivatedAt: FIXED_NOW_ISO,
          pinVerifier: null,
        }),
      ],
      '8',
      {},
    );
    await expect(
      resolveAttention(db, resolution(handover.eventId, approval()), asClerk()),
    ).rejects.toEqual(new CommandRefused('needs-supervisor'));
  });

  it.each([
    ['the screen is locked', (db: TahvilDatabase) => lockShift(db)],
    ['the shift has ended', (db: TahvilDatabase) => endShift(db)],
    ['another member signed in', (db: TahvilDatabase) => signInForTest(db, TEST_OTHER_CLERK)],
  ])('refuses when %s: staff-signed-out, nothing written', async (_name, change) => {
    const { db, handover } = await refusedHandover('rejected');
    await change(db);
    const before = await db.events.toArray();
    await expect(resolveAttention(db, resolution(handover.eventId), context())).rejects.toEqual(
      new CommandRefused('staff-signed-out'),
    );
    expect(await db.events.toArray()).toEqual(before);
  });
});
