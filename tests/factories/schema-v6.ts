// A tablet's database as schema version 6 left it, for the v6 → v8 upgrade test: its store list
// as shipped and its card records exactly as v6's toStoredCard wrote them, with two-letter
// buckets in the pair keys (the function is frozen here, since v7 and v8 replaced it). The inventory
// and the fixed queries are v5's (schema-v5.ts): v6 gave the same answers as v5 to every one.
import { V5_STORES, type V5StoredCard } from './schema-v5.ts';
import type { StoredCard } from '../../src/db/records.ts';

/** Schema version 6's stores, exactly as shipped: v5's, with one name index and no status index. */
export const V6_STORES = {
  ...V5_STORES,
  cards: 'cardId, nationalCode, trackingCode, box, *nameKeys, [status+updatedAt]',
} as const;

/** v6's nameSearchKeys: the words, then SEP + the smaller word's first two letters + SEP + the greater. */
function v6NameSearchKeys(words: readonly string[]): string[] {
  const pairs = new Set<string>();
  words.forEach((a, i) => {
    words.forEach((b, j) => {
      if (i !== j && b < a) pairs.add(`\u0001${b.slice(0, 2)}\u0001${a}`);
    });
  });
  return [...words, ...pairs];
}

/** A card of the v5 inventory as v6 stored it (an erased card keeps no keys). */
export function v6StoredCard({
  nameTokens,
  namePairs: _v5Pairs,
  ...card
}: V5StoredCard): StoredCard {
  return { ...card, nameKeys: v6NameSearchKeys(nameTokens) };
}
