// The daily handover report and the overdue list as files and figures (docs/formats.md):
// what the manager sends the head office each evening and sees on the report screen, made from
// the records the database reads (db/report.ts): the whole center's day as the registry accepted
// it, merged with this tablet's events it has not accepted (decision 023). Must stay true: one
// row per handover, each once (by eventId; the registry's copy wins), voided ones kept with
// voided=yes; codes stay text; the files' columns are exactly the contract's, in order; the
// figures count what the rows say.
import type { Card, HandoverEvent } from '../protocol/protocol.ts';
import { toAsciiDigits } from './digits.ts';
import { isoWithOffset, jalaliDateTime } from './jalali.ts';
import { needsAttention, type EventStanding, type SyncState } from './event-sync.ts';

/** What the report reads of a handover recorded here: the outbox record's fields (db/records.ts). */
export interface RecordedHandover extends EventStanding {
  /** The handover event itself: the report reads only records of type `handover`. */
  event: { readonly type: string; readonly eventId: string };
  holderName: string;
  holderNationalCode: string;
  occurredAtMs: number;
  staffId: string;
  staffName: string;
  /** The void event that undid it, once one is recorded. */
  voidedByEventId: string | null;
  /** When the retention rule erased its personal details; absent until then. */
  detailsErasedAtMs?: number;
}

/** A handover of the center's day as the registry accepted it, with what this tablet knows of its card and clerk. */
export interface AcceptedHandover {
  event: HandoverEvent;
  /** The card's holder as this tablet has the card; empty when it has not (yet) pulled it. */
  holderName: string;
  holderNationalCode: string;
  /** From the roster; the staff id when the roster does not have them. */
  staffName: string;
  detailsErasedAtMs?: number;
}

/**
 * The center's day: every accepted handover, and this tablet's handovers the registry has not
 * accepted (yet) or that the feed has not brought yet, each once by eventId. A handover of this
 * tablet that the feed holds is the feed's (synced), keeping the names it was recorded with;
 * `voids` maps a handover's eventId to a void that took it back (accepted, or recorded here and
 * not refused). Oldest first, by the time recorded, then by event id.
 */
export function mergeCenterDay(
  own: readonly (RecordedHandover & { eventId: string })[],
  accepted: readonly AcceptedHandover[],
  voids: ReadonlyMap<string, string>,
): RecordedHandover[] {
  const ownById = new Map(own.map((record) => [record.eventId, record]));
  const rows = new Map<string, RecordedHandover & { eventId: string }>();
  for (const handover of accepted) {
    const { eventId } = handover.event;
    const mine = ownById.get(eventId);
    rows.set(eventId, {
      eventId,
      event: handover.event,
      holderName: mine?.holderName ?? handover.holderName,
      holderNationalCode: mine?.holderNationalCode ?? handover.holderNationalCode,
      occurredAtMs: Date.parse(handover.event.occurredAt),
      staffId: handover.event.staffId,
      staffName: mine?.staffName ?? handover.staffName,
      syncState: 'synced',
      resolvedByEventId: null,
      voidedByEventId: mine?.voidedByEventId ?? voids.get(eventId) ?? null,
      ...(mine?.detailsErasedAtMs !== undefined || handover.detailsErasedAtMs !== undefined
        ? { detailsErasedAtMs: mine?.detailsErasedAtMs ?? handover.detailsErasedAtMs }
        : {}),
    });
  }
  for (const record of own) {
    if (rows.has(record.eventId)) continue;
    rows.set(record.eventId, {
      ...record,
      voidedByEventId: record.voidedByEventId ?? voids.get(record.eventId) ?? null,
    });
  }
  return [...rows.values()].sort(
    (a, b) => a.occurredAtMs - b.occurredAtMs || (a.eventId < b.eventId ? -1 : 1),
  );
}

/** What the overdue list reads of a card. */
export type WaitingCard = Pick<
  Card,
  'cardId' | 'nationalCode' | 'firstName' | 'lastName' | 'trackingCode' | 'box' | 'updatedAt'
