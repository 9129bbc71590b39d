// Reads an inventory manifest CSV (../shared/formats.md) into the header and row records that
// src/domain/manifest.ts checks. Must stay true: a row's line is the file line it starts on
// (header = 1) counted as a text editor does, so a quoted cell spanning lines moves later rows down.
import Papa from 'papaparse';
import type { ManifestRow } from '../src/domain/manifest.ts';

export interface ManifestCsv {
  /** The header cells as written ([] for an empty file). */
  header: string[];
  rows: ManifestRow[];
}

/** Line breaks in text[from, to): CRLF, LF and a lone CR each end one line. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a) count++;
    else if (code === 0x0d) {
      count++;
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return count;
}

export function readManifestCsv(input: string): ManifestCsv {
  // Papa strips a BOM from string input itself; strip it first so its cursor and ours agree.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let header: string[] | undefined;
  const rows: ManifestRow[] = [];
  let rowStart = 0;
  let line = 1;
  // Step mode, because only it says where each row ends (meta.cursor): a row starts where the
  // previous one ended, and its line is 1 + the line breaks before that point, including those
  // inside quoted cells. Empty lines are not skipped, so no row drops out of the count.
  Papa.parse<string[]>(text, {
    delimiter: ',',
    header: false,
    skipEmptyLines: false,
    step(result) {
      const fields = result.data;
      const rowLine = line;
      const rowEnd = Math.max(rowStart, result.meta.cursor);
      line += countLineBreaks(text, rowStart, rowEnd);
      rowStart = rowEnd;
      if (header === undefined) {
        header = fields;
        return;
      }
      // No prototype: a header cell may be any text, "__proto__" included.
      const record = Object.create(null) as Record<string, string>;
      header.forEach((cell, index) => {
        const value = fields[index];
        if (value !== undefined) record[cell] = value;
      });
      // Papa reports only quoting errors here (delimiter fixed, no header mode): the cells are unreliable.
      rows.push({ line: rowLine, record, fieldCount: fields.length, malformed: result.errors.length > 0 });
    },
  });
  return { header: header ?? [], rows };
}
