// The rules of the inventory manifest (docs/formats.md), apart from any CSV parser: the
// caller parses the file and hands over the header row and each row as a record keyed by header
// cell. Pure and synchronous, so the app's import can run it in a web worker and the mock registry
// on Node. Problems are reason codes, never prose: the screen that shows them translates them.
import type { Card } from '../protocol/protocol.ts';
import { toAsciiDigits } from './digits.ts';
import { normalizeJalaliDate } from './jalali.ts';
import type { NationalCodeProblem } from './national-code.ts';
import { cleanCodeInput, parseNationalCode } from './national-code.ts';
import { tidyDisplayText } from './persian-text.ts';

export const MANIFEST_COLUMNS = [
  'card_id',
  'national_code',
  'first_name',
  'last_name',
  'father_name',
  'birth_date',
  'tracking_code',
  'box',
] as const;

export type ManifestColumn = (typeof MANIFEST_COLUMNS)[number];

export const REQUIRED_MANIFEST_COLUMNS: readonly ManifestColumn[] = [
  'card_id',
  'national_code',
  'first_name',
  'last_name',
];

/** Longest card id a handover event may name (the protocol's id limit), so every imported card can be handed over. */
export const MAX_CARD_ID_LENGTH = 128;
/** Longest name, box or tracking code kept; anything longer is a broken row, not a name. */
export const MAX_MANIFEST_TEXT_LENGTH = 200;

/** For each manifest column the file has, its header cell exactly as written: the key of that column in a row record. */
export type ManifestColumnMap = { readonly [column in ManifestColumn]?: string };

export type ManifestHeader =
  | { ok: true; columns: ManifestColumnMap; fieldCount: number }
  /** The file is refused: required columns it lacks, and columns it names twice (which cell is meant is unknowable). */
  | { ok: false; missing: ManifestColumn[]; duplicate: ManifestColumn[] };

export interface ManifestRow {
  /** File line the row starts on, header = line 1 (a quoted cell may span several lines). */
  line: number;
  /** Cells keyed by header cell as written; a cell the row lacks is absent or undefined. */
  record: Readonly<Record<string, string | undefined>>;
  /** How many cells the parser found, when it knows: another count than the header's means cells have shifted. */
  fieldCount?: number;
  /** The parser could not make sense of the row's quoting, so none of its cells can be trusted. */
  malformed?: boolean;
}

export type ManifestProblemReason =
  /** A required cell is empty. */
  | 'missing'
  /** Longer than MAX_CARD_ID_LENGTH / MAX_MANIFEST_TEXT_LENGTH. */
  | 'too-long'
  /** An earlier row of the same file has this card id; the first one stands. */
  | 'duplicate-card-id'
  /** `detail` says how: a wrong check digit, too short, letters… */
  | 'invalid-national-code'
  /** Not a Jalali YYYY-MM-DD or YYYY/MM/DD date. */
  | 'bad-date'
  /** tracking_code holds something other than digits. */
  | 'not-digits'
  /** The row has more or fewer cells than the header: a comma inside an unquoted cell, or a cell lost. */
  | 'wrong-field-count'
  /** Broken quoting; the row's cells are unreliable. */
  | 'malformed-row';

export interface ManifestProblem {
  line: number;
  /** null when the whole row is at fault (wrong-field-count, malformed-row). */
  column: ManifestColumn | null;
  reason: ManifestProblemReason;
  detail?: NationalCodeProblem;
}

/**
 * A card as the file describes it, normalized. An optional field is undefined when the file has
 * no such column (an update keeps what the card had) and null when its cell is empty (cleared).
 */
export type ManifestCardDraft = Pick<
  Card,
  | 'cardId'
  | 'nationalCode'
  | 'firstName'
  | 'lastName'
  | 'fatherName'
  | 'birthDate'
  | 'trackingCode'
  | 'box'
>;

export type ManifestRowResult =
  | { kind: 'card'; line: number; card: ManifestCardDraft }
  | { kind: 'rejected'; line: number; problems: ManifestProblem[] }
  /** Every cell empty (a trailing line break, a spacer row): not a card, not a problem. */
  | { kind: 'blank'; line: number };

// A BOM on the first header cell (Excel writes one) and bidi marks must not stop a match.
const HEADER_NOISE = /[\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

function headerKey(cell: string): string {
  return cell.replace(HEADER_NOISE, '').trim().toLowerCase();
}

/** Finds the manifest's columns in a header row: any order, names trimmed and case-insensitive, unknown ones ignored. */
export function mapManifestHeader(header: readonly string[]): ManifestHeader {
  const known = new Set<string>(MANIFEST_COLUMNS);
  const columns: { [column in ManifestColumn]?: string } = {};
  const duplicate = new Set<ManifestColumn>();
  for (const cell of header) {
    const key = headerKey(cell);
    if (!known.has(key)) continue;
    const column = key as ManifestColumn;
    if (columns[column] !== undefined) duplicate.add(column);
    else columns[column] = cell;
  }
  const missing = REQUIRED_MANIFEST_COLUMNS.filter((column) => columns[column] === undefined);
  if (missing.length > 0 || duplicate.size > 0) {
    return {
      ok: false,
      missing,
      duplicate: MANIFEST_COLUMNS.filter((column) => duplicate.has(column)),
    };
  }
  return { ok: true, columns, fieldCount: header.length };
}

type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; reason: ManifestProblemReason; detail?: NationalCodeProblem };

const accept = <T>(value: T): Checked<T> => ({ ok: true, value });
const refuse = (reason: ManifestProblemReason, detail?: NationalCodeProblem): Checked<never> =>
  detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };

