import { describe, expect, it } from 'vitest';
import {
  cleanCodeInput,
  completeNationalCode,
  isValidNationalCode,
  nationalCodeCheckDigit,
  parseNationalCode,
  type NationalCodeProblem,
} from './national-code.ts';

// Check digits worked by hand (weights 10..2, r = sum mod 11, check = r < 2 ? r : 11 − r):
//   0012345679: 0+0+8+14+18+20+20+18+14 = 112, r = 2  → 9
//   1234567891: 10+18+24+28+30+30+28+24+18 = 210, r = 1 → 1
//   2719000000: 20+63+8+63 = 154, r = 0               → 0
//   4445556661: 40+36+32+35+30+25+24+18+12 = 252, r = 10 → 1
//   3612345672: 30+54+8+14+18+20+20+18+14 = 196, r = 9 → 2
//   dddddddddd: d·54, and 54 ≡ 10 (mod 11), so r = 11 − d and check = d: every repeated
//   non-zero digit passes the checksum, so none is refused just for repeating.
const VALID_CODES = ['0012345679', '1234567891', '2719000000', '4445556661', '3612345672'];

describe('parseNationalCode: valid codes', () => {
  it.each(VALID_CODES)('accepts %s', (code) => {
    expect(parseNationalCode(code)).toEqual({ ok: true, code });
  });

  it.each([
    ['۰۰۱۲۳۴۵۶۷۹', '0012345679'],
    ['۱۲۳۴۵۶۷۸۹۱', '1234567891'],
    ['۲۷۱۹۰۰۰۰۰۰', '2719000000'],
    ['۴۴۴۵۵۵۶۶۶۱', '4445556661'],
    ['۳۶۱۲۳۴۵۶۷۲', '3612345672'],
  ])('accepts Persian digits %s as ASCII %s', (input, code) => {
    expect(parseNationalCode(input)).toEqual({ ok: true, code });
  });

  it.each([
    ['٠٠١٢٣٤٥٦٧٩', '0012345679'],
    ['١٢٣٤٥٦٧٨٩١', '1234567891'],
    ['٢٧١٩٠٠٠٠٠٠', '2719000000'],
    ['٤٤٤٥٥٥٦٦٦١', '4445556661'],
    ['٣٦١٢٣٤٥٦٧٢', '3612345672'],
  ])('accepts Arabic-Indic digits %s as ASCII %s', (input, code) => {
    expect(parseNationalCode(input)).toEqual({ ok: true, code });
  });

  it.each([
    '1111111111',
    '2222222222',
    '3333333333',
    '4444444444',
    '5555555555',
    '6666666666',
    '7777777777',
    '8888888888',
    '9999999999',
  ])('does not refuse repeated-digit %s, whose check digit is right', (code) => {
    expect(parseNationalCode(code)).toEqual({ ok: true, code });
  });

  it.each([
    ['8 digits, two zeros dropped', '12345679', '0012345679'],
    ['9 digits, one zero dropped', '012345679', '0012345679'],
    ['9 digits, first digit zero dropped', '123456789', '0123456789'],
    ['8 Persian digits', '۱۲۳۴۵۶۷۹', '0012345679'],
  ])('left-pads %s: %s → %s', (_name, input, code) => {
    expect(parseNationalCode(input)).toEqual({ ok: true, code });
  });

  it.each([
    ['dashes', '001-234567-9'],
    ['spaces', '001 234567 9'],
    ['surrounding spaces', '  0012345679  '],
    ['tab and no-break space', '001\t234567\u00a09'],
    ['en dash', '001\u2013234567\u20139'],
    ['dots', '001.234567.9'],
    ['underscores', '001_234567_9'],
    ['ZWNJ', '001\u200c2345679'],
    ['LRM and RLM', '\u200e0012345679\u200f'],
    ['Arabic letter mark', '\u061c0012345679'],
    ['LRE … PDF embedding', '\u202a0012345679\u202c'],
    ['RLO override', '\u202e0012345679\u202c'],
    ['LRI … PDI isolate around Persian digits', '\u2066۰۰۱۲۳۴۵۶۷۹\u2069'],
    ['byte-order mark', '\ufeff0012345679'],
    ['Persian digits with dashes', '۰۰۱-۲۳۴۵۶۷-۹'],
    ['padding after stripping', '12-345679'],
  ])('strips %s: %j', (_name, input) => {
    expect(parseNationalCode(input)).toEqual({ ok: true, code: '0012345679' });
  });
});

