// Fault soak of the outbox and sync engine: in each seeded run two tablets of one center record
// handovers and voids against the real registry, server/main.ts as a child process on a PGlite
// folder (registry-process.ts), which answers 503, loses committed answers, rate-limits and lags,
// and is killed with SIGKILL in the middle of a push and started again on its folder and port;
// tablets go offline, tabs crash mid-request, a tablet's own clock jumps hours forward or back,
// its storage fills up in the middle of a handover, and its clerk tries to enrol it with a new
// code while events are unsent. After a clean final sync the registry must hold exactly the
// tablets' synced events, each once, cards must be where those events put them, on both tablets
// too, counters must match a recount, and each tablet's clock estimate must tell how far off its
// clock is. The run's seed draws the steps; the registry's fault draws come from the child's own
// Math.random, and socket timing (where in a push a kill lands, among it) was never in the seed,
// so a replayed seed takes the same steps but not always the same faults. No CLI here.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { TahvilDatabase } from '../../src/db/database.ts';
import {
  ENROLMENT_STARTED_ROW,
  ensureDeviceIdentity,
  readClockEstimate,
} from '../../src/db/settings.ts';
import { signIn } from '../../src/db/staff.ts';
import { enrolTablet } from '../../src/sync/enrolment.ts';
import { recordHandover, voidHandover, type CommandContext } from '../../src/db/handovers.ts';
import { readCounters, recountStatuses } from '../../src/db/counters.ts';
import { outboxSummary } from '../../src/db/outbox.ts';
import type { OutboxRecord, StaffOnShift, StoredCard } from '../../src/db/records.ts';
import { SyncEngine, type SyncClock, type SyncState } from '../../src/sync/engine.ts';
import { jalaliDayKey } from '../../src/domain/jalali.ts';
import { describeCommandError } from '../../src/ui/command-error.ts';
import type { I18n } from '../../src/ui/i18n.tsx';
import {
  DEMO_CENTER_ID,
  type Card,
  type CardStatus,
  type ProtocolEvent,
  type PushResponse,
} from '../../src/protocol/protocol.ts';
import type { FaultOptions, MockEventsResponse } from '../../server/handler.ts';
import { EARLIEST_OCCURRED_AT, MAX_OCCURRED_AT_AHEAD_MS } from '../../server/event-validation.ts';
import { mulberry32 } from '../../server/demo-inventory.ts';
import { holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from '../factories/staff.ts';
import { FIXED_NOW, TEST_TIME_ZONE } from '../factories/time.ts';
import { SoakRegistry } from './registry-process.ts';
import { armStorageFull, isQuotaError, type StorageFullMoment } from './storage-full.ts';

/** Who works at each soak tablet: the test roster's clerks, whom the soak's registry has. */
const SOAK_CLERKS = [TEST_CLERK, TEST_OTHER_CLERK];

export interface SoakOptions {
  runs: number;
  /** Run i uses seed + i, so any run can be replayed alone with --runs 1 --seed <its seed>. */
  seed: number;
  /**
   * Let a tablet's clock jump forward past the registry's next midnight (Tehran), a forward jump
   * then going just past it whatever the hour. Off by default: such a tablet's every sync ends
   * in `bad-response`, because the registry refuses a day feed for a day after its own today
   * (see CLOCK_PAST_MIDNIGHT_MARGIN_MS below).
   */
  clockPastMidnight?: boolean;
  log?: (line: string) => void;
}

export interface SoakFailure {
  run: number;
  seed: number;
  /** What disagreed, one line each: `-` what a tablet holds, `+` what the registry holds, `!` anything else. */
  problems: string[];
  /** The run's last actions, oldest first. */
  trace: string[];
}

export interface SoakTotals {
  runs: number;
  handovers: number;
  /** Handovers of a card the other tablet had already handed over: one must end in conflict. */
  sameCardHandovers: number;
  voids: number;
  /** Commands the counter refused (the card changed under the clerk): not a failure. */
  refusedAtCounter: number;
  requests: number;
  pushes: number;
  unavailable503: number;
  answersLost: number;
  rateLimited429: number;
  /** Requests the engine aborted at its own timeout (the fake clock ran past it). */
  timeouts: number;
  offlinePeriods: number;
  /** Requests refused while the tablet was offline. */
  offlineRefusals: number;
  tabCrashes: number;
  /** Crashes with a push on the wire: its events are left "sending" for the next tab to recover. */
  crashesMidPush: number;
  acceptedEvents: number;
  duplicatesAnswered: number;
  /** Local events that ended refused, as the registry answered them. */
  conflicts: number;
  rejected: number;
  /** The registry SIGKILLed with a push on the wire, and started again on its folder and port. */
  registryKills: number;
  /** Of those, kills that cut the push off before its answer came. */
  pushesCutByKill: number;
  /** Requests a tablet sent while the registry was down between a kill and its restart. */
  requestsWhileDown: number;
  /** A tablet's own clock set hours forward or back, or right again. */
  clockJumps: number;
  /** Handovers and voids recorded while their tablet's clock was off. */
  eventsOffClock: number;
  /** Events the registry refused as `implausible-time` (more than a day ahead of its clock). */
  implausibleTime: number;
  /** Handovers whose write a full disk refused: nothing recorded, and the clerk's retry recorded. */
  storageFull: number;
  /** Of those, the ones the counter would not word as a full disk (src/ui/command-error.ts). */
  storageFullMisworded: number;
  /** Enrolments with a new code refused, and nothing changed, while events were unsettled. */
  reenrolmentsRefused: number;
  /** Of those, refused for refused handovers waiting for a supervisor, nothing being unsent. */
  reenrolmentsRefusedForAttention: number;
  wallTimeMs: number;
  failure: SoakFailure | null;
}

type Counts = Omit<SoakTotals, 'runs' | 'wallTimeMs' | 'failure'>;

function zeroCounts(): Counts {
  return {
    handovers: 0,
    sameCardHandovers: 0,
    voids: 0,
    refusedAtCounter: 0,
    requests: 0,
    pushes: 0,
    unavailable503: 0,
    answersLost: 0,
    rateLimited429: 0,
    timeouts: 0,
    offlinePeriods: 0,
    offlineRefusals: 0,
    tabCrashes: 0,
    crashesMidPush: 0,
    acceptedEvents: 0,
    duplicatesAnswered: 0,
    conflicts: 0,
    rejected: 0,
    registryKills: 0,
    pushesCutByKill: 0,
    requestsWhileDown: 0,
    clockJumps: 0,
    eventsOffClock: 0,
    implausibleTime: 0,
    storageFull: 0,
    storageFullMisworded: 0,
    reenrolmentsRefused: 0,
    reenrolmentsRefusedForAttention: 0,
  };
}

const SEED_CARDS = 40;
const FAIL_RATE = 0.3;
const DROP_RATE = 0.3;
const RATE_LIMIT_RATE = 0.1;
const MAX_LATENCY_MS = 15;
const MIN_STEPS = 15;
const EXTRA_STEPS = 25;
/** Clock jumps: some inside a backoff, some past the 20 s request timeout or the 5 min cap. */
const CLOCK_JUMPS_MS = [300, 1_000, 2_500, 8_000, 25_000, 61_000, 5 * 60_000];
const FINAL_SYNC_ROUNDS = 6;
/** Real time a tablet may take to finish its syncs before the run counts as stuck. */
const SETTLE_LIMIT_MS = 15_000;
const TRACE_LINES = 60;
/**
 * The fake clock's start: what the trace counts from, and what the engines' timers run on. A
 * tablet's wall clock (its Date) is the registry's, this machine's, give or take its own jump.
 */
const START_MS = FIXED_NOW.getTime();
const HOUR_MS = 60 * 60_000;
/** A tablet's own clock is set this many hours off, either way, or right again. */
const WALL_CLOCK_JUMP_HOURS = [1, 2, 3, 4, 5, 6];
/**
 * Asia/Tehran keeps +03:30 all year (no daylight saving since 2022): the registry's day feed
 * counts its days there (server/day-feed-routes.ts).
 */
const TEHRAN_OFFSET_MS = 3.5 * HOUR_MS;
/**
 * Unless SoakOptions.clockPastMidnight: a forward jump that would take a tablet's day past the
 * registry's (with this margin, for the real time a run still takes) goes back instead. A tablet
 * whose clock reads a later day than the registry's asks for a day feed of a day the registry
 * calls its future, is answered 400, and ends every sync in `bad-response` (the engine's
 * pullCenterDay lets only a 404 pass): a bug of src/sync/engine.ts, not of the soak.
 */
const CLOCK_PAST_MIDNIGHT_MARGIN_MS = 10 * 60_000;
/** How far what the soak reads as the registry's clock (this machine's) may be from what it used. */
const CLOCK_TOLERANCE_MS = 60_000;
/** Real ms from a push leaving to the SIGKILL: before it arrives, mid-transaction, or after commit. */
const MAX_KILL_DELAY_MS = 15;
/** The fault-free setting, as a run starts and the final sync runs. */
const NO_FAULTS: FaultOptions = { failRate: 0, dropRate: 0, retryAfter429Rate: 0, latencyMs: 0 };
/** describeCommandError's message key, as the counter screen would look it up. */
const MESSAGE_KEYS = { t: (key: string) => key } as unknown as I18n;

type Random = () => number;
type RequestKind = 'health' | 'push' | 'pull';
/** When a tab dies: before its request leaves, or after the registry committed it, unanswered. */
interface Crash {
  on: RequestKind | 'any';
  moment: 'before-send' | 'after-send';
}

const NEVER = new Promise<never>(() => undefined);

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function hex(value: number, width: number): string {
  return (value >>> 0).toString(16).padStart(width, '0').slice(-width);
}

function isCommandRefused(error: unknown): boolean {
  // By name, not class: the refusal class may move between modules while the shape stays.
  return error instanceof Error && error.name === 'CommandRefused';
}

function isProtocolRecord(record: OutboxRecord): boolean {
  return record.event.type === 'handover' || record.event.type === 'handover_void';
}

function eventCount(body: RequestInit['body']): string {
  try {
    const events = (JSON.parse(String(body)) as { events: unknown[] }).events;
    return events.length === 1 ? '1 event' : `${events.length} events`;
  } catch {
    return 'an unreadable body';
  }
}

/** Sorted-key JSON, so an event compares equal whatever order its fields were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Each table's rows, as canonical text. */
type Snapshot = Record<string, Set<string>>;

/** The rows `after` lost (`-`) and gained (`+`) since `before`, each a problem line of `label`. */
function changedRows(label: string, before: Snapshot, after: Snapshot): string[] {
  const lines: string[] = [];
  for (const [table, rows] of Object.entries(before)) {
    const now = after[table] ?? new Set<string>();
    for (const row of rows) if (!now.has(row)) lines.push(`- ${label}: ${table} ${row}`);
    for (const row of now) if (!rows.has(row)) lines.push(`+ ${label}: ${table} ${row}`);
  }
  return lines;
}

/** `+3h`, `-1h`, `+0h 12m`: how far a clock is off, for the trace and the problems. */
function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${sign}${hours}h` : `${sign}${hours}h ${minutes % 60}m`;
}

/** The first Tehran midnight after `ms`. */
function tehranMidnightAfter(ms: number): number {
  const day = 24 * HOUR_MS;
  return Math.floor((ms + TEHRAN_OFFSET_MS) / day) * day + day - TEHRAN_OFFSET_MS;
}

/** The error's name, or its inner error's, for the trace. */
function errorName(error: unknown): string {
  const inner = (error as { inner?: { name?: string } } | null)?.inner?.name;
  const name = error instanceof Error ? error.name : String(error);
  return inner ? `${name} (${inner})` : name;
}

/** A full disk as the error shows it: itself, inside a Dexie error, or among a bulk write's. */
function isFullDisk(error: unknown): boolean {
  const failures = (error as { failures?: unknown[] } | null)?.failures ?? [];
  return isQuotaError(error) || failures.some(isQuotaError);
}

/**
 * One fake time shared by both tablets. Timers carry their engine's name so a crashed tab's
 * timers die with it; a live engine's timers fire only when the soak moves time forward.
 */
class SoakClock {
  nowMs = START_MS;
  private timers: Array<{ id: number; at: number; owner: string; callback: () => void }> = [];
  private readonly deadOwners = new Set<string>();
  private nextId = 1;

  /**
   * The engine's clock in tab `owner`: its timers run on the shared fake time, as a browser's
   * run whatever the wall clock says; `now` is the tablet's wall clock, `wallNow()`.
   */
  forOwner(owner: string, wallNow: () => number): SyncClock {
    return {
      now: wallNow,
      setTimeout: (callback, ms) => {
        const id = this.nextId++;
        if (!this.deadOwners.has(owner))
          this.timers.push({ id, at: this.nowMs + ms, owner, callback });
        return id;
      },
      clearTimeout: (handle) => {
        this.timers = this.timers.filter((timer) => timer.id !== handle);
      },
    };
  }

  dropOwner(owner: string): void {
    this.deadOwners.add(owner);
    this.timers = this.timers.filter((timer) => timer.owner !== owner);
  }

  /** Moves time forward, firing each due timer at its own moment and in order; returns how many fired. */
  advance(ms: number): number {
    const target = this.nowMs + ms;
    let fired = 0;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target);
      if (due.length === 0) break;
      const next = due.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.id < a.id) ? b : a));
      this.timers = this.timers.filter((timer) => timer !== next);
      this.nowMs = Math.max(this.nowMs, next.at);
      next.callback();
      fired++;
    }
    this.nowMs = target;
    return fired;
  }
}

/** What one run shares between its tablets: the registry, time, the network and the counts. */
class RunContext {
  readonly clock = new SoakClock();
  readonly counts = zeroCounts();
  readonly trace: string[] = [];
  readonly problems: string[] = [];
  /** Real requests still on the wire, abandoned ones included: a run ends only when all are done. */
  private readonly onWire = new Set<Promise<unknown>>();
  /** The next push that leaves (either tablet's) has the registry killed under it. */
  killArmed = false;
  /** The kill under way: its delay, the SIGKILL and the restart. */
  private killing: Promise<void> | null = null;
  /** The kill's delay after its push leaves: its own stream, as pushes interleave with steps. */
  private readonly killRandom: Random;

  readonly base: string;

  constructor(
    readonly registry: SoakRegistry,
    readonly seed: number,
    readonly random: Random,
    readonly options: Pick<SoakOptions, 'clockPastMidnight'>,
  ) {
    this.base = registry.base;
    this.killRandom = mulberry32(seed ^ 0x6b111ed);
  }

  /** Once no kill is under way and the registry listens (a restart failed: throws). */
  async registryUp(): Promise<void> {
    while (this.killing) {
      const killing = this.killing;
      await killing;
      if (this.killing === killing) this.killing = null;
    }
    await this.registry.whenUp();
  }

  /** Kills the registry `delayMs` after `what` left, and starts it again. */
  private killDuring(what: string, answered: () => boolean): void {
    const delayMs = Math.floor(this.killRandom() * (MAX_KILL_DELAY_MS + 1));
    this.killing = (async () => {
      await new Promise((done) => setTimeout(done, delayMs));
      await this.registry.killAndRestart(() => {
        this.counts.registryKills++;
        const cut = !answered();
        if (cut) this.counts.pushesCutByKill++;
        this.note(
          `registry killed (SIGKILL) ${delayMs} ms after the ${what} left${cut ? '' : ', after its answer'}`,
        );
      });
      this.note('registry started again on its folder and port');
    })();
    void this.keep(this.killing);
  }

  note(line: string): void {
    // TAHVIL_SOAK_TRACE=1 prints every line as it comes: a run that hangs never prints its trace.
    if (process.env.TAHVIL_SOAK_TRACE) console.log(`[${this.seed}] ${line}`);
    this.trace.push(`${((this.clock.nowMs - START_MS) / 1000).toFixed(1).padStart(7)}s  ${line}`);
    if (this.trace.length > TRACE_LINES) this.trace.shift();
  }

  private keep<T>(request: Promise<T>): Promise<T> {
    const settled = request.then(
      () => undefined,
      () => undefined,
    );
    this.onWire.add(settled);
    void settled.then(() => this.onWire.delete(settled));
    return request;
  }

  async quiet(): Promise<void> {
    while (this.onWire.size > 0) await Promise.all([...this.onWire]);
  }

  /**
   * The fetch every engine gets. Health probes, pushes and pulls are all treated alike: while
   * offline each throws a TypeError as a browser's fetch does, and a crash can hit any of them.
   */
  async send(
    tablet: Tablet,
    generation: number,
    input: RequestInfo | URL,
    init: RequestInit = {},
  ): Promise<Response> {
    // A tab that crashed runs no more code; should its engine still ask, it never hears back.
    if (generation !== tablet.generation) return NEVER;
    const url = new URL(input instanceof Request ? input.url : String(input));
    const kind: RequestKind = url.pathname.endsWith('/health')
      ? 'health'
      : init.method === 'POST'
        ? 'push'
        : 'pull';
    const isPush = kind === 'push';
    this.counts.requests++;
    if (isPush) this.counts.pushes++;
    const crash = tablet.crashArmed;
    if (crash && (crash.on === 'any' || crash.on === kind)) {
      tablet.crashArmed = null;
      // Offline, nothing leaves whenever the tab dies.
      const moment = tablet.offline ? 'before-send' : crash.moment;
      if (moment === 'after-send') {
        // The request leaves and the registry commits it, but the tab that would read the answer is gone.
        // Nobody reads the answer; keep() still waits for it before the run's final check.
        void this.keep(
          fetch(input, { ...init, signal: null }).then((response) => response.arrayBuffer()),
        );
      }
      if (isPush) this.counts.crashesMidPush++;
      this.note(`${tablet.name} tab crashed during its ${kind} (${moment})`);
      tablet.crash();
      return NEVER;
    }
    if (tablet.offline) {
      this.counts.offlineRefusals++;
      this.note(`${tablet.name} ${kind}: offline`);
      throw new TypeError('Failed to fetch');
    }
    const what = isPush
      ? `${tablet.name} push of ${eventCount(init.body)}`
      : `${tablet.name} ${kind}`;
    const whileDown = this.registry.down;
    if (whileDown) this.counts.requestsWhileDown++;
    const kill = isPush && this.killArmed && !whileDown;
    if (kill) this.killArmed = false;
    let answered = false;
    const request = this.keep(fetch(input, init));
    if (kill) this.killDuring(what, () => answered);
    let response: Response;
    try {
      response = await request;
      answered = true;
    } catch (error) {
      const timedOut = init.signal?.aborted === true;
      if (timedOut) this.counts.timeouts++;
      else if (!whileDown) this.counts.answersLost++;
      this.note(
        `${what}: ${timedOut ? 'timed out' : whileDown ? 'refused, the registry is down' : 'answer lost'}`,
      );
      throw error;
    }
    if (response.status === 503) this.counts.unavailable503++;
    if (response.status === 429) this.counts.rateLimited429++;
    if (!response.ok) this.note(`${what}: ${response.status}`);
    else if (isPush) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as PushResponse | null;
      const answers = new Map<string, number>();
      for (const result of body?.results ?? []) {
        // A refusal with its code: `1 rejected (staff-role)`.
        const answer =
          result.status === 'conflict' || result.status === 'rejected'
            ? `${result.status} (${result.code ?? '?'})`
            : result.status;
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
      }
      this.counts.duplicatesAnswered += answers.get('duplicate') ?? 0;
      this.note(
        `${what}: ${[...answers].map(([status, count]) => `${count} ${status}`).join(', ')}`,
      );
    }
    return response;
  }
}

/**
 * A tablet: its own IndexedDB (one fake factory, so a reload reopens the same data), and the
 * engine of its current tab. A crash abandons the engine mid-request, as closing the tab
 * would, and a fresh engine over a new connection to the same database starts as the app does.
 */
class Tablet {
  db!: TahvilDatabase;
  engine!: SyncEngine;
  generation = 0;
  offline = false;
  crashArmed: Crash | null = null;
  /** How far this tablet's own clock is off (its Date, as the app reads it): 0 when right. */
  clockOffsetMs = 0;
  /** The events recorded here while the clock was off, and how far off it was. */
  readonly offClock = new Map<string, number>();
  private readonly factory = new IDBFactory();
  private readonly connections: TahvilDatabase[] = [];
  private connectivity = new EventTarget();
  /** The current tab's sync runs, seen through the lock it takes for each. */
  private runs = new Set<Promise<void>>();
  private death = deferred();
  private staff!: StaffOnShift;
  private eventCount = 0;
  private closed = false;
  private readonly jitter: Random;

  constructor(
    readonly name: string,
    readonly index: number,
    private readonly context: RunContext,
  ) {
    this.jitter = mulberry32(context.seed * 31 + index);
  }

  /** The clerk signed in here: every event of this tablet names them. */
  get clerkId(): string {
    return this.staff.staffId;
  }

  get deviceId(): string {
    return `5a0c7ab1-0000-4000-8000-${hex(this.index, 12)}`;
  }

  /**
   * What this tablet's clock reads now (Date.now() in the app): the registry's clock, which is
   * this machine's, and the tablet's jump. The fake time moves the engines' timers only, as the
   * registry, a real process, never sees it.
   */
  wallNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async install(): Promise<void> {
    const db = this.open();
    await ensureDeviceIdentity(db, () => this.deviceId);
    // Enrolled as a tablet is: an administrator's one-time code, a key made on the device, and
    // the registry's answer; every event of the run is signed with that key.
    const { code } = await this.context.registry.issueEnrolmentCode();
    await enrolTablet(
      db,
      { registryUrl: this.context.base, code },
      { fetch: globalThis.fetch, now: () => new Date(this.wallNow()) },
    );
    this.boot(db);
    await this.engine.start();
    await this.signIn(db);
  }

  /**
   * Signs this tablet's clerk (of the test roster the soak's registry has) in with their PIN,
   * once the roster has arrived: a faulty start may need a sync or two more.
   */
  private async signIn(db: TahvilDatabase): Promise<void> {
    const member = SOAK_CLERKS[this.index % SOAK_CLERKS.length]!;
    for (let attempt = 0; attempt < 20 && !(await db.staff.get(member.staffId)); attempt++)
      await this.sync();
    const result = await signIn(db, member.staffId, member.pin, new Date(this.wallNow()));
    if (!result.ok)
      throw new Error(`tablet ${this.name}: ${member.staffId} not signed in: ${result.problem}`);
    this.staff = result.shift;
  }

  private open(): TahvilDatabase {
    const db = new TahvilDatabase('tahvil', { indexedDB: this.factory, IDBKeyRange });
    this.connections.push(db);
    return db;
  }

  private boot(db: TahvilDatabase): void {
    const generation = this.generation;
    this.db = db;
    this.connectivity = new EventTarget();
    this.engine = new SyncEngine({
      db,
      fetch: (input, init) => this.context.send(this, generation, input, init),
      clock: this.context.clock.forOwner(`${this.name}${generation}`, () => this.wallNow()),
      random: this.jitter,
      withLock: (task) => this.lock(generation, task),
      connectivity: this.connectivity,
    });
    this.engine.subscribe((state) => this.watch(state));
  }

  private async lock(generation: number, task: () => Promise<void>): Promise<boolean> {
    const run = task();
    if (generation === this.generation) {
      this.runs.add(run);
      void run.then(
        () => this.runs.delete(run),
        () => this.runs.delete(run),
      );
    }
    await run;
    return true;
  }

  private watch(state: SyncState): void {
    if (this.closed) return;
    // The registry never answers 4xx here, so these would be the engine hiding an internal error.
    if (state.problem === 'bad-response' || state.problem === 'not-registered') {
      const line = `! tablet ${this.name}: engine reported "${state.problem}" (the soak's registry never gives cause for it)`;
      if (!this.context.problems.includes(line)) this.context.problems.push(line);
    }
  }

  crash(): void {
    this.context.counts.tabCrashes++;
    this.context.clock.dropOwner(`${this.name}${this.generation}`);
    this.generation++;
    // A dead tab's lock is released by the browser; its run will never finish, so stop waiting on it.
    this.runs = new Set();
    const dead = this.death;
    this.death = deferred();
    dead.resolve();
    this.boot(this.open());
    void this.engine.start();
  }

  /** syncNow, or until this tab crashes: a crashed tab's sync never returns. */
  sync(): Promise<void> {
    return Promise.race([this.engine.syncNow(), this.death.promise]);
  }

  goOnline(): void {
    this.offline = false;
    this.connectivity.dispatchEvent(new Event('online'));
  }

  /** Waits until no sync of the current tab is running (a rerun may follow a run). */
  async settle(): Promise<void> {
    const started = Date.now();
    for (;;) {
      if (this.runs.size === 0) {
        // A rerun starts in the `finally` of the run before it, a few microtasks later.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.runs.size === 0) return;
      }
      const left = SETTLE_LIMIT_MS - (Date.now() - started);
      if (left <= 0)
        throw new Error(
          `tablet ${this.name}: a sync did not finish within ${SETTLE_LIMIT_MS} ms of real time`,
        );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.runs]),
        this.death.promise,
        new Promise((resolve) => (timer = setTimeout(resolve, left))),
      ]);
      clearTimeout(timer);
    }
  }

  commandContext(): CommandContext {
    return testCommandContext({
      staff: this.staff,
      now: new Date(this.wallNow()),
      makeEventId: () =>
        `${hex(this.context.seed, 8)}-${hex(this.index, 4)}-7000-8000-${hex(++this.eventCount, 12)}`,
    });
  }

  async ownHandovers(): Promise<OutboxRecord[]> {
    const records = await this.db.events.toArray();
    return records.filter((record) => record.event.type === 'handover' && !record.voidedByEventId);
  }

  async unsentCount(): Promise<number> {
    return this.db.events.where('syncState').anyOf('pending', 'sending').count();
  }

  /** Notes an event just recorded here, if the clock was off when it was. */
  recorded(eventId: string): string {
    if (this.clockOffsetMs === 0) return '';
    this.offClock.set(eventId, this.clockOffsetMs);
    this.context.counts.eventsOffClock++;
    return ` (clock ${formatOffset(this.clockOffsetMs)})`;
  }

  /**
   * Every row of the tables a command or an enrolment writes, as text to compare: cards, events
   * and counters, and with `settings` the settings too (the enrolment, its key and token).
   */
  async snapshot(settings = false): Promise<Snapshot> {
    const tables = {
      cards: this.db.cards.toArray(),
      events: this.db.events.toArray(),
      counters: this.db.counters.toArray(),
      ...(settings ? { settings: this.db.settings.toArray() } : {}),
    };
    const rows: Snapshot = {};
    for (const [name, read] of Object.entries(tables))
      rows[name] = new Set((await read).map((row: unknown) => canonical(row)));
    return rows;
  }

  close(): void {
    // A run that failed early may close under a running sync; what that sync says then is noise.
    this.closed = true;
    this.engine.stop();
    for (const db of this.connections) db.close();
  }
}

