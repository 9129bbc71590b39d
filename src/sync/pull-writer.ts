// The card pull's page writer: the engine hands it each page's body as it came and gets back at
// once what it needs to ask for the next (the header), while the page is written. In the app it
// is a module worker (pull.worker.ts), so neither the JSON nor the search keys nor IndexedDB's
// structured cloning of a page of cards runs on the page's thread; in tests, the soak and wherever
// there is no Worker, the same steps run in-thread. Must stay true: pages are written one at a
// time in the order handed over, a page that follows a failed one is not written (unless it
// starts a pull), and a page's `written` settles only once its cursor is stored.
import type { TahvilDatabase } from '../db/database.ts';
import {
  readPullPage,
  storePullPage,
  type PullPageHeader,
  type PullPageRefusal,
  type PullPageTarget,
} from './pull-page.ts';
import {
  reviveError,
  type PullWorkerReply,
  type PullWorkerRequest,
} from './pull-worker-protocol.ts';

export type PullPageAnswer =
  | {
      ok: true;
      header: PullPageHeader;
      /** Settles when the page's profile, cards and cursor are stored, or rejects with why not. */
      written: Promise<void>;
    }
  | ({ ok: false } & PullPageRefusal);

export interface PullWriter {
  /**
   * Reads and checks one page's body (transferred: the caller must not use it after) and
   * answers with its header or its refusal; a page accepted is then written after every page
   * handed over before it.
   */
  writePage(body: ArrayBuffer, target: PullPageTarget): Promise<PullPageAnswer>;
  /** Lets go of what the writer holds (its worker) once the pages handed over are written. */
  close(): void;
}

/** The `written` promise's rejection is the caller's to see; it is never "unhandled" meanwhile. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The writer on the calling thread: tests, the soak, and a browser without workers. */
export function inThreadPullWriter(db: TahvilDatabase): PullWriter {
  let writing: Promise<unknown> = Promise.resolve();
  return {
    writePage(body, target) {
      const read = readPullPage(body, target.centerId);
      if (!read.ok)
        return Promise.resolve({ ok: false, problem: read.problem, serverTime: read.serverTime });
      const after = target.startsPull ? writing.catch(() => undefined) : writing;
      const written = quietly(after.then(() => storePullPage(db, read.page, target)));
      writing = written;
      return Promise.resolve({ ok: true, header: read.header, written });
    },
    close() {},
  };
}

/** What the worker writer needs of a Worker, so tests can put the handler behind it. */
export interface PullWorkerPort {
  postMessage(message: PullWorkerRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<PullWorkerReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

function startPullWorker(): PullWorkerPort {
  return new Worker(new URL('./pull.worker.ts', import.meta.url), {
    type: 'module',
    name: 'tahvil-pull',
  });
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/**
 * The writer in a module worker that writes through its own connection to `db`'s database. One
 * worker serves every page, started with the first and kept until close(), after which the next
 * page starts another; a worker that dies fails every page it still had.
 */
export function workerPullWriter(
  db: TahvilDatabase,
  startWorker: () => PullWorkerPort = startPullWorker,
): PullWriter {
  let worker: PullWorkerPort | null = null;
  let closing = false;
  let nextId = 1;
  /** Pages handed over and not yet written: `answer` is null once the header came. */
  const pages = new Map<
    number,
    { answer: Deferred<PullPageAnswer> | null; written: Deferred<void> }
  >();

  const stopWhenIdle = () => {
    if (!closing || pages.size > 0 || !worker) return;
    worker.terminate();
    worker = null;
    closing = false;
  };

  const failAll = (error: Error) => {
    for (const page of pages.values()) (page.answer ?? page.written).reject(error);
    pages.clear();
    worker?.terminate();
    worker = null;
    closing = false;
  };

  const onReply = (reply: PullWorkerReply) => {
    const page = pages.get(reply.id);
    if (!page) return;
    if (reply.type === 'header') {
      page.answer?.resolve({ ok: true, header: reply.header, written: page.written.promise });
      page.answer = null;
      return;
    }
    pages.delete(reply.id);
    if (reply.type === 'refused')
      page.answer?.resolve({ ok: false, problem: reply.problem, serverTime: reply.serverTime });
    else if (reply.type === 'written') page.written.resolve();
    else (page.answer ?? page.written).reject(reviveError(reply.error));
    stopWhenIdle();
  };

  const start = () => {
    const started = startWorker();
    started.onmessage = (event) => onReply(event.data);
    started.onerror = (event) => {
      event.preventDefault?.();
      failAll(new Error(event.message || 'the pull worker failed'));
    };
    return started;
  };

  return {
    writePage(body, target) {
      closing = false;
      worker ??= start();
      const id = nextId++;
      const answer = deferred<PullPageAnswer>();
      const written = deferred<void>();
      void quietly(written.promise);
      pages.set(id, { answer, written });
      const request: PullWorkerRequest = {
        type: 'page',
        id,
        databaseName: db.name,
        body,
        target,
      };
      worker.postMessage(request, [body]);
      return answer.promise;
    },
    close() {
      closing = true;
      stopWhenIdle();
    },
  };
}

/** The app's writer: in a module worker where there are workers, in-thread elsewhere. */
export function createPullWriter(db: TahvilDatabase): PullWriter {
  return typeof Worker === 'undefined' ? inThreadPullWriter(db) : workerPullWriter(db);
}
