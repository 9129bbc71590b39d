// One manifest import from file to database: the worker reads and checks rows, this side writes
// each batch (importManifestCards) and only then lets the worker read on. Must stay true: every
// batch written stays written whatever happens later (a full disk, a closed tab), and importing
// the file again finishes the job without changing what is already there.
import type { TahvilDatabase } from '../../db/database.ts';
import { importManifestCards, type ManifestCardRefusal, type ManifestWriteContext } from '../../db/manifest-import.ts';
import type { ManifestColumn, ManifestProblem } from '../../domain/manifest.ts';
import { parseManifestFile, type ManifestBatch, type ManifestParseEnd } from './manifest-parse.ts';
import type { WorkerReply, WorkerRequest } from './manifest-import.worker.ts';

/** Reads a file and hands each batch over, waiting for it to be written before reading on. */
export type ManifestFileParser = (file: Blob, onBatch: (batch: ManifestBatch) => Promise<void>) => Promise<ManifestParseEnd>;

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

/** The production parser: a module worker per import, ended when the import ends. */
export const workerManifestParser: ManifestFileParser = (file, onBatch) =>
  new Promise<ManifestParseEnd>((resolve, reject) => {
    const worker = new Worker(new URL('./manifest-import.worker.ts', import.meta.url), { type: 'module' });
    const send = (request: WorkerRequest) => worker.postMessage(request);
    const finish = (settle: () => void) => {
      worker.terminate();
      settle();
    };
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'batch') {
        onBatch(reply.batch).then(
          () => send({ type: 'written' }),
          (error: unknown) => finish(() => reject(error)),
        );
      } else if (reply.type === 'end') finish(() => resolve(reply.end));
      else finish(() => reject(new Error(reply.message)));
    };
    worker.onerror = (event) => finish(() => reject(new Error(event.message || 'manifest worker failed')));
    send({ type: 'parse', file });
  });

export interface ManifestImportOptions {
  db: TahvilDatabase;
  file: Blob;
  context: ManifestWriteContext;
  parse: ManifestFileParser;
  onProgress?: (progress: ImportProgress) => void;
}

export async function runManifestImport({ db, file, context, parse, onProgress }: ManifestImportOptions): Promise<ImportOutcome> {
  const counts: ImportCounts = { rowsRead: 0, added: 0, updated: 0, unchanged: 0, notReady: 0, rejected: 0 };
  const rejectedRows: RejectedImportRow[] = [];
  onProgress?.({ ...counts, bytesRead: 0, totalBytes: file.size });

  const writeBatch = async (batch: ManifestBatch) => {
    const written = await importManifestCards(db, batch.cards, context);
    const refusedRows: RejectedImportRow[] = written.refused.map((refusal) => ({
      line: refusal.line,
      cardId: refusal.cardId,
      problems: [{ column: 'card_id', reason: refusal.reason }],
    }));
    rejectedRows.push(...mergeByLine(batch.rejected, refusedRows));
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
  if (end.kind === 'refused') return { kind: 'refused', missing: end.missing, duplicate: end.duplicate };
  if (end.kind === 'unreadable') return { kind: 'unreadable' };
  return { kind: 'done', counts, rejectedRows };
}

/** The file's own problems and the database's refusals of one batch, in file order. */
function mergeByLine(fromFile: readonly RejectedImportRow[], fromDatabase: readonly RejectedImportRow[]): RejectedImportRow[] {
  if (fromDatabase.length === 0) return [...fromFile];
  return [...fromFile, ...fromDatabase].sort((a, b) => a.line - b.line);
}

/** The parser for this environment: the worker, or in-process where there are no workers (jsdom in tests). */
export function defaultManifestParser(): ManifestFileParser {
  return typeof Worker === 'undefined' ? parseManifestFile : workerManifestParser;
}
