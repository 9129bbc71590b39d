// The sync engine: checks the registry is reachable (/health, not navigator.onLine), pushes
// the outbox oldest first in batches, then pulls cards, then the center's roster, then today's
// center day (every tablet's accepted events), each from its own stored cursor. It never drops an
// event on a guess: an event leaves the outbox only on a registry answer; and it writes no page it
// could not read whole. The card pull's pages are read and written by a page writer (a module
// worker in the app, pull-writer.ts) while the next page is fetched: one written and one fetched
// at a time, in order, each page's cursor stored only after its cards. From the registry's clock
// on its answers it keeps an estimate of how far off the tablet's clock is, and only that
// (decision 024). Clock, fetch, lock, connectivity
// events and database are injected so tests drive it directly.
import type { TahvilDatabase } from '../db/database.ts';
import {
  CenterChangedError,
  readSettings,
  readSyncMeta,
  writeClockEstimate,
  writeSyncMeta,
  type EnrolmentGuard,
  type Settings,
} from '../db/settings.ts';
import {
  applyBatchResultsAndClaimNext,
  claimPendingBatch,
  releaseUnanswered,
  type NextBatchClaim,
} from '../db/outbox.ts';
import type { OutboxRecord } from '../db/records.ts';
import { upsertCards } from '../db/cards.ts';
import { inThreadPullWriter, type PullWriter } from './pull-writer.ts';
import { readRosterCursor, storeRosterPage } from '../db/staff.ts';
import { readCenterDayCursor, storeCenterDayPage } from '../db/center-day.ts';
import { parseDayEventsPage } from '../domain/center-day.ts';
import { jalaliDayKey } from '../domain/jalali.ts';
import { markDeviceWithdrawn } from '../db/enrolment.ts';
import { erasePersonalDetails } from '../db/retention.ts';
import { estimateClockOffset } from '../domain/clock-skew.ts';
import { parseStaffPullPage } from '../domain/staff-member.ts';
import { isEnrolled } from '../db/settings.ts';
import {
  cardsPath,
  dayEventsPath,
  eventsPath,
  staffPath,
  DEFAULT_STAFF_PULL_LIMIT,
  HEALTH_PATH,
  MAX_PUSH_EVENTS,
  type ErrorBody,
  type PushResponse,
  type PushResult,
  PUSH_RESULT_STATUSES,
  isOneOf,
} from '../protocol/protocol.ts';

export type SyncStatus = 'idle' | 'syncing' | 'offline' | 'error';
/**
 * not-enrolled: the tablet belongs to no center, so there is nothing to sync; not-registered:
 * the registry does not take this device's token; device-withdrawn: the registry's staff
 * withdrew this device. None of the three is retried: it takes an enrolment.
 */
export type SyncProblem =
  | 'unreachable'
  | 'server-error'
  | 'rate-limited'
  | 'not-enrolled'
  | 'not-registered'
  | 'device-withdrawn'
  | 'bad-response';

/** Problems only a new enrolment can end: the engine does not retry them on its own. */
export function needsEnrolment(problem: SyncProblem | null): boolean {
  return (
    problem === 'not-enrolled' || problem === 'not-registered' || problem === 'device-withdrawn'
  );
}

export interface SyncState {
  status: SyncStatus;
  problem: SyncProblem | null;
  lastSuccessAt: number | null;
  /** Cards received so far in the current pull, for the first-start progress display. */
  pulledCards: number;
  /** Cards this pull will bring in all, when the registry says (decision 005); else null. */
  pullTotal: number | null;
  /** The current pull is the tablet's first: its inventory is still arriving. */
  firstPull: boolean;
  nextAttemptAt: number | null;
}

