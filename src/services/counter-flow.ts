// What one screen of the counter hands the next through the router's state: the search screen
// opens with the handover just saved (its confirmation) or with a scanned code that opened no
// card. In history state only, never in the address: it names a citizen.
import type { RecipientKind } from '../protocol/protocol.ts';
import type { SearchOutcome } from '../db/queries.ts';

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
