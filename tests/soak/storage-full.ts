// A full disk under one tablet's IndexedDB, for the soak, as a browser reports one when the
// origin's quota is used up: the next read-write transaction over the handover's stores (cards,
// events, counters, settings, staff) on one connection either has its n-th write (add or put)
// fail, the request erroring with a QuotaExceededError DOMException, or fails at its commit, the
// transaction aborting with that error after all its writes; either way the transaction's writes
// are undone. Built on fake-indexeddb 6's internals (FDBTransaction._execRequestAsync takes each
// request's operation, _start runs the queue and commits when it is empty, _abort(name) aborts
// with a DOMException of that name); checked at install, so a fake-indexeddb that changed them
// fails loudly rather than never failing a write.
import { IDBObjectStore, IDBTransaction } from 'fake-indexeddb';

/** The stores recordHandover's (and voidHandover's) write transaction spans, sorted. */
const HANDOVER_SCOPE = ['cards', 'counters', 'events', 'settings', 'staff'].join(',');

/** Which part of the transaction the full disk refuses: its n-th write (from 1), or its commit. */
export type StorageFullMoment = number | 'commit';

interface Plan {
  moment: StorageFullMoment;
  transaction: FakeTransaction | undefined;
  writes: number;
  /** The store and method of the write that failed, once one has. */
  failed: string | null;
}

interface FakeTransaction {
  db: unknown;
  mode: string;
  objectStoreNames: ArrayLike<string>;
  _state: string;
  _requests: Array<{ request: { readyState: string } }>;
  _execRequestAsync(request: { operation: () => unknown; source?: unknown }): unknown;
  _start(): void;
  _abort(errorName: string | null): void;
}

interface FakeObjectStore {
  name: string;
  transaction: FakeTransaction;
}

const plans = new WeakMap<object, Plan>();
/** Transactions whose commit is to fail, with their plan. */
const failingCommits = new WeakMap<object, Plan>();
let installed = false;

function install(): void {
  if (installed) return;
  const transactionMethods = IDBTransaction.prototype as unknown as FakeTransaction;
  for (const internal of ['_execRequestAsync', '_start', '_abort'] as const)
    if (typeof transactionMethods[internal] !== 'function')
      throw new Error(`fake-indexeddb no longer has FDBTransaction.${internal}`);
  const start = transactionMethods._start;
  transactionMethods._start = function (this: FakeTransaction) {
    const plan = failingCommits.get(this);
    // Nothing left to run: the moment it would commit.
    if (
      plan &&
      this._state !== 'finished' &&
      this._requests.every(({ request }) => request.readyState === 'done')
    ) {
      failingCommits.delete(this);
      plan.failed = 'commit';
      this._abort('QuotaExceededError');
      return;
    }
    start.call(this);
  };
  const storeMethods = IDBObjectStore.prototype as unknown as Record<
    'add' | 'put',
    (this: FakeObjectStore, ...args: unknown[]) => unknown
  >;
  for (const method of ['add', 'put'] as const) {
    const original = storeMethods[method];
    storeMethods[method] = function (this: FakeObjectStore, ...args: unknown[]) {
      const transaction = this.transaction;
      const plan = plans.get(transaction.db as object);
      const inScope =
        plan &&
        transaction.mode === 'readwrite' &&
        Array.from(transaction.objectStoreNames).sort().join(',') === HANDOVER_SCOPE;
      if (!plan || !inScope || plan.failed !== null) return original.apply(this, args);
      if (plan.transaction === undefined) {
        plan.transaction = transaction;
        if (plan.moment === 'commit') failingCommits.set(transaction, plan);
      }
      if (plan.transaction !== transaction) return original.apply(this, args);
      plan.writes++;
      if (plan.writes !== plan.moment) return original.apply(this, args);
      plan.failed = `${this.name}.${method}`;
      // The request is queued as usual, but its operation fails when its turn comes.
      const queue = transaction._execRequestAsync;
      transaction._execRequestAsync = (request) => {
        transaction._execRequestAsync = queue;
        return queue.call(transaction, {
          ...request,
          operation: () => {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          },
        });
      };
      try {
        return original.apply(this, args);
      } finally {
        transaction._execRequestAsync = queue;
      }
    };
  }
  installed = true;
}

/**
 * Arms a full disk on `connection` (a Dexie database's backendDB()): its next handover-scoped
 * read-write transaction fails at `moment`. disarm() says what failed (`cards.put`, `commit`…;
 * null if nothing did) and how many writes that transaction made before.
 */
export function armStorageFull(
  connection: object,
  moment: StorageFullMoment,
): { disarm(): { failed: string | null; writes: number } } {
  install();
  const plan: Plan = { moment, transaction: undefined, writes: 0, failed: null };
  plans.set(connection, plan);
  return {
    disarm: () => {
      plans.delete(connection);
      if (plan.transaction) failingCommits.delete(plan.transaction);
      return { failed: plan.failed, writes: plan.writes };
    },
  };
}

/** The error a full disk gives, as the counter screen tells it (src/ui/command-error.ts). */
export function isQuotaError(error: unknown): boolean {
  const candidates = [error, (error as { inner?: unknown } | null)?.inner];
  return candidates.some(
    (candidate) => (candidate as { name?: string } | null)?.name === 'QuotaExceededError',
  );
}
