import { CommandRefused, type HandoverRefusal } from '../domain/refusals.ts';
import type { I18n, MessageKey } from './i18n.tsx';

const REFUSAL_MESSAGE: Record<HandoverRefusal, MessageKey> = {
  'card-not-found': 'refusalCardNotFound',
  'card-revoked': 'refusalCardRevoked',
  'card-returned': 'refusalCardReturned',
  'card-handed-over': 'refusalCardHandedOver',
  'checks-incomplete': 'refusalChecksIncomplete',
  'recipient-code-invalid': 'refusalRecipientCodeInvalid',
  'recipient-not-holder': 'refusalRecipientNotHolder',
  'recipient-name-missing': 'refusalRecipientNameMissing',
  'proxy-not-allowed': 'refusalProxyNotAllowed',
  'proxy-details-missing': 'refusalProxyDetailsMissing',
  'no-shift': 'refusalNoShift',
  'staff-signed-out': 'refusalStaffSignedOut',
  'needs-supervisor': 'refusalNeedsSupervisor',
  'handover-not-found': 'refusalHandoverNotFound',
  'handover-already-voided': 'refusalHandoverAlreadyVoided',
  'void-reason-missing': 'refusalVoidReasonMissing',
  'handover-needs-attention': 'refusalHandoverNeedsAttention',
  'attention-not-found': 'refusalAttentionNotFound',
  'resolution-note-missing': 'refusalResolutionNoteMissing',
  'center-has-unsent-events': 'refusalCenterHasUnsentEvents',
  'center-has-attention': 'refusalCenterHasAttention',
  'not-enrolled': 'refusalNotEnrolled',
  'device-withdrawn': 'refusalDeviceWithdrawn',
  'card-changed': 'refusalCardChanged',
  'enrolment-in-progress': 'refusalEnrolmentInProgress',
  'handover-details-erased': 'refusalHandoverDetailsErased',
};

function isQuotaError(error: unknown): boolean {
  const candidates = [error, (error as { inner?: unknown } | null)?.inner];
  return candidates.some(
    (candidate) => (candidate as { name?: string } | null)?.name === 'QuotaExceededError',
  );
}

/** Words for a failed command. The transaction rolled back, so nothing half-written remains. */
export function describeCommandError(error: unknown, { t }: I18n): string {
  if (error instanceof CommandRefused) return t(REFUSAL_MESSAGE[error.refusal]);
  if (isQuotaError(error)) return t('errorStorageFull');
  const detail = error instanceof Error ? error.name : String(error);
  return t('errorUnexpected', { detail });
}
