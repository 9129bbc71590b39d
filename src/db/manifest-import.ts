// Writes the cards of an inventory manifest (docs/formats.md) that passed the row rules.
// Must stay true: a card that is handed over, revoked or returned is never touched; a card id
// the center already holds for another person, or a registry card the file describes otherwise,
// is refused, not overwritten; writing the same rows twice changes nothing; the status counters
// move in the transaction that moves the cards.
import type { TahvilDatabase } from './database.ts';
import type { StoredCard } from './records.ts';
import type { Card } from '../protocol/protocol.ts';
import type { ManifestCardDraft } from '../domain/manifest.ts';
import { addDelta, adjustCounters, statusCounterKey } from './counters.ts';
import { toStoredCard } from './cards.ts';

/** A manifest row the database refused although the row itself was well formed. */
export type ManifestCardRefusal =
  /** The center holds this card id for another national code: the file or the inventory is wrong. */
  | 'card-id-taken'
  /** The registry's copy of this ready card says otherwise (name, box, codes): the registry's stands. */
  | 'registry-copy-differs';

export interface ManifestWriteOutcome {
  /** Cards the center did not have. */
  added: number;
  /** Ready cards from an earlier manifest whose name, box or codes the file changed. */
  updated: number;
  /** Ready cards the file describes exactly as stored. */
  unchanged: number;
  /** Cards already handed over, revoked or returned: kept exactly as they are. */
  notReady: number;
  refused: Array<{ line: number; cardId: string; reason: ManifestCardRefusal }>;
}

export interface ManifestWriteContext {
  centerId: string;
  /** When the card is first seen here: an imported card has waited on the shelf since then. */
  now: Date;
}

// Version 0 is below every registry version, so a pulled copy of an imported card always wins.
const IMPORTED_CARD_VERSION = 0;

const OPTIONAL_FIELDS = ['fatherName', 'birthDate', 'trackingCode', 'box'] as const;

/** The stored card with the file's values; fields the file has no column for keep what the card had. */
function mergedCard(stored: StoredCard, draft: ManifestCardDraft): Card {
  const merged: Card = { ...stored, firstName: draft.firstName, lastName: draft.lastName };
  for (const field of OPTIONAL_FIELDS) {
    const value = draft[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

function sameDescription(stored: StoredCard, merged: Card): boolean {
  return (
    stored.firstName === merged.firstName &&
    stored.lastName === merged.lastName &&
    OPTIONAL_FIELDS.every((field) => (stored[field] ?? null) === (merged[field] ?? null))
  );
}

function newCard(draft: ManifestCardDraft, context: ManifestWriteContext): Card {
  return {
    cardId: draft.cardId,
    centerId: context.centerId,
    nationalCode: draft.nationalCode,
    firstName: draft.firstName,
    lastName: draft.lastName,
    fatherName: draft.fatherName ?? null,
    birthDate: draft.birthDate ?? null,
    trackingCode: draft.trackingCode ?? null,
    box: draft.box ?? null,
    status: 'ready',
    version: IMPORTED_CARD_VERSION,
    updatedAt: context.now.toISOString(),
    handover: null,
  };
}

/**
 * Writes one batch of checked manifest rows in a single strict-durability transaction. The
 * rows' card ids are unique (the row checker rejects repeats within a file), and the caller
 * sends batches small enough that each commit stays short.
 */
export async function importManifestCards(
  db: TahvilDatabase,
  rows: ReadonlyArray<{ line: number; card: ManifestCardDraft }>,
  context: ManifestWriteContext,
): Promise<ManifestWriteOutcome> {
  const outcome: ManifestWriteOutcome = {
    added: 0,
    updated: 0,
    unchanged: 0,
    notReady: 0,
    refused: [],
  };
  if (rows.length === 0) return outcome;
  await db.transaction('rw', [db.cards, db.counters], async () => {
    const stored = await db.cards.bulkGet(rows.map((row) => row.card.cardId));
    const toWrite: StoredCard[] = [];
    const deltas = new Map<string, number>();
    rows.forEach(({ line, card: draft }, i) => {
      const existing = stored[i];
      if (!existing) {
        toWrite.push(toStoredCard(newCard(draft, context)));
        addDelta(deltas, statusCounterKey('ready'), 1);
        outcome.added++;
        return;
      }
      if (existing.nationalCode !== draft.nationalCode) {
        outcome.refused.push({ line, cardId: draft.cardId, reason: 'card-id-taken' });
        return;
      }
      if (existing.status !== 'ready') {
        outcome.notReady++;
        return;
      }
      const merged = mergedCard(existing, draft);
      if (sameDescription(existing, merged)) {
        outcome.unchanged++;
        return;
      }
      // A card the registry sent is the registry's: a file that disagrees is reported, not
      // applied, since the next pull of the same version would not put the registry's back.
      if (existing.version !== IMPORTED_CARD_VERSION) {
        outcome.refused.push({ line, cardId: draft.cardId, reason: 'registry-copy-differs' });
        return;
      }
      // updatedAt stays: a corrected name does not restart the time the card has waited.
      toWrite.push(toStoredCard(merged));
      outcome.updated++;
    });
    await db.cards.bulkPut(toWrite);
    await adjustCounters(db, deltas);
  });
  return outcome;
}
