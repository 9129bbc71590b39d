// Step 3: name-prefix searches as a clerk types them, searchCards against a plain cursor over
// the name index, with a check that both find the same cards.
import { SEARCH_RESULT_LIMIT, searchCards } from '../../../src/db/queries.ts';
import type { StoredCard } from '../../../src/db/records.ts';
import { nameWords, searchTokens, wordsMatchName } from '../../../src/domain/persian-text.ts';
import { mulberry32, pick } from '../../../server/demo-inventory.ts';
import { baselineNameSearch } from '../baseline.ts';
import { appDb, baselineDb } from '../counter-tablet.ts';
import { BENCH_POPULATION, inventoryCards, inventorySeed } from '../inventory.ts';
import { alternately } from '../timing.ts';

const FIRST_NAMES = [...BENCH_POPULATION.maleFirstNames, ...BENCH_POPULATION.femaleFirstNames];

/** Name queries a clerk types: one word prefix, or a first-name prefix and a last-name prefix. */
function nameQueries(count: number, seed: number): string[] {
  const cards = inventoryCards();
  const random = mulberry32(seed);
  const prefix = (name: string) => [...name].slice(0, 2 + Math.floor(random() * 3)).join('');
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    if (random() < 0.6) {
      queries.push(prefix(pick(random, random() < 0.5 ? FIRST_NAMES : BENCH_POPULATION.lastNames)));
    } else {
      // Two words from a card that exists, as a clerk looking for a person would type.
      const card = pick(random, cards);
      queries.push(`${prefix(card.firstName)} ${prefix(card.lastName)}`);
    }
  }
  return queries;
}

function matchesEveryWord(card: StoredCard, query: string): boolean {
  return wordsMatchName(searchTokens(query), nameWords(card.nameKeys));
}

export async function measureNamePrefix(samples: number, warmup: number) {
  const db = appDb();
  const baseline = await baselineDb();
  const queries = nameQueries(warmup + samples, inventorySeed() + 3);
  const app: number[] = [];
  const base: number[] = [];
  const words: number[] = [];
  const perQuery: Array<{ query: string; app: number; baseline: number; results: number }> = [];
  let differing = 0;
  for (let i = 0; i < queries.length; i++) {
    const query = queries[i] as string;
    let appMs = 0;
    let baseMs = 0;
    let appIds: string[] = [];
    let appCards: StoredCard[] = [];
    let baseIds: string[] = [];
    const runApp = async () => {
      const started = performance.now();
      const outcome = await searchCards(db, query);
      appMs = performance.now() - started;
      appCards = outcome.cards;
      appIds = appCards.map((card) => card.cardId);
    };
    const runBaseline = async () => {
      const started = performance.now();
      const found = await baselineNameSearch(baseline, query, SEARCH_RESULT_LIMIT);
      baseMs = performance.now() - started;
      baseIds = found.map((card) => card.cardId);
    };
    await alternately(i, runApp, runBaseline);
    // Over 50 matches, the two may pick different cards; the count must agree, and below 50
    // the cards themselves. Every card shown must match every word.
    const sameCards =
      appIds.length === baseIds.length &&
      (appIds.length === SEARCH_RESULT_LIMIT ||
        [...appIds].sort().join() === [...baseIds].sort().join());
    if (!sameCards || appCards.some((card) => !matchesEveryWord(card, query))) differing++;
    if (i >= warmup) {
      app.push(appMs);
      base.push(baseMs);
      words.push(searchTokens(query).length);
      perQuery.push({ query, app: appMs, baseline: baseMs, results: appIds.length });
    }
  }
  perQuery.sort((a, b) => b.app - a.app);
  return { app, baseline: base, words, differing, slowest: perQuery.slice(0, 8) };
}
