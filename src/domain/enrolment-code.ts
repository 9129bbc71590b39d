// One-time enrolment codes (docs/protocol.md, "Enrolment"): twelve digits, the last a Luhn
// check digit, shown as three groups of four. Digits only, so a clerk can type one on any
// keyboard layout and in any digit script; the check digit catches a mistyped digit or two
// swapped neighbours on the tablet, before the registry is asked.
import { toAsciiDigits } from './digits.ts';

export const ENROLMENT_CODE_LENGTH = 12;

export type EnrolmentCodeProblem = 'empty' | 'not-digits' | 'wrong-length' | 'check-digit';

export type ParsedEnrolmentCode =
  { ok: true; code: string } | { ok: false; problem: EnrolmentCodeProblem };

// Spaces and the dashes a phone or a word processor may put between the groups.
const SEPARATORS = /[\s\u00a0\u200c\u200f\u200e\u2010-\u2015\u2212\-_.]/g;

/** Reads a code as typed, scanned or pasted: any digit script, any grouping. */
export function parseEnrolmentCode(text: string): ParsedEnrolmentCode {
  const compact = toAsciiDigits(text).replace(SEPARATORS, '');
  if (compact === '') return { ok: false, problem: 'empty' };
  if (!/^[0-9]+$/.test(compact)) return { ok: false, problem: 'not-digits' };
  if (compact.length !== ENROLMENT_CODE_LENGTH) return { ok: false, problem: 'wrong-length' };
  if (luhnCheckDigit(compact.slice(0, -1)) !== compact.slice(-1))
    return { ok: false, problem: 'check-digit' };
  return { ok: true, code: compact };
}

/** `123456789012` → `1234-5678-9012`. */
export function formatEnrolmentCode(code: string): string {
  return code.replace(/(\d{4})(?=\d)/g, '$1-');
}

/** A new code from `randomDigit` (which must be uniform over 0–9 and unpredictable). */
export function makeEnrolmentCode(randomDigit: () => number): string {
  let body = '';
  for (let index = 0; index < ENROLMENT_CODE_LENGTH - 1; index++) {
    const digit = randomDigit();
    if (!Number.isInteger(digit) || digit < 0 || digit > 9)
      throw new RangeError('randomDigit must give an integer from 0 to 9');
    body += String(digit);
  }
  return body + luhnCheckDigit(body);
}

/** The Luhn (mod 10) check digit of a string of ASCII digits. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    // Doubling starts at the rightmost digit, which the check digit will follow.
    let value = digits.charCodeAt(digits.length - 1 - index) - 0x30;
    if (index % 2 === 0) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return String((10 - (sum % 10)) % 10);
}
