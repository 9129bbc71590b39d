// Card inventory writes. The registry owns cards, but a card with a local event the registry
// has not answered yet keeps its local state: a pull must never undo a handover made here.
// Status counters move in the same transaction as the cards they count.
import type { TahvilDatabase } from './database.ts';
import type { StoredCard } from './records.ts';
import type { Card } from '../sync/protocol.ts';
import { nameTokens } from '../domain/persian-text.ts';
import { addDelta, adjustCounters, statusCounterKey } from './counters.ts';

/** Cards per transaction: big enough that strict-durability flushes are few, small enough to keep the UI live. */
export const CARD_WRITE_CHUNK = 5000;

export function toStoredCard(card: Card): StoredCard {
  return {
    ...card,
    nameTokens: nameTokens(card.firstName, card.lastName, card.fatherName),
  };
}

export interface UpsertSummary {
  written: number;
  unchanged: number;
  keptLocal: number;
}

/**
 * Writes registry cards. A card is skipped when the stored copy is at the same or a newer
 * version, or when it has a local event still waiting for the registry's answer.
 */
export async function upsertCards(db: TahvilDatabase, cards: readonly Card[]): Promise<UpsertSummary> {
  const summary: UpsertSummary = { written: 0, unchanged: 0, keptLocal: 0 };
  for (let start = 0; start < cards.length; start += CARD_WRITE_CHUNK) {
    const chunk = cards.slice(start, start + CARD_WRITE_CHUNK);
    await db.transaction('rw', [db.cards, db.events, db.counters], async () => {
      const [existing, unsettled] = await Promise.all([
        db.cards.bulkGet(chunk.map((card) => card.cardId)),
        db.events.where('syncState').anyOf('pending', 'sending').toArray(),
      ]);
      const cardsWithLocalEvents = new Set(unsettled.map((event) => event.cardId));
      const deltas = new Map<string, number>();
      const toWrite: StoredCard[] = [];
      chunk.forEach((card, i) => {
        const stored = existing[i];
        if (cardsWithLocalEvents.has(card.cardId)) {
          summary.keptLocal++;
          return;
        }
        if (stored && stored.version >= card.version) {
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