async function mockGet<T>(registry: SoakRegistry, path: string): Promise<T> {
  const response = await registry.mock(path);
  if (!response.ok) throw new Error(`GET /__mock/${path} answered ${response.status}`);
  return (await response.json()) as T;
}

async function registryCards(registry: SoakRegistry): Promise<Card[]> {
  return (await mockGet<{ cards: Card[] }>(registry, `cards?centerId=${DEMO_CENTER_ID}`)).cards;
}

/** A ready card for `tablet`'s next handover, mostly of its own half of the shelf; null if none. */
async function readyCard(
  context: RunContext,
  tablet: Tablet,
  other: Tablet,
): Promise<{ card: StoredCard; sameCard: boolean } | null> {
  const random = context.random;
  const ready = await tablet.db.cards.where('status').equals('ready').toArray();
  let candidates = ready;
  let sameCard = false;
  if (random() < 0.15) {
    // A card the other tablet handed over that this one still shows ready: a real double handover.
    const theirs = new Set((await other.ownHandovers()).map((record) => record.cardId));
    const both = ready.filter((card) => theirs.has(card.cardId));
    if (both.length > 0) {
      candidates = both;
      sameCard = true;
    }
  }
  if (!sameCard) {
    // Mostly different cards: each tablet serves its own half of the shelf.
    const own = ready.filter((card) => Number(card.cardId.slice(2)) % 2 === tablet.index);
    if (own.length > 0) candidates = own;
  }
  if (candidates.length === 0) return null;
  return { card: pick(random, candidates), sameCard };
}

