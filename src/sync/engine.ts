// The sync engine: pushes the outbox (oldest first, in batches), then pulls cards from the
// stored cursor. It never drops an event on a guess: an event leaves the outbox only on a
// registry answer. Clock, fetch, lock and database are injected so tests drive it directly.
import type { TahvilDatabase } from '../db/database.ts';
import { readSettings, readSyncMeta, writeSyncMeta, type Settings } from '../db/settings.ts';
import { applyPushResults, claimPendingBatch, releaseUnanswered } from '../db/outbox.ts';
import { upsertCards } from '../db/cards.ts';
import {
  cardsPath,
  eventsPath,
  MAX_PUSH_EVENTS,
  type ErrorBody,
  type PullResponse,
  type PushResponse,
} from './protocol.ts';

export type SyncStatus = 'idle' | 'syncing' | 'offline' | 'error';
export type SyncProblem = 'unreachable' | 'server-error' | 'rate-limited' | 'not-registered' | 'bad-response';

export interface SyncState {
  status: SyncStatus;
  problem: SyncProblem | null;
  lastSuccessAt: number | null;
  /** Cards received so far in the current pull, for the first-start progress display. */
  pulledCards: number;
  nextAttemptAt: number | null;
}

export interface SyncClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncEngineDeps {
  db: TahvilDatabase;
  fetch: typeof fetch;
  clock: SyncClock;
  random?: () => number;
  /** Runs `task` only if no other tab holds the sync lock; resolves false when skipped. */
  withLock?: (task: () => Promise<void>) => Promise<boolean>;
}

export const SYNC_INTERVAL_MS = 60_000;
export const SYNC_SOON_DELAY_MS = 1_500;
export const REQUEST_TIMEOUT_MS = 20_000;
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const PULL_PAGE_LIMIT = 2_000;

class SyncFailure extends Error {
  constructor(
    readonly problem: SyncProblem,
    readonly retryAfterMs: number | null = null,
  ) {
    super(problem);
  }
}

/** Full-jitter exponential backoff: a random delay up to min(cap, base·2^attempt). */
export function backoffDelayMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 20));
  return Math.max(BACKOFF_BASE_MS / 2, Math.round(random() * ceiling));
}

export class SyncEngine {
  private state: SyncState = { status: 'idle', problem: null, lastSuccessAt: null, pulledCards: 0, nextAttemptAt: null };
  private readonly listeners = new Set<(state: SyncState) => void>();
  private running: Promise<void> | null = null;
  private rerunRequested = false;
  private failures = 0;
  private timer: unknown = null;
  private stopped = true;
  private readonly random: () => number;

  constructor(private readonly deps: SyncEngineDeps) {
    this.random = deps.random ?? Math.random;
  }

  getState(): SyncState {
    return this.state;
  }

