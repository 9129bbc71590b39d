// The daily handover report and the backlog (../../shared/formats.md): what the manager sends
// the head office each evening and sees on the report screen. Must stay true: one row per
// handover event recorded on this tablet on the chosen center day, oldest first, voided ones
// kept with voided=yes; codes stay text; the file's columns are exactly the contract's, in order.
import Dexie from 'dexie';
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord, StoredCard, SyncState } from './records.ts';
import type { HandoverEvent } from '../protocol/protocol.ts';
import { isoWithOffset, jalaliDateTime } from '../domain/jalali.ts';
import { needsAttention } from './attention.ts';

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

export function handoverReportRow(record: OutboxRecord, timeZone: string): HandoverReportRow {
  const event = record.event as HandoverEvent;
  const { recipient, checks } = event;
  const occurredAt = new Date(record.occurredAtMs);
  const isProxy = recipient.kind === 'proxy';
  return {
    event_id: event.eventId,
    card_id: event.cardId,
    national_code: record.holderNationalCode,
    holder_name: record.holderName,
    recipient_kind: recipient.kind,
    recipient_national_code: recipient.nationalCode,
    recipient_name: recipient.fullName,
    relation: isProxy ? (recipient.relation ?? '') : '',
    document_ref: isProxy ? (recipient.documentRef ?? '') : '',
    old_card: checks.oldCard,
    fee_collected: yesNo(checks.feeCollected),
    biometric_confirmed: yesNo(checks.biometricConfirmed),
    staff_id: event.staffId,
    device_id: event.deviceId,
    occurred_at: reportTimestamp(occurredAt, timeZone),
    occurred_at_jalali: jalaliDateTime(occurredAt, timeZone),
    sync_status: reportSyncStatus(record.syncState),
    voided: yesNo(record.voidedByEventId !== null),
  };
}

/** Handover events recorded here on a center day, oldest first (by the clock, then by the order they were saved). */
export async function handoverRecordsOnDay(
  db: TahvilDatabase,
  dayKey: string,
): Promise<OutboxRecord[]> {
  const records = await db.events.where('[dayKey+type]').equals([dayKey, 'handover']).toArray();
  return records.sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.seq! - b.seq!);
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
}

export function summarizeDay(records: readonly OutboxRecord[], timeZone: string): DaySummary {
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
  };
  const staff = new Map<string, StaffDayTotals>();
  for (const record of records) {
    const event = record.event as HandoverEvent;
    const voided = record.voidedByEventId !== null;
    let totals = staff.get(record.staffId);
    if (!totals) {
      totals = { staffId: record.staffId, staffName: record.staffName, handovers: 0, voided: 0 };
      staff.set(record.staffId, totals);
    }
    if (reportSyncStatus(record.syncState) === 'pending') summary.pendingSync++;
    if (needsAttention(record)) summary.needsAttention++;
    if (voided) {
      summary.voided++;
      totals.voided++;
      continue;
    }
    summary.handedOver++;
    totals.handovers++;
    if (event.recipient.kind === 'proxy') summary.toProxy++;
    else summary.toHolder++;
    const hour = Number(jalaliDateTime(new Date(record.occurredAtMs), timeZone).slice(11, 13));
    summary.byHour[hour]!++;
  }
  summary.byStaff = [...staff.values()].sort(
    (a, b) => b.handovers - a.handovers || a.staffId.localeCompare(b.staffId),
  );
  return summary;
}

export const MS_PER_DAY = 86_400_000;

export interface BacklogSummary {
  ready: number;
  /** Ready cards that have waited longer than the retention period. */
  overdue: number;
  /** When the longest-waiting ready card arrived (its last registry change), or null with no backlog. */
  oldestWaitingSince: string | null;
}

/** Cards whose `updatedAt` is before this instant have waited longer than the retention period. */
export function overdueCutoff(now: Date, retentionDays: number): string {
  return new Date(now.getTime() - retentionDays * MS_PER_DAY).toISOString();
}

function readyWaitingBefore(db: TahvilDatabase, cutoffIso: string) {
  return db.cards
    .where('[status+updatedAt]')
    .between(['ready', Dexie.minKey], ['ready', cutoffIso], true, false);
}

/** Read through the [status+updatedAt] index: counts and the oldest card without touching the rest. */
export async function backlogSummary(
  db: TahvilDatabase,
  now: Date,
  retentionDays: number,
): Promise<BacklogSummary> {
  return db.transaction('r', db.cards, async () => {
    const cutoff = overdueCutoff(now, retentionDays);
    const [ready, overdue, oldest] = await Promise.all([
      db.cards.where('status').equals('ready').count(),
      readyWaitingBefore(db, cutoff).count(),
      db.cards
        .where('[status+updatedAt]')
        .between(['ready', Dexie.minKey], ['ready', Dexie.maxKey])
        .first(),
    ]);
    return { ready, overdue, oldestWaitingSince: oldest?.updatedAt ?? null };
  });
}

/** Overdue ready cards, longest waiting first; `limit` for the screen, none for the file. */
export function overdueCards(
  db: TahvilDatabase,
  now: Date,
  retentionDays: number,
  limit?: number,
): Promise<StoredCard[]> {
  const query = readyWaitingBefore(db, overdueCutoff(now, retentionDays));
  return (limit === undefined ? query : query.limit(limit)).toArray();
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
export function daysWaiting(card: Pick<StoredCard, 'updatedAt'>, now: Date): number {
  return Math.floor((now.getTime() - new Date(card.updatedAt).getTime()) / MS_PER_DAY);
}

export function overdueReportRow(card: StoredCard, now: Date, timeZone: string): OverdueReportRow {
  const since = new Date(card.updatedAt);
  return {
    card_id: card.cardId,
    national_code: card.nationalCode,
    holder_name: `${card.firstName} ${card.lastName}`,
    tracking_code: card.trackingCode ?? '',
    box: card.box ?? '',
    waiting_since: reportTimestamp(since, timeZone),
    waiting_since_jalali: jalaliDateTime(since, timeZone).slice(0, 10),
    days_waiting: String(daysWaiting(card, now)),
  };
}

export function overdueReportFileName(centerId: string, dayKey: string): string {
  return `overdue-${fileNamePart(centerId)}-${dayKey}.csv`;
}
