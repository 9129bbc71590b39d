import { describe, expect, it } from 'vitest';
import { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { recordHandover, voidHandover, type CommandContext } from './handovers.ts';
import { applyPushResults, claimPendingBatch, outboxSummary, releaseUnanswered } from './outbox.ts';
import { searchCards } from './queries.ts';
import { ALL_CHECKS, createCard } from '../../tests/factories/cards.ts';

let dbCount = 0;
const freshDb = () => new TahvilDatabase(`storage-test-${++dbCount}`);
const NOW = new Date('2026-11-25T10:31:07.512+03:30');
let ids = 0;
const context = (): CommandContext => ({
  deviceId: 'device-1',
  staff: { staffId: 'S-07', staffName: 'مریم', startedAt: '' },
  timeZone: 'Asia/Tehran',
  now: NOW,
  makeEventId: () => `event-${++ids}`,
});
const holderInput = (cardId: string, nationalCode: string) => ({
  cardId,
  proxyAllowed: false,
  checks: ALL_CHECKS,
  recipient: { kind: 'holder' as const, nationalCode, fullName: '' },
});

describe('upsertCards', () => {
  it('keeps status counters equal to a recount through inserts, updates and stale versions', async () => {
    const db = freshDb();
    const cards = [createCard(), createCard(), createCard({ status: 'revoked' })];
    await upsertCards(db, cards);
    const newer = { ...cards[0]!, status: 'returned' as const, version: cards[0]!.version + 100 };
    const stale = { ...cards[1]!, status: 'revoked' as const, version: cards[1]!.version - 1 };
    const summary = await upsertCards(db, [newer, stale]);
    expect(summary).toEqual({ written: 1, unchanged: 1, keptLocal: 0 });
    const counters = await readCounters(db, '1405-09-04');
    expect(await recountStatuses(db)).toEqual({
      ready: 1,
      handed_over: 0,
      revoked: 1,
      returned: 1,
    });
    expect(counters).toMatchObject({ ready: 1, revoked: 1, returned: 1, handedOver: 0 });
  });

  it('reads stored copies by id when updates are scattered over a wider id range', async () => {
    const db = freshDb();
    const cards = Array.from({ length: 6 }, () => createCard());
    await upsertCards(db, cards);
    const first = { ...cards[0]!, status: 'revoked' as const, version: 1_000 };
    const last = { ...cards[5]!, status: 'returned' as const, version: 1_001 };
    expect(await upsertCards(db, [first, last])).toEqual({
      written: 2,
      unchanged: 0,
      keptLocal: 0,
    });
    expect(await upsertCards(db, [first, last])).toEqual({
      written: 0,
      unchanged: 2,
      keptLocal: 0,
    });
    expect(await recountStatuses(db)).toEqual({
      ready: 4,
      handed_over: 0,
      revoked: 1,
      returned: 1,
    });
    expect(await readCounters(db, '1405-09-04')).toMatchObject({
      ready: 4,
      revoked: 1,
      returned: 1,
    });
  });

  it('does not overwrite a card whose local handover the registry has not answered', async () => {
    const db = freshDb();
    const card = createCard();
    await upsertCards(db, [card]);
    await recordHandover(db, holderInput(card.cardId, card.nationalCode), context());
    const summary = await upsertCards(db, [
      { ...card, status: 'ready', version: card.version + 10 },
    ]);
    expect(summary.keptLocal).toBe(1);
    expect((await db.cards.get(card.cardId))?.status).toBe('handed_over');
  });

  it('keeps local handovers when the outbox holds more unsent events than the pulled chunk has cards', async () => {
    const db = freshDb();
    const cards = [createCard(), createCard(), createCard(), createCard()];
    await upsertCards(db, cards);
    for (const card of cards.slice(0, 3))
      await recordHandover(db, holderInput(card.cardId, card.nationalCode), context());
    const pulled = [cards[1]!, cards[3]!].map((card) => ({
      ...card,
      status: 'revoked' as const,
      version: card.version + 10,
    }));
    expect(await upsertCards(db, pulled)).toEqual({ written: 1, unchanged: 0, keptLocal: 1 });
    expect((await db.cards.get(cards[1]!.cardId))?.status).toBe('handed_over');
    expect((await db.cards.get(cards[3]!.cardId))?.status).toBe('revoked');
  });

  it('keeps the counters right when one call carries two versions of the same card', async () => {
    const db = freshDb();
    const card = createCard();
    await upsertCards(db, [card]);
    const handedOver = { ...card, status: 'handed_over' as const, version: card.version + 1 };
    const readyAgain = { ...card, status: 'ready' as const, version: card.version + 2 };
    expect(await upsertCards(db, [handedOver, readyAgain])).toEqual({
      written: 1,
      unchanged: 1,
      keptLocal: 0,
    });
    expect((await db.cards.get(card.cardId))?.version).toBe(card.version + 2);
    expect(await recountStatuses(db)).toEqual({
      ready: 1,
      handed_over: 0,
      revoked: 0,
      returned: 0,
    });
    expect(await readCounters(db, '1405-09-04')).toMatchObject({ ready: 1, handedOver: 0 });
    expect(await upsertCards(db, [readyAgain, handedOver])).toEqual({
      written: 0,
      unchanged: 2,
      keptLocal: 0,
    });
  });

  it('stores folded name tokens so either spelling finds the card', async () => {
    const db = freshDb();
    await upsertCards(db, [
      createCard({ firstName: 'علي‌اكبر', lastName: 'كريمي', fatherName: 'علی' }),
    ]);
    expect((await db.cards.toArray())[0]?.nameTokens).toEqual(['علی', 'اکبر', 'کریمی']);
  });
});

describe('handover commands', () => {
  it('moves the counters with a handover and back with its void', async () => {
    const db = freshDb();
    const card = createCard();
    await upsertCards(db, [card, createCard()]);
    const handover = await recordHandover(
      db,
      holderInput(card.cardId, card.nationalCode),
      context(),
    );
    expect(await readCounters(db, '1405-09-04')).toMatchObject({
      ready: 1,
      handedOver: 1,
      handoversToday: 1,
    });
    await voidHandover(db, { handoverEventId: handover.eventId, reason: 'اشتباه' }, context());
    expect(await readCounters(db, '1405-09-04')).toMatchObject({
      ready: 2,
      handedOver: 0,
      handoversToday: 0,
    });
    expect(await recountStatuses(db)).toMatchObject({ ready: 2, handed_over: 0 });
  });

  it.each([
    ['revoked', 'card-revoked'],
    ['returned', 'card-returned'],
    ['handed_over', 'card-handed-over'],
  ] as const)('refuses a %s card and writes nothing', async (status, refusal) => {
    const db = freshDb();
    const card = createCard({ status });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, holderInput(card.cardId, card.nationalCode), context()),
    ).rejects.toMatchObject({ refusal });
    expect(await db.events.count()).toBe(0);
    expect((await db.cards.get(card.cardId))?.status).toBe(status);
  });

  it.each([
    [
      'a recipient code that is not the holder’s',
      { recipient: { kind: 'holder' as const, nationalCode: '1234567891', fullName: '' } },
      'recipient-not-holder',
    ],
    [
      'an invalid recipient code',
      { recipient: { kind: 'holder' as const, nationalCode: '1234567890', fullName: '' } },
      'recipient-code-invalid',
    ],
    [
      'an unticked check',
      { checks: { ...ALL_CHECKS, biometricConfirmed: false } },
      'checks-incomplete',
    ],
    [
      'a proxy where proxies are not allowed',
      {
        recipient: {
          kind: 'proxy' as const,
          nationalCode: '1234567891',
          fullName: 'ن',
          relation: 'پدر',
          documentRef: 'D1',
        },
      },
      'proxy-not-allowed',
    ],
    [
      'a proxy without a document',
      {
        proxyAllowed: true,
        recipient: {
          kind: 'proxy' as const,
          nationalCode: '1234567891',
          fullName: 'ن',
          relation: 'پدر',
          documentRef: ' ',
        },
      },
      'proxy-details-missing',
    ],
  ])('refuses %s', async (_name, change, refusal) => {
    const db = freshDb();
    const card = createCard({ nationalCode: '0012345679' });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, { ...holderInput(card.cardId, card.nationalCode), ...change }, context()),
    ).rejects.toMatchObject({ refusal });
    expect(await db.events.count()).toBe(0);
  });

  it('refuses to void a handover twice', async () => {
    const db = freshDb();
    const card = createCard();
    await upsertCards(db, [card]);
    const handover = await recordHandover(
      db,
      holderInput(card.cardId, card.nationalCode),
      context(),
    );
    await voidHandover(db, { handoverEventId: handover.eventId, reason: 'اشتباه' }, context());
    await expect(
      voidHandover(db, { handoverEventId: handover.eventId, reason: 'باز' }, context()),
    ).rejects.toMatchObject({
      refusal: 'handover-already-voided',
    });
  });
});

