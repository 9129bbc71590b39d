import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import type { TahvilDatabase } from './database.ts';
import { recordHandover, voidHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch } from './outbox.ts';
import { erasePersonalDetails } from './retention.ts';
import { resolveAttention } from './attention.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { staffOnShift, testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase, signInForTest } from '../../tests/factories/database.ts';
import { TEST_SUPERVISOR } from '../../tests/factories/staff.ts';
import { createVoidEvent, handoverAtAnotherCounter } from '../../tests/factories/events.ts';
import { storeCenterDayPage } from './center-day.ts';
import { FIXED_NOW, TEST_DAY_KEY } from '../../tests/factories/time.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { searchCards } from './queries.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysAfter = (days: number) => new Date(FIXED_NOW.getTime() + days * DAY_MS);

/** Sends every pending event and records the registry's acceptance at `at`. */
async function acceptAll(db: TahvilDatabase, at: Date) {
  const batch = await claimPendingBatch(db, 500);
  await applyPushResults(
    db,
    batch.map((record) => ({ eventId: record.eventId, status: 'accepted' as const })),
    at.getTime(),
  );
}

describe('erasePersonalDetails', () => {
  it('keeps a synced handover whole for the retention days, then keeps only the counter’s facts', async () => {
    const card = createCard({ nationalCode: '0012345679', updatedAt: FIXED_NOW.toISOString() });
    const db = await createTestDatabase([card]);
    const event = await recordHandover(db, holderHandover(card), testCommandContext());
    await acceptAll(db, FIXED_NOW);

    expect(await erasePersonalDetails(db, daysAfter(29.9), 30)).toEqual({ cards: 0, events: 0 });
    expect((await db.cards.get(card.cardId))?.nationalCode).toBe('0012345679');

    expect(await erasePersonalDetails(db, daysAfter(30.1), 30)).toEqual({ cards: 1, events: 1 });
    const stored = await db.cards.get(card.cardId);
    expect(stored).toMatchObject({
      cardId: card.cardId,
      status: 'handed_over',
      version: card.version,
      nationalCode: '',
      firstName: '',
      lastName: '',
      fatherName: null,
      birthDate: null,
      trackingCode: null,
      box: null,
      nameKeys: [],
      detailsErasedAt: daysAfter(30.1).toISOString(),
    });
    expect(stored?.handover).toMatchObject({
      eventId: event.eventId,
      occurredAt: event.occurredAt,
      staffId: event.staffId,
      checks: event.checks,
      recipient: { kind: 'holder', nationalCode: '', fullName: '' },
    });
    const [record] = await db.events.toArray();
    expect(record).toMatchObject({
      eventId: event.eventId,
      staffId: 'S-07',
      holderName: '',
      holderNationalCode: '',
      syncState: 'synced',
    });
    expect(JSON.stringify(await db.events.toArray())).not.toContain('0012345679');
    expect(JSON.stringify(await db.cards.toArray())).not.toContain('0012345679');
    // The counter's figures are what they were.
    expect(await recountStatuses(db)).toMatchObject({ handed_over: 1 });
    expect((await readCounters(db, TEST_DAY_KEY)).handedOver).toBe(1);
    // Nor is it voided on the tablet: the card would go back on the shelf with no holder.
    await expect(
      voidHandover(db, { handoverEventId: event.eventId, reason: 'اشتباه' }, testCommandContext()),
    ).rejects.toMatchObject({ refusal: 'handover-details-erased' });
    // Nobody finds the card by the holder's code any more.
    expect((await searchCards(db, '0012345679')).cards).toEqual([]);
    expect((await searchCards(db, card.firstName)).cards).toEqual([]);
  });

  it('never touches an unsent handover, however old, nor its card', async () => {
    const card = createCard({ updatedAt: '2026-01-01T00:00:00.000Z' });
    const db = await createTestDatabase([card]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await erasePersonalDetails(db, daysAfter(400), 0)).toEqual({ cards: 0, events: 0 });
    await claimPendingBatch(db, 500);
    expect(await erasePersonalDetails(db, daysAfter(400), 0)).toEqual({ cards: 0, events: 0 });
    expect((await db.cards.get(card.cardId))?.firstName).toBe(card.firstName);
  });

  it('never touches a refused handover waiting for a supervisor', async () => {
    const card = createCard({ updatedAt: '2026-01-01T00:00:00.000Z' });
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    await claimPendingBatch(db, 500);
    await applyPushResults(db, [{ eventId, status: 'conflict', reason: 'elsewhere' }]);
    expect(await erasePersonalDetails(db, daysAfter(400), 0)).toEqual({ cards: 0, events: 0 });
  });

  it('counts the days from the registry’s acceptance, not from the handover', async () => {
    const card = createCard({ updatedAt: '2026-01-01T00:00:00.000Z' });
    const db = await createTestDatabase([card]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    // A week offline: the registry took it only then.
    await acceptAll(db, daysAfter(7));
    expect(await erasePersonalDetails(db, daysAfter(10), 5)).toEqual({ cards: 0, events: 0 });
    expect(await erasePersonalDetails(db, daysAfter(12.5), 5)).toEqual({ cards: 1, events: 1 });
  });

  it('erases revoked and returned cards and other counters’ handovers by the registry’s time of change', async () => {
    const old = '2026-10-01T00:00:00.000Z';
    const recent = daysAfter(-1).toISOString();
    const revoked = createCard({ status: 'revoked', updatedAt: old });
    const returned = createCard({ status: 'returned', updatedAt: old });
    const elsewhere = createCard({ status: 'handed_over', updatedAt: old });
    const elsewhereCard = { ...elsewhere, handover: handoverAtAnotherCounter(elsewhere) };
    const revokedYesterday = createCard({ status: 'revoked', updatedAt: recent });
    const ready = createCard({ updatedAt: old });
    const db = await createTestDatabase([
      revoked,
      returned,
      elsewhereCard,
      revokedYesterday,
      ready,
    ]);
    expect(await erasePersonalDetails(db, FIXED_NOW, 30)).toEqual({ cards: 3, events: 0 });
    const byId = new Map((await db.cards.toArray()).map((card) => [card.cardId, card]));
    for (const card of [revoked, returned, elsewhere])
      expect(byId.get(card.cardId)).toMatchObject({ nationalCode: '', firstName: '' });
    expect(byId.get(elsewhere.cardId)?.handover?.recipient.fullName).toBe('');
    expect(byId.get(revokedYesterday.cardId)?.nationalCode).toBe(revokedYesterday.nationalCode);
    expect(byId.get(ready.cardId)?.nationalCode).toBe(ready.nationalCode);
    // Run again: nothing more to do.
    expect(await erasePersonalDetails(db, FIXED_NOW, 30)).toEqual({ cards: 0, events: 0 });
  });

  it('erases a voided handover’s reason and names, and keeps the card that is back on the shelf', async () => {
    const card = createCard({ updatedAt: '2026-01-01T00:00:00.000Z' });
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: 'کارت اشتباه به زهرا داده شد' },
      testCommandContext(),
    );
    await acceptAll(db, FIXED_NOW);
    expect(await erasePersonalDetails(db, daysAfter(31), 30)).toEqual({ cards: 0, events: 2 });
    expect(JSON.stringify(await db.events.toArray())).not.toContain('زهرا');
    expect((await db.cards.get(card.cardId))?.firstName).toBe(card.firstName);
  });

  it('keeps a card whole while this tablet’s newer event about it is younger than the rule', async () => {
    const card = createCard({ status: 'handed_over', updatedAt: '2026-01-01T00:00:00.000Z' });
    const db = await createTestDatabase([]);
    const ready = { ...card, status: 'ready' as const };
    await upsertCards(db, [ready]);
    await recordHandover(db, holderHandover(ready), testCommandContext());
    await acceptAll(db, FIXED_NOW);
    expect(await erasePersonalDetails(db, daysAfter(1), 30)).toEqual({ cards: 0, events: 0 });
  });
});

