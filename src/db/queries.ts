// Read paths of the counter. Every lookup goes through an index (codes, card id, folded name
// tokens); nothing scans the inventory, so a search stays fast at 100,000 cards.
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord, StoredCard } from './records.ts';
import {
  cleanCodeInput,
  parseNationalCode,
  type NationalCodeProblem,
} from '../domain/national-code.ts';
import {
  joinedNeighbourVariants,
  namePairSearch,
  nameWords,
  pairBuckets,
  searchTokens,
  tidyDisplayText,
  wordsMatchName,
} from '../domain/persian-text.ts';
import { persianFromLatinLayout } from '../domain/keyboard-layout.ts';
import { toAsciiDigits } from '../domain/digits.ts';

export const SEARCH_RESULT_LIMIT = 50;
/** A shorter code prefix matches thousands of cards: a list of fifty of them helps nobody. */
export const MIN_CODE_PREFIX_DIGITS = 4;

export type SearchOutcome =
  | { kind: 'empty'; cards: [] }
  | { kind: 'keep-typing'; cards: [] }
  | { kind: 'national-code'; code: string; cards: StoredCard[] }
  | { kind: 'invalid-national-code'; problem: NationalCodeProblem; cards: [] }
  | { kind: 'code-prefix'; cards: StoredCard[] }
  | { kind: 'tracking-code'; cards: StoredCard[] }
  | { kind: 'card-id'; cards: StoredCard[] }
  /**
   * `searchedAs`: the query was Latin letters that found nothing as typed, and was searched
   * again as the Persian the same keys give on the Persian layout; `cards` are what that found.
   */
  | { kind: 'name'; cards: StoredCard[]; searchedAs?: string };

// Card ids as printed and scanned: `C-0001842`, sometimes read without the dash.
const CARD_ID_PATTERN = /^([A-Z]{1,3})-?(\d+)$/;

function uniqueByCardId(cards: StoredCard[]): StoredCard[] {
  const seen = new Set<string>();
  return cards.filter((card) => !seen.has(card.cardId) && seen.add(card.cardId));
}

async function searchDigits(
  db: TahvilDatabase,
  digits: string,
  limit: number,
): Promise<SearchOutcome> {
  if (digits.length === 10) {
    const parsed = parseNationalCode(digits);
    if (!parsed.ok) return { kind: 'invalid-national-code', problem: parsed.problem, cards: [] };
    return {
      kind: 'national-code',
      code: parsed.code,
      cards: await db.cards.where('nationalCode').equals(parsed.code).limit(limit).toArray(),
    };
  }
  if (digits.length > 10) {
    return {
      kind: 'tracking-code',
      cards: await db.cards.where('trackingCode').startsWith(digits).limit(limit).toArray(),
    };
  }
  if (digits.length < MIN_CODE_PREFIX_DIGITS) return { kind: 'keep-typing', cards: [] };
  // Fewer than ten digits: the clerk may still be typing a code, or a spreadsheet dropped its
  // leading zeros. Prefixes of both codes match; a padded 8–9 digit code matches exactly.
  const padded = digits.length >= 8 ? parseNationalCode(digits) : null;
  const [byNational, byTracking, byPadded] = await Promise.all([
    db.cards.where('nationalCode').startsWith(digits).limit(limit).toArray(),
    db.cards.where('trackingCode').startsWith(digits).limit(limit).toArray(),
    padded?.ok ? db.cards.where('nationalCode').equals(padded.code).toArray() : Promise.resolve([]),
  ]);
  const cards = uniqueByCardId([...byPadded, ...byNational, ...byTracking]).slice(0, limit);
  if (cards.length === 0 && padded && !padded.ok)
    return { kind: 'invalid-national-code', problem: padded.problem, cards: [] };
  return { kind: 'code-prefix', cards };
}

const FIRST_READ_FACTOR = 2;
const READ_GROWTH = 4;
/** A further read asks for this many times the rows the share that matched says it needs. */
const READ_SPARE = 1.25;

