// The name search reads one index range (one word: the word index; more: the pair index) and
// reads further when a full read yields too few matches. It must agree with a plain scan.
import { beforeAll, describe, expect, it } from 'vitest';
import { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { searchCards } from './queries.ts';
import { nameTokens, searchTokens, wordsMatchName } from '../domain/persian-text.ts';
import { createCard } from '../../tests/factories/cards.ts';

const FIRST = ['محمد', 'محمدرضا', 'مریم', 'زهرا', 'زهره', 'علی', 'علیرضا', 'فاطمه'];
const LAST = ['محمدی', 'مرادی', 'زمانی', 'علوی', 'کریمی', 'کاظمی', 'حسین‌زاده', 'محمدزاده'];

const db = new TahvilDatabase('name-search-oracle');
const cards = Array.from({ length: 240 }, (_, i) =>
  createCard({
    firstName: FIRST[(i * 7) % FIRST.length]!,
    lastName: LAST[(i * 5 + (i >> 3)) % LAST.length]!,
    fatherName: FIRST[(i * 3) % FIRST.length]!,
  }),
);

beforeAll(async () => {
  await upsertCards(db, cards);
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
    const outcome = await searchCards(db, query, 1000);
    expect(outcome.cards.map((card) => card.cardId).sort()).toEqual(scan(query));
  });

  it.each(QUERIES.flatMap((query) => [1, 7, 50].map((limit) => [query, limit] as const)))(
    '%s stops at %i matching cards',
    async (query, limit) => {
      const ids = (await searchCards(db, query, limit)).cards.map((card) => card.cardId);
      expect(ids).toHaveLength(Math.min(limit, scan(query).length));
      expect(ids.every((id) => scan(query).includes(id))).toBe(true);
    },
  );
});
