// The wire contract of sync protocol v1 (docs/protocol.md) in code: the single source of its
// types and value lists for the tablet app, server/ and the tests. It is the lowest layer: it
// imports nothing, and every other layer may import it (decision 010). Change it only together
// with docs/protocol.md and a decision record: a real registry must be able to replace the mock.

export const PROTOCOL_BASE_PATH = '/api/v1';
export const MAX_PUSH_EVENTS = 500;
export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;

export const CARD_STATUSES = ['ready', 'handed_over', 'revoked', 'returned'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const OLD_CARD_STATES = ['collected', 'not_presented', 'none'] as const;
export type OldCardState = (typeof OLD_CARD_STATES)[number];

export const RECIPIENT_KINDS = ['holder', 'proxy'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export const EVENT_TYPES = ['handover', 'handover_void'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** True when `value` is one of `values` (a list above): how a reader checks a wire field. */
export function isOneOf<Value extends string>(
  values: readonly Value[],
  value: unknown,
): value is Value {
  return (values as readonly unknown[]).includes(value);
}

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

export const PUSH_RESULT_STATUSES = ['accepted', 'duplicate', 'conflict', 'rejected'] as const;
export type PushResultStatus = (typeof PUSH_RESULT_STATUSES)[number];

export interface PushResult {
  eventId: string;
  status: PushResultStatus;
  reason?: string;
  card?: Card;
}

export interface PushResponse {
  results: PushResult[];
}

export const ERROR_CODES = [
  'malformed',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'batch_too_large',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

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
