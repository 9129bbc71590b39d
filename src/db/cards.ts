// Card inventory writes. The registry owns cards, but a card with a local event the registry
// has not answered yet keeps its local state: a pull must never undo a handover made here.
// Status counters move in the same transaction as the cards they count.
import type { TahvilDatabase } from './database.ts';
import type { StoredCard } from './records.ts';
import type { Card } from '../protocol/protocol.ts';
import { nameSearchKeys, nameTokens } from '../domain/persian-text.ts';
import { addDelta, adjustCounters, statusCounterKey } from './counters.ts';
import { assertCenter } from './settings.ts';

/** Cards per transaction: big enough that strict-durability flushes are few, small enough to keep the UI live. */
export const CARD_WRITE_CHUNK = 5000;

export function toStoredCard(card: Card): StoredCard {
  return { ...card, nameKeys: nameSearchKeys(nameTokens(card.firstName, card.lastName)) };
}

export interface UpsertSummary {
  written: number;
  unchanged: number;
  keptLocal: number;
}

/**
 * The stored copies of a chunk's cards. An initial pull writes ids the tablet has never seen:
 * one key read over the chunk's id range proves that, instead of one get per card. When the
 * range holds more keys than the chunk has cards (updates scattered over the inventory), the
 * read stops there and each card is fetched by id.
 */
async function storedVersionsOf(
  db: TahvilDatabase,
  chunk: readonly Card[],
): Promise<Array<StoredCard | undefined>> {
  const ids = chunk.map((card) => card.cardId);
  let low = ids[0]!;
  let high = ids[0]!;
  for (const id of ids) {
    if (id < low) low = id;
    if (id > high) high = id;
  }
  const probeLimit = ids.length + 1;
  const inRange = (await db.cards
    .where(':id')
    .between(low, high, true, true)
    .limit(probeLimit)
    .primaryKeys()) as string[];
  if (inRange.length === probeLimit) return db.cards.bulkGet(ids);
  const present = new Set(inRange);
  const wanted = ids.filter((id) => present.has(id));
  if (wanted.length === 0) return ids.map(() => undefined);
  const found = new Map((await db.cards.bulkGet(wanted)).map((card, i) => [wanted[i]!, card]));
  return ids.map((id) => found.get(id));
}

/**
 * A local handover or void changes a card without changing its version, so at the same version
 * a different status or handover is a local change the registry did not take (its event was
 * refused; unsent ones never get here): the registry's copy wins.
 */
function registryCopyIsNewer(stored: StoredCard, card: Card): boolean {
  if (card.version !== stored.version) return card.version > stored.version;
  return (
    card.status !== stored.status ||
    (card.handover?.eventId ?? null) !== (stored.handover?.eventId ?? null)
  );
}

/**
 * Which of a chunk's cards have a local event the registry has not answered. Usually few events
 * are unsent and reading them all is cheapest; with a long outbox (a day offline) the chunk's own
 * cards are looked up instead, so neither side grows with the other.
 */
async function cardsWithUnsentEvents(
  db: TahvilDatabase,
  chunk: readonly Card[],
): Promise<Set<string>> {
  const unsent = db.events.where('syncState').anyOf('pending', 'sending');
  if ((await unsent.count()) <= chunk.length)
    return new Set((await unsent.toArray()).map((event) => event.cardId));
  const events = await db.events
    .where('cardId')
    .anyOf(chunk.map((card) => card.cardId))
    .toArray();
  return new Set(
    events
      .filter((event) => event.syncState === 'pending' || event.syncState === 'sending')
      .map((event) => event.cardId),
  );
}

export interface UpsertOptions {
  /** The registry's copy wins whatever its version: its versions started again (a replaced data set). */
  anyVersion?: boolean;
  /**
   * The center the cards came from: a chunk is refused (CenterChangedError) once the tablet
   * belongs to another, so one center's cards never join another's inventory.
   */
  forCenter?: string;
  /** The device (enrolment) the cards were fetched as: refused, too, once enrolled again. */
  forDevice?: string;
}

/**
 * Writes registry cards. A card is skipped when the stored copy is newer (see
 * registryCopyIsNewer), or when it has a local event still waiting for the registry's answer.
 */

export async function upsertCards(
  db: TahvilDatabase,
  incoming: readonly Card[],
  { anyVersion = false, forCenter, forDevice }: UpsertOptions = {},
): Promise<UpsertSummary> {
  const summary: UpsertSummary = { written: 0, unchanged: 0, keptLocal: 0 };
  // Each card once, at its newest version: a chunk compares every card with the copy stored
  // before it, so two copies of one card (a push answering a handover and its void) would both
  // move the counters.
  const newest = new Map<string, Card>();
  for (const card of incoming) {
    const seen = newest.get(card.cardId);
    if (seen && seen.version >= card.version) summary.unchanged++;
    else {
      if (seen) summary.unchanged++;
      newest.set(card.cardId, card);
    }
  }
  const cards = newest.size === incoming.length ? incoming : [...newest.values()];
  for (let start = 0; start < cards.length; start += CARD_WRITE_CHUNK) {
    const chunk = cards.slice(start, start + CARD_WRITE_CHUNK);
    await db.transaction('rw', [db.cards, db.events, db.counters, db.settings], async () => {
      await assertCenter(db, { forCenter, forDevice });
      const [existing, cardsWithLocalEvents] = await Promise.all([
        storedVersionsOf(db, chunk),
        cardsWithUnsentEvents(db, chunk),
      ]);
      const deltas = new Map<string, number>();
      const toWrite: StoredCard[] = [];
      chunk.forEach((card, i) => {
        const stored = existing[i];
        if (cardsWithLocalEvents.has(card.cardId)) {
          summary.keptLocal++;
          return;
        }
        if (stored && !anyVersion && !registryCopyIsNewer(stored, card)) {
          summary.unchanged++;
          return;
        }
        if (stored) addDelta(deltas, statusCounterKey(stored.status), -1);
        addDelta(deltas, statusCounterKey(card.status), 1);
        toWrite.push(toStoredCard(card));
      });
      await db.cards.bulkPut(toWrite);
      await adjustCounters(db, deltas);
      summary.written += toWrite.length;
    });
  }
  return summary;
}
