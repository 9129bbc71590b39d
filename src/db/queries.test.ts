import { beforeAll, describe, expect, it } from 'vitest';
import type { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { cardHistory, getCard, searchCards } from './queries.ts';
import { recordHandover, voidHandover } from './handovers.ts';
import { nameTokens, searchTokens, wordsMatchName } from '../domain/persian-text.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';

describe('searchCards', () => {
  it.each([['8-digit code with lost leading zeros', '12345679', 'national-code-or-prefix']])(
    'pads a %s',
    async () => {
      const db = await createTestDatabase();
      await upsertCards(db, [createCard({ nationalCode: '0012345679' })]);
      const outcome = await searchCards(db, '12345679');
      expect(outcome.cards.map((card) => card.nationalCode)).toEqual(['0012345679']);
    },
  );

  it('finds a card by tracking code and by card id', async () => {
    const db = await createTestDatabase();
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
      const db = await createTestDatabase();
      await upsertCards(db, [createCard({ nationalCode: '1234567891' })]);
      expect(await searchCards(db, query)).toEqual({ kind: 'keep-typing', cards: [] });
      expect((await searchCards(db, '1234')).cards.map((card) => card.nationalCode)).toEqual([
        '1234567891',
      ]);
    },
  );

  it('reports the problem with a complete but invalid national code', async () => {
    const db = await createTestDatabase();
    expect(await searchCards(db, '1230000003')).toEqual({
      kind: 'invalid-national-code',
      problem: 'zero-middle',
      cards: [],
    });
  });

  it('returns each card once even when several of its words match', async () => {
    const db = await createTestDatabase();
    await upsertCards(db, [
      createCard({ firstName: 'محمد', lastName: 'محمدی', fatherName: 'محمود' }),
    ]);
    expect((await searchCards(db, 'مح')).cards).toHaveLength(1);
  });
});

describe('searchCards by kind of query', () => {
  it.each(['', '   ', '-'])('finds nothing for the empty query %j', async (query) => {
    const db = await createTestDatabase([createCard()]);
    expect(await searchCards(db, query)).toEqual({ kind: 'empty', cards: [] });
  });

  it('finds a card by its whole national code, in any digits', async () => {
    const card = createCard({ nationalCode: '0012345679' });
    const db = await createTestDatabase([card, createCard()]);
    expect(await searchCards(db, '۰۰۱۲۳۴۵۶۷۹')).toMatchObject({
      kind: 'national-code',
      code: '0012345679',
      cards: [{ cardId: card.cardId }],
    });
  });

  it('reads more than ten digits as the start of a tracking code', async () => {
    const card = createCard({ trackingCode: '140309221234567' });
    const db = await createTestDatabase([card, createCard()]);
    expect(await searchCards(db, '14030922123')).toMatchObject({
      kind: 'tracking-code',
      cards: [{ cardId: card.cardId }],
    });
  });

  it('lists cards whose id starts with a partial card id', async () => {
    const db = await createTestDatabase([
      createCard({ cardId: 'C-0042001' }),
      createCard({ cardId: 'C-0042002' }),
      createCard({ cardId: 'C-0043001' }),
    ]);
    const outcome = await searchCards(db, 'c-0042');
    expect(outcome.kind).toBe('card-id');
    expect(outcome.cards.map((card) => card.cardId)).toEqual(['C-0042001', 'C-0042002']);
  });

  it('stops at the limit', async () => {
    const db = await createTestDatabase(Array.from({ length: 5 }, () => createCard()));
    expect((await searchCards(db, 'زهرا', 3)).cards).toHaveLength(3);
  });
});

describe('getCard and cardHistory', () => {
  it('reads a card by id, and nothing for an id not held', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    expect(await getCard(db, card.cardId)).toMatchObject(card);
    expect(await getCard(db, 'C-9999999')).toBeUndefined();
  });

  it('lists every event recorded here for a card, oldest first', async () => {
    const [card, other] = [createCard(), createCard()];
    const db = await createTestDatabase([card, other]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    await recordHandover(db, holderHandover(other), testCommandContext());
    const undo = await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: 'اشتباه' },
      testCommandContext(),
    );
    expect((await cardHistory(db, card.cardId)).map((record) => record.eventId)).toEqual([
      handover.eventId,
      undo.eventId,
    ]);
    expect(await cardHistory(db, 'C-9999999')).toEqual([]);
  });
});

// The name search reads one index range (one word: the word index; more: the pair index) and
// reads further when a full read yields too few matches. It must agree with a plain scan.
const FIRST = ['محمد', 'محمدرضا', 'مریم', 'زهرا', 'زهره', 'علی', 'علیرضا', 'فاطمه'];
const LAST = ['محمدی', 'مرادی', 'زمانی', 'علوی', 'کریمی', 'کاظمی', 'حسین‌زاده', 'محمدزاده'];

let oracleDb: TahvilDatabase;
const cards = Array.from({ length: 240 }, (_, i) =>
  createCard({
    firstName: FIRST[(i * 7) % FIRST.length]!,
    lastName: LAST[(i * 5 + (i >> 3)) % LAST.length]!,
    fatherName: FIRST[(i * 3) % FIRST.length]!,
  }),
);

beforeAll(async () => {
  oracleDb = await createTestDatabase(cards);
});

function scan(query: string): string[] {
  const words = searchTokens(query);
  return cards
    .filter((card) => wordsMatchName(words, nameTokens(card.firstName, card.lastName)))
    .map((card) => card.cardId)
    .sort();
}

const QUERIES = [
  'م',
  'مح',
  'محمد',
  'زهر',
  'ز م',
  'محمد زاده',
  'علی کاظ',
  'مر مح',
  'کریمی زهرا',
  'فاطمه حسین',
  'حس',
  'زاده حسین م',
  'محمد محمد',
  'ناشناس',
];

describe('name search agrees with a plain scan', () => {
  it.each(QUERIES)('%s finds every matching card', async (query) => {
    const outcome = await searchCards(oracleDb, query, 1000);
    expect(outcome.cards.map((card) => card.cardId).sort()).toEqual(scan(query));
  });

  it.each(QUERIES.flatMap((query) => [1, 7, 50].map((limit) => [query, limit] as const)))(
    '%s stops at %i matching cards',
    async (query, limit) => {
      const ids = (await searchCards(oracleDb, query, limit)).cards.map((card) => card.cardId);
      expect(ids).toHaveLength(Math.min(limit, scan(query).length));
      expect(ids.every((id) => scan(query).includes(id))).toBe(true);
    },
  );
});
