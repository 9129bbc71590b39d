// The wire contract of sync protocol v2 (docs/protocol.md) in code: the single source of its
// types and value lists for the tablet app, server/ and the tests. It is the lowest layer: it
// imports nothing, and every other layer may import it (decision 010). Change it only together
// with docs/protocol.md and a decision record: a real registry must be able to replace the mock.

export const PROTOCOL_VERSION = 2;
export const PROTOCOL_BASE_PATH = '/api/v2';
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
  /**
   * The recording device's ECDSA P-256 / SHA-256 signature over the event's canonical form
   * (every other member, RFC 8785): 64 bytes r‖s, base64url without padding.
   */
  signature: string;
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
  /**
   * The supervisor who approved this void on the clerk's screen with their own PIN (protocol
   * 2.1): present only when `staffId` needed one (a void of another's handover, or of an earlier
   * day) and is not a supervisor.
   */
  approvedBy?: string;
  /** As on HandoverEvent. */
  signature: string;
}

export type ProtocolEvent = HandoverEvent | HandoverVoidEvent;

/** An event as built before it is signed: the signature covers exactly these members. */
export type UnsignedEvent<Event extends ProtocolEvent = ProtocolEvent> = Omit<Event, 'signature'>;

/** A device's public key as a JWK (RFC 7517): the public members of an ECDSA P-256 key only. */
export interface DevicePublicKey {
  kty: 'EC';
  crv: 'P-256';
  /** base64url, 32 bytes. */
  x: string;
  /** base64url, 32 bytes. */
  y: string;
}

/** The center's rules: the registry's, sent with every pull page; a tablet follows them. */
export interface CenterRules {
  /** May a card be handed to someone other than its holder (with their document)? */
  proxyPickupAllowed: boolean;
  /** Minutes without input after which the tablet locks. */
  idleLockMinutes: number;
  /**
   * Days the tablet keeps personal details of a handover after the registry accepted it (and
   * of a revoked or returned card after it changed); after that only the counter's facts stay.
   */
  detailsRetentionDays: number;
}

/** Inclusive bounds of each numeric rule; a registry never sends, nor a tablet takes, others. */
export const CENTER_RULE_LIMITS = {
  idleLockMinutes: { min: 1, max: 240 },
  detailsRetentionDays: { min: 0, max: 3650 },
} as const;

export const DEFAULT_CENTER_RULES: CenterRules = {
  proxyPickupAllowed: true,
  idleLockMinutes: 10,
  detailsRetentionDays: 30,
};

/** Who the tablet is enrolled with: the center's id, display name and rules. */
export interface CenterProfile {
  centerId: string;
  name: string;
  rules: CenterRules;
}

export const ENROLMENT_PATH = `${PROTOCOL_BASE_PATH}/enrolments`;

/**
 * POST with the device's own token and X-Device-Id: the device leaves its center for good (as a
 * withdrawal by the registry's staff). A tablet asks it when it leaves or enrols anew, so the
 * registry never keeps an enrolment nobody uses, with a token that still works.
 */
export const RETIRE_DEVICE_PATH = `${PROTOCOL_BASE_PATH}/device/retire`;

/** POST ENROLMENT_PATH: the one-time code is the credential; no Authorization header. */
export interface EnrolmentRequest {
  /** As typed; the registry normalizes it (src/domain/enrolment-code.ts). */
  code: string;
  /** New for every enrolment: a device id names one enrolment, and a known one is refused. */
  deviceId: string;
  publicKey: DevicePublicKey;
}

export interface EnrolmentResponse {
  deviceId: string;
  /** Works only with this device's X-Device-Id, at this center, until the device is withdrawn. */
  deviceToken: string;
  enrolledAt: string;
  center: CenterProfile;
}

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
  /** The center's profile and rules as of this page: the tablet takes them from every page. */
  center: CenterProfile;
  items: Card[];
  cursor: string;
  hasMore: boolean;
  /**
   * Extension (decision 005): how many cards changed after this page when it was answered. A
   * hint for the first-pull progress bar only; a registry may leave it out.
   */
  remaining?: number;
  /**
   * 2.2 (decision 024): the registry's clock when it answered, ISO 8601 in UTC. The tablet only
   * estimates how far its own clock is off from it, and warns; it never sets its clock by it.
   */
  serverTime?: string;
}

/** `GET /api/v2/health`. */
export interface HealthResponse {
  ok: true;
  /** 2.2 (decision 024): the registry's clock when it answered, as on every pull page. */
  serverTime?: string;
}