describe('parseNationalCode: refusals', () => {
  it.each<[string, NationalCodeProblem]>([
    ['0012345678', 'check-digit'],
    ['1234567890', 'check-digit'],
    // 1,2,3 → 10+18+24 = 52, r = 8, check 3: the checksum passes; only the zero middle refuses it.
    ['1230000003', 'zero-middle'],
  ])('refuses %s (%s)', (input, problem) => {
    expect(parseNationalCode(input)).toEqual({ ok: false, problem });
  });

  it.each<[string, string, NationalCodeProblem]>([
    ['empty string', '', 'empty'],
    ['only spaces', '   ', 'empty'],
    ['only separators', ' - \u200c ', 'empty'],
    ['a letter among digits', '00123456a9', 'not-digits'],
    ['Latin O for zero', 'O012345679', 'not-digits'],
    ['a plus sign', '+0012345679', 'not-digits'],
    ['a slash', '001/2345679', 'not-digits'],
    ['seven digits', '1234567', 'too-short'],
    ['one digit', '5', 'too-short'],
    ['eleven digits', '00123456790', 'too-long'],
    ['eleven Persian digits', '۰۰۱۲۳۴۵۶۷۹۰', 'too-long'],
    ['digits 4–9 all zero', '1230000003', 'zero-middle'],
    ['all zeros', '0000000000', 'zero-middle'],
    ['padded to a zero middle', '30000003', 'zero-middle'],
    ['wrong check digit', '0012345670', 'check-digit'],
    ['wrong check digit after padding', '12345678', 'check-digit'],
    ['wrong check digit in Persian', '۰۰۱۲۳۴۵۶۷۸', 'check-digit'],
  ])('%s: %j → %s', (_name, input, problem) => {
    expect(parseNationalCode(input)).toEqual({ ok: false, problem });
  });
});

describe('isValidNationalCode', () => {
  it.each([
    ['0012345679', true],
    ['1234567891', true],
    ['2719000000', true],
    ['4445556661', true],
    ['3612345672', true],
    ['۰۰۱۲۳۴۵۶۷۹', true],
    ['٣٦١٢٣٤٥٦٧٢', true],
    ['12345679', true],
    ['001-234567-9', true],
    ['1111111111', true],
    ['0012345678', false],
    ['1234567890', false],
    ['1230000003', false],
    ['', false],
    ['abc', false],
    ['1234567', false],
    ['00123456790', false],
  ])('%j → %s', (input, valid) => {
    expect(isValidNationalCode(input)).toBe(valid);
  });
});

describe('nationalCodeCheckDigit', () => {
  it.each([
    ['001234567', 9], // sum 112, r = 2 → 11 − 2
    ['123456789', 1], // sum 210, r = 1 → r
    ['271900000', 0], // sum 154, r = 0 → r
    ['444555666', 1], // sum 252, r = 10 → 11 − 10
    ['361234567', 2], // sum 196, r = 9 → 11 − 9
    ['012345678', 9], // sum 156, r = 2 → 11 − 2
    ['000000000', 0], // sum 0
    ['100000000', 1], // sum 10, r = 10 → 1
    ['000000001', 9], // sum 2, r = 2 → 11 − 2
  ])('%s → %i', (firstNine, check) => {
    expect(nationalCodeCheckDigit(firstNine)).toBe(check);
  });
});

describe('completeNationalCode', () => {
  it.each([
    ['001234567', '0012345679'],
    ['123456789', '1234567891'],
    ['271900000', '2719000000'],
    ['444555666', '4445556661'],
    ['361234567', '3612345672'],
    ['111111111', '1111111111'],
  ])('%s → %s', (firstNine, code) => {
    expect(completeNationalCode(firstNine)).toBe(code);
  });

  it.each(['000000010', '987654321', '555000111', '400000100'])(
    'completes %s into a code parseNationalCode accepts',
    (firstNine) => {
      const code = completeNationalCode(firstNine);
      expect(code.slice(0, 9)).toBe(firstNine);
      expect(parseNationalCode(code)).toEqual({ ok: true, code });
    },
  );
});

describe('cleanCodeInput', () => {
  it.each([
    ['folds digits and strips separators', ' ۰۰۱-۲۳۴۵۶۷-۹ ', '0012345679'],
    ['keeps letters for the caller to judge', '12a-3', '12a3'],
    ['keeps more than ten digits', '1234-5678-9012', '123456789012'],
    ['empty stays empty', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(cleanCodeInput(input)).toBe(expected);
  });
});
