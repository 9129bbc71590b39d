// The open handover form, kept while the screen is locked (decision 022). In memory only, never
// IndexedDB or sessionStorage: it holds a recipient's details. Keyed by the member and the card,
// so only the member who ticked it finds it again; dropped when the form is left, saved or
// cancelled, and all at once when someone else signs in or the shift ends.
import type { OldCardState, RecipientKind } from '../../protocol/protocol.ts';

export type CheckName =
  'identityVerified' | 'birthCertificateSeen' | 'feeCollected' | 'biometricConfirmed';

export interface HandoverDraft {
  recipientKind: RecipientKind;
  checks: Record<CheckName, boolean>;
  oldCard: OldCardState | null;
  proxy: { nationalCode: string; fullName: string; relation: string; documentRef: string };
}

export const EMPTY_HANDOVER_DRAFT: HandoverDraft = {
  recipientKind: 'holder',
  checks: {
    identityVerified: false,
    birthCertificateSeen: false,
    feeCollected: false,
    biometricConfirmed: false,
  },
  oldCard: null,
  proxy: { nationalCode: '', fullName: '', relation: '', documentRef: '' },
};

const drafts = new Map<string, HandoverDraft>();
const draftKey = (staffId: string, cardId: string) => JSON.stringify([staffId, cardId]);

export function readHandoverDraft(staffId: string, cardId: string): HandoverDraft | undefined {
  return drafts.get(draftKey(staffId, cardId));
}

export function keepHandoverDraft(staffId: string, cardId: string, draft: HandoverDraft): void {
  drafts.set(draftKey(staffId, cardId), draft);
}

export function dropHandoverDraft(staffId: string, cardId: string): void {
  drafts.delete(draftKey(staffId, cardId));
}

export function dropAllHandoverDrafts(): void {
  drafts.clear();
}

/** Whether anything was entered: an untouched form has nothing a scan or a lock could lose. */
export function isEmptyHandoverDraft(draft: HandoverDraft): boolean {
  return (
    draft.recipientKind === EMPTY_HANDOVER_DRAFT.recipientKind &&
    draft.oldCard === null &&
    Object.values(draft.checks).every((ticked) => !ticked) &&
    Object.values(draft.proxy).every((value) => value.trim() === '')
  );
}

/** True for a card's page (where a ready card's handover form is), where a draft is still wanted. */
export function isHandoverPath(pathname: string): boolean {
  return /^\/cards\/[^/]+(\/handover)?\/?$/.test(pathname);
}
