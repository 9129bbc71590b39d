// The wire contract of sync protocol v1 (../shared/sync-protocol.md), the single source of
// its types for both the tablet app and server/. Change it only together with the shared
// document and a decision record: a real registry must be able to replace the mock.

export const PROTOCOL_BASE_PATH = '/api/v1';
export const MAX_PUSH_EVENTS = 500;
export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;

export type CardStatus = 'ready' | 'handed_over' | 'revoked' | 'returned';
export type OldCardState = 'collected' | 'not_presented' | 'none';
export type RecipientKind = 'holder' | 'proxy';

export interface HandoverRecipient {
  kind: RecipientKind;
  nationalCode: string;
  fullName: string;
  /** Proxy only: the proxy's relation to the holder. */
  relation?: string;
  /** Proxy only: the power-of-attorney or ID document checked at the counter. */
  documentRef?: string;
}

export interface CounterChecks {
  identityVerified: boolean;
  birthCertificateSeen: boolean;
  oldCard: OldCardState;
  feeCollected: boolean;
  biometricConfirmed: boolean;
}

export interface HandoverEvent {
  eventId: string;
  type: 'handover';
  cardId: string;
  occurredAt: string;
  staffId: string;
  deviceId: string;
  recipient: HandoverRecipient;
  checks: CounterChecks;
}

export interface HandoverVoidEvent {
  eventId: string;
  type: 'handover_void';
  handoverEventId: string;
  cardId: string;
  reason: string;
  occurredAt: string;
  staffId: string;
  deviceId: string;
}

export type ProtocolEvent = HandoverEvent | HandoverVoidEvent;

export interface Card {
  cardId: string;
  centerId: string;
  nationalCode: string;
  firstName: string;
  lastName: string;
  fatherName?: string | null;
  birthDate?: string | null;
  trackingCode?: string | null;
  box?: string | null;
  status: CardStatus;
  version: number;
  updatedAt: string;
  handover: HandoverEvent | null;
}

export interface PullResponse {
  items: Card[];
  cursor: string;
  hasMore: boolean;
  /**
   * Extension (decision 005): how many cards changed after this page when it was answered. A
   * hint for the first-pull progress bar only; a registry may leave it out.
   */
  remaining?: number;
}

export interface PushRequest {
  events: ProtocolEvent[];
}

export type PushResultStatus = 'accepted' | 'duplicate' | 'conflict' | 'rejected';

export interface PushResult {
  eventId: string;
  status: PushResultStatus;
  reason?: string;
  card?: Card;
}

export interface PushResponse {
  results: PushResult[];
}

export type ErrorCode =
  | 'malformed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'batch_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode | string; message: string };
}

export function cardsPath(centerId: string): string {
  return `${PROTOCOL_BASE_PATH}/centers/${encodeURIComponent(centerId)}/cards`;
}

export function eventsPath(centerId: string): string {
  return `${PROTOCOL_BASE_PATH}/centers/${encodeURIComponent(centerId)}/events`;
}

export const HEALTH_PATH = `${PROTOCOL_BASE_PATH}/health`;

/** Demo registration every fresh tablet starts with; a real center sets its own in settings. */
export const DEMO_CENTER_ID = 'DEMO-01';
export const DEMO_DEVICE_TOKEN = 'demo-token-DEMO-01';
