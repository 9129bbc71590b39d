// Shapes of what the tablet stores. Cards mirror the registry's Card plus stored search keys;
// outbox records wrap each immutable protocol event with its local sync state. Display text
// is kept as written; only the `nameKeys` search keys are folded.
import type {
  Card,
  HandoverEvent,
  ProtocolEvent,
  StaffMember,
  StaffRole,
} from '../protocol/protocol.ts';
import type { PinAttempts } from '../domain/pin-lockout.ts';
import type { SyncState } from '../domain/event-sync.ts';

export interface StoredCard extends Card {
  /**
   * The name search index (multiEntry, schema v8): the folded words of the first and last name,
   * then the two-word keys (`nameSearchKeys`); `nameWords` reads the words back.
   */
  nameKeys: string[];
  /**
   * Set when the holder's details were erased under the center's retention rule (retention.ts):
   * names, codes, birth date, box and the recipient are empty; the registry keeps them.
   */
  detailsErasedAt?: string;
}

/**
 * A supervisor's answer to an event the registry refused (decision 006). `voided` takes the
 * local handover back; `noted` keeps it as recorded and says what was done about it.
 * Protocol v1 has no such event, so it stays on the tablet.
 */
export interface AttentionResolvedEvent {
  eventId: string;
  type: 'attention_resolved';
  resolvesEventId: string;
  cardId: string;
  resolution: 'voided' | 'noted';
  note: string;
  occurredAt: string;
  staffId: string;
  deviceId: string;
  /** The supervisor who approved a clerk's resolution in the dialog (decision 022). */
  approvedBy?: string;
}

/** Everything the tablet records: the protocol's events and its own audit events. */
export type StoredEvent = ProtocolEvent | AttentionResolvedEvent;

export function isProtocolEvent(event: StoredEvent): event is ProtocolEvent {
  return event.type === 'handover' || event.type === 'handover_void';
}

export interface OutboxRecord {
  /** Auto-incremented: the order events were recorded in, which is the order they are pushed. */
  seq?: number;
  eventId: string;
  type: StoredEvent['type'];
  cardId: string;
  /** Jalali day in the center's zone, `YYYY-MM-DD`: what "today" and the daily report use. */
  dayKey: string;
  occurredAtMs: number;
  staffId: string;
  staffName: string;
  /** Card holder's name and code at the time, so lists need no join. */
  holderName: string;
  holderNationalCode: string;
  event: StoredEvent;
  syncState: SyncState;
  serverReason: string | null;
  /**
   * The registry's stable code for a refusal (`PUSH_REASON_CODES`, or one a newer registry
   * added), which the screens show in their own words; null when none. Absent on older rows.
   */
  serverCode?: string | null;
  /** For handovers: the void event that undid it, once one is recorded. */
  voidedByEventId: string | null;
  /** For refused events: the supervisor's resolution, once recorded. Absent on older rows. */
  resolvedByEventId?: string | null;
  /** This tablet's clock when the registry accepted the event. Absent on older rows. */
  syncedAtMs?: number | null;
  /** When the retention rule erased its personal details (retention.ts); absent until then. */
  detailsErasedAtMs?: number;
}

/**
 * An event the registry accepted for the center (protocol 2.2, the center's day), from any of its
 * tablets, as the day feed brought it (db/center-day.ts). Keyed by eventId, so each event is
 * stored once however often a day is asked; this tablet's own are also in `events`.
 */
export interface CenterEventRecord {
  eventId: string;
  /** The feed's day (Jalali `YYYY-MM-DD`, Asia/Tehran) it was asked for and answered on. */
  dayKey: string;
  type: ProtocolEvent['type'];
  cardId: string;
  deviceId: string;
  staffId: string;
  occurredAtMs: number;
  /** Voids only: the handover it takes back (an index; absent on handovers). */
  handoverEventId?: string;
  /** Exactly as accepted, until the retention rule erases its personal details. */
  event: ProtocolEvent;
  /** This tablet's clock when the page arrived: the retention rule counts from it. */
  receivedAtMs: number;
  /** When the retention rule erased its personal details (retention.ts); absent until then. */
  detailsErasedAtMs?: number;
}

/** Who is signed in on this tablet (db/staff.ts): a member of the pulled roster. */
export interface StaffOnShift {
  staffId: string;
  staffName: string;
  role: StaffRole;
  startedAt: string;
  /** The screen is locked: only this member's PIN (or another member's sign-in) opens it. */
  locked: boolean;
}

/** One of the center's staff as the last roster pull brought them (protocol 2.1). */
export type StoredStaff = StaffMember;

/** Wrong PINs typed on this tablet for one member (domain/pin-lockout.ts). */
export interface PinAttemptsRecord extends PinAttempts {
  staffId: string;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export interface CounterRecord {
  key: string;
  value: number;
}

export type { Card, HandoverEvent, ProtocolEvent, SyncState };