  subscribe(listener: (state: SyncState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the schedule: a sync now and every minute; `syncSoon` and `syncNow` add more. Resolves after the first sync. */
  start(): Promise<void> {
    this.stopped = false;
    return this.syncNow();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  /** A sync shortly after a new event, so a burst of handovers goes in one request. */
  syncSoon(): void {
    if (this.stopped) return;
    if (this.state.status === 'error' && this.state.problem === 'not-registered') return;
    this.schedule(SYNC_SOON_DELAY_MS);
  }

  /** Syncs now; if a sync is running, one more follows it so nothing recorded meanwhile waits. */
  syncNow(): Promise<void> {
    if (this.running) {
      this.rerunRequested = true;
      return this.running;
    }
    this.clearTimer();
    this.running = this.runWithLock().finally(() => {
      this.running = null;
      if (this.rerunRequested) {
        this.rerunRequested = false;
        void this.syncNow();
      }
    });
    return this.running;
  }

  private async runWithLock(): Promise<void> {
    const withLock = this.deps.withLock ?? (async (task: () => Promise<void>) => (await task(), true));
    const ran = await withLock(() => this.runOnce());
    if (!ran && !this.stopped) this.schedule(SYNC_INTERVAL_MS);
  }

  private async runOnce(): Promise<void> {
    this.update({ status: 'syncing', nextAttemptAt: null });
    try {
      const settings = await readSettings(this.deps.db);
      // Only this engine sends, and it runs once at a time: anything still "sending" belongs
      // to a request that never got its answer (tab closed, crash). Replaying it is safe.
      await releaseUnanswered(this.deps.db);
      await this.push(settings);
      await this.pull(settings);
      this.failures = 0;
      this.update({ status: 'idle', problem: null, lastSuccessAt: this.deps.clock.now(), pulledCards: 0 });
      if (!this.stopped) this.schedule(SYNC_INTERVAL_MS);
    } catch (error) {
      const failure = error instanceof SyncFailure ? error : new SyncFailure('bad-response');
      this.failures++;
      const offline = failure.problem === 'unreachable';
      this.update({ status: offline ? 'offline' : 'error', problem: failure.problem, pulledCards: 0 });
      if (failure.problem === 'not-registered' || this.stopped) return;
      const delay = failure.retryAfterMs ?? backoffDelayMs(this.failures - 1, this.random);
      this.schedule(delay);
    }
  }

  private async push(settings: Settings): Promise<void> {
    for (;;) {
      const batch = await claimPendingBatch(this.deps.db, MAX_PUSH_EVENTS);
      if (batch.length === 0) return;
      const eventIds = batch.map((record) => record.eventId);
      try {
        const response = await this.request<PushResponse>(settings, eventsPath(settings.centerId), {
          method: 'POST',
          body: JSON.stringify({ events: batch.map((record) => record.event) }),
        });
        if (!Array.isArray(response.results)) throw new SyncFailure('bad-response');
        await applyPushResults(this.deps.db, response.results);
      } finally {
        // Whatever got no result (network error, partial answer) is pending again.
        await releaseUnanswered(this.deps.db, eventIds);
      }
    }
  }

  private async pull(settings: Settings): Promise<void> {
    let { pullCursor } = await readSyncMeta(this.deps.db);
    let received = 0;
    for (;;) {
      const query = new URLSearchParams({ limit: String(PULL_PAGE_LIMIT) });
      if (pullCursor) query.set('cursor', pullCursor);
      const page = await this.request<PullResponse>(settings, `${cardsPath(settings.centerId)}?${query}`, { method: 'GET' });
      if (!Array.isArray(page.items) || typeof page.cursor !== 'string') throw new SyncFailure('bad-response');
      await upsertCards(this.deps.db, page.items);
      pullCursor = page.cursor;
      await writeSyncMeta(this.deps.db, page.hasMore ? { pullCursor } : { pullCursor, initialPullDone: true });
      received += page.items.length;
      this.update({ pulledCards: received });
      if (!page.hasMore) return;
    }
  }

  private async request<T>(settings: Settings, path: string, init: RequestInit): Promise<T> {
    const controller = new AbortController();
    const timeout = this.deps.clock.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await this.deps.fetch(`${settings.registryUrl}${path}`, {
        ...init,
        signal: controller.signal,
        headers: {
          Authorization: `Bearer ${settings.deviceToken}`,
          'X-Device-Id': settings.deviceId,
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        },
      });
    } catch {
      throw new SyncFailure('unreachable');
    } finally {
      this.deps.clock.clearTimeout(timeout);
    }
    if (response.status === 401 || response.status === 403) throw new SyncFailure('not-registered');
    if (response.status === 429) throw new SyncFailure('rate-limited', retryAfterMs(response));
    if (response.status >= 500) throw new SyncFailure('server-error', retryAfterMs(response));
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as ErrorBody | null;
      throw new SyncFailure(body?.error ? 'bad-response' : 'server-error');
    }
    try {
      return (await response.json()) as T;
    } catch {
      throw new SyncFailure('unreachable');
    }
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.update({ nextAttemptAt: this.deps.clock.now() + delayMs });
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      void this.syncNow();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private update(changes: Partial<SyncState>): void {
    this.state = { ...this.state, ...changes };
    for (const listener of this.listeners) listener(this.state);
  }
}

function retryAfterMs(response: Response): number | null {
  const header = response.headers.get('Retry-After');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}
