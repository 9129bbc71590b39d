// Reads a manifest CSV into the header and row records that manifest.ts checks, a piece at a
// time, so a 100,000-row file is never held whole. Papa Parse reads the rows; this module only
// decides where a piece may end. Must stay true: a piece is cut only at a line break outside
// quotes, so a quoted cell spanning lines is never split; a row's line is the file line it
// starts on (header = 1), counted as a text editor does; text arrives already decoded (a
// TextDecoder keeps a character split across file chunks whole, which Papa's own file
// streaming does not: decision 008).
import Papa from 'papaparse';
import type { ManifestRow } from './manifest.ts';

export interface ManifestCsvPiece {
  /** The header cells as written, in the piece that completes the header line. */
  header?: string[];
  rows: ManifestRow[];
}

export interface ManifestCsvReader {
  /** Adds decoded text; returns the rows it completed. */
  push(text: string): ManifestCsvPiece;
  /** The file has ended: returns the last rows. */
  end(): ManifestCsvPiece;
  /** The header cells, once read ([] when the file was empty). */
  readonly header: string[] | undefined;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Line breaks inside a cell: CRLF, LF and a lone CR each end one line. */
function lineBreaksIn(cell: string): number {
  let count = 0;
  for (let i = 0; i < cell.length; i++) {
    const code = cell.charCodeAt(i);
    if (code === LF) count++;
    else if (code === CR) {
      count++;
      if (cell.charCodeAt(i + 1) === LF) i++;
    }
  }
  return count;
}

type Newline = '\r\n' | '\n' | '\r';

export function createManifestCsvReader(): ManifestCsvReader {
  let buffer = '';
  // Where quotes stand, tracked as Papa reads them: a quote opens a quoted cell only at the
  // start of a cell; inside one, `""` is a quote and `"` closes it only before a comma, a line
  // break or the end, spaces between allowed (elsewhere Papa reports bad quoting and the cell
  // goes on).
  let scanned = 0;
  let inQuotes = false;
  let atCellStart = true;
  let lastRowEnd = -1;
  let newline: Newline | undefined;
  let header: string[] | undefined;
  let line = 1;
  let firstText = true;

  /** `endsWithLineBreak`: the text is whole rows, each ending in a line break (not the file's end). */
  function parseRows(text: string, endsWithLineBreak: boolean): ManifestCsvPiece {
    const piece: ManifestCsvPiece = { rows: [] };
    // The line break stays in the text, because Papa reads a row's end differently from the
    // file's end (a closing quote followed by spaces); the empty row it then reports after that
    // break is not in the file.
    const result = Papa.parse<string[]>(text, {
      delimiter: ',',
      header: false,
      skipEmptyLines: false,
      newline: newline ?? '\n',
    });
    const rows = endsWithLineBreak ? result.data.slice(0, -1) : result.data;
    const malformed = new Set(result.errors.map((error) => error.row));
    rows.forEach((fields, index) => {
      const rowLine = line;
      line += 1 + fields.reduce((sum, cell) => sum + lineBreaksIn(cell), 0);
      if (header === undefined) {
        header = fields;
        piece.header = fields;
        return;
      }
      // No prototype: a header cell may be any text, "__proto__" included.
      const record = Object.create(null) as Record<string, string>;
      header.forEach((cell, i) => {
        const value = fields[i];
        if (value !== undefined) record[cell] = value;
      });
      // With the delimiter fixed and no header mode, Papa reports only quoting errors: the row's cells are unreliable.
      piece.rows.push({
        line: rowLine,
        record,
        fieldCount: fields.length,
        malformed: malformed.has(index),
      });
    });
    return piece;
  }

  function detectNewline(): void {
    const lf = buffer.indexOf('\n');
    const cr = buffer.indexOf('\r');
    if (cr >= 0 && (lf < 0 || cr < lf)) {
      // A CR as the buffer's last character may be the first half of a CRLF still to come.
      if (cr === buffer.length - 1) return;
      newline = buffer.charCodeAt(cr + 1) === LF ? '\r\n' : '\r';
    } else if (lf >= 0) newline = '\n';
  }

  function scan(): void {
    const terminator = newline === '\r' ? CR : LF;
    let i = scanned;
    for (; i < buffer.length; i++) {
      const code = buffer.charCodeAt(i);
      if (inQuotes) {
        if (code !== QUOTE) continue;
        // What follows the quote decides: wait for it. Papa closes the cell when the quote is
        // followed by a comma or a line break, spaces or tabs in between allowed.
        let after = i + 1;
        while (
          after < buffer.length &&
          (buffer.charCodeAt(after) === SPACE || buffer.charCodeAt(after) === TAB)
        )
          after++;
        if (after >= buffer.length) break;
        const next = buffer.charCodeAt(after);
        if (next === QUOTE && after === i + 1) i++;
        else if (next === COMMA || next === LF || next === CR) {
          inQuotes = false;
          i = after - 1;
        }
      } else if (code === QUOTE && atCellStart) {
        inQuotes = true;
        atCellStart = false;
      } else if (code === COMMA) {
        atCellStart = true;
      } else if (code === terminator && (newline !== '\r\n' || buffer.charCodeAt(i - 1) === CR)) {
        lastRowEnd = i;
        atCellStart = true;
      } else if (code !== CR) {
        atCellStart = false;
      }
    }
    scanned = i;
  }

  return {
    get header() {
      return header;
    },
    push(text) {
      if (firstText) {
        firstText = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      buffer += text;
      if (newline === undefined) detectNewline();
      if (newline === undefined) return { rows: [] };
      scan();
      if (lastRowEnd < 0) return { rows: [] };
      const complete = buffer.slice(0, lastRowEnd + 1);
      // The scan state carries over: the cut was outside quotes, at the start of a row.
      buffer = buffer.slice(lastRowEnd + 1);
      scanned -= lastRowEnd + 1;
      lastRowEnd = -1;
      return parseRows(complete, true);
    },
    end() {
      const rest = buffer;
      buffer = '';
      if (rest === '') {
        header ??= [];
        return { rows: [] };
      }
      newline ??= '\n';
      const piece = parseRows(rest, false);
      header ??= [];
      return piece;
    },
  };
}

/** A whole file already in memory (the mock registry's upload): one push, then the end. */
export function readManifestCsv(text: string): { header: string[]; rows: ManifestRow[] } {
  const reader = createManifestCsvReader();
  const first = reader.push(text);
  const last = reader.end();
  return { header: reader.header ?? [], rows: [...first.rows, ...last.rows] };
}
