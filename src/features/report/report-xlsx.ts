// The day's handovers as an xlsx workbook: the same rows as the CSV, for a manager who opens it
// in a spreadsheet. Must stay true: every cell is a text cell, so codes keep their leading zeros
// and nothing is read as a number, a date or a formula; the header row is in the interface's
// language (the CSV keeps the contract's English names) and the sheet runs right to left in
// Persian; each column is as wide as its longest cell. Loaded only when the manager asks for it.
import writeXlsxFile from 'write-excel-file/universal';
import type { SheetData } from 'write-excel-file/universal';
import {
  HANDOVER_REPORT_COLUMNS,
  type HandoverReportColumn,
  type HandoverReportRow,
} from '../../domain/daily-report.ts';

/** Widths in characters: never so narrow a header wraps to nothing, nor wider than a screen. */
export const XLSX_MIN_COLUMN_WIDTH = 8;
export const XLSX_MAX_COLUMN_WIDTH = 60;
/** Room for the cell's padding and the filter arrow Excel draws in a header. */
const XLSX_WIDTH_PADDING = 3;

// Characters XML 1.0 cannot hold at all: one of them in a name would make Excel "repair" the file.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function xmlSafe(value: string): string {
  return value.replace(NOT_IN_XML, '');
}

export interface XlsxLayout {
  /** The header cell of each column, in the interface's language. */
  headers: Readonly<Record<HandoverReportColumn, string>>;
  /** Persian: the sheet runs right to left, its first column at the right. */
  rightToLeft: boolean;
}

/** Each column as wide as its longest cell, header included, within the bounds. */
export function xlsxColumnWidths(
  rows: readonly HandoverReportRow[],
  headers: Readonly<Record<HandoverReportColumn, string>>,
): number[] {
  return HANDOVER_REPORT_COLUMNS.map((column) => {
    let longest = headers[column].length;
    for (const row of rows) longest = Math.max(longest, row[column].length);
    return Math.min(
      XLSX_MAX_COLUMN_WIDTH,
      Math.max(XLSX_MIN_COLUMN_WIDTH, longest + XLSX_WIDTH_PADDING),
    );
  });
}

export function handoverReportXlsx(
  rows: readonly HandoverReportRow[],
  { headers, rightToLeft }: XlsxLayout,
): Promise<Blob> {
  // Cells are typed String: a spreadsheet shows "0012345679" as written instead of guessing a
  // number, and a string cell is never evaluated, so the CSV's formula guard is not needed here.
  const textRow = (values: readonly string[]) =>
    values.map((value) => ({ value: xmlSafe(value), type: String }));
  const sheetData: SheetData = [
    textRow(HANDOVER_REPORT_COLUMNS.map((column) => headers[column])),
    ...rows.map((row) => textRow(HANDOVER_REPORT_COLUMNS.map((column) => row[column]))),
  ];
  return writeXlsxFile(sheetData, {
    sheet: 'handovers',
    columns: xlsxColumnWidths(rows, headers).map((width) => ({ width })),
    stickyRowsCount: 1,
    rightToLeft,
  }).toBlob();
}