export interface PushRequest {
  events: ProtocolEvent[];
}

export const PUSH_RESULT_STATUSES = ['accepted', 'duplicate', 'conflict', 'rejected'] as const;
export type PushResultStatus = (typeof PUSH_RESULT_STATUSES)[number];

/**
 * Why an event was answered as it was, for a program: `reason` is the same in words, for
 * people and logs. `accepted` carries no code. The codes are stable (2.2): a client shows a
 * refusal by its code, in its own words and language, never by the `reason` text, and a code it
 * does not know (a newer registry) as a generic sentence with the `reason`.
 */
export const PUSH_REASON_CODES = [
  // duplicate
  'already-accepted',
  // rejected: the event itself is wrong and will never be accepted as it is
  'malformed-event',
  'bad-signature',
  'wrong-device',
  'event-id-reused',
  'implausible-time',
  'unknown-card',
  'recipient-mismatch',
  'proxy-not-allowed',
  'unknown-handover',
  // rejected (2.1): who did it is not someone the center's roster allows to
  'unknown-staff',
  'staff-inactive',
  'staff-role',
  // conflict: the card is no longer as the tablet saw it
  'already-handed-over',
  'card-revoked',
  'card-returned',
  'already-voided',
  'card-ready',
] as const;
export type PushReasonCode = (typeof PUSH_REASON_CODES)[number];