describe('outbox', () => {
  it('sends oldest first, keeps refused events and returns unanswered ones to pending', async () => {
    const db = freshDb();
    const cards = [createCard(), createCard(), createCard()];
    await upsertCards(db, cards);
    for (const card of cards)
      await recordHandover(db, holderInput(card.cardId, card.nationalCode), context());
    const batch = await claimPendingBatch(db, 2);
    expect(batch.map((record) => record.cardId)).toEqual([cards[0]!.cardId, cards[1]!.cardId]);
    await applyPushResults(db, [{ eventId: batch[0]!.eventId, status: 'accepted' }]);
    await releaseUnanswered(
      db,
      batch.map((record) => record.eventId),
    );
    const states = (await db.events.orderBy('seq').toArray()).map((record) => record.syncState);
    expect(states).toEqual(['synced', 'pending', 'pending']);
    // An answer for an event no request carries now changes nothing.
    await applyPushResults(db, [
      { eventId: batch[1]!.eventId, status: 'conflict', reason: 'already handed over' },
    ]);
    expect(await outboxSummary(db)).toMatchObject({ pending: 2, needsAttention: 0 });
    await claimPendingBatch(db, 1);
    await applyPushResults(db, [
      { eventId: batch[1]!.eventId, status: 'conflict', reason: 'already handed over' },
      { eventId: batch[0]!.eventId, status: 'rejected', reason: 'a settled event is not reopened' },
    ]);
    expect(await outboxSummary(db)).toMatchObject({
      pending: 1,
      needsAttention: 1,
      oldestPendingAtMs: NOW.getTime(),
    });
    expect((await db.events.orderBy('seq').toArray()).map((record) => record.syncState)).toEqual([
      'synced',
      'conflict',
      'pending',
    ]);
  });
});

