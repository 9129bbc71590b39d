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

describe('searchCards forgives the keyboard layout and a dropped ZWNJ', () => {
  const ids = (outcome: { cards: Array<{ cardId: string }> }) =>
    outcome.cards.map((card) => card.cardId);

  it('searches Latin letters that find nothing as the Persian the same keys type, and says so', async () => {
    const salam = createCard({ cardId: 'C-0000101', firstName: 'سلام', lastName: 'رحیمی' });
    const db = await createTestDatabase([salam, createCard({ firstName: 'زهرا' })]);
    expect(await searchCards(db, 'sghl')).toEqual({
      kind: 'name',
      cards: [expect.objectContaining({ cardId: 'C-0000101' })],
      searchedAs: 'سلام',
    });
    expect(ids(await searchCards(db, 'sghl vpd'))).toEqual(['C-0000101']);
  });

  it('tries the text as typed first: a Latin name that is held is found without conversion', async () => {
    const latin = createCard({ cardId: 'C-0000102', firstName: 'sghl', lastName: 'Doe' });
    const db = await createTestDatabase([latin, createCard({ firstName: 'سلام' })]);
    const outcome = await searchCards(db, 'sghl');
    expect(ids(outcome)).toEqual(['C-0000102']);
    expect(outcome).not.toHaveProperty('searchedAs');
  });

  it('reports what it tried when neither the Latin nor the Persian text finds a card', async () => {
    const db = await createTestDatabase([createCard({ firstName: 'سلام' })]);
    expect(await searchCards(db, 'zahra')).toEqual({
      kind: 'name',
      cards: [],
      searchedAs: 'ظشاقش',
    });
  });

  it.each(['C-0009999', 'زهرا zahra', 'ناشناس'])(
    'does not convert %s, which is no Latin-layout slip',
    async (query) => {
      const db = await createTestDatabase([createCard({ firstName: 'ظشاقش' })]);
      const outcome = await searchCards(db, query);
      expect(outcome.cards).toEqual([]);
      expect(outcome).not.toHaveProperty('searchedAs');
    },
  );

  it.each([
    ['joined', 'پاکنژاد'],
    ['with its ZWNJ', 'پاک\u200cنژاد'],
    ['as two words', 'پاک نژاد'],
    ['by its second piece', 'نژاد'],
    ['by a prefix of the joined word', 'مریم پاکن'],
  ])('finds a name written with ZWNJ when it is typed %s', async (_name, query) => {
    const card = createCard({ cardId: 'C-0000103', firstName: 'مریم', lastName: 'پاک\u200cنژاد' });
    const db = await createTestDatabase([card, createCard({ lastName: 'پاکزاد' })]);
    expect(ids(await searchCards(db, query))).toEqual(['C-0000103']);
  });

  it.each([
    ['joined', 'پاکنژاد'],
    ['with a ZWNJ', 'پاک\u200cنژاد'],
    ['as two words', 'پاک نژاد'],
    ['with the first name', 'مریم پاک نژاد'],
  ])('finds a name stored without its ZWNJ when it is typed %s', async (_name, query) => {
    const card = createCard({ cardId: 'C-0000104', firstName: 'مریم', lastName: 'پاکنژاد' });
    const db = await createTestDatabase([card, createCard({ lastName: 'پاکزاد' })]);
    expect(ids(await searchCards(db, query))).toEqual(['C-0000104']);
  });

  it('finds a joined name typed on the English layout, ZWNJ from shift-B', async () => {
    const card = createCard({ cardId: 'C-0000105', firstName: 'مریم', lastName: 'پاک\u200cنژاد' });
    const db = await createTestDatabase([card]);
    const outcome = await searchCards(db, 'mh;BkChn');
    expect(ids(outcome)).toEqual(['C-0000105']);
    expect(outcome).toMatchObject({ searchedAs: 'پاک\u200cنژاد' });
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

// The name search reads one index range (one word: its words; more: its pair keys), or the
// ranges of the buckets that start with a smaller word shorter than a bucket, and reads further
// when a full read yields too few matches. It must agree with a plain scan.
const FIRST = ['محمد', 'محمدرضا', 'مریم', 'زهرا', 'زهره', 'علی', 'علیرضا', 'فاطمه'];
const LAST = ['محمدی', 'مرادی', 'زمانی', 'علوی', 'کریمی', 'کاظمی', 'حسین‌زاده', 'محمدزاده'];

// Words shorter than a bucket, whose buckets a longer one extends («مه», then «مهد»).
const SHORT_WORDED: Array<[string, string]> = [
  ['مه', 'کریمی'],
  ['مهدی', 'کریمی'],
  ['م', 'کاظمی'],
  ['گل', 'زمانی'],
  ['مه', 'مرادی'],
];

let oracleDb: TahvilDatabase;
const cards = [
  ...Array.from({ length: 240 }, (_, i) =>
    createCard({
      firstName: FIRST[(i * 7) % FIRST.length]!,
      lastName: LAST[(i * 5 + (i >> 3)) % LAST.length]!,
      fatherName: FIRST[(i * 3) % FIRST.length]!,
    }),
  ),
  ...SHORT_WORDED.map(([firstName, lastName]) => createCard({ firstName, lastName })),
];

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
  'علی ک',
  'کریمی ز',
  'م محمد',
  'کریمی م',
  'علوی ز',
  'ز زهره',
  'زه محمد',
  'مح کری',
  'زم علیر',
  'ع محمد',
  'ح زاده',
  'محم کریمی',
  'محمد کاظمی',
  'مه کر',
  'م ک',
  'گ ز',
  'مه مر',
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
