// One manifest import from file to database: rows are read and checked a slice at a time and each
// batch is written (importManifestCards) before the next slice is read. In the app all of it runs
// in a module worker (manifest-import.worker.ts), so the page stays responsive. Must stay true:
// every batch written stays written whatever happens later (a full disk, a closed tab), and
// importing the file again finishes the job without changing what is already there.
import type { TahvilDatabase } from '../../db/database.ts';
import {
  importManifestCards,
  type ManifestCardRefusal,
  type ManifestWriteContext,
} from '../../db/manifest-import.ts';
import type { ManifestColumn, ManifestProblem } from '../../domain/manifest.ts';
import type { ManifestBatch, ManifestParseEnd } from './manifest-parse.ts';
import type { ClonedError, WorkerImportRequest, WorkerReply } from './manifest-import.worker.ts';

/** Reads a file and hands each batch over, waiting for it to be written before reading on. */
export type ManifestFileParser = (
  file: Blob,
  onBatch: (batch: ManifestBatch) => Promise<void>,
) => Promise<ManifestParseEnd>;

export type ImportProblemReason = ManifestProblem['reason'] | ManifestCardRefusal;

export interface ImportProblem {
  column: ManifestColumn | null;
  reason: ImportProblemReason;
  detail?: ManifestProblem['detail'];
}

export interface RejectedImportRow {
  line: number;
  cardId: string;
  problems: ImportProblem[];
}

export interface ImportCounts {
  rowsRead: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Handed over, revoked or returned: left exactly as they are. */
  notReady: number;
  rejected: number;
}

export interface ImportProgress extends ImportCounts {
  bytesRead: number;
  totalBytes: number;
}

export type ImportOutcome =
  | { kind: 'done'; counts: ImportCounts; rejectedRows: RejectedImportRow[] }
  | { kind: 'refused'; missing: ManifestColumn[]; duplicate: ManifestColumn[] }
  | { kind: 'unreadable' }
  /** Writing failed part way (a full disk): `counts` says what was already stored and stays. */
  | { kind: 'failed'; error: unknown; counts: ImportCounts; rejectedRows: RejectedImportRow[] };

export interface ManifestImportOptions {
  db: TahvilDatabase;
  file: Blob;
  context: ManifestWriteContext;
  parse: ManifestFileParser;
  onProgress?: (progress: ImportProgress) => void;
  /** The rows of each written batch that were rejected, as soon as the batch is done. */
  onRejected?: (rows: readonly RejectedImportRow[]) => void;
}

export const EMPTY_IMPORT_COUNTS: Readonly<ImportCounts> = {
  rowsRead: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  notReady: 0,
  rejected: 0,
};

export async function runManifestImport({
  db,
  file,
  context,
  parse,
  onProgress,
  onRejected,
}: ManifestImportOptions): Promise<ImportOutcome> {
  const counts: ImportCounts = { ...EMPTY_IMPORT_COUNTS };
  const rejectedRows: RejectedImportRow[] = [];
  onProgress?.({ ...counts, bytesRead: 0, totalBytes: file.size });

  const writeBatch = async (batch: ManifestBatch) => {
    const written = await importManifestCards(db, batch.cards, context);
    const refusedRows: RejectedImportRow[] = written.refused.map((refusal) => ({
      line: refusal.line,
      cardId: refusal.cardId,
      problems: [
        { column: refusal.reason === 'card-id-taken' ? 'card_id' : null, reason: refusal.reason },
      ],
    }));
    const rejectedInBatch = mergeByLine(batch.rejected, refusedRows);
    rejectedRows.push(...rejectedInBatch);
    if (rejectedInBatch.length > 0) onRejected?.(rejectedInBatch);
    counts.rowsRead = batch.rowsRead;
    counts.added += written.added;
    counts.updated += written.updated;
    counts.unchanged += written.unchanged;
    counts.notReady += written.notReady;
    counts.rejected += batch.rejected.length + refusedRows.length;
    onProgress?.({ ...counts, bytesRead: batch.bytesRead, totalBytes: batch.totalBytes });
  };

  let end: ManifestParseEnd;
  try {
    end = await parse(file, writeBatch);
  } catch (error) {
    return { kind: 'failed', error, counts, rejectedRows };
  }
  if (end.kind === 'refused')
    return { kind: 'refused', missing: end.missing, duplicate: end.duplicate };
  if (end.kind === 'unreadable') return { kind: 'unreadable' };
  return { kind: 'done', counts, rejectedRows };
}

/** The file's own problems and the database's refusals of one batch, in file order. */
function mergeByLine(
  fromFile: readonly RejectedImportRow[],
  fromDatabase: readonly RejectedImportRow[],
): RejectedImportRow[] {
  if (fromDatabase.length === 0) return [...fromFile];
  return [...fromFile, ...fromDatabase].sort((a, b) => a.line - b.line);
}

function errorFromWorker({ name, message }: ClonedError): Error {
  return Object.assign(new Error(message), { name });
}

/** Runs the import in a module worker that writes through its own connection to `db`'s database. */
function importInWorker({
  db,
  file,
  context,
  onProgress,
}: Omit<ManifestImportOptions, 'parse'>): Promise<ImportOutcome> {
  return new Promise<ImportOutcome>((resolve) => {
    const worker = new Worker(new URL('./manifest-import.worker.ts', import.meta.url), {
      type: 'module',
    });
    let progress: ImportProgress = { ...EMPTY_IMPORT_COUNTS, bytesRead: 0, totalBytes: file.size };
    // Kept here as they come, so a worker that dies still leaves the list of rows it rejected.
    const rejectedSoFar: RejectedImportRow[] = [];
    const finish = (outcome: ImportOutcome) => {
      worker.terminate();
      resolve(outcome);
    };
    // A worker that dies takes no batch with it half-written (each is one transaction); what it
    // wrote stays, and the counts so far say how much.
    const crashed = (error: Error) =>
      finish({ kind: 'failed', error, counts: progress, rejectedRows: rejectedSoFar });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'progress') {
        progress = reply.progress;
        onProgress?.(reply.progress);
      } else if (reply.type === 'rejected') rejectedSoFar.push(...reply.rows);
      else if (reply.type === 'crashed') crashed(errorFromWorker(reply.error));
      else if (reply.outcome.kind === 'failed')
        finish({
          ...reply.outcome,
          error: errorFromWorker(reply.outcome.error),
          rejectedRows: rejectedSoFar,
        });
      // The outcome carries no rows: they came batch by batch, and each crosses once.
      else if (reply.outcome.kind === 'done')
        finish({ ...reply.outcome, rejectedRows: rejectedSoFar });
      else finish(reply.outcome);
    };
    worker.onerror = (event) =>
      crashed(new Error(event.message || 'manifest import worker failed'));
    const request: WorkerImportRequest = {
      file,
      databaseName: db.name,
      centerId: context.centerId,
      nowMs: context.now.getTime(),
    };
    worker.postMessage(request);
  });
}

/**
 * The app's import: in a worker where there are workers, in-process elsewhere (jsdom in tests).
 * The parser (and Papa Parse with it) is loaded only there, not with the counter's first screen.
 */
export async function importManifestFile(
  options: Omit<ManifestImportOptions, 'parse'>,
): Promise<ImportOutcome> {
  if (typeof Worker !== 'undefined') return importInWorker(options);
  const { parseManifestFile } = await import('./manifest-parse.ts');
  return runManifestImport({ ...options, parse: parseManifestFile });
}
