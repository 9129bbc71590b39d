// The CSV files the report screen hands to the manager: the day's handovers and the overdue
// cards, both through the one writer (domain/csv.ts), columns in the contract's order.
import { csvDocument } from '../../domain/csv.ts';
import {
  HANDOVER_REPORT_COLUMNS,
  OVERDUE_REPORT_COLUMNS,
  type HandoverReportRow,
  type OverdueReportRow,
} from '../../domain/daily-report.ts';

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
