import type { I18n, MessageKey } from '../../ui/i18n.tsx';
import { NATIONAL_CODE_PROBLEM_MESSAGE } from '../../ui/code-problem.ts';
import type { ImportProblem, ImportProblemReason } from './run-manifest-import.ts';

const REASON_MESSAGE: Record<ImportProblemReason, MessageKey> = {
  missing: 'importReasonMissing',
  'too-long': 'importReasonTooLong',
  'duplicate-card-id': 'importReasonDuplicateCardId',
  'invalid-national-code': 'importReasonInvalidNationalCode',
  'bad-date': 'importReasonBadDate',
  'not-digits': 'importReasonNotDigits',
  'wrong-field-count': 'importReasonWrongFieldCount',
  'malformed-row': 'importReasonMalformedRow',
  'card-id-taken': 'importReasonCardIdTaken',
  'registry-copy-differs': 'importReasonRegistryCopyDiffers',
};

/** A problem in words: the reason, and for a national code what exactly is wrong with it. */
export function describeImportProblem(problem: ImportProblem, { t }: I18n): string {
  const reason = t(REASON_MESSAGE[problem.reason]);
  return problem.detail ? `${reason}: ${t(NATIONAL_CODE_PROBLEM_MESSAGE[problem.detail])}` : reason;
}
