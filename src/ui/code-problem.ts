import type { NationalCodeProblem } from '../domain/national-code.ts';
import type { MessageKey } from './messages.ts';

export const NATIONAL_CODE_PROBLEM_MESSAGE: Record<NationalCodeProblem, MessageKey> = {
  empty: 'codeEmpty',
  'not-digits': 'codeNotDigits',
  'too-short': 'codeTooShort',
  'too-long': 'codeTooLong',
  'zero-middle': 'codeZeroMiddle',
  'check-digit': 'codeCheckDigit',
};