function displayText(raw: string, maxLength: number): Checked<string | null> {
  const text = tidyDisplayText(raw);
  if (text === '') return accept(null);
  return text.length > maxLength ? refuse('too-long') : accept(text);
}

// Codes and shelf labels are matched, never read aloud: their digits are stored as ASCII.
function codeText(raw: string, maxLength: number): Checked<string | null> {
  return displayText(toAsciiDigits(raw), maxLength);
}

function nationalCode(raw: string): Checked<string | null> {
  if (raw.trim() === '') return accept(null);
  // parseNationalCode also pads an 8- or 9-digit code a spreadsheet stripped of its leading zeros.
  const parsed = parseNationalCode(raw);
  return parsed.ok ? accept(parsed.code) : refuse('invalid-national-code', parsed.problem);
}

function birthDate(raw: string): Checked<string | null> {
  if (raw.trim() === '') return accept(null);
  const date = normalizeJalaliDate(raw);
  return date === null ? refuse('bad-date') : accept(date);
}

function trackingCode(raw: string): Checked<string | null> {
  const code = cleanCodeInput(raw);
  if (code === '') return accept(null);
  if (!/^[0-9]+$/.test(code)) return refuse('not-digits');
  return code.length > MAX_MANIFEST_TEXT_LENGTH ? refuse('too-long') : accept(code);
}

const CHECKS: { readonly [column in ManifestColumn]: (raw: string) => Checked<string | null> } = {
  card_id: (raw) => codeText(raw, MAX_CARD_ID_LENGTH),
  national_code: nationalCode,
  first_name: (raw) => displayText(raw, MAX_MANIFEST_TEXT_LENGTH),
  last_name: (raw) => displayText(raw, MAX_MANIFEST_TEXT_LENGTH),
  father_name: (raw) => displayText(raw, MAX_MANIFEST_TEXT_LENGTH),
  birth_date: birthDate,
  tracking_code: trackingCode,
  box: (raw) => codeText(raw, MAX_MANIFEST_TEXT_LENGTH),
};

export type ManifestRowChecker = (row: ManifestRow) => ManifestRowResult;

/**
 * A checker for the rows of one file, in file order: it remembers the card ids it has seen, so a
 * card id's second and later rows are rejected (`duplicate-card-id`) and the first one stands.
 */
export function createManifestRowChecker(
  header: Extract<ManifestHeader, { ok: true }>,
): ManifestRowChecker {
  const { columns, fieldCount } = header;
  const present = MANIFEST_COLUMNS.filter((column) => columns[column] !== undefined);
  const seenCardIds = new Set<string>();

  return (row) => {
    const { line, record } = row;
    const cell = (column: ManifestColumn): string => {
      const key = columns[column];
      return key === undefined ? '' : (record[key] ?? '');
    };
    if (Object.values(record).every((value) => value === undefined || value.trim() === ''))
      return { kind: 'blank', line };
    if (row.malformed)
      return {
        kind: 'rejected',
        line,
        problems: [{ line, column: null, reason: 'malformed-row' }],
      };

    const problems: ManifestProblem[] = [];
    if (row.fieldCount !== undefined && row.fieldCount !== fieldCount)
      problems.push({ line, column: null, reason: 'wrong-field-count' });
    const values: { [column in ManifestColumn]?: string | null } = {};
    for (const column of present) {
      const checked = CHECKS[column](cell(column));
      if (!checked.ok) {
        const problem: ManifestProblem = { line, column, reason: checked.reason };
        if (checked.detail !== undefined) problem.detail = checked.detail;
        problems.push(problem);
      } else if (checked.value === null && REQUIRED_MANIFEST_COLUMNS.includes(column)) {
        problems.push({ line, column, reason: 'missing' });
      } else {
        values[column] = checked.value;
      }
    }
    const cardId = values.card_id;
    if (cardId) {
      // Uniqueness is a property of the file: an id counts as seen even when its row is rejected.
      if (seenCardIds.has(cardId))
        problems.unshift({ line, column: 'card_id', reason: 'duplicate-card-id' });
      seenCardIds.add(cardId);
    }
    if (problems.length > 0) return { kind: 'rejected', line, problems };

    const card: ManifestCardDraft = {
      cardId: values.card_id as string,
      nationalCode: values.national_code as string,
      firstName: values.first_name as string,
      lastName: values.last_name as string,
    };
    if (columns.father_name !== undefined) card.fatherName = values.father_name ?? null;
    if (columns.birth_date !== undefined) card.birthDate = values.birth_date ?? null;
    if (columns.tracking_code !== undefined) card.trackingCode = values.tracking_code ?? null;
    if (columns.box !== undefined) card.box = values.box ?? null;
    return { kind: 'card', line, card };
  };
}

export type ManifestCheck =
  | Extract<ManifestHeader, { ok: false }>
  | {
      ok: true;
      cards: Array<{ line: number; card: ManifestCardDraft }>;
      problems: ManifestProblem[];
      rejectedRows: number;
    };

/** The whole file at once: the header's verdict, or the cards that pass (in file order) and every problem. */
export function checkManifest(
  header: readonly string[],
  rows: Iterable<ManifestRow>,
): ManifestCheck {
  const mapped = mapManifestHeader(header);
  if (!mapped.ok) return mapped;
  const check = createManifestRowChecker(mapped);
  const cards: Array<{ line: number; card: ManifestCardDraft }> = [];
  const problems: ManifestProblem[] = [];
  let rejectedRows = 0;
  for (const row of rows) {
    const result = check(row);
    if (result.kind === 'card') cards.push({ line: result.line, card: result.card });
    else if (result.kind === 'rejected') {
      rejectedRows++;
      problems.push(...result.problems);
    }
  }
  return { ok: true, cards, problems, rejectedRows };
}
