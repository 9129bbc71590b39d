// The one CSV writer (docs/formats.md): UTF-8 with a byte-order mark, CRLF line ends,
// RFC 4180 quoting, and a leading `'` on any cell a spreadsheet would run as a formula. Every
// file the app writes goes through it, so all of them open in Excel and LibreOffice alike.

export const CSV_BYTE_ORDER_MARK = '\ufeff';
export const CSV_LINE_END = '\r\n';

// A spreadsheet reads a cell starting with one of these as a formula (or splits it, for the
// control characters), so `=HYPERLINK(…)` in a name could run on the manager's computer.
const FORMULA_START = /^[=+\-@\t\r\n]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, guarded against formulas and quoted when it holds a comma, quote or line break. */
export function csvCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** One line of cells, ending in CRLF. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + CSV_LINE_END;
}

/** A whole file: BOM, header line, then one line per row. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly string[]>): string {
  const lines = [CSV_BYTE_ORDER_MARK, csvLine(header)];
  for (const row of rows) lines.push(csvLine(row));
  return lines.join('');
}