async function handOver(context: RunContext, tablet: Tablet, other: Tablet): Promise<void> {
  const chosen = await readyCard(context, tablet, other);
  if (!chosen) return;
  const { card, sameCard } = chosen;
  try {
    const event = await recordHandover(tablet.db, holderHandover(card), tablet.commandContext());
    context.counts.handovers++;
    if (sameCard) context.counts.sameCardHandovers++;
    context.note(
      `${tablet.name} handover ${card.cardId} ${event.eventId}${sameCard ? ' (same card as the other tablet)' : ''}${tablet.recorded(event.eventId)}`,
    );
  } catch (error) {
    if (!isCommandRefused(error)) throw error;
    context.counts.refusedAtCounter++;
    context.note(
      `${tablet.name} handover ${card.cardId} refused at the counter (${(error as Error).message})`,
    );
  }
}

async function voidOne(context: RunContext, tablet: Tablet): Promise<void> {
  const handovers = await tablet.ownHandovers();
  if (handovers.length === 0) return;
  const original = pick(context.random, handovers);
  try {
    const event = await voidHandover(
      tablet.db,
      { handoverEventId: original.eventId, reason: 'wrong card selected' },
      tablet.commandContext(),
    );
    context.counts.voids++;
    context.note(
      `${tablet.name} void of ${original.eventId} (${original.cardId}, ${original.syncState}) ${event.eventId}${tablet.recorded(event.eventId)}`,
    );
  } catch (error) {
    if (!isCommandRefused(error)) throw error;
    context.counts.refusedAtCounter++;
    context.note(
      `${tablet.name} void of ${original.eventId} refused at the counter (${(error as Error).message})`,
    );
  }
}

