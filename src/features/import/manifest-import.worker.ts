// The web worker that runs a whole manifest import off the page's thread: it reads the file,
// checks the rows and writes each batch through its own connection to the same database
// (decision 008). The page's live queries hear of every commit through Dexie's cross-context
// broadcast; the page itself only receives progress and the outcome.
import { TahvilDatabase } from '../../db/database.ts';
import { parseManifestFile } from './manifest-parse.ts';
import {
  runManifestImport,
  type ImportOutcome,
  type ImportProgress,
  type RejectedImportRow,
} from './run-manifest-import.ts';

export interface WorkerImportRequest {
  file: Blob;
  databaseName: string;
  centerId: string;
  nowMs: number;
}

/** An error as it crosses to the page: structured cloning keeps neither a DOMException's name in every browser nor Dexie's `inner`. */
export interface ClonedError {
  name: string;
  message: string;
}

/** The outcome without its rejected rows, which were sent batch by batch. */
export type WorkerOutcome =
  | Exclude<ImportOutcome, { kind: 'failed' | 'done' }>
  | Omit<Extract<ImportOutcome, { kind: 'done' }>, 'rejectedRows'>
  | (Omit<Extract<ImportOutcome, { kind: 'failed' }>, 'error' | 'rejectedRows'> & {
      error: ClonedError;
    });

export type WorkerReply =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'rejected'; rows: readonly RejectedImportRow[] }
  | { type: 'end'; outcome: WorkerOutcome }
  | { type: 'crashed'; error: ClonedError };

function withoutRows(outcome: ImportOutcome): WorkerOutcome {
  if (outcome.kind === 'failed')
    return { kind: 'failed', counts: outcome.counts, error: cloneError(outcome.error) };
  if (outcome.kind === 'done') return { kind: 'done', counts: outcome.counts };
  return outcome;
}

const scope = self as unknown as {
  postMessage(message: WorkerReply): void;
  onmessage: ((event: MessageEvent<WorkerImportRequest>) => void) | null;
};

function cloneError(error: unknown): ClonedError {
  // Dexie wraps a full disk as its own error with the browser's QuotaExceededError inside.
  const inner = (error as { inner?: { name?: string; message?: string } } | null)?.inner;
  if (inner?.name === 'QuotaExceededError')
    return { name: inner.name, message: inner.message ?? '' };
  if (error instanceof Error || error instanceof DOMException)
    return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

scope.onmessage = (event) => {
  const { file, databaseName, centerId, nowMs } = event.data;
  const db = new TahvilDatabase(databaseName);
  runManifestImport({
    db,
    file,
    context: { centerId, now: new Date(nowMs) },
    parse: parseManifestFile,
    onProgress: (progress) => scope.postMessage({ type: 'progress', progress }),
    onRejected: (rows) => scope.postMessage({ type: 'rejected', rows }),
  })
    .then(
      (outcome) => scope.postMessage({ type: 'end', outcome: withoutRows(outcome) }),
      (error: unknown) => scope.postMessage({ type: 'crashed', error: cloneError(error) }),
    )
    .finally(() => db.close());
};