describe('searchCards', () => {
  it.each([['8-digit code with lost leading zeros', '12345679', 'national-code-or-prefix']])(
    'pads a %s',
    async () => {
      const db = freshDb();
      await upsertCards(db, [createCard({ nationalCode: '0012345679' })]);
      const outcome = await searchCards(db, '12345679');
      expect(outcome.cards.map((card) => card.nationalCode)).toEqual(['0012345679']);
    },
  );

  it('finds a card by tracking code and by card id', async () => {
    const db = freshDb();
    const card = createCard({ trackingCode: '140309221234567', cardId: 'C-0042001' });
    await upsertCards(db, [card, createCard()]);
    expect((await searchCards(db, '۱۴۰۳۰۹۲۲۱۲۳۴۵۶۷')).cards.map((found) => found.cardId)).toEqual([
      'C-0042001',
    ]);
    expect((await searchCards(db, 'c-0042001')).cards.map((found) => found.cardId)).toEqual([
      'C-0042001',
    ]);
    expect((await searchCards(db, 'C0042001')).cards.map((found) => found.cardId)).toEqual([
      'C-0042001',
    ]);
  });

  it.each(['1', '12', '۱۲۳'])(
    'asks for more digits before listing cards for the code prefix %s',
    async (query) => {
      const db = freshDb();
      await upsertCards(db, [createCard({ nationalCode: '1234567891' })]);
      expect(await searchCards(db, query)).toEqual({ kind: 'keep-typing', cards: [] });
      expect((await searchCards(db, '1234')).cards.map((card) => card.nationalCode)).toEqual([
        '1234567891',
      ]);
    },
  );

  it('reports the problem with a complete but invalid national code', async () => {
    const db = freshDb();
    expect(await searchCards(db, '1230000003')).toEqual({
      kind: 'invalid-national-code',
      problem: 'zero-middle',
      cards: [],
    });
  });

  it('returns each card once even when several of its words match', async () => {
    const db = freshDb();
    await upsertCards(db, [
      createCard({ firstName: 'محمد', lastName: 'محمدی', fatherName: 'محمود' }),
    ]);
    expect((await searchCards(db, 'مح')).cards).toHaveLength(1);
  });
});