/**
 * The tablet's own clock set hours off, either way, or right again (its Date: the events' time,
 * the day, the clock estimate; its timers run on as before). The registry calls an event's time
 * implausible only more than a day ahead of its clock (and before 2020), so every event recorded
 * meanwhile is judged as any other, carrying the time the tablet read, and only the tablet's
 * clock estimate (decision 024's warning) tells.
 */
function jumpClock(context: RunContext, tablet: Tablet): void {
  const random = context.random;
  const before = tablet.clockOffsetMs;
  let offset =
    before !== 0 && random() < 0.4
      ? 0
      : (random() < 0.5 ? -1 : 1) * pick(random, WALL_CLOCK_JUMP_HOURS) * HOUR_MS;
  const registryNow = Date.now();
  const registryDay = jalaliDayKey(new Date(registryNow), TEST_TIME_ZONE);
  let why = '';
  if (offset > 0 && context.options.clockPastMidnight) {
    // Just past the registry's next midnight, whatever the hour: the case the cap below avoids.
    const past = tehranMidnightAfter(registryNow) + (5 + Math.floor(random() * 55)) * 60_000;
    offset = past - registryNow;
    why = ", past the registry's midnight";
  } else if (
    offset > 0 &&
    jalaliDayKey(new Date(registryNow + offset + CLOCK_PAST_MIDNIGHT_MARGIN_MS), TEST_TIME_ZONE) >
      registryDay
  ) {
    offset = -offset;
    why = " (back, not past the registry's midnight)";
  }
  tablet.clockOffsetMs = offset;
  context.counts.clockJumps++;
  context.note(
    `${tablet.name} clock set ${formatOffset(offset)}${why}, was ${formatOffset(before)}`,
  );
}

