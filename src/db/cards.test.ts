import { describe, expect, it } from 'vitest';
import { toStoredCard, upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { recordHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch } from './outbox.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';
import { nameSearchKeys, nameWords } from '../domain/persian-text.ts';

describe('upsertCards', () => {
  it('keeps status counters equal to a recount through inserts, updates and stale versions', async () => {
    const db = await createTestDatabase();
    const cards = [createCard(), createCard(), createCard({ status: 'revoked' })];
    await upsertCards(db, cards);
    const newer = { ...cards[0]!, status: 'returned' as const, version: cards[0]!.version + 100 };
    const stale = { ...cards[1]!, status: 'revoked' as const, version: cards[1]!.version - 1 };
    const summary = await upsertCards(db, [newer, stale]);
    expect(summary).toEqual({ written: 1, unchanged: 1, keptLocal: 0 });
    const counters = await readCounters(db, TEST_DAY_KEY);
    expect(await recountStatuses(db)).toEqual({
      ready: 1,
      handed_over: 0,
      revoked: 1,
      returned: 1,
    });
    expect(counters).toMatchObject({ ready: 1, revoked: 1, returned: 1, handedOver: 0 });
  });

  it('reads stored copies by id when updates are scattered over a wider id range', async () => {
    const db = await createTestDatabase();
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
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({
      ready: 4,
      revoked: 1,
      returned: 1,
    });
  });

  it('does not overwrite a card whose local handover the registry has not answered', async () => {
    const db = await createTestDatabase();
    const card = createCard();
    await upsertCards(db, [card]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    const summary = await upsertCards(db, [
      { ...card, status: 'ready', version: card.version + 10 },
    ]);
    expect(summary.keptLocal).toBe(1);
    expect((await db.cards.get(card.cardId))?.status).toBe('handed_over');
  });

  it('keeps local handovers when the outbox holds more unsent events than the pulled chunk has cards', async () => {
    const db = await createTestDatabase();
    const cards = [createCard(), createCard(), createCard(), createCard()];
    await upsertCards(db, cards);
    for (const card of cards.slice(0, 3))
      await recordHandover(db, holderHandover(card), testCommandContext());
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
    const db = await createTestDatabase();
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
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({ ready: 1, handedOver: 0 });
    expect(await upsertCards(db, [readyAgain, handedOver])).toEqual({
      written: 0,
      unchanged: 2,
      keptLocal: 0,
    });
  });

  it('stores folded name tokens so either spelling finds the card', async () => {
    const db = await createTestDatabase();
    await upsertCards(db, [
      createCard({ firstName: 'علي‌اكبر', lastName: 'كريمي', fatherName: 'علی' }),
    ]);
    expect(nameWords((await db.cards.toArray())[0]!.nameKeys)).toEqual([
      'علی',
      'اکبر',
      'علیاکبر',
      'کریمی',
    ]);
  });
});

describe('toStoredCard', () => {
  it('keeps the registry’s card as it is and adds the folded search keys', () => {
    const card = createCard({ firstName: 'محمد\u200cرضا', lastName: 'كريمي' });
    const stored = toStoredCard(card);
    expect(stored).toMatchObject(card);
    expect(stored.firstName).toBe('محمد\u200cرضا');
    expect(stored.nameKeys).toEqual(nameSearchKeys(['محمد', 'رضا', 'محمدرضا', 'کریمی']));
    expect(nameWords(stored.nameKeys)).toEqual(['محمد', 'رضا', 'محمدرضا', 'کریمی']);
  });
});

describe('upsertCards against the registry', () => {
  it('takes any version when told the registry started its versions again', async () => {
    const card = createCard({ version: 50 });
    const db = await createTestDatabase([card]);
    const replaced = { ...card, status: 'returned' as const, version: 1 };
    expect(await upsertCards(db, [replaced])).toMatchObject({ written: 0, unchanged: 1 });
    expect(await upsertCards(db, [replaced], { anyVersion: true })).toMatchObject({ written: 1 });
    expect(await db.cards.get(card.cardId)).toMatchObject({ status: 'returned', version: 1 });
    expect(await recountStatuses(db)).toMatchObject({ ready: 0, returned: 1 });
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({ ready: 0, returned: 1 });
  });

  it('puts the registry’s copy back over a refused local handover of the same version', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId: handover.eventId, status: 'rejected', reason: 'no' }]);
    expect(await upsertCards(db, [card])).toEqual({ written: 1, unchanged: 0, keptLocal: 0 });
    expect(await db.cards.get(card.cardId)).toMatchObject({ status: 'ready', handover: null });
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({ ready: 1, handedOver: 0 });
  });

  it('writes nothing for an empty page', async () => {
    const db = await createTestDatabase();
    expect(await upsertCards(db, [])).toEqual({ written: 0, unchanged: 0, keptLocal: 0 });
    expect(await db.counters.count()).toBe(0);
  });
});
