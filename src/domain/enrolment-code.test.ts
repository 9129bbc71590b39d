import { describe, expect, it } from 'vitest';
import {
  ENROLMENT_CODE_LENGTH,
  formatEnrolmentCode,
  luhnCheckDigit,
  makeEnrolmentCode,
  parseEnrolmentCode,
} from './enrolment-code.ts';

// 7992739871 is the textbook Luhn example: its check digit is 3.
const VALID = '123456789015';

describe('luhnCheckDigit', () => {
  it('gives the textbook check digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('12345678901')).toBe('5');
    expect(luhnCheckDigit('00000000000')).toBe('0');
  });
});

describe('parseEnrolmentCode', () => {
  it('reads a code as printed, as typed in Persian or Arabic-Indic digits, with any grouping', () => {
    for (const typed of [
      VALID,
      '1234-5678-9015',
      ' 1234 5678 9015 ',
      '۱۲۳۴-۵۶۷۸-۹۰۱۵',
      '١٢٣٤٥٦٧٨٩٠١٥',
      '1234\u20135678\u20149015',
    ])
      expect(parseEnrolmentCode(typed)).toEqual({ ok: true, code: VALID });
  });

  it('names what is wrong with a code that cannot be one', () => {
    expect(parseEnrolmentCode('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(parseEnrolmentCode('1234-ABCD-9015')).toEqual({ ok: false, problem: 'not-digits' });
    expect(parseEnrolmentCode('1234-5678-901')).toEqual({ ok: false, problem: 'wrong-length' });
    expect(parseEnrolmentCode('1234-5678-90155')).toEqual({ ok: false, problem: 'wrong-length' });
  });

  it('catches every single mistyped digit and every swap of two different neighbours', () => {
    for (let position = 0; position < ENROLMENT_CODE_LENGTH; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === VALID[position]) continue;
        const typo = VALID.slice(0, position) + digit + VALID.slice(position + 1);
        expect(parseEnrolmentCode(typo), typo).toEqual({ ok: false, problem: 'check-digit' });
      }
    }
    for (let position = 0; position < ENROLMENT_CODE_LENGTH - 1; position++) {
      const a = VALID[position]!;
      const b = VALID[position + 1]!;
      // Luhn cannot see a 0 and a 9 swapped (this code has one such pair, 9 then 0).
      if (a === b || a + b === '09' || a + b === '90') continue;
      const swapped = VALID.slice(0, position) + b + a + VALID.slice(position + 2);
      expect(parseEnrolmentCode(swapped).ok, swapped).toBe(false);
    }
  });
});

describe('makeEnrolmentCode', () => {
  it('makes codes the parser accepts, from the random digits given', () => {
    let next = 0;
    const code = makeEnrolmentCode(() => next++ % 10);
    expect(code).toBe('012345678903');
    expect(parseEnrolmentCode(code)).toEqual({ ok: true, code });
    for (let run = 0; run < 200; run++) {
      const random = makeEnrolmentCode(() => Math.floor(Math.random() * 10));
      expect(parseEnrolmentCode(formatEnrolmentCode(random))).toEqual({ ok: true, code: random });
    }
  });

  it('refuses a random source that gives something other than a digit', () => {
    expect(() => makeEnrolmentCode(() => 10)).toThrow(RangeError);
    expect(() => makeEnrolmentCode(() => 0.5)).toThrow(RangeError);
  });
});

describe('formatEnrolmentCode', () => {
  it('groups twelve digits by four', () => {
    expect(formatEnrolmentCode(VALID)).toBe('1234-5678-9015');
  });
});