>;

export const HANDOVER_REPORT_COLUMNS = [
  'event_id',
  'card_id',
  'national_code',
  'holder_name',
  'recipient_kind',
  'recipient_national_code',
  'recipient_name',
  'relation',
  'document_ref',
  'old_card',
  'fee_collected',
  'biometric_confirmed',
  'staff_id',
  'device_id',
  'occurred_at',
  'occurred_at_jalali',
  'sync_status',
  'voided',
] as const;

export type HandoverReportColumn = (typeof HANDOVER_REPORT_COLUMNS)[number];
export type HandoverReportRow = Record<HandoverReportColumn, string>;

export type ReportSyncStatus = 'pending' | 'synced' | 'conflict' | 'rejected';

/** "sending" is still pending for the manager: the registry has not answered it yet. */
export function reportSyncStatus(state: SyncState): ReportSyncStatus {
  switch (state) {
    case 'synced':
    case 'conflict':
    case 'rejected':
      return state;
    default:
      return 'pending';
  }
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** `2026-11-25T10:31:07+03:30`: the contract's form, whole seconds with the zone's offset. */
export function reportTimestamp(date: Date, timeZone: string): string {
  return isoWithOffset(date, timeZone).replace(/\.\d{3}(?=[+-]\d\d:\d\d$)/, '');
}

/**
 * A staff id or code as a report counts and writes it: ASCII digits, trimmed. «۱۰۴۲» typed
 * before the roster and «1042» are one clerk, and files hold ASCII digits (formats.md).
 */
export function reportCode(text: string): string {
  return toAsciiDigits(text).trim();
}

export function handoverReportRow(record: RecordedHandover, timeZone: string): HandoverReportRow {
  const event = record.event as HandoverEvent;
  const { recipient, checks } = event;
  const occurredAt = new Date(record.occurredAtMs);
  const isProxy = recipient.kind === 'proxy';
  return {
    event_id: event.eventId,
    card_id: reportCode(event.cardId),
    national_code: reportCode(record.holderNationalCode),
    holder_name: record.holderName,
    recipient_kind: recipient.kind,
    recipient_national_code: reportCode(recipient.nationalCode),
    recipient_name: recipient.fullName,
    relation: isProxy ? (recipient.relation ?? '') : '',
    document_ref: isProxy ? reportCode(recipient.documentRef ?? '') : '',
    old_card: checks.oldCard,
    fee_collected: yesNo(checks.feeCollected),
    biometric_confirmed: yesNo(checks.biometricConfirmed),
    staff_id: reportCode(event.staffId),
    device_id: event.deviceId,
    occurred_at: reportTimestamp(occurredAt, timeZone),
    occurred_at_jalali: jalaliDateTime(occurredAt, timeZone),
    sync_status: reportSyncStatus(record.syncState),
    voided: yesNo(record.voidedByEventId !== null),
  };
}

export function handoverReportFileName(
  centerId: string,
  dayKey: string,
  extension: 'csv' | 'xlsx',
): string {
  return `handovers-${fileNamePart(centerId)}-${dayKey}.${extension}`;
}

/** A center id as it can stand in a file name on every system the file may reach. */
export function fileNamePart(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, '_');
}

export interface StaffDayTotals {
  staffId: string;
  staffName: string;
  handovers: number;
  voided: number;
}

export interface DeviceDayTotals {
  deviceId: string;
  handovers: number;
  voided: number;
}

export interface DaySummary {
  /** Every handover recorded, voided ones included. */
  recorded: number;
  /** Recorded and not voided: cards that left the building. */
  handedOver: number;
  toHolder: number;
  toProxy: number;
  voided: number;
  /** Not yet answered by the registry. */
  pendingSync: number;
  /** Refused by the registry and not yet resolved by a supervisor. */
  needsAttention: number;
  /** Handovers that still stand, by wall-clock hour 0–23 in the center's zone. */
  byHour: number[];
  /** Busiest first. */
  byStaff: StaffDayTotals[];
  /** Each tablet that recorded any of the day's handovers, busiest first. */
  byDevice: DeviceDayTotals[];
}

