// The name search takes three paths (one word; several words with exact key lists; words too
// common to narrow by). Each must return exactly what a plain scan of the inventory would.
import { beforeAll, describe, expect, it } from 'vitest';
import { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { searchCards } from './queries.ts';
import { searchTokens } from '../domain/persian-text.ts';
import { createCard } from '../../tests/factories/cards.ts';

const FIRST = ['محمد', 'محمدرضا', 'مریم', 'زهرا', 'زهره', 'علی', 'علیرضا', 'فاطمه'];
const LAST = ['محمدی', 'مرادی', 'زمانی', 'علوی', 'کریمی', 'کاظمی', 'حسین‌زاده', 'محمدزاده'];

const db = new TahvilDatabase('name-search-oracle');
const cards = Array.from({ length: 240 }, (_, i) =>
  createCard({ firstName: FIRST[(i * 7) % FIRST.length]!, lastName: LAST[(i * 5 + (i >> 3)) % LAST.length]!, fatherName: FIRST[(i * 3) % FIRST.length]! }),
);

beforeAll(async () => {
  await upsertCards(db, cards);
});

function scan(query: string): string[] {
  const words = searchTokens(query);
  return cards
    .filter((card) => {
      const cardWords = searchTokens(`${card.firstName} ${card.lastName} ${card.fatherName}`);
      return words.every((word) => cardWords.some((cardWord) => cardWord.startsWith(word)));
    })
    .map((card) => card.cardId)
    .sort();
}

const QUERIES = ['م', 'مح', 'محمد', 'زهر', 'ز م', 'محمد زاده', 'علی کاظ', 'مر مح', 'کریمی زهرا', 'فاطمه حسین', 'حس', 'ناشناس'];

describe('name search agrees with a plain scan', () => {
  it.each(QUERIES.flatMap((query) => [1, 3, 40, 5000].map((candidateLimit) => [query, candidateLimit] as const)))(
    '%s with a candidate limit of %i',
    async (query, candidateLimit) => {
      const expected = scan(query);
      const outcome = await searchCards(db, query, 1000, candidateLimit);
      expect(outcome.cards.map((card) => card.cardId).sort()).toEqual(expected);
    },
  );

  it.each([1, 5, 50])('stops at %i results with each card once', async (limit) => {
    const outcome = await searchCards(db, 'م', limit);
    const ids = outcome.cards.map((card) => card.cardId);
    expect(ids).toHaveLength(Math.min(limit, scan('م').length));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
