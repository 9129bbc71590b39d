// The inventory manifest that steps 9 and 10 import: a CSV file as docs/formats.md
// describes it, made in the page. Must stay true: the same rows and seed give the same file, and
// what was broken on purpose is counted, so the runner can check what the import reports.
import { CSV_BYTE_ORDER_MARK, csvLine } from '../../src/domain/csv.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';
import { MANIFEST_COLUMNS } from '../../src/domain/manifest.ts';
import { DEMO_CENTER_ID } from '../../src/protocol/protocol.ts';
import { generateDemoCards, mulberry32 } from '../../server/demo-inventory.ts';
import { BENCH_POPULATION } from './inventory.ts';

/** The manifest's card ids: never the inventory's (C-…) nor the registry's demo cards. */
const MANIFEST_CARD_PREFIX = 'M-';
/** Rows whose national code has a wrong check digit: reported with line and reason, not imported. */
const MANIFEST_BAD_CHECK_DIGIT_SHARE = 0.005;
/** Rows whose birth date is no Jalali date (month 13): rejected too. */
const MANIFEST_BAD_DATE_SHARE = 0.001;
/** Valid national codes in Persian digits, as spreadsheets typed in Iran hold them; stored as ASCII. */
const MANIFEST_PERSIAN_DIGIT_SHARE = 0.02;
/** Birth dates written YYYY/MM/DD rather than YYYY-MM-DD; the format accepts both. */
const MANIFEST_SLASH_DATE_SHARE = 0.3;
/** Lines per Blob part while the file is made, so it never has to be one string of many megabytes. */
const MANIFEST_LINES_PER_PART = 2000;

export interface ManifestExpectation {
  rows: number;
  /** Rows made bad on purpose (a row both of whose faults hit counts once). */
  rejected: number;
  badCheckDigit: number;
  badDate: number;
  persianDigitCodes: number;
}

/**
 * A manifest written with the app's one CSV writer (BOM, CRLF, header in the documented order):
 * the people of the bench's inventory generator under another seed (Persian names with a few
 * Arabic spellings, valid national codes, Jalali birth dates, 15-digit tracking codes, boxes)
 * under their own card ids, with a seeded few rows broken on purpose.
 */
export function generateManifestFile(
  rows: number,
  seed: number,
): { file: File; expected: ManifestExpectation } {
  const people = generateDemoCards(DEMO_CENTER_ID, rows, seed, { population: BENCH_POPULATION });
  const random = mulberry32(seed + 1);
  const expected: ManifestExpectation = {
    rows,
    rejected: 0,
    badCheckDigit: 0,
    badDate: 0,
    persianDigitCodes: 0,
  };
  const parts: string[] = [CSV_BYTE_ORDER_MARK + csvLine(MANIFEST_COLUMNS)];
  let lines: string[] = [];
  people.forEach((person, i) => {
    let nationalCode = person.nationalCode;
    let birthDate = person.birthDate ?? '';
    let bad = false;
    if (random() < MANIFEST_BAD_CHECK_DIGIT_SHARE) {
      // Any other last digit is wrong: the check digit is fixed by the first nine.
      const wrongDigit = (Number(nationalCode.slice(9)) + 1 + Math.floor(random() * 9)) % 10;
      nationalCode = nationalCode.slice(0, 9) + String(wrongDigit);
      expected.badCheckDigit++;
      bad = true;
    } else if (random() < MANIFEST_PERSIAN_DIGIT_SHARE) {
      nationalCode = toPersianDigits(nationalCode);
      expected.persianDigitCodes++;
    }
    if (random() < MANIFEST_BAD_DATE_SHARE) {
      birthDate = `${birthDate.slice(0, 4)}-13-${birthDate.slice(8)}`;
      expected.badDate++;
      bad = true;
    } else if (random() < MANIFEST_SLASH_DATE_SHARE) {
      birthDate = birthDate.replace(/-/g, '/');
    }
    if (bad) expected.rejected++;
    const cardId = `${MANIFEST_CARD_PREFIX}${String(i + 1).padStart(7, '0')}`;
    lines.push(
      csvLine([
        cardId,
        nationalCode,
        person.firstName,
        person.lastName,
        person.fatherName ?? '',
        birthDate,
        person.trackingCode ?? '',
        person.box ?? '',
      ]),
    );
    if (lines.length === MANIFEST_LINES_PER_PART) {
      parts.push(lines.join(''));
      lines = [];
    }
  });
  if (lines.length > 0) parts.push(lines.join(''));
  return { file: new File(parts, 'manifest.csv', { type: 'text/csv' }), expected };
}
