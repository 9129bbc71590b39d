import { describe, expect, it } from 'vitest';
import { toAsciiDigits, toPersianDigits } from './digits.ts';

// Each digit written out once per script, so the table does not lean on the code under test.
const DIGITS: ReadonlyArray<readonly [ascii: string, persian: string, arabicIndic: string]> = [
  ['0', '\u06f0', '\u0660'],
  ['1', '\u06f1', '\u0661'],
  ['2', '\u06f2', '\u0662'],
  ['3', '\u06f3', '\u0663'],
  ['4', '\u06f4', '\u0664'],
  ['5', '\u06f5', '\u0665'],
  ['6', '\u06f6', '\u0666'],
  ['7', '\u06f7', '\u0667'],
  ['8', '\u06f8', '\u0668'],
  ['9', '\u06f9', '\u0669'],
];

describe('toAsciiDigits', () => {
  it.each(DIGITS)('turns Persian digit for %s into ASCII', (ascii, persian) => {
    expect(toAsciiDigits(persian)).toBe(ascii);
  });

  it.each(DIGITS)('turns Arabic-Indic digit for %s into ASCII', (ascii, _persian, arabicIndic) => {
    expect(toAsciiDigits(arabicIndic)).toBe(ascii);
  });

  it.each([
    ['ASCII digits unchanged', '0123456789', '0123456789'],
    ['Persian run', '۰۰۱۲۳۴۵۶۷۹', '0012345679'],
    ['Arabic-Indic run', '٠٠١٢٣٤٥٦٧٩', '0012345679'],
    ['mixed scripts in one string', '۱2٣', '123'],
    ['letters and punctuation kept', 'کد ۱۲-ab ٣', 'کد 12-ab 3'],
    ['empty string', '', ''],
    // Neighbours of the digit blocks must not be touched.
    ['Arabic percent sign and Persian letters around', '\u066a\u06ef\u06fa', '\u066a\u06ef\u06fa'],
  ])('%s', (_name, input, expected) => {
    expect(toAsciiDigits(input)).toBe(expected);
  });
});

describe('toPersianDigits', () => {
  it.each(DIGITS)('turns ASCII %s into the Persian digit', (ascii, persian) => {
    expect(toPersianDigits(ascii)).toBe(persian);
  });

  it.each([
    ['time with colon', '10:31', '۱۰:۳۱'],
    ['Latin letters kept', 'box A12', 'box A۱۲'],
    ['Arabic-Indic digits are left as they are', '٣', '٣'],
    ['empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(toPersianDigits(input)).toBe(expected);
  });

  it('round-trips through toAsciiDigits', () => {
    expect(toAsciiDigits(toPersianDigits('1405-09-04 10:31:07'))).toBe('1405-09-04 10:31:07');
  });
});
