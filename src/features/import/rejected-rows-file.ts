// The rejected rows of an import as a CSV the manager can open beside the manifest and fix:
// one line per problem, with the stable reason code and the same words the screen shows.
import { csvDocument } from '../../domain/csv.ts';
import { fileNamePart } from '../../domain/daily-report.ts';
import type { I18n } from '../../ui/i18n.tsx';
import { describeImportProblem } from './import-problem.ts';
import type { RejectedImportRow } from './run-manifest-import.ts';

export const REJECTED_ROWS_COLUMNS = [
  'line',
  'card_id',
  'column',
  'reason',
  'detail',
  'message',
] as const;

export function rejectedRowsCsv(rows: readonly RejectedImportRow[], i18n: I18n): string {
  const lines = rows.flatMap((row) =>
    row.problems.map((problem) => [
      String(row.line),
      row.cardId,
      problem.column ?? '',
      problem.reason,
      problem.detail ?? '',
      describeImportProblem(problem, i18n),
    ]),
  );
  return csvDocument(REJECTED_ROWS_COLUMNS, lines);
}

/** `{manifest name without .csv}-rejected.csv`, so it sorts beside the file it came from. */
export function rejectedRowsFileName(manifestFileName: string): string {
  return `${fileNamePart(manifestFileName.replace(/\.csv$/i, '')) || 'manifest'}-rejected.csv`;
}
