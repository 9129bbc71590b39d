// The registry's refusal codes (protocol "Push", stable since 2.2) in the interface's words, each
// saying what the clerk or supervisor should do. The registry's own `reason` is English prose for
// logs: it is shown only beside the generic sentence, for a code this version does not know.
import { PUSH_REASON_CODES, isOneOf, type PushReasonCode } from '../protocol/protocol.ts';
import type { I18n, MessageKey } from './i18n.tsx';

/** A code added to the protocol without its sentence here is a type error. */
export const PUSH_REASON_MESSAGES: Record<PushReasonCode, MessageKey> = {
  'already-accepted': 'pushReasonAlreadyAccepted',
  'event-id-reused': 'pushReasonEventIdReused',
  'malformed-event': 'pushReasonMalformedEvent',
  'bad-signature': 'pushReasonBadSignature',
  'wrong-device': 'pushReasonWrongDevice',
  'implausible-time': 'pushReasonImplausibleTime',
  'unknown-card': 'pushReasonUnknownCard',
  'recipient-mismatch': 'pushReasonRecipientMismatch',
  'proxy-not-allowed': 'pushReasonProxyNotAllowed',
  'unknown-handover': 'pushReasonUnknownHandover',
  'unknown-staff': 'pushReasonUnknownStaff',
  'staff-inactive': 'pushReasonStaffInactive',
  'staff-role': 'pushReasonStaffRole',
  'already-handed-over': 'pushReasonAlreadyHandedOver',
  'card-revoked': 'pushReasonCardRevoked',
  'card-returned': 'pushReasonCardReturned',
  'already-voided': 'pushReasonAlreadyVoided',
  'card-ready': 'pushReasonCardReady',
};

export interface PushRefusalText {
  /** What happened and what to do, in the interface's language. */
  sentence: string;
  /** The registry's own words, only when the code is unknown or missing; null otherwise. */
  registryText: string | null;
}

/** What the screens say about a refusal with `code` (as stored: any text) and `reason`. */
export function describePushRefusal(
  code: string | null | undefined,
  reason: string | null | undefined,
  { t }: Pick<I18n, 't'>,
): PushRefusalText {
  if (typeof code === 'string' && isOneOf(PUSH_REASON_CODES, code))
    return { sentence: t(PUSH_REASON_MESSAGES[code]), registryText: null };
  return {
    sentence: t('pushReasonUnknown'),
    registryText: reason ? t('attentionRegistryReason', { reason }) : t('attentionNoReason'),
  };
}