/**
 * A handover when the tablet's storage is full: one write of its transaction (or its commit)
 * is refused with a QuotaExceededError. The clerk must be told it was not recorded, nothing of it
 * may be on the tablet (no card changed without its outbox event, nor the other way), and the
 * clerk's retry once there is room must be recorded as any handover.
 */
async function storageFull(context: RunContext, tablet: Tablet, other: Tablet): Promise<void> {
  const random = context.random;
  // Nothing else writes this tablet meanwhile: a run of its own could change cards under the check.
  await tablet.settle();
  const chosen = await readyCard(context, tablet, other);
  if (!chosen) return;
  const { card } = chosen;
  // The handover's event, its card, then its counters; or the commit after all of them.
  const moment: StorageFullMoment = random() < 0.25 ? 'commit' : 1 + Math.floor(random() * 3);
  const before = await tablet.snapshot();
  const full = armStorageFull(tablet.db.backendDB(), moment);
  let refused: unknown = null;
  let outcome: ReturnType<typeof full.disarm>;
  try {
    await recordHandover(tablet.db, holderHandover(card), tablet.commandContext());
  } catch (error) {
    refused = error;
  } finally {
    outcome = full.disarm();
  }
  const label = `tablet ${tablet.name}: handover of ${card.cardId} on a full disk (${moment === 'commit' ? 'at the commit' : `write ${moment}`})`;
  if (refused === null) {
    context.problems.push(
      `! ${label} was recorded: the full disk never came (the transaction made ${outcome.writes} write(s))`,
    );
    return;
  }
  if (outcome.failed === null) {
    // Refused before it wrote anything (the card changed under the clerk): as any refusal.
    if (!isCommandRefused(refused)) throw refused;
    context.counts.refusedAtCounter++;
    context.note(
      `${tablet.name} handover ${card.cardId} refused at the counter (${errorName(refused)})`,
    );
    return;
  }
  context.counts.storageFull++;
  if (!isFullDisk(refused))
    context.problems.push(`! ${label} failed with ${errorName(refused)}, not the full disk`);
  const words = describeCommandError(refused, MESSAGE_KEYS);
  if (words !== 'errorStorageFull') context.counts.storageFullMisworded++;
  context.note(
    `${tablet.name} handover ${card.cardId} refused: storage full at ${outcome.failed} (${errorName(refused)}; the counter says ${words})`,
  );
  // Nothing half-written: every table as it was, row for row.
  context.problems.push(...changedRows(label, before, await tablet.snapshot()));

  // Room again: the clerk records the same handover, and it is kept as any other.
  try {
    const event = await recordHandover(tablet.db, holderHandover(card), tablet.commandContext());
    context.counts.handovers++;
    context.note(
      `${tablet.name} handover ${card.cardId} ${event.eventId}, again after the full disk${tablet.recorded(event.eventId)}`,
    );
    const [stored, record] = await Promise.all([
      tablet.db.cards.get(card.cardId),
      tablet.db.events.where('eventId').equals(event.eventId).first(),
    ]);
    if (stored?.status !== 'handed_over' || stored.handover?.eventId !== event.eventId)
      context.problems.push(
        `! ${label}: the retry ${event.eventId} left the card ${describePosition(stored && position(stored))}`,
      );
    if (record?.syncState !== 'pending')
      context.problems.push(
        `! ${label}: the retry ${event.eventId} is ${record?.syncState ?? 'missing'} in the outbox`,
      );
  } catch (error) {
    context.problems.push(
      `! ${label}: the clerk's retry was refused too (${errorName(error)}: ${(error as Error).message})`,
    );
  }
}