export const IDLE_SYNC_STATE: SyncState = {
  status: 'idle',
  problem: null,
  lastSuccessAt: null,
  pulledCards: 0,
  pullTotal: null,
  firstPull: false,
  nextAttemptAt: null,
};

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
  /** Fires `online` when the device's network comes back (the window); a hint to try now. */
  connectivity?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /**
   * Reads and writes the card pull's pages (the app's: createPullWriter, a module worker); by
   * default in-thread, on `db`. One for the engine's life; stop() lets it go until the next pull.
   */
  pullWriter?: PullWriter;
}

export const SYNC_INTERVAL_MS = 60_000;
export const SYNC_SOON_DELAY_MS = 1_500;
export const REQUEST_TIMEOUT_MS = 20_000;
export const HEALTH_TIMEOUT_MS = 8_000;
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
export const PULL_PAGE_LIMIT = 5_000;
/** A center's roster is tens of people: the registry's default page holds it in one. */
export const ROSTER_PAGE_LIMIT = DEFAULT_STAFF_PULL_LIMIT;
/** A busy center's day is a few thousand events: a few pages. */
export const DAY_FEED_PAGE_LIMIT = 1_000;
/** A Retry-After beyond this is read as this: the timer must still fire, and staff still see it retrying. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

class SyncFailure extends Error {
  constructor(
    readonly problem: SyncProblem,
    readonly retryAfterMs: number | null = null,
    /** The HTTP status that caused it, when there was an answer. */
    readonly status: number | null = null,
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
  private state: SyncState = IDLE_SYNC_STATE;
  private readonly listeners = new Set<(state: SyncState) => void>();
  private running: Promise<void> | null = null;
  private rerunRequested = false;
  /** A new event arrived during a run: the run's end schedules a sync soon, not in a minute. */
  private soonRequested = false;
  /** After a 429 or a server error: no sync before this, except one staff ask for. */
  private retryNotBefore: number | null = null;
  private failures = 0;
  private timer: unknown = null;
  private stopped = true;
  private readonly random: () => number;
  private readonly pullWriter: PullWriter;

  constructor(private readonly deps: SyncEngineDeps) {
    this.random = deps.random ?? Math.random;
    this.pullWriter = deps.pullWriter ?? inThreadPullWriter(deps.db);
  }

  getState(): SyncState {
    return this.state;
  }

  subscribe(listener: (state: SyncState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts the schedule: a sync now, every minute, and whenever the network comes back;
   * `syncSoon` and `syncNow` add more. Resolves after the first sync.
   */
  start(): Promise<void> {
    if (this.stopped) this.deps.connectivity?.addEventListener('online', this.onOnline);
    this.stopped = false;
    return this.syncNow();
  }

  stop(): void {
    this.deps.connectivity?.removeEventListener('online', this.onOnline);
    this.stopped = true;
    this.clearTimer();
    // Once the pages it was given are written: a pull stopped midway still stores what came.
    this.pullWriter.close();
  }

  private readonly onOnline = () => {
    // "online" only says a network interface is up; the health probe decides whether the
    // registry is reachable. It still deserves a try now rather than at the end of a backoff.
    if (!this.stopped) void this.syncNow();
  };

  /**
   * A sync shortly after a new event, so a burst of handovers goes in one request. It never
   * pushes a sync later, and never earlier than a registry in trouble asked (Retry-After,
   * backoff after 5xx); while the registry is merely unreachable, a new event may try sooner.
   */
  syncSoon(): void {
    if (this.stopped) return;
    if (this.state.status === 'error' && needsEnrolment(this.state.problem)) return;
    if (this.running) {
      this.soonRequested = true;
      return;
    }
    const now = this.deps.clock.now();
    const at = Math.max(now + SYNC_SOON_DELAY_MS, this.retryNotBefore ?? 0);
    const scheduledAt = this.timer !== null ? this.state.nextAttemptAt : null;
    if (scheduledAt !== null && scheduledAt <= at) return;
    this.schedule(at - now);
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
      const rerun = this.rerunRequested && !this.stopped;
      this.rerunRequested = false;
      if (rerun) void this.syncNow();
    });
    return this.running;
  }

  private async runWithLock(): Promise<void> {
    const withLock =
      this.deps.withLock ?? (async (task: () => Promise<void>) => (await task(), true));
    const ran = await withLock(() => this.runOnce());
    if (!ran && !this.stopped) this.schedule(SYNC_INTERVAL_MS);
  }

  private async runOnce(): Promise<void> {
    this.update({ status: 'syncing', nextAttemptAt: null });
    try {
      const settings = await readSettings(this.deps.db);
      if (!isEnrolled(settings)) throw new SyncFailure('not-enrolled');
      if (settings.withdrawnAt !== null) throw new SyncFailure('device-withdrawn');
      if (this.state.lastSuccessAt === null) {
        const { lastSyncAt } = await readSyncMeta(this.deps.db);
        if (lastSyncAt) this.update({ lastSuccessAt: Date.parse(lastSyncAt) });
      }
      // Only this engine sends, and it runs once at a time: anything still "sending" belongs
      // to a request that never got its answer (tab closed, crash). Replaying it is safe.
      await releaseUnanswered(this.deps.db);
      await this.checkReachable(settings);
      await this.push(settings);
      await this.pull(settings);
      // After the cards (decision 022): a deactivation reaches the tablet within the same run.
      await this.pullRoster(settings);
      // Then today's center day (decision 023), for the report: every tablet's accepted events.
      await this.pullCenterDay(
        settings,
        jalaliDayKey(new Date(this.deps.clock.now()), settings.timeZone),
      );
      // Personal details whose time on the tablet is up go now, by the rules just pulled.
      const { rules } = await readSettings(this.deps.db);
      await erasePersonalDetails(
        this.deps.db,
        new Date(this.deps.clock.now()),
        rules.detailsRetentionDays,
      );
      this.failures = 0;
      this.retryNotBefore = null;
      const finishedAt = this.deps.clock.now();
      await writeSyncMeta(
        this.deps.db,
        { lastSyncAt: new Date(finishedAt).toISOString() },
        guardOf(settings),
      );
      this.update({
        status: 'idle',
        problem: null,
        lastSuccessAt: finishedAt,
        pulledCards: 0,
        pullTotal: null,
        firstPull: false,
      });
      if (!this.stopped) this.schedule(this.soonRequested ? SYNC_SOON_DELAY_MS : SYNC_INTERVAL_MS);
    } catch (error) {
      if (error instanceof CenterChangedError) {
        // The tablet moved to another center mid-run; nothing of the old one was written after
        // that. Start again at once under the new settings.
        this.update({ status: 'idle', pulledCards: 0, pullTotal: null, firstPull: false });
        if (!this.stopped) this.schedule(SYNC_SOON_DELAY_MS);
        return;
      }
      const failure = error instanceof SyncFailure ? error : new SyncFailure('bad-response');
      this.failures++;
      const offline = failure.problem === 'unreachable';
      this.update({
        status: offline ? 'offline' : 'error',
        problem: failure.problem,
        pulledCards: 0,
        pullTotal: null,
        firstPull: false,
      });
      if (needsEnrolment(failure.problem) || this.stopped) return;
      const delay = failure.retryAfterMs ?? backoffDelayMs(this.failures - 1, this.random);
      this.retryNotBefore = offline ? null : this.deps.clock.now() + delay;
      this.schedule(delay);
    } finally {
      this.soonRequested = false;
    }
  }

  /** The registry's health answer, without credentials: reachable or "offline", whatever the OS thinks. */
  private async checkReachable(settings: Settings): Promise<void> {
    const sentAtMs = this.deps.clock.now();
    const health = await this.request<unknown>(
      settings,
      HEALTH_PATH,
      { method: 'GET' },
      { authenticated: false, timeoutMs: HEALTH_TIMEOUT_MS },
    );
    await this.noteRegistryClock(health, sentAtMs);
  }

  /**
   * The registry's `serverTime` against this tablet's clock (decision 024): the estimate the
   * header's warning reads, replaced by every answer that gives one. Never sets any clock.
   */
  private async noteRegistryClock(
    answer: unknown,
    sentAtMs: number,
    receivedAtMs = this.deps.clock.now(),
  ): Promise<void> {
    const serverTime =
      typeof answer === 'object' && answer !== null
        ? (answer as { serverTime?: unknown }).serverTime
        : undefined;
    const estimate = estimateClockOffset(serverTime, sentAtMs, receivedAtMs);
    if (estimate) await writeClockEstimate(this.deps.db, estimate);
  }

  private async push(settings: Settings): Promise<void> {
    const guard = guardOf(settings);
    const claim = () => claimPendingBatch(this.deps.db, MAX_PUSH_EVENTS, guard);
    let batch = await claim();
    if (batch.length === 0) return;
    // The claim of the batch after `batch`, made while `batch` is on its way: at first on its
    // own, then in the transaction that writes the answer before `batch` (`recordingIds`).
    let nextClaim = outcomeOf(claim());
    let recordingIds: readonly string[] = [];
    while (batch.length > 0) {
      const eventIds = batch.map((record) => record.eventId);
      const answer = this.request<PushResponse>(settings, eventsPath(settings.centerId), {
        method: 'POST',
        body: JSON.stringify({ events: batch.map((record) => record.event) }),
      });
      try {
        const response = await answer;
        const answeredAtMs = this.deps.clock.now();
        if (!Array.isArray(response.results)) throw new SyncFailure('bad-response');
        const sent = new Set(eventIds);
        const results = response.results.filter(
          (result) => sent.has(result?.eventId) && isOneOf(PUSH_RESULT_STATUSES, result.status),
        );
        // The protocol answers every event. A partial answer is a registry fault: retrying it
        // at once would loop, so the rest wait for the backoff like any other failure.
        const answered = new Set(results.map((result) => result.eventId));
        const complete = eventIds.every((eventId) => answered.has(eventId));
        // Awaited before this answer is written, so the batch it claimed is older than any
        // claimed with this answer: requests go one at a time, oldest first.
        const claimed = await nextClaim;
        if (!claimed.ok || !complete || claimed.value.length === 0) {
          // A failed claim (the last answer not written, a move to another center) or a
          // partial answer ends the push; this answer is still the registry's word.
          await this.recordAnswer(batch, results, answeredAtMs, guard, null);
          if (!claimed.ok) throw claimed.error;
          if (!complete) throw new SyncFailure('bad-response');
          // Empty while this batch was away is not empty now: an event recorded meanwhile goes
          // in this run, and the push ends only when a claim made after the last answer is
          // written finds none, so the pull that follows sees every answer recorded.
          recordingIds = [];
          batch = await claim();
          if (batch.length > 0) nextClaim = outcomeOf(claim());
          continue;
        }
        // This answer is written, and the batch after next claimed, while the next is on its way.
        nextClaim = outcomeOf(
          this.recordAnswer(batch, results, answeredAtMs, guard, {
            maxEvents: MAX_PUSH_EVENTS,
            guard,
          }),
        );
        recordingIds = eventIds;
        batch = claimed.value;
      } catch (error) {
        // Whatever has no result on disk (network error, partial answer, a failed write) is
        // pending again, and so is a batch claimed but not sent. An answered event is no longer
        // "sending", so naming it changes nothing.
        const claimed = await nextClaim;
        await releaseUnanswered(this.deps.db, [
          ...recordingIds,
          ...eventIds,
          ...(claimed.ok ? claimed.value.map((record) => record.eventId) : []),
        ]);
        throw error;
      }
    }
  }

  /**
   * One push answer written: each event's result, and the cards refused events came back with;
   * with `next`, the next batch claimed in the results' own transaction and returned.
   */
  private async recordAnswer(
    batch: readonly OutboxRecord[],
    results: readonly PushResult[],
    answeredAtMs: number,
    guard: EnrolmentGuard,
    next: NextBatchClaim | null,
  ): Promise<OutboxRecord[]> {
    const claimed = await applyBatchResultsAndClaimNext(
      this.deps.db,
      batch,
      results,
      answeredAtMs,
      next,
    );
    // A refused event's answer carries the card as the registry has it: show that at once
    // (who else handed it over, or that it was revoked) instead of waiting for the pull.
    const answeredCards = results.flatMap((result) =>
      result.card && (result.status === 'conflict' || result.status === 'rejected')
        ? [result.card]
        : [],
    );
    try {
      if (answeredCards.length > 0) await upsertCards(this.deps.db, answeredCards, guard);
    } catch (error) {
      // The batch claimed with the results goes back: no request will carry it.
      await releaseUnanswered(
        this.deps.db,
        claimed.map((record) => record.eventId),
      );
      throw error;
    }
    return claimed;
  }

  /**
   * The cards changed after the stored cursor, page by page. Each page's body goes to the page
   * writer, which checks it whole and answers its header; the next page is asked for while this
   * one is written, and handed over only once this one is stored, so one page is written and one
   * fetched at a time. Whatever ends the pull, what was answered before is stored (or failed)
   * first, and a failed write is the error reported: nothing after it is written.
   */
  private async pull(settings: Settings): Promise<void> {
    const meta = await readSyncMeta(this.deps.db);
    let pullCursor = meta.pullCursor;
    let received = 0;
    let restarted = false;
    /** The write of the last page handed over, while the next is fetched. */
    let writing: Promise<Outcome<void>> | null = null;
    /** A page of this pull went to the writer: later pages are written only after it. */
    let handedOver = false;
    const lastPageWritten = async () => {
      const outcome = await writing;
      writing = null;
      if (outcome && !outcome.ok) throw outcome.error;
    };
    this.update({ firstPull: !meta.initialPullDone, pulledCards: 0, pullTotal: null });
    try {
      for (;;) {
        const query = new URLSearchParams({ limit: String(PULL_PAGE_LIMIT) });
        if (pullCursor) query.set('cursor', pullCursor);
        const sentAtMs = this.deps.clock.now();
        let body: ArrayBuffer;
        try {
          body = await this.requestBody(settings, `${cardsPath(settings.centerId)}?${query}`, {
            method: 'GET',
          });
        } catch (error) {
          // The page before is stored first: its failure is the one to report, and a start
          // over must not have its cursor written after the reset.
          await lastPageWritten();
          // A 400 on a stored cursor means the registry no longer knows it (its data was
          // replaced, its versions started again): pull everything once more, and let the
          // registry's copy win whatever its version (cards with unsent local events still
          // keep theirs).
          if (error instanceof SyncFailure && error.status === 400 && pullCursor && !restarted) {
            restarted = true;
            pullCursor = null;
            await writeSyncMeta(this.deps.db, { pullCursor: null }, guardOf(settings));
            continue;
          }
          throw error;
        }
        const receivedAtMs = this.deps.clock.now();
        // Handed over at once, so the page is read while the one before is written; the writer
        // writes it only after that one, and only if that one was stored.
        const answer = await this.pullWriter.writePage(body, {
          centerId: settings.centerId,
          deviceId: settings.deviceId,
          anyVersion: restarted,
          startsPull: !handedOver,
        });
        handedOver = true;
        await this.noteRegistryClock(
          { serverTime: answer.ok ? answer.header.serverTime : answer.serverTime },
          sentAtMs,
          receivedAtMs,
        );
        // A body that is not JSON was cut short on the way, as any answer the engine cannot read.
        if (!answer.ok)
          throw new SyncFailure(answer.problem === 'unreadable' ? 'unreachable' : 'bad-response');
        const { header } = answer;
        // One page written and one fetched: the next is asked for once the one before is stored.
        await lastPageWritten();
        pullCursor = header.cursor;
        writing = outcomeOf(
          answer.written.then(() => {
            received += header.items;
            this.update({
              pulledCards: received,
              pullTotal: header.remaining === null ? null : received + header.remaining,
            });
          }),
        );
        if (!header.hasMore) {
          await lastPageWritten();
          return;
        }
      }
    } catch (error) {
      // Nothing is left being written when the pull ends; a failed write wins over what ended it.
      const outcome = await writing;
      if (outcome && !outcome.ok) throw outcome.error;
      throw error;
    }
  }

  /**
   * The roster's changes after its own cursor, page by page, each page validated whole before
   * any of it is stored (with its cursor, in one transaction); a member it shows deactivated is
   * signed out by that write.
   */
  private async pullRoster(settings: Settings): Promise<void> {
    await this.pullPages(settings, {
      cursor: await readRosterCursor(this.deps.db),
      path: (query) => `${staffPath(settings.centerId)}?${query}`,
      limit: ROSTER_PAGE_LIMIT,
      parse: parseStaffPullPage,
      // A member the page shows inactive is signed out by this write; the screens follow the
      // shift in the settings.
      store: (page, restarted) =>
        storeRosterPage(this.deps.db, page.items, page.cursor, {
          anyVersion: restarted,
          ...guardOf(settings),
        }),
    });
  }

  /**
   * The center's day `dayKey` (protocol 2.2) after its own cursor for that day, each page read
   * whole and stored with its cursor and the center's devices. A 404 is a registry without the
   * feed (2.1): the report then covers this tablet's events, and the sync goes on.
   */
  private async pullCenterDay(settings: Settings, dayKey: string): Promise<void> {
    try {
      await this.pullPages(settings, {
        cursor: await readCenterDayCursor(this.deps.db, dayKey),
        path: (query) =>
          `${dayEventsPath(settings.centerId)}?day=${encodeURIComponent(dayKey)}&${query}`,
        limit: DAY_FEED_PAGE_LIMIT,
        parse: (answer) => parseDayEventsPage(answer, settings.centerId, dayKey),
        store: (page) =>
          storeCenterDayPage(this.deps.db, dayKey, page, {
            receivedAtMs: this.deps.clock.now(),
            ...guardOf(settings),
          }),
      });
    } catch (error) {
      if (error instanceof SyncFailure && error.status === 404) return;
      throw error;
    }
  }

  /**
   * The center's day `dayKey` asked now, outside the schedule (the report, for a day that is not
   * today). Answers whether it came; a failure leaves the schedule and its backoff alone.
   */
  async fetchCenterDay(dayKey: string): Promise<boolean> {
    try {
      const settings = await readSettings(this.deps.db);
      if (!isEnrolled(settings) || settings.withdrawnAt !== null) return false;
      await this.pullCenterDay(settings, dayKey);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The paging loop of the roster and the center's day: from `cursor`, page by page until
   * `hasMore` is false, each page parsed whole (null: a bad response) and then stored. A 400 on a
   * stored cursor (the registry no longer knows it: its data replaced) asks once from the start,
   * and `store` is told so.
   */
  private async pullPages<
    Page extends { items: readonly unknown[]; cursor: string; hasMore: boolean },
  >(
    settings: Settings,
    pull: {
      cursor: string | null;
      path: (query: URLSearchParams) => string;
      limit: number;
      parse: (answer: unknown) => Page | null;
      store: (page: Page, restarted: boolean) => Promise<unknown>;
    },
  ): Promise<void> {
    let { cursor } = pull;
    let restarted = false;
    for (;;) {
      const query = new URLSearchParams({ limit: String(pull.limit) });
      if (cursor) query.set('cursor', cursor);
      let answer: unknown;
      try {
        answer = await this.request<unknown>(settings, pull.path(query), { method: 'GET' });
      } catch (error) {
        if (error instanceof SyncFailure && error.status === 400 && cursor && !restarted) {
          restarted = true;
          cursor = null;
          continue;
        }
        throw error;
      }
      const page = pull.parse(answer);
      if (!page) throw new SyncFailure('bad-response');
      // "More" with nothing in this page would ask for the same page forever.
      if (page.hasMore && page.items.length === 0) throw new SyncFailure('bad-response');
      await pull.store(page, restarted);
      cursor = page.cursor;
      if (!page.hasMore) return;
    }
  }

  private request<T>(
    settings: Settings,
    path: string,
    init: RequestInit,
    options: RequestOptions = {},
  ): Promise<T> {
    return this.send(settings, path, init, options, (response) => response.json() as Promise<T>);
  }

  /** As request(), but the body as it came, unparsed: the pull hands it to its page writer. */
  private requestBody(
    settings: Settings,
    path: string,
    init: RequestInit,
    options: RequestOptions = {},
  ): Promise<ArrayBuffer> {
    return this.send(settings, path, init, options, (response) => response.arrayBuffer());
  }

  /** One request and its status handling; `read` reads a good answer's body (its failure: unreachable). */
  private async send<T>(
    settings: Settings,
    path: string,
    init: RequestInit,
    { authenticated = true, timeoutMs = REQUEST_TIMEOUT_MS }: RequestOptions,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    // The timeout covers the body too: a link that drops mid-page must not leave the sync (and
    // the tab lock) hanging. Aborting the signal also cancels a body still being read.
    const timeout = this.deps.clock.setTimeout(() => controller.abort(), timeoutMs);
    try {
      let response: Response;
      try {
        response = await this.deps.fetch(`${settings.registryUrl}${path}`, {
          ...init,
          signal: controller.signal,
          cache: 'no-store',
          headers: {
            ...(authenticated
              ? {
                  Authorization: `Bearer ${settings.deviceToken}`,
                  'X-Device-Id': settings.deviceId,
                }
              : {}),
            ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          },
        });
      } catch {
        throw new SyncFailure('unreachable');
      }
      if (response.status === 401 || response.status === 403) {
        const body = (await response.json().catch(() => null)) as ErrorBody | null;
        if (authenticated && body?.error?.code === 'device_withdrawn') {
          await markDeviceWithdrawn(
            this.deps.db,
            new Date(this.deps.clock.now()),
            guardOf(settings),
          );
          throw new SyncFailure('device-withdrawn', null, response.status);
        }
        throw new SyncFailure('not-registered', null, response.status);
      }
      if (response.status === 429)
        throw new SyncFailure('rate-limited', retryAfterMs(response), 429);
      if (response.status >= 500)
        throw new SyncFailure('server-error', retryAfterMs(response), response.status);
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as ErrorBody | null;
        const protocolError = typeof body?.error?.code === 'string';
        // The registry's own 404 names an unknown center, which retrying cannot fix; a 404
        // without its error body is something else on the way (a wrong URL, a proxy).
        if (response.status === 404)
          throw new SyncFailure(
            authenticated && protocolError ? 'not-registered' : 'server-error',
            null,
            404,
          );
        throw new SyncFailure(
          protocolError ? 'bad-response' : 'server-error',
          null,
          response.status,
        );
      }
      try {
        return await read(response);
      } catch {
        throw new SyncFailure('unreachable');
      }
    } finally {
      this.deps.clock.clearTimeout(timeout);
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

interface RequestOptions {
  authenticated?: boolean;
  timeoutMs?: number;
}

/** What every write of a run must still match: the center and device (enrolment) it synced. */
function guardOf(settings: Settings) {
  return { forCenter: settings.centerId, forDevice: settings.deviceId };
}

/** Retry-After in ms (seconds or an HTTP date), at most MAX_RETRY_AFTER_MS; null without one. */
export function retryAfterMs(response: Response): number | null {
  const header = response.headers.get('Retry-After');
  if (!header) return null;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * A promise's outcome as a value, so a rejection seen only later (the push's writes and next
 * claim, read after the answer they overlap) is never reported as unhandled meanwhile.
 */
function outcomeOf<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
