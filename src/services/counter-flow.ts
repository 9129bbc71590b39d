// What one screen of the counter hands the next through the router's state: the search screen
// opens with the handover just saved (its confirmation) or with a scanned code that opened no
// card. In history state only, never in the address: it names a citizen.
import type { RecipientKind } from '../protocol/protocol.ts';
import { searchCards, type SearchOutcome } from '../db/queries.ts';
import type { TahvilDatabase } from '../db/database.ts';
import { codeFromScan } from '../domain/scanned-code.ts';

export interface SavedHandover {
  cardId: string;
  eventId: string;
  holderName: string;
  recipientName: string;
  recipientKind: RecipientKind;
  box: string;
  occurredAt: string;
}

export interface SearchScreenState {
  saved?: SavedHandover;
  /** A scan that matched no single card: shown in the box with its results. */
  query?: string;
}

/** The router state as the search screen may read it; anything else is none. */
export function readSearchScreenState(state: unknown): SearchScreenState {
  if (typeof state !== 'object' || state === null) return {};
  const { saved, query } = state as SearchScreenState;
  return {
    ...(saved && typeof saved.cardId === 'string' ? { saved } : {}),
    ...(typeof query === 'string' ? { query } : {}),
  };
}

export function cardPath(cardId: string): string {
  return `/cards/${encodeURIComponent(cardId)}`;
}

/**
 * The card a scan or an Enter opens at once: the only match, or the match of an exact code.
 * A scanner sends a whole code and Enter, so the clerk never has to pick it from a list.
 */
export function cardToOpenAtOnce(outcome: SearchOutcome): string | null {
  const first = outcome.cards[0];
  if (!first) return null;
  const exactCode =
    outcome.kind === 'national-code' ||
    outcome.kind === 'tracking-code' ||
    outcome.kind === 'card-id';
  return outcome.cards.length === 1 || exactCode ? first.cardId : null;
}

/**
 * What a scan (or a code typed and Entered) opens: the card it names at once as it is, else the
 * card named by the code found inside it (a document's barcode holds more than a code, in any
 * digits). `code` is what the search box shows when no card opens.
 */
export async function findScannedCard(
  db: TahvilDatabase,
  scanned: string,
): Promise<{ cardId: string | null; code: string }> {
  const asScanned = cardToOpenAtOnce(await searchCards(db, scanned));
  if (asScanned) return { cardId: asScanned, code: scanned };
  const code = codeFromScan(scanned);
  if (code === null || code === scanned) return { cardId: null, code: scanned };
  return { cardId: cardToOpenAtOnce(await searchCards(db, code)), code };
}