/**
 * The clerk enrols the tablet with a new code (another center's, or its own again) while it
 * holds events not yet settled with the registry: decision 017 refuses it before the code is
 * spent (center-has-unsent-events; or center-has-attention for a refused handover nobody has
 * resolved), and nothing on the tablet changes. A tablet with nothing unsettled would be erased
 * and enrolled anew, so one gets a handover first; `afterFinalSync` (nothing is unsent then, and
 * a refused handover may wait), one is only tried if something waits.
 */
async function reenrol(
  context: RunContext,
  tablet: Tablet,
  other: Tablet,
  afterFinalSync = false,
): Promise<void> {
  // Settled, so no sync of its own empties the outbox between the count and the refusal.
  await tablet.settle();
  let summary = await outboxSummary(tablet.db);
  if (summary.pending === 0 && summary.needsAttention === 0) {
    if (afterFinalSync) return;
    await handOver(context, tablet, other);
    summary = await outboxSummary(tablet.db);
    if (summary.pending === 0 && summary.needsAttention === 0) {
      context.note(`${tablet.name} has nothing unsent: no enrolment with a new code tried`);
      return;
    }
  }
  await context.registryUp();
  const { code } = await context.registry.issueEnrolmentCode();
  const expected = summary.pending > 0 ? 'center-has-unsent-events' : 'center-has-attention';
  const label = `tablet ${tablet.name}: enrolment with a new code, ${summary.pending} event(s) unsent and ${summary.needsAttention} waiting for a supervisor`;
  const before = await tablet.snapshot(true);
  let asked = 0;
  const askRegistry: typeof fetch = (input, init) => {
    asked++;
    return globalThis.fetch(input, init);
  };
  try {
    await enrolTablet(
      tablet.db,
      { registryUrl: context.base, code },
      { fetch: askRegistry, now: () => new Date(tablet.wallNow()) },
    );
    // Its center's data is gone now: nothing after this can be checked.
    throw new Error(`${label}: enrolled again, its events erased`);
  } catch (error) {
    if (!isCommandRefused(error)) throw error;
    const refusal = (error as Error & { refusal?: string }).refusal;
    if (refusal !== expected)
      context.problems.push(`! ${label}: refused as ${refusal ?? '?'}, not ${expected}`);
  }
  if (asked > 0)
    context.problems.push(`! ${label}: asked the registry ${asked} time(s), spending the code`);
  context.problems.push(...changedRows(label, before, await tablet.snapshot(true)));
  if (await tablet.db.settings.get(ENROLMENT_STARTED_ROW))
    context.problems.push(`! ${label}: refused, but it left the enrolment hold behind`);
  context.counts.reenrolmentsRefused++;
  if (expected === 'center-has-attention') context.counts.reenrolmentsRefusedForAttention++;
  context.note(
    `${tablet.name} enrolment with a new code refused (${expected}): ${summary.pending} unsent, ${summary.needsAttention} waiting; nothing changed, the code unspent`,
  );
}

/** One random step of a run: the counter, the network, time, a crash, the registry, the disk. */
async function step(
  context: RunContext,
  registry: SoakRegistry,
  tablets: readonly [Tablet, Tablet],
): Promise<void> {
  const random = context.random;
  const which = random() < 0.5 ? 0 : 1;
  const tablet = tablets[which];
  const other = tablets[1 - which]!;
  const roll = random() * 1000;
  if (roll < 280) {
    await handOver(context, tablet, other);
  } else if (roll < 360) {
    await voidOne(context, tablet);
  } else if (roll < 470) {
    context.note(`${tablet.name} sync now`);
    await tablet.sync();
  } else if (roll < 580) {
    // Left running while the clerks go on: pushes and pulls race the next handovers.
    context.note(`${tablet.name} sync now (in the background)`);
    void tablet.sync();
  } else if (roll < 720) {
    const jump = pick(random, CLOCK_JUMPS_MS);
    const fired = context.clock.advance(jump);
    context.note(`clock +${jump / 1000}s, ${fired} timer(s) fired`);
  } else if (roll < 800) {
    if (tablet.offline) {
      context.note(`${tablet.name} back online`);
      tablet.goOnline();
    } else {
      context.counts.offlinePeriods++;
      tablet.offline = true;
      context.note(`${tablet.name} offline`);
    }
  } else if (roll < 850) {
    // Mostly mid-push, where events sit in "sending"; the crash waits for a request of its kind.
    const on = random() < 0.6 ? 'push' : pick(random, ['pull', 'health', 'any'] as const);
    tablet.crashArmed = { on, moment: random() < 0.5 ? 'before-send' : 'after-send' };
    context.note(
      `${tablet.name} will crash on its next ${on === 'any' ? 'request' : on} (${tablet.crashArmed.moment})`,
    );
    if (random() < 0.5) await tablet.sync();
    else void tablet.sync();
  } else if (roll < 885) {
    const latencyMs = Math.floor(random() * (MAX_LATENCY_MS + 1));
    await context.registryUp();
    await registry.setFaults({ latencyMs });
    context.note(`registry latency ${latencyMs} ms`);
  } else if (roll < 925) {
    context.note('both tablets finish their syncs');
    await tablets[0].settle();
    await tablets[1].settle();
  } else if (roll < 960) {
    jumpClock(context, tablet);
  } else if (roll < 980) {
    await storageFull(context, tablet, other);
  } else if (roll < 992) {
    await reenrol(context, tablet, other);
  } else {
    // Armed here, it lands on the next push that leaves, either tablet's: this one's, mostly.
    await context.registryUp();
    context.killArmed = true;
    context.note('the registry will be killed during the next push');
    if ((await tablet.unsentCount()) === 0) await handOver(context, tablet, other);
    if (random() < 0.5) {
      await tablet.sync();
      // Back before the next step; otherwise the steps after meet a registry that is down.
      await context.registryUp();
    } else void tablet.sync();
  }
}