/**
 * How many rows to read next from a range where `matched` of the `read` rows read so far
 * matched: enough, at that share and with READ_SPARE to spare, for the `missing` matches, and at
 * least the growth step when none matched (a share too small to measure).
 */
function nextRead(read: number, matched: number, missing: number): number {
  if (matched === 0) return read * READ_GROWTH;
  return read + Math.ceil(((missing * read) / matched) * READ_SPARE);
}

/**
 * Reads cards from a range of the name index with getAll (one request, not a cursor step per
 * card), keeps those whose name matches every word, and reads further only when the first
 * read was full and too few matched: as many more as the share that matched says it needs
 * (a read starts at the range's start again, since getAll cannot start inside a key's cards).
 */
async function readMatching(
  db: TahvilDatabase,
  prefix: string,
  words: readonly string[],
  limit: number,
): Promise<StoredCard[]> {
  for (let read = limit * FIRST_READ_FACTOR; ;) {
    const rows = await db.cards.where('nameKeys').startsWith(prefix).limit(read).toArray();
    const seen = new Set<string>();
    const found: StoredCard[] = [];
    for (const card of rows) {
      if (seen.has(card.cardId) || !wordsMatchName(words, nameWords(card.nameKeys))) continue;
      seen.add(card.cardId);
      found.push(card);
      if (found.length === limit) return found;
    }
    if (rows.length < read) return found;
    read = nextRead(read, found.length, limit - found.length);
  }
}

/**
 * Reads the cards of a range of the name index when being in the range is the whole match (one
 * word, or two whose smaller fills its bucket exactly: namePairSearch's `exact`): the range's
 * primary keys alone (no card is read to be dropped), each card once, then exactly the cards
 * shown.
 */
async function readRange(db: TahvilDatabase, prefix: string, limit: number): Promise<StoredCard[]> {
  for (let read = limit * FIRST_READ_FACTOR; ; read *= READ_GROWTH) {
    const keys = (await db.cards
      .where('nameKeys')
      .startsWith(prefix)
      .limit(read)
      .primaryKeys()) as string[];
    const ids = [...new Set(keys)].slice(0, limit);
    if (ids.length === limit || keys.length < read) return readShown(db, ids);
  }
}

/** Reads the cards of a list of ids, leaving out one removed meanwhile (a pull replacing the inventory). */
async function readShown(db: TahvilDatabase, ids: readonly string[]): Promise<StoredCard[]> {
  const cards = await db.cards.bulkGet([...ids]);
  return cards.filter((card): card is StoredCard => card !== undefined);
}

/**
 * Two words, the smaller shorter than a bucket («کریمی م», «زه محمدی»): a key cursor walks the
 * buckets that start with it, one step a bucket, and each bucket's range of the greater word is
 * read for its primary keys alone in the same transaction; being in any of them is the whole
 * match. Buckets come in order, and the walk stops once they hold a screenful of cards.
 */
