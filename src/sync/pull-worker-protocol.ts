// The pull's page writer as it runs in its module worker (pull.worker.ts): the messages between
// the engine's side (pull-writer.ts) and the worker, and the worker's handler, which is plain
// code so tests call it in-thread. Must stay true: a page is answered (header or refusal) before
// any of it is written, pages are written one at a time in the order they came (one after a
// failed page only if it starts a pull), and every page ends in exactly one `written`, `failed`
// or `refused`; an error crosses as a ClonedError that the engine's side turns back into the
// error it was (a CenterChangedError stays one).
import { TahvilDatabase } from '../db/database.ts';
import { CenterChangedError } from '../db/settings.ts';
import {
  readPullPage,
  storePullPage,
  type PullPageHeader,
  type PullPageRefusal,
  type PullPageTarget,
} from './pull-page.ts';

export interface PullWorkerRequest {
  type: 'page';
  id: number;
  /** The database the worker writes through a connection of its own. */
  databaseName: string;
  /** The page's body as it came, transferred. */
  body: ArrayBuffer;
  target: PullPageTarget;
}

export type PullWorkerReply =
  | { type: 'header'; id: number; header: PullPageHeader }
  | ({ type: 'refused'; id: number } & PullPageRefusal)
  | { type: 'written'; id: number }
  | { type: 'failed'; id: number; error: ClonedError };

/**
 * An error as it crosses to the page: structured cloning keeps neither a DOMException's name in
 * every browser, nor Dexie's `inner`, nor an Error subclass; a CenterChangedError keeps its centers.
 */
export interface ClonedError {
  name: string;
  message: string;
  expectedCenterId?: string;
  currentCenterId?: string;
}

export function cloneError(error: unknown): ClonedError {
  if (error instanceof CenterChangedError)
    return {
      name: error.name,
      message: error.message,
      expectedCenterId: error.expectedCenterId,
      currentCenterId: error.currentCenterId,
    };
  // Dexie wraps a full disk as its own error with the browser's QuotaExceededError inside.
  const inner = (error as { inner?: { name?: string; message?: string } } | null)?.inner;
  if (inner?.name === 'QuotaExceededError')
    return { name: inner.name, message: inner.message ?? '' };
  if (error instanceof Error || error instanceof DOMException)
    return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error a ClonedError was made from, as the engine tells them apart. */
export function reviveError(cloned: ClonedError): Error {
  if (cloned.name === 'CenterChangedError')
    return new CenterChangedError(cloned.expectedCenterId ?? '', cloned.currentCenterId ?? '');
  return Object.assign(new Error(cloned.message), { name: cloned.name });
}

/**
 * The worker's handler of one request: reads and checks the page, answers its header (or its
 * refusal) at once, then writes it after every page before it, and says how that ended.
 */
export function createPullWorkerHandler(
  post: (reply: PullWorkerReply) => void,
  openDatabase: (name: string) => TahvilDatabase = (name) => new TahvilDatabase(name),
): (request: PullWorkerRequest) => Promise<void> {
  let db: TahvilDatabase | null = null;
  let writing: Promise<unknown> = Promise.resolve();
  return async ({ id, databaseName, body, target }) => {
    let read: ReturnType<typeof readPullPage>;
    try {
      read = readPullPage(body, target.centerId);
    } catch (error) {
      post({ type: 'failed', id, error: cloneError(error) });
      return;
    }
    if (!read.ok) {
      post({ type: 'refused', id, problem: read.problem, serverTime: read.serverTime });
      return;
    }
    post({ type: 'header', id, header: read.header });
    if (db?.name !== databaseName) db = openDatabase(databaseName);
    const database = db;
    const { page } = read;
    // A page after one that failed is not written: it fails with that page's error.
    const after = target.startsPull ? writing.catch(() => undefined) : writing;
    const write = after.then(() => storePullPage(database, page, target));
    writing = write;
    try {
      await write;
      post({ type: 'written', id });
    } catch (error) {
      post({ type: 'failed', id, error: cloneError(error) });
    }
  };
}