/** Faults off, everyone online: sync until no tablet has anything unsent, then once more so both have pulled. */
async function finalSync(
  context: RunContext,
  registry: SoakRegistry,
  tablets: readonly Tablet[],
): Promise<void> {
  // A kill armed and not landed is called off; one under way is waited for.
  context.killArmed = false;
  await context.registryUp();
  await registry.setFaults(NO_FAULTS);
  for (const tablet of tablets) {
    tablet.crashArmed = null;
    if (tablet.offline) tablet.goOnline();
  }
  context.note('final sync: faults off, all online');
  // Two clean rounds in a row: the second lets the first tablet pull what the second pushed last.
  let cleanRounds = 0;
  for (let round = 0; round < FINAL_SYNC_ROUNDS; round++) {
    for (const tablet of tablets) {
      await tablet.settle();
      await tablet.sync();
      await tablet.settle();
    }
    const unsent = await Promise.all(tablets.map((tablet) => tablet.unsentCount()));
    const clean =
      unsent.every((count) => count === 0) &&
      tablets.every((tablet) => tablet.engine.getState().status === 'idle');
    cleanRounds = clean ? cleanRounds + 1 : 0;
    if (cleanRounds === 2) return;
  }
  for (const tablet of tablets) {
    const state = tablet.engine.getState();
    const unsent = await tablet.unsentCount();
    if (unsent === 0 && state.status === 'idle') continue;
    context.problems.push(
      `! tablet ${tablet.name}: ${unsent} event(s) still unsent, engine ${state.status}/${state.problem ?? '-'} after ${FINAL_SYNC_ROUNDS} sync rounds with faults off`,
    );
  }
}

interface CardPosition {
  status: CardStatus;
  handoverEventId: string | null;
}

function position(card: Pick<Card, 'status' | 'handover'>): CardPosition {
  return { status: card.status, handoverEventId: card.handover?.eventId ?? null };
}

function describePosition(where: CardPosition | undefined): string {
  if (!where) return 'missing';
  return where.handoverEventId ? `${where.status} by ${where.handoverEventId}` : where.status;
}

/** The checks (a)–(f) of the soak, plus each tablet's view and counters once both have pulled. */
async function check(
  context: RunContext,
  tablets: readonly Tablet[],
  initialCards: readonly Card[],
): Promise<void> {
  const problems = context.problems;
  const accepted = (
    await mockGet<MockEventsResponse>(context.registry, `events?centerId=${DEMO_CENTER_ID}`)
  ).events;
  const finalCards = await registryCards(context.registry);
  context.counts.acceptedEvents += accepted.length;
  const registryNow = Date.now();

  const onRegistry = new Map<string, ProtocolEvent[]>();
  for (const event of accepted)
    onRegistry.set(event.eventId, [...(onRegistry.get(event.eventId) ?? []), event]);
  // (c) the registry holds no event twice.
  for (const [eventId, copies] of onRegistry)
    if (copies.length > 1) problems.push(`+ ${eventId} is on the registry ${copies.length} times`);

  const local = new Map<string, { tablet: Tablet; record: OutboxRecord }>();
  for (const tablet of tablets) {
    for (const record of await tablet.db.events.toArray()) {
      local.set(record.eventId, { tablet, record });
      const label = `${tablet.name} ${record.event.type} ${record.eventId} (${record.cardId})`;
      const copies = onRegistry.get(record.eventId) ?? [];
      // (f) every event names the clerk signed in on the tablet that recorded it.
      if (record.event.staffId !== tablet.clerkId)
        problems.push(`- ${label}: recorded as ${record.event.staffId}, not ${tablet.clerkId}`);
      if (!isProtocolRecord(record)) {
        if (copies.length > 0)
          problems.push(`+ ${label}: a local-only ${record.syncState} event reached the registry`);
        continue;
      }
      // (g) the time is the tablet's clock's, right or not, and the registry judges it by its
      // own: more than a day ahead (or before 2020) is rejected as implausible-time, and kept
      // here for staff; anything else is judged as if the clock were right.
      const offClock = tablet.offClock.get(record.eventId);
      const timed =
        offClock === undefined ? label : `${label}, recorded ${formatOffset(offClock)} off`;
      const at = Date.parse(record.event.occurredAt);
      const aheadMs = at - registryNow;
      const implausible =
        at < Date.parse(EARLIEST_OCCURRED_AT) ||
        aheadMs > MAX_OCCURRED_AT_AHEAD_MS + CLOCK_TOLERANCE_MS;
      const plausible = !implausible && aheadMs < MAX_OCCURRED_AT_AHEAD_MS - CLOCK_TOLERANCE_MS;
      if (record.serverCode === 'implausible-time') {
        context.counts.implausibleTime++;
        if (plausible)
          problems.push(
            `- ${timed}: rejected as implausible-time, but ${record.event.occurredAt} is within a day of the registry's clock`,
          );
      } else if (implausible && record.syncState === 'synced') {
        problems.push(
          `+ ${timed}: ${record.event.occurredAt} accepted, though the registry calls it implausible`,
        );
      }
      if (record.syncState === 'synced') {
        // (a) synced means on the registry, once, as recorded.
        if (copies.length === 0) problems.push(`- ${label}: synced here, missing on the registry`);
        else if (canonical(copies[0]) !== canonical(record.event)) {
          problems.push(
            `- ${label}: ${canonical(record.event)}`,
            `+ ${label}: ${canonical(copies[0])}`,
          );
        }
      } else if (record.syncState === 'conflict' || record.syncState === 'rejected') {
        // (d) a refused event stays refused: kept here, absent there.
        if (record.syncState === 'conflict') context.counts.conflicts++;
        else context.counts.rejected++;
        if (copies.length > 0)
          problems.push(
            `+ ${label}: ${record.syncState} here (${record.serverReason ?? 'no reason'}) but accepted on the registry`,
          );
      } else {
        problems.push(
          `- ${label}: still ${record.syncState} after the final sync${copies.length > 0 ? ' (the registry has it)' : ''}`,
        );
      }
    }
  }
  // (b) everything the registry accepted was recorded by a tablet, and by that tablet's device.
  for (const event of accepted) {
    const mine = local.get(event.eventId);
    if (!mine)
      problems.push(
        `+ ${event.eventId} ${event.type} (${event.cardId}) accepted, but no tablet recorded it`,
      );
    else if (mine.record.event.deviceId !== event.deviceId)
      problems.push(
        `+ ${event.eventId}: accepted with device ${event.deviceId}, recorded on ${mine.tablet.name}`,
      );
  }

  // (e) replaying the accepted events over the starting inventory gives the registry's cards.
  const expected = new Map(initialCards.map((card) => [card.cardId, position(card)]));
  for (const event of accepted) {
    const card = expected.get(event.cardId);
    if (!card) {
      problems.push(`+ ${event.eventId} accepted for ${event.cardId}, a card not in the inventory`);
      continue;
    }
    if (event.type === 'handover') {
      if (card.status !== 'ready')
        problems.push(
          `+ handover ${event.eventId} of ${event.cardId} accepted while it was ${describePosition(card)}`,
        );
      expected.set(event.cardId, { status: 'handed_over', handoverEventId: event.eventId });
    } else {
      if (card.status !== 'handed_over' || card.handoverEventId !== event.handoverEventId) {
        problems.push(
          `+ void ${event.eventId} of ${event.handoverEventId} (${event.cardId}) accepted while the card was ${describePosition(card)}`,
        );
      }
      expected.set(event.cardId, { status: 'ready', handoverEventId: null });
    }
  }
  const registryPositions = new Map(finalCards.map((card) => [card.cardId, position(card)]));
  for (const [cardId, want] of expected) {
    const got = registryPositions.get(cardId);
    if (describePosition(got) !== describePosition(want)) {
      problems.push(
        `- ${cardId}: the accepted events leave it ${describePosition(want)}`,
        `+ ${cardId}: the registry has it ${describePosition(got)}`,
      );
    }
  }

  // Both tablets pulled after the last push: each shows every card as the registry has it, and
  // its status counters agree with a recount.
  for (const tablet of tablets) {
    const cards = await tablet.db.cards.toArray();
    const mine = new Map(cards.map((card) => [card.cardId, position(card)]));
    for (const [cardId, there] of registryPositions) {
      const here = mine.get(cardId);
      if (describePosition(here) !== describePosition(there)) {
        problems.push(
          `- ${cardId}: tablet ${tablet.name} shows ${describePosition(here)}`,
          `+ ${cardId}: the registry has it ${describePosition(there)}`,
        );
      }
    }
    // (h) the tablet's clock estimate (decision 024's warning) tells how far off its clock is.
    const estimate = await readClockEstimate(tablet.db);
    const offMs = tablet.wallNow() - Date.now();
    if (!estimate) problems.push(`! tablet ${tablet.name}: no clock estimate after the final sync`);
    else if (Math.abs(estimate.offsetMs - offMs) > CLOCK_TOLERANCE_MS)
      problems.push(
        `! tablet ${tablet.name}: its clock is ${formatOffset(offMs)} off the registry's (set ${formatOffset(tablet.clockOffsetMs)}), but it estimates ${formatOffset(estimate.offsetMs)}`,
      );

    const recount = await recountStatuses(tablet.db);
    const counters = await readCounters(tablet.db, '');
    const kept = {
      ready: counters.ready,
      handed_over: counters.handedOver,
      revoked: counters.revoked,
      returned: counters.returned,
    };
    if (canonical(kept) !== canonical(recount)) {
      problems.push(
        `! tablet ${tablet.name}: status counters say ${canonical(kept)}, a recount of its cards gives ${canonical(recount)}`,
      );
    }
  }
}

