// The Iranian national code (کد ملی): ten digits, the last a check digit over the first nine
// with weights 10..2, mod 11. Input arrives in any digit script, with spaces or dashes, and
// from spreadsheets that dropped leading zeros; what leaves this module is ten ASCII digits.
import { toAsciiDigits } from './digits.ts';

export type NationalCodeProblem =
  'empty' | 'not-digits' | 'too-short' | 'too-long' | 'zero-middle' | 'check-digit';

export type NationalCodeResult =
  { ok: true; code: string } | { ok: false; problem: NationalCodeProblem };

// Spaces, dashes and dots people type, plus the invisible bidi marks, embeddings and isolates
// that come along when a code is copied out of right-to-left text.
const SEPARATORS = /[\s\u200c\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\-_.\u2010-\u2015]/g;

/** Folds digit scripts and strips separators, without judging the result. */
export function cleanCodeInput(input: string): string {
  return toAsciiDigits(input).replace(SEPARATORS, '');
}

/** Check digit for the first nine digits: r = Σ dᵢ·(10−i) mod 11; r < 2 → r, else 11 − r. */
export function nationalCodeCheckDigit(firstNine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const remainder = sum % 11;
  return remainder < 2 ? remainder : 11 - remainder;
}

export function parseNationalCode(input: string): NationalCodeResult {
  const cleaned = cleanCodeInput(input);
  if (cleaned === '') return { ok: false, problem: 'empty' };
  if (!/^[0-9]+$/.test(cleaned)) return { ok: false, problem: 'not-digits' };
  if (cleaned.length < 8) return { ok: false, problem: 'too-short' };
  if (cleaned.length > 10) return { ok: false, problem: 'too-long' };
  // Spreadsheets read codes as numbers and drop up to two leading zeros.
  const code = cleaned.padStart(10, '0');
  if (code.slice(3, 9) === '000000') return { ok: false, problem: 'zero-middle' };
  if (nationalCodeCheckDigit(code) !== Number(code[9]))
    return { ok: false, problem: 'check-digit' };
  return { ok: true, code };
}

export function isValidNationalCode(input: string): boolean {
  return parseNationalCode(input).ok;
}

/** Appends the check digit to nine digits: used by the demo inventory and test factories. */
export function completeNationalCode(firstNine: string): string {
  return firstNine + String(nationalCodeCheckDigit(firstNine));
}