async function readPairBuckets(
  db: TahvilDatabase,
  smaller: string,
  greater: string,
  limit: number,
): Promise<StoredCard[]> {
  await db.open();
  const index = db
    .backendDB()
    .transaction('cards', 'readonly')
    .objectStore('cards')
    .index('nameKeys');
  const ids = await new Promise<Set<string>>((resolve, reject) => {
    const found = new Set<string>();
    const failed = (request: IDBRequest) => () =>
      reject(request.error ?? new Error('the name index could not be read'));
    const [lower, upper] = pairBuckets.startingWith(smaller);
    const walk = index.openKeyCursor(IDBKeyRange.bound(lower, upper));
    walk.onerror = failed(walk);
    walk.onsuccess = () => {
      // Requests of a transaction answer in order: every bucket read so far has answered.
      const at = walk.result;
      if (!at || found.size >= limit) {
        resolve(found);
        return;
      }
      const bucket = pairBuckets.bucketOf(String(at.key));
      const prefix = pairBuckets.withGreater(bucket, greater);
      const read = index.getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`), limit);
      read.onerror = failed(read);
      read.onsuccess = () => {
        for (const id of read.result) found.add(String(id));
      };
      at.continue(pairBuckets.after(bucket));
    };
  });
  return readShown(db, [...ids].slice(0, limit));
}

function searchName(db: TahvilDatabase, words: string[], limit: number): Promise<StoredCard[]> {
  // Each typed word must start a different word of the name, so repeats are kept.
  const [anchor, other] = [...words].sort((a, b) => b.length - a.length);
  if (!other) return readRange(db, anchor!, limit);
  // Two words narrow the pair keys to one range, or to a few buckets' ranges; further words,
  // and the rest of the words beyond what the key holds, are checked on the candidates.
  const pairs = namePairSearch(anchor!, other);
  if (pairs?.kind === 'range') {
    if (pairs.exact && words.length === 2) return readRange(db, pairs.prefix, limit);
    return readMatching(db, pairs.prefix, words, limit);
  }
  if (pairs?.kind === 'buckets' && words.length === 2)
    return readPairBuckets(db, pairs.smaller, pairs.greater, limit);
  // One typed word starts the other and is shorter than a bucket («م محمد»), or more words: the
  // longer word's own range, each candidate checked.
  return readMatching(db, anchor!, words, limit);
}

/** Beyond this many words a query is not a name typed at the counter: no joined retries. */
const MAX_WORDS_TO_JOIN = 4;

/**
 * A name search that forgives a ZWNJ typed as a space where the card holds the word joined
 * (decision 025): only when the words as typed find nothing, each pair of neighbours is tried
 * joined, so a query that finds cards costs no extra read.
 */
async function searchNameForgiving(
  db: TahvilDatabase,
  words: string[],
  limit: number,
): Promise<StoredCard[]> {
  const found = await searchName(db, words, limit);
  if (found.length > 0 || words.length > MAX_WORDS_TO_JOIN) return found;
  for (const variant of joinedNeighbourVariants(words)) {
    const joined = await searchName(db, variant, limit);
    if (joined.length > 0) return joined;
  }
  return found;
}

/** One box for every way a card is asked for: national code, tracking code, card id or name. */
export async function searchCards(
  db: TahvilDatabase,
  query: string,
  limit = SEARCH_RESULT_LIMIT,
): Promise<SearchOutcome> {
  const cleaned = cleanCodeInput(query);
  if (cleaned === '') return { kind: 'empty', cards: [] };
  if (/^\d+$/.test(cleaned)) return searchDigits(db, cleaned, limit);
  const cardIdMatch = CARD_ID_PATTERN.exec(toAsciiDigits(query).trim().toUpperCase());
  if (cardIdMatch) {
    const cardId = `${cardIdMatch[1]}-${cardIdMatch[2]}`;
    const exact = await db.cards.get(cardId);
    if (exact) return { kind: 'card-id', cards: [exact] };
    const byPrefix = await db.cards.where('cardId').startsWith(cardId).limit(limit).toArray();
    if (byPrefix.length > 0) return { kind: 'card-id', cards: byPrefix };
  }
  const tokens = searchTokens(query);
  if (tokens.length === 0) return { kind: 'empty', cards: [] };
  const cards = await searchNameForgiving(db, tokens, limit);
  if (cards.length > 0) return { kind: 'name', cards };
  // Latin letters that found nothing: the keyboard may have been left in English.
  const persian = persianFromLatinLayout(query);
  if (persian === null) return { kind: 'name', cards };
  const persianTokens = searchTokens(persian);
  return {
    kind: 'name',
    cards: persianTokens.length > 0 ? await searchNameForgiving(db, persianTokens, limit) : [],
    searchedAs: tidyDisplayText(persian),
  };
}

export function getCard(db: TahvilDatabase, cardId: string): Promise<StoredCard | undefined> {
  return db.cards.get(cardId);
}

/** Every event recorded here for a card, oldest first. */
export function cardHistory(db: TahvilDatabase, cardId: string): Promise<OutboxRecord[]> {
  return db.events.where('cardId').equals(cardId).sortBy('seq');
}
