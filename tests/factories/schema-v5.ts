// A tablet's database as schema version 5 left it, for the v5 → v6 upgrade test: its store list
// as shipped, its card records exactly as v5's toStoredCard wrote them (the two-word keys'
// function is frozen here, since v6 replaced it), a generated inventory, and the fixed queries
// whose results v5 gave (tests/factories/schema-v5-search-results.json) and v6 must give again.
import {
  generateDemoCards,
  mulberry32,
  pick,
  withArabicLetters,
} from '../../server/demo-inventory.ts';
import { nameTokens } from '../../src/domain/persian-text.ts';
import { DEMO_CENTER_ID, type Card } from '../../src/protocol/protocol.ts';

/** Schema version 5's stores, exactly as shipped. */
export const V5_STORES = {
  cards:
    'cardId, nationalCode, trackingCode, box, status, *nameTokens, *namePairs, [status+updatedAt]',
  events: '++seq, &eventId, cardId, syncState, dayKey, [dayKey+type]',
  settings: 'key',
  counters: 'key',
  staff: 'staffId',
  pinAttempts: 'staffId',
  centerEvents: 'eventId, [dayKey+type], handoverEventId, receivedAtMs',
} as const;

/** A card as v5 stored it: the card, its folded name words, and v5's two-word keys. */
export interface V5StoredCard extends Card {
  nameTokens: string[];
  namePairs: string[];
  detailsErasedAt?: string;
}

/** v5's namePairKeys: every ordered pair of distinct words (a, b) as start(b) + U+0001 + a, start(b) its first one and two letters. */
function v5NamePairKeys(tokens: readonly string[]): string[] {
  const keys = new Set<string>();
  tokens.forEach((a, i) => {
    tokens.forEach((b, j) => {
      if (i === j) return;
      for (let length = 1; length <= 2; length++) keys.add(`${b.slice(0, length)}\u0001${a}`);
    });
  });
  return [...keys];
}

export function v5StoredCard(card: Card): V5StoredCard {
  const tokens = nameTokens(card.firstName, card.lastName);
  return { ...card, nameTokens: tokens, namePairs: v5NamePairKeys(tokens) };
}

export const V5_INVENTORY_SIZE = 3000;
const V5_INVENTORY_SEED = 5_0_6;

/**
 * The inventory the upgrade is tested on: the registry's demo population (compound names with
 * ZWNJ among them), one card in seven written with Arabic letters as an old database would, and
 * one in fifty returned with its details erased under the retention rule (retention.ts), as v5
 * left such a card.
 */
export function v5Inventory(): V5StoredCard[] {
  return generateDemoCards(DEMO_CENTER_ID, V5_INVENTORY_SIZE, V5_INVENTORY_SEED).map((card, i) => {
    if (i % 50 === 49)
      return {
        ...card,
        nationalCode: '',
        firstName: '',
        lastName: '',
        fatherName: null,
        birthDate: null,
        trackingCode: null,
        box: null,
        status: 'returned' as const,
        nameTokens: [],
        namePairs: [],
        detailsErasedAt: '2026-11-01T00:00:00.000Z',
      };
    const written =
      i % 7 === 3
        ? {
            ...card,
            firstName: withArabicLetters(card.firstName),
            lastName: withArabicLetters(card.lastName),
          }
        : card;
    return v5StoredCard(written);
  });
}

/** Up to this many cards a query may find: above the inventory, so every match is listed. */
export const EVERY_MATCH = V5_INVENTORY_SIZE + 1;

/**
 * The fixed query list: typed as at the counter (prefixes of one to five letters, one, two and
 * three words in either order, a one-letter second word, ZWNJ typed as a space or left out,
 * Arabic letters, the Persian layout's keys typed in English), and the codes and ids scanned.
 */
export function upgradeQueries(cards: readonly V5StoredCard[]): string[] {
  const random = mulberry32(V5_INVENTORY_SEED + 1);
  const named = cards.filter((card) => !card.detailsErasedAt);
  const prefix = (word: string, letters: number) => [...word].slice(0, letters).join('');
  const queries = [
    'م',
    'مح',
    'محمد',
    'زهر',
    'علی',
    'ز م',
    'محمد ک',
    'محمد کر',
    'علی رض',
    'مر مح',
    'پاک نژاد',
    'پاکنژاد',
    'حسین زاده',
    'حسینزاده',
    'زاده',
    'نژاد',
    'كريمي',
    'يوسف',
    'fhvhk', // «باران» typed on the Persian layout with the keyboard in English
    'ugd', // «علی»
    'ناشناس',
    'محمد محمد',
    'C-0000042',
    'C-000004',
  ];
  for (let i = 0; i < 40; i++) {
    const card = pick(random, named);
    const first = card.nameTokens[0] ?? '';
    const last = card.nameTokens[card.nameTokens.length - 1] ?? '';
    const letters = () => 1 + Math.floor(random() * 5);
    switch (i % 5) {
      case 0:
        queries.push(prefix(random() < 0.5 ? first : last, letters()));
        break;
      case 1:
        queries.push(`${prefix(first, letters())} ${prefix(last, letters())}`);
        break;
      case 2:
        queries.push(`${prefix(last, letters())} ${prefix(first, 1)}`);
        break;
      case 3:
        queries.push(`${card.firstName} ${card.lastName}`);
        break;
      default:
        queries.push(random() < 0.5 ? card.nationalCode : (card.trackingCode ?? '').slice(0, 8));
    }
  }
  return queries;
}
