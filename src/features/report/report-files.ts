// The files the report screen hands to the manager: the day's handovers and the overdue cards as
// CSV, through the one writer (domain/csv.ts), columns in the contract's order and names; and the
// xlsx workbook's headers in the interface's language (report-xlsx.ts writes it).
import { csvDocument } from '../../domain/csv.ts';
import {
  HANDOVER_REPORT_COLUMNS,
  OVERDUE_REPORT_COLUMNS,
  type HandoverReportColumn,
  type HandoverReportRow,
  type OverdueReportRow,
} from '../../domain/daily-report.ts';
import type { I18n, MessageKey } from '../../ui/i18n.tsx';
import type { XlsxLayout } from './report-xlsx.ts';

export function handoverReportCsv(rows: readonly HandoverReportRow[]): string {
  return csvDocument(
    HANDOVER_REPORT_COLUMNS,
    rows.map((row) => HANDOVER_REPORT_COLUMNS.map((column) => row[column])),
  );
}

export function overdueReportCsv(rows: readonly OverdueReportRow[]): string {
  return csvDocument(
    OVERDUE_REPORT_COLUMNS,
    rows.map((row) => OVERDUE_REPORT_COLUMNS.map((column) => row[column])),
  );
}

/** The xlsx header of each column, from the catalogue: the CSV keeps the contract's names. */
export const XLSX_HEADER_MESSAGES: Readonly<Record<HandoverReportColumn, MessageKey>> = {
  event_id: 'reportColumnEventId',
  card_id: 'reportColumnCardId',
  national_code: 'reportColumnNationalCode',
  holder_name: 'reportColumnHolderName',
  recipient_kind: 'reportColumnRecipientKind',
  recipient_national_code: 'reportColumnRecipientNationalCode',
  recipient_name: 'reportColumnRecipientName',
  relation: 'reportColumnRelation',
  document_ref: 'reportColumnDocumentRef',
  old_card: 'reportColumnOldCard',
  fee_collected: 'reportColumnFeeCollected',
  biometric_confirmed: 'reportColumnBiometricConfirmed',
  staff_id: 'reportColumnStaffId',
  device_id: 'reportColumnDeviceId',
  occurred_at: 'reportColumnOccurredAt',
  occurred_at_jalali: 'reportColumnOccurredAtJalali',
  sync_status: 'reportColumnSyncStatus',
  voided: 'reportColumnVoided',
};

/** The workbook's headers and direction in the interface's language. */
export function xlsxLayout({ t, language }: Pick<I18n, 't' | 'language'>): XlsxLayout {
  const headers = Object.fromEntries(
    HANDOVER_REPORT_COLUMNS.map((column) => [column, t(XLSX_HEADER_MESSAGES[column])]),
  ) as Record<HandoverReportColumn, string>;
  return { headers, rightToLeft: language === 'fa' };
}