export interface PushResult {
  eventId: string;
  status: PushResultStatus;
  /** Present on every status but `accepted`. */
  code?: PushReasonCode;
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
  'device_withdrawn',
  'enrolment_code_invalid',
  'enrolment_code_expired',
  'enrolment_code_used',
  'device_id_taken',
  'staff_not_found',
  'staff_inactive',
  'staff_id_taken',
  'pin_wrong',
  'pin_weak',
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

// The center's staff (protocol 2.1, decision 022): who may sign in on its tablets, with what
// role, and the verifier a tablet checks a PIN against offline. No PIN is ever on the wire
// except typed by its owner (changing it) or by the registry's administrator (setting it).

export const STAFF_ROLES = ['clerk', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** PBKDF2-HMAC-SHA256 of a PIN (src/domain/pin-verifier.ts, decision 021). */
export interface PinVerifier {
  algorithm: 'PBKDF2-SHA256';
  iterations: number;
  /** base64url, 16 bytes, random per verifier. */
  salt: string;
  /** base64url, 32 bytes: PBKDF2-HMAC-SHA256(the PIN as ASCII digits, salt, iterations). */
  hash: string;
}

/** One of the center's staff as a tablet pulls them. */
export interface StaffMember {
  /** 1–32 of A–Z a–z 0–9 . _ - (STAFF_ID_PATTERN); unique within the center. */
  staffId: string;
  /** 1–200 characters, as the registry's staff wrote it. */
  name: string;
  role: StaffRole;
  active: boolean;
  /** When the registry's staff deactivated them; events after it are refused. Null while active. */
  deactivatedAt: string | null;
  /** What a PIN is checked against; null once deactivated (nothing left to sign in with). */
  pinVerifier: PinVerifier | null;
  /** Grows with every change (added, PIN set, deactivated); the roster cursor follows it. */
  version: number;
  updatedAt: string;
}

export const STAFF_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
export const STAFF_NAME_MAX_LENGTH = 200;
export const DEFAULT_STAFF_PULL_LIMIT = 500;
export const MAX_STAFF_PULL_LIMIT = 1000;

/** GET staffPath(centerId)?cursor=&limit=: the roster's changes after the cursor, oldest first. */
export interface StaffPullResponse {
  items: StaffMember[];
  cursor: string;
  hasMore: boolean;
}

/** POST staffPinPath: a staff member changes their own PIN from a tablet, online. */
export interface PinChangeRequest {
  /** ASCII digits, as the staff member typed them (PIN_MIN_DIGITS to PIN_MAX_DIGITS). */
  currentPin: string;
  newPin: string;
}

export interface PinChangeResponse {
  staff: StaffMember;
}

export const PIN_MIN_DIGITS = 4;
export const PIN_MAX_DIGITS = 8;

export function staffPath(centerId: string): string {
  return `${PROTOCOL_BASE_PATH}/centers/${encodeURIComponent(centerId)}/staff`;
}

export function staffPinPath(centerId: string, staffId: string): string {
  return `${staffPath(centerId)}/${encodeURIComponent(staffId)}/pin`;
}

/** The demo center `npm start` seeds; no token of it (or of any center) is in the app. */
export const DEMO_CENTER_ID = 'DEMO-01';

// Administrator endpoints: the registry's staff, with the administrator token (never a device
// token). They send no cross-origin headers, so no other web page can use them.
export const ADMIN_BASE_PATH = `${PROTOCOL_BASE_PATH}/admin`;

export function centerAdminPath(centerId: string): string {
  return `${ADMIN_BASE_PATH}/centers/${encodeURIComponent(centerId)}`;
}

export function enrolmentCodesPath(centerId: string): string {
  return `${centerAdminPath(centerId)}/enrolment-codes`;
}

export function centerDevicesPath(centerId: string): string {
  return `${centerAdminPath(centerId)}/devices`;
}

export function centerStaffAdminPath(centerId: string): string {
  return `${centerAdminPath(centerId)}/staff`;
}

export function staffAdminPath(centerId: string, staffId: string): string {
  return `${centerStaffAdminPath(centerId)}/${encodeURIComponent(staffId)}`;
}

/** The roster as the registry's administrators see it: no verifier, when the PIN was set. */
export interface StaffRecord extends Omit<StaffMember, 'pinVerifier'> {
  centerId: string;
  pinSetAt: string | null;
}

/** POST centerStaffAdminPath: add one of the center's staff with their first PIN. */
export interface AddStaffRequest {
  staffId: string;
  name: string;
  role: StaffRole;
  pin: string;
}

export function withdrawDevicePath(deviceId: string): string {
  return `${ADMIN_BASE_PATH}/devices/${encodeURIComponent(deviceId)}/withdraw`;
}

/** How long an enrolment code works unless the administrator asks otherwise, and at most. */
export const ENROLMENT_CODE_DEFAULT_MINUTES = 24 * 60;
export const ENROLMENT_CODE_MAX_MINUTES = 7 * 24 * 60;

/** The path of the app's enrolment screen; `?code=` carries a code, e.g. in a QR. */
export const ENROL_APP_PATH = '/enrol';

export interface EnrolmentCodeResponse {
  /** Twelve digits shown as three groups of four (src/domain/enrolment-code.ts); works once. */
  code: string;
  centerId: string;
  expiresAt: string;
  /** ENROL_APP_PATH with the code, to put after the app's origin. */
  enrolPath: string;
}

export const DEVICE_STATUSES = ['active', 'withdrawn'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export interface DeviceRecord {
  deviceId: string;
  centerId: string;
  status: DeviceStatus;
  enrolledAt: string;
  withdrawnAt: string | null;
}

// The center's day (protocol 2.2, decision 023): the events the registry accepted for a center
// on one of its calendar days, from every tablet, so each tablet's report covers the whole
// center; with the center's devices and when the registry last heard from each.

/** `YYYY-MM-DD`, ASCII digits: a Jalali date in the centers' zone, Asia/Tehran (DAY_FEED_TIME_ZONE). */
export const DAY_KEY_PATTERN = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
/** The zone in which an event's `occurredAt` falls on a day of the feed. */
export const DAY_FEED_TIME_ZONE = 'Asia/Tehran';
export const DEFAULT_DAY_EVENTS_LIMIT = 500;
export const MAX_DAY_EVENTS_LIMIT = 1000;

/** One of the center's devices as the day's feed names it. */
export interface DayFeedDevice {
  deviceId: string;
  status: DeviceStatus;
  enrolledAt: string;
  withdrawnAt: string | null;
  /**
   * The last request the registry authenticated as this device (any device endpoint, whatever
   * its answer), ISO 8601 in UTC; null when it has not heard from it (the mock: since it started).
   */
  lastHeardAt: string | null;
}

/** GET dayEventsPath(centerId)?day=&cursor=&limit=: accepted events of that day, in acceptance order. */
export interface DayEventsResponse {
  centerId: string;
  /** The day asked for, as asked. */
  day: string;
  /** Each event exactly as the registry accepted it (signature included). */
  items: ProtocolEvent[];
  /** Opaque; issued for this center and this day only. */
  cursor: string;
  hasMore: boolean;
  /** The center's active devices, and any other device with an event on that day. */
  devices: DayFeedDevice[];
}

export function dayEventsPath(centerId: string): string {
  return `${PROTOCOL_BASE_PATH}/centers/${encodeURIComponent(centerId)}/day-events`;
}
