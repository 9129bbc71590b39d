// Read paths of the counter. Every lookup goes through an index (codes, card id, folded name
// tokens); nothing scans the inventory, so a search stays fast at 100,000 cards.
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord, StoredCard } from './records.ts';
import { cleanCodeInput, parseNationalCode, type NationalCodeProblem } from '../domain/national-code.ts';
import { searchTokens } from '../domain/persian-text.ts';
import { toAsciiDigits } from '../domain/digits.ts';

export const SEARCH_RESULT_LIMIT = 50;

export type SearchOutcome =
  | { kind: 'empty'; cards: [] }
  | { kind: 'national-code'; code: string; cards: StoredCard[] }
  | { kind: 'invalid-national-code'; problem: NationalCodeProblem; cards: [] }
  | { kind: 'code-prefix'; cards: StoredCard[] }
  | { kind: 'tracking-code'; cards: StoredCard[] }
  | { kind: 'card-id'; cards: StoredCard[] }
  | { kind: 'name'; cards: StoredCard[] };

// Card ids as printed and scanned: `C-0001842`, sometimes read without the dash.
const CARD_ID_PATTERN = /^([A-Z]{1,3})-?(\d+)$/;

function uniqueByCardId(cards: StoredCard[]): StoredCard[] {
  const seen = new Set<string>();
  return cards.filter((card) => !seen.has(card.cardId) && seen.add(card.cardId));
}

async function searchDigits(db: TahvilDatabase, digits: string, limit: number): Promise<SearchOutcome> {
  if (digits.length === 10) {
    const parsed = parseNationalCode(digits);
    if (!parsed.ok) return { kind: 'invalid-national-code', problem: parsed.problem, cards: [] };
    return { kind: 'national-code', code: parsed.code, cards: await db.cards.where('nationalCode').equals(parsed.code).limit(limit).toArray() };
  }
  if (digits.length > 10) {
    return { kind: 'tracking-code', cards: await db.cards.where('trackingCode').startsWith(digits).limit(limit).toArray() };
  }
  // Fewer than ten digits: the clerk may still be typing a code, or a spreadsheet dropped its
  // leading zeros. Prefixes of both codes match; a padded 8–9 digit code matches exactly.
  const padded = digits.length >= 8 ? parseNationalCode(digits) : null;
  const [byNational, byTracking, byPadded] = await Promise.all([
    db.cards.where('nationalCode').startsWith(digits).limit(limit).toArray(),
    db.cards.where('trackingCode').startsWith(digits).limit(limit).toArray(),
    padded?.ok ? db.cards.where('nationalCode').equals(padded.code).toArray() : Promise.resolve([]),
  ]);
  const cards = uniqueByCardId([...byPadded, ...byNational, ...byTracking]).slice(0, limit);
  if (cards.length === 0 && padded && !padded.ok) return { kind: 'invalid-national-code', problem: padded.problem, cards: [] };
  return { kind: 'code-prefix', cards };
}

/** Most card ids read for one query word before the word is judged too common to narrow by. */
export const NAME_CANDIDATE_LIMIT = 5000;
const BULK_GET_CHUNK = 100;

interface PrefixKeys {
  token: string;
  /** Card ids whose name has a word starting with `token`, in index order, each once. */
  cardIds: string[];
  /** False when the read stopped at the limit, so a card missing here may still match. */
  complete: boolean;
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}

// Keys only (IDBIndex.getAllKeys through Dexie's plain-range path): one request per word
// instead of one cursor step per card, which is what keeps a prefix search in budget.
async function cardIdsForPrefix(db: TahvilDatabase, token: string, limit: number): Promise<PrefixKeys> {
  const keys = (await db.cards.where('nameTokens').startsWith(token).limit(limit).primaryKeys()) as string[];
  return { token, cardIds: unique(keys), complete: keys.length < limit };
}

function matchesEveryWord(card: StoredCard, tokens: readonly string[]): boolean {
  return tokens.every((token) => card.nameTokens.some((cardToken) => cardToken.startsWith(token)));
}

async function searchName(db: TahvilDatabase, tokens: string[], limit: number, candidateLimit: number): Promise<StoredCard[]> {
  const words = unique(tokens);
  if (words.length === 1) {
    // A card appears once per matching word of its name; read enough keys for `limit` cards.
    let read = limit * 4;
    for (;;) {
      const { cardIds, complete } = await cardIdsForPrefix(db, words[0]!, read);
      if (cardIds.length >= limit || complete) return loadCards(db, cardIds.slice(0, limit));
      read *= 4;
    }
  }
  const lists = await Promise.all(words.map((word) => cardIdsForPrefix(db, word, candidateLimit)));
  const complete = lists.filter((list) => list.complete).sort((a, b) => a.cardIds.length - b.cardIds.length);
  const [driver, ...narrowing] = complete;
  if (!driver) return searchNameByCursor(db, words, limit);
  // Complete lists are exact, so intersecting them is exact; words whose list was cut short
  // are checked against each candidate's stored words.
  const narrowingSets = narrowing.map((list) => new Set(list.cardIds));
  const candidates = driver.cardIds.filter((cardId) => narrowingSets.every((set) => set.has(cardId)));
  const unchecked = lists.filter((list) => !list.complete).map((list) => list.token);
  if (unchecked.length === 0) return loadCards(db, candidates.slice(0, limit));
  const found: StoredCard[] = [];
  for (let start = 0; start < candidates.length && found.length < limit; start += BULK_GET_CHUNK) {
    const cards = await loadCards(db, candidates.slice(start, start + BULK_GET_CHUNK));
    found.push(...cards.filter((card) => matchesEveryWord(card, unchecked)));
  }
  return found.slice(0, limit);
}

/** Every word too common to narrow by (single letters while typing): walk the index instead. */
function searchNameByCursor(db: TahvilDatabase, words: string[], limit: number): Promise<StoredCard[]> {
  const anchor = words.reduce((longest, word) => (word.length > longest.length ? word : longest));
  return db.cards
    .where('nameTokens')
    .startsWith(anchor)
    .distinct()
    .filter((card) => matchesEveryWord(card, words))
    .limit(limit)
    .toArray();
}

async function loadCards(db: TahvilDatabase, cardIds: readonly string[]): Promise<StoredCard[]> {
  const cards = await db.cards.bulkGet(cardIds as string[]);
  return cards.filter((card): card is StoredCard => card !== undefined);
}

/** One box for every way a card is asked for: national code, tracking code, card id or name. */
export async function searchCards(
  db: TahvilDatabase,
  query: string,
  limit = SEARCH_RESULT_LIMIT,
  candidateLimit = NAME_CANDIDATE_LIMIT,
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
  return { kind: 'name', cards: await searchName(db, tokens, limit, candidateLimit) };
}

export function getCard(db: TahvilDatabase, cardId: string): Promise<StoredCard | undefined> {
  return db.cards.get(cardId);
}

/** Every event recorded here for a card, oldest first. */
export function cardHistory(db: TahvilDatabase, cardId: string): Promise<OutboxRecord[]> {
  return db.events.where('cardId').equals(cardId).sortBy('seq');
}

/** Handovers recorded on a center day, newest first. */
export async function handoversOnDay(db: TahvilDatabase, dayKey: string): Promise<OutboxRecord[]> {
  return db.events.where('[dayKey+type]').equals([dayKey, 'handover']).reverse().toArray();
}

export function findEvent(db: TahvilDatabase, eventId: string): Promise<OutboxRecord | undefined> {
  return db.events.where('eventId').equals(eventId).first();
}