export function summarizeDay(records: readonly RecordedHandover[], timeZone: string): DaySummary {
  const summary: DaySummary = {
    recorded: records.length,
    handedOver: 0,
    toHolder: 0,
    toProxy: 0,
    voided: 0,
    pendingSync: 0,
    needsAttention: 0,
    byHour: Array.from({ length: 24 }, () => 0),
    byStaff: [],
    byDevice: [],
  };
  const staff = new Map<string, StaffDayTotals>();
  const devices = new Map<string, DeviceDayTotals>();
  for (const record of records) {
    const event = record.event as HandoverEvent;
    const voided = record.voidedByEventId !== null;
    const staffId = reportCode(record.staffId);
    let totals = staff.get(staffId);
    if (!totals) {
      totals = { staffId, staffName: record.staffName, handovers: 0, voided: 0 };
      staff.set(staffId, totals);
    }
    let device = devices.get(event.deviceId);
    if (!device) {
      device = { deviceId: event.deviceId, handovers: 0, voided: 0 };
      devices.set(event.deviceId, device);
    }
    if (reportSyncStatus(record.syncState) === 'pending') summary.pendingSync++;
    if (needsAttention(record)) summary.needsAttention++;
    if (voided) {
      summary.voided++;
      totals.voided++;
      device.voided++;
      continue;
    }
    summary.handedOver++;
    totals.handovers++;
    device.handovers++;
    if (event.recipient.kind === 'proxy') summary.toProxy++;
    else summary.toHolder++;
    const hour = Number(jalaliDateTime(new Date(record.occurredAtMs), timeZone).slice(11, 13));
    summary.byHour[hour]!++;
  }
  summary.byStaff = [...staff.values()].sort(
    (a, b) => b.handovers - a.handovers || a.staffId.localeCompare(b.staffId),
  );
  summary.byDevice = [...devices.values()].sort(
    (a, b) => b.handovers - a.handovers || a.deviceId.localeCompare(b.deviceId),
  );
  return summary;
}

export const MS_PER_DAY = 86_400_000;

/** Cards whose `updatedAt` is before this instant have waited longer than the retention period. */
export function overdueCutoff(now: Date, retentionDays: number): string {
  return new Date(now.getTime() - retentionDays * MS_PER_DAY).toISOString();
}

export const OVERDUE_REPORT_COLUMNS = [
  'card_id',
  'national_code',
  'holder_name',
  'tracking_code',
  'box',
  'waiting_since',
  'waiting_since_jalali',
  'days_waiting',
] as const;

export type OverdueReportRow = Record<(typeof OVERDUE_REPORT_COLUMNS)[number], string>;

/** Whole days a ready card has waited since it arrived (its last registry change, or its import). */
export function daysWaiting(card: Pick<Card, 'updatedAt'>, now: Date): number {
  return Math.floor((now.getTime() - new Date(card.updatedAt).getTime()) / MS_PER_DAY);
}

export function overdueReportRow(card: WaitingCard, now: Date, timeZone: string): OverdueReportRow {
  const since = new Date(card.updatedAt);
  return {
    card_id: reportCode(card.cardId),
    national_code: reportCode(card.nationalCode),
    holder_name: `${card.firstName} ${card.lastName}`,
    tracking_code: reportCode(card.trackingCode ?? ''),
    box: reportCode(card.box ?? ''),
    waiting_since: reportTimestamp(since, timeZone),
    waiting_since_jalali: jalaliDateTime(since, timeZone).slice(0, 10),
    days_waiting: String(daysWaiting(card, now)),
  };
}

export function overdueReportFileName(centerId: string, dayKey: string): string {
  return `overdue-${fileNamePart(centerId)}-${dayKey}.csv`;
}