async function soakRun(
  registry: SoakRegistry,
  seed: number,
  options: Pick<SoakOptions, 'clockPastMidnight'>,
): Promise<RunContext> {
  const context = new RunContext(registry, seed, mulberry32(seed), options);
  const random = context.random;
  // The registry's fault draws are its own Math.random's: the seed does not reach the child.
  await registry.setFaults(NO_FAULTS);
  await registry.reset(SEED_CARDS, seed);
  const initialCards = await registryCards(registry);

  const tablets = [new Tablet('A', 0, context), new Tablet('B', 1, context)] as const;
  try {
    // Both tablets start with the inventory, as after their first morning's sync.
    await Promise.all(tablets.map((tablet) => tablet.install()));
    await registry.setFaults({
      failRate: FAIL_RATE,
      dropRate: DROP_RATE,
      retryAfter429Rate: random() < 0.4 ? RATE_LIMIT_RATE : 0,
      latencyMs: Math.floor(random() * (MAX_LATENCY_MS + 1)),
    });
    const steps = MIN_STEPS + Math.floor(random() * EXTRA_STEPS);
    for (let i = 0; i < steps; i++) await step(context, registry, tablets);
    await finalSync(context, registry, tablets);
    // The day done and synced, the clerk tries to move a tablet a refused handover still waits on.
    for (const [index, tablet] of tablets.entries())
      await reenrol(context, tablet, tablets[1 - index]!, true);
    await context.quiet();
    await check(context, tablets, initialCards);
  } catch (error) {
    context.problems.push(
      `! the run threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  } finally {
    // Abandoned requests, and a kill under way, must land before the registry is reset for the
    // next run.
    await context.quiet();
    await context.registryUp().catch((error: unknown) => {
      context.problems.push(`! the registry did not start again: ${(error as Error).message}`);
    });
    for (const tablet of tablets) tablet.close();
    if (registry.failure) context.problems.push(`! ${registry.failure}`);
    const stderr = registry.takeStderr().trim();
    if (stderr) context.problems.push(`! the registry wrote to stderr: ${stderr}`);
  }
  return context;
}

function addCounts(totals: SoakTotals, counts: Counts): void {
  for (const key of Object.keys(counts) as Array<keyof Counts>) totals[key] += counts[key];
}

/**
 * Runs the soak, one run at a time against one registry (one child process, restarted after
 * each kill) reset between runs (running several at once saved under a fifth of the time, and a
 * failing run replays more faithfully alone).
 * Stops at the first run whose registry and tablets disagree; returns the totals either way.
 */
export async function runSoak({
  runs,
  seed,
  clockPastMidnight = false,
  log = () => undefined,
}: SoakOptions): Promise<SoakTotals> {
  const started = performance.now();
  const totals: SoakTotals = { runs: 0, ...zeroCounts(), wallTimeMs: 0, failure: null };
  const progressEvery = Math.max(1, Math.ceil(runs / 10));
  const registry = await SoakRegistry.start({ seedCards: SEED_CARDS, seed });
  try {
    for (let run = 0; run < runs; run++) {
      const runSeed = seed + run;
      const context = await soakRun(registry, runSeed, { clockPastMidnight });
      addCounts(totals, context.counts);
      totals.runs++;
      if (context.problems.length > 0) {
        totals.failure = { run, seed: runSeed, problems: context.problems, trace: context.trace };
        break;
      }
      if (totals.runs % progressEvery === 0 || totals.runs === runs) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        log(
          `run ${totals.runs}/${runs} ok · ${totals.handovers} handovers, ${totals.requests} requests so far · ${seconds} s`,
        );
      }
    }
  } finally {
    await registry.close();
  }
  totals.wallTimeMs = performance.now() - started;
  return totals;
}
