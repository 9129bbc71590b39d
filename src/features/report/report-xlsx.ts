// The day's handovers as an xlsx workbook: the same rows as the CSV. Must stay true: every cell
// is a text cell, so codes keep their leading zeros and nothing is read as a number, a date or a
// formula. Loaded only when the manager asks for the workbook.
import writeXlsxFile from 'write-excel-file/universal';
import type { SheetData } from 'write-excel-file/universal';
import { HANDOVER_REPORT_COLUMNS, type HandoverReportRow } from '../../domain/daily-report.ts';

/** Widths in characters, so a code column shows all its digits without resizing. */
const XLSX_COLUMN_WIDTH: Partial<Record<(typeof HANDOVER_REPORT_COLUMNS)[number], number>> = {
  event_id: 38,
  card_id: 14,
  national_code: 13,
  holder_name: 24,
  recipient_national_code: 13,
  recipient_name: 24,
  occurred_at: 26,
  occurred_at_jalali: 20,
};

// Characters XML 1.0 cannot hold at all: one of them in a name would make Excel "repair" the file.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function xmlSafe(value: string): string {
  return value.replace(NOT_IN_XML, '');
}

export function handoverReportXlsx(rows: readonly HandoverReportRow[]): Promise<Blob> {
  // Cells are typed String: a spreadsheet shows "0012345679" as written instead of guessing a
  // number, and a string cell is never evaluated, so the CSV's formula guard is not needed here.
  const textRow = (values: readonly string[]) =>
    values.map((value) => ({ value: xmlSafe(value), type: String }));
  const sheetData: SheetData = [
    textRow(HANDOVER_REPORT_COLUMNS),
    ...rows.map((row) => textRow(HANDOVER_REPORT_COLUMNS.map((column) => row[column]))),
  ];
  return writeXlsxFile(sheetData, {
    sheet: 'handovers',
    columns: HANDOVER_REPORT_COLUMNS.map((column) => ({ width: XLSX_COLUMN_WIDTH[column] ?? 12 })),
    stickyRowsCount: 1,
  }).toBlob();
}