describe('erasePersonalDetails and refused handovers', () => {
  it('keeps a refused handover whole while it waits, then counts from when a supervisor settled it', async () => {
    const card = createCard({ updatedAt: '2026-01-01T00:00:00.000Z' });
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [
      {
        eventId,
        status: 'conflict',
        reason: 'handed over elsewhere',
        card: { ...card, status: 'handed_over', version: card.version + 1 },
      },
    ]);
    await upsertCards(db, [{ ...card, status: 'handed_over', version: card.version + 1 }]);
    // Waiting for a supervisor, however long: nothing goes.
    expect(await erasePersonalDetails(db, daysAfter(400), 30)).toEqual({ cards: 0, events: 0 });
    // Settled ten days after the test day: its 30 days start then.
    await signInForTest(db, TEST_SUPERVISOR);
    await resolveAttention(
      db,
      { eventId, resolution: 'noted', note: 'زهرا محمدی came back; given at counter 2' },
      testCommandContext({ now: daysAfter(10), staff: staffOnShift(TEST_SUPERVISOR) }),
    );
    expect(await erasePersonalDetails(db, daysAfter(39), 30)).toEqual({ cards: 0, events: 0 });
    expect(await erasePersonalDetails(db, daysAfter(41), 30)).toEqual({ cards: 1, events: 2 });
    expect(JSON.stringify(await db.events.toArray())).not.toContain('زهرا');
    expect(JSON.stringify(await db.cards.toArray())).not.toContain(card.nationalCode);
    // The refusal and its resolution are still there, as facts.
    expect((await db.events.toArray()).map((record) => record.syncState)).toEqual([
      'conflict',
      'local',
    ]);
  });
});

describe('erasePersonalDetails and the center’s day (protocol 2.2)', () => {
  it('strips the recipients and void reasons of feed rows once their time on the tablet is up, counted from their arrival', async () => {
    const db = await createTestDatabase();
    const handover = handoverAtAnotherCounter(createCard());
    const voiding = createVoidEvent(handover.eventId, { deviceId: 'tablet-2' });
    await storeCenterDayPage(
      db,
      TEST_DAY_KEY,
      { items: [handover, voiding], cursor: 'c1', devices: [] },
      { receivedAtMs: FIXED_NOW.getTime() },
    );
    await erasePersonalDetails(db, daysAfter(29.9), 30);
    expect((await db.centerEvents.get(handover.eventId))?.event).toEqual(handover);

    await erasePersonalDetails(db, daysAfter(30.1), 30);
    const erased = await db.centerEvents.get(handover.eventId);
    expect(erased).toMatchObject({
      detailsErasedAtMs: daysAfter(30.1).getTime(),
      event: {
        eventId: handover.eventId,
        staffId: handover.staffId,
        deviceId: 'tablet-2',
        recipient: { kind: 'holder', nationalCode: '', fullName: '' },
      },
    });
    expect((await db.centerEvents.get(voiding.eventId))?.event).toMatchObject({ reason: '' });

    // The same day asked again (from its start) does not bring the details back.
    await storeCenterDayPage(
      db,
      TEST_DAY_KEY,
      { items: [handover], cursor: 'c1', devices: [] },
      { receivedAtMs: daysAfter(31).getTime() },
    );
    expect((await db.centerEvents.get(handover.eventId))?.event).toEqual(erased?.event);
  });
});
