// Fault soak of the outbox and sync engine: in each seeded run two tablets of one center record
// handovers and voids against a real mock registry that answers 503, loses committed answers,
// rate-limits and lags, while tablets go offline and tabs crash mid-request. After a clean final
// sync the registry must hold exactly the tablets' synced events, each once, cards must be where
// those events put them, on both tablets too, and counters must match a recount. No CLI here.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { TahvilDatabase } from '../../src/db/database.ts';
import { ensureDeviceIdentity } from '../../src/db/settings.ts';
import { signIn } from '../../src/db/staff.ts';
import { enrolTablet } from '../../src/sync/enrolment.ts';
import { recordHandover, voidHandover, type CommandContext } from '../../src/db/handovers.ts';
import { readCounters, recountStatuses } from '../../src/db/counters.ts';
import type { OutboxRecord, StaffOnShift } from '../../src/db/records.ts';
import { SyncEngine, type SyncClock, type SyncState } from '../../src/sync/engine.ts';
import {
  DEMO_CENTER_ID,
  type Card,
  type CardStatus,
  type ProtocolEvent,
  type PushResponse,
} from '../../src/protocol/protocol.ts';
import { startRegistry, type RunningRegistry } from '../../server/test-helpers.ts';
import type { MockEventsResponse } from '../../server/handler.ts';
import { mulberry32 } from '../../server/demo-inventory.ts';
import { holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from '../factories/staff.ts';

/** Who works at each soak tablet: the test roster's clerks, whom the soak's registry has. */
const SOAK_CLERKS = [TEST_CLERK, TEST_OTHER_CLERK];
import { FIXED_NOW } from '../factories/time.ts';

export interface SoakOptions {
  runs: number;
  /** Run i uses seed + i, so any run can be replayed alone with --runs 1 --seed <its seed>. */
  seed: number;
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
const START_MS = FIXED_NOW.getTime();

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

/**
 * One fake time shared by both tablets. Timers carry their engine's name so a crashed tab's
 * timers die with it; a live engine's timers fire only when the soak moves time forward.
 */
class SoakClock {
  nowMs = START_MS;
  private timers: Array<{ id: number; at: number; owner: string; callback: () => void }> = [];
  private readonly deadOwners = new Set<string>();
  private nextId = 1;

  forOwner(owner: string): SyncClock {
    return {
      now: () => this.nowMs,
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

  readonly base: string;

  constructor(
    readonly registry: RunningRegistry,
    readonly seed: number,
    readonly random: Random,
  ) {
    this.base = registry.base;
  }

  note(line: string): void {
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
    let response: Response;
    try {
      response = await this.keep(fetch(input, init));
    } catch (error) {
      const timedOut = init.signal?.aborted === true;
      if (timedOut) this.counts.timeouts++;
      else this.counts.answersLost++;
      this.note(`${what}: ${timedOut ? 'timed out' : 'answer lost'}`);
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
      for (const result of body?.results ?? [])
        answers.set(result.status, (answers.get(result.status) ?? 0) + 1);
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

  async install(): Promise<void> {
    const db = this.open();
    await ensureDeviceIdentity(db, () => this.deviceId);
    // Enrolled as a tablet is: an administrator's one-time code, a key made on the device, and
    // the registry's answer; every event of the run is signed with that key.
    const { code } = await this.context.registry.issueEnrolmentCode();
    await enrolTablet(
      db,
      { registryUrl: this.context.base, code },
      { fetch: globalThis.fetch, now: () => new Date(this.context.clock.nowMs) },
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
    const result = await signIn(db, member.staffId, member.pin, new Date(this.context.clock.nowMs));
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
      clock: this.context.clock.forOwner(`${this.name}${generation}`),
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
      now: new Date(this.context.clock.nowMs),
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

  close(): void {
    // A run that failed early may close under a running sync; what that sync says then is noise.
    this.closed = true;
    this.engine.stop();
    for (const db of this.connections) db.close();
  }
}

async function mockGet<T>(registry: RunningRegistry, path: string): Promise<T> {
  const response = await registry.mock(path);
  if (!response.ok) throw new Error(`GET /__mock/${path} answered ${response.status}`);
  return (await response.json()) as T;
}

async function registryCards(registry: RunningRegistry): Promise<Card[]> {
  return (await mockGet<{ cards: Card[] }>(registry, `cards?centerId=${DEMO_CENTER_ID}`)).cards;
}

async function handOver(context: RunContext, tablet: Tablet, other: Tablet): Promise<void> {
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
  if (candidates.length === 0) return;
  const card = pick(random, candidates);
  try {
    const event = await recordHandover(tablet.db, holderHandover(card), tablet.commandContext());
    context.counts.handovers++;
    if (sameCard) context.counts.sameCardHandovers++;
    context.note(
      `${tablet.name} handover ${card.cardId} ${event.eventId}${sameCard ? ' (same card as the other tablet)' : ''}`,
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
      `${tablet.name} void of ${original.eventId} (${original.cardId}, ${original.syncState}) ${event.eventId}`,
    );
  } catch (error) {
    if (!isCommandRefused(error)) throw error;
    context.counts.refusedAtCounter++;
    context.note(
      `${tablet.name} void of ${original.eventId} refused at the counter (${(error as Error).message})`,
    );
  }
}

/** One random step of a run: the counter, the network, time, or a crash. */
async function step(
  context: RunContext,
  registry: RunningRegistry,
  tablets: readonly [Tablet, Tablet],
): Promise<void> {
  const random = context.random;
  const which = random() < 0.5 ? 0 : 1;
  const tablet = tablets[which];
  const other = tablets[1 - which]!;
  const roll = random() * 100;
  if (roll < 30) {
    await handOver(context, tablet, other);
  } else if (roll < 38) {
    await voidOne(context, tablet);
  } else if (roll < 50) {
    context.note(`${tablet.name} sync now`);
    await tablet.sync();
  } else if (roll < 62) {
    // Left running while the clerks go on: pushes and pulls race the next handovers.
    context.note(`${tablet.name} sync now (in the background)`);
    void tablet.sync();
  } else if (roll < 78) {
    const jump = pick(random, CLOCK_JUMPS_MS);
    const fired = context.clock.advance(jump);
    context.note(`clock +${jump / 1000}s, ${fired} timer(s) fired`);
  } else if (roll < 86) {
    if (tablet.offline) {
      context.note(`${tablet.name} back online`);
      tablet.goOnline();
    } else {
      context.counts.offlinePeriods++;
      tablet.offline = true;
      context.note(`${tablet.name} offline`);
    }
  } else if (roll < 91) {
    // Mostly mid-push, where events sit in "sending"; the crash waits for a request of its kind.
    const on = random() < 0.6 ? 'push' : pick(random, ['pull', 'health', 'any'] as const);
    tablet.crashArmed = { on, moment: random() < 0.5 ? 'before-send' : 'after-send' };
    context.note(
      `${tablet.name} will crash on its next ${on === 'any' ? 'request' : on} (${tablet.crashArmed.moment})`,
    );
    if (random() < 0.5) await tablet.sync();
    else void tablet.sync();
  } else if (roll < 95) {
    const latencyMs = Math.floor(random() * (MAX_LATENCY_MS + 1));
    registry.handler.setFaults({ latencyMs });
    context.note(`registry latency ${latencyMs} ms`);
  } else {
    context.note('both tablets finish their syncs');
    await tablets[0].settle();
    await tablets[1].settle();
  }
}

/** Faults off, everyone online: sync until no tablet has anything unsent, then once more so both have pulled. */
async function finalSync(
  context: RunContext,
  registry: RunningRegistry,
  tablets: readonly Tablet[],
): Promise<void> {
  registry.handler.setFaults({ failRate: 0, dropRate: 0, retryAfter429Rate: 0, latencyMs: 0 });
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
  registry: RunningRegistry,
  faultSource: { random: Random },
  seed: number,
): Promise<RunContext> {
  const context = new RunContext(registry, seed, mulberry32(seed));
  const random = context.random;
  // The registry's fault draws are seeded per run too; only socket timing is outside the seed.
  faultSource.random = mulberry32(seed ^ 0x5eed5eed);
  registry.handler.setFaults({ failRate: 0, dropRate: 0, retryAfter429Rate: 0, latencyMs: 0 });
  await registry.handler.reset(SEED_CARDS, seed);
  const initialCards = await registryCards(registry);

  const tablets = [new Tablet('A', 0, context), new Tablet('B', 1, context)] as const;
  try {
    // Both tablets start with the inventory, as after their first morning's sync.
    await Promise.all(tablets.map((tablet) => tablet.install()));
    registry.handler.setFaults({
      failRate: FAIL_RATE,
      dropRate: DROP_RATE,
      retryAfter429Rate: random() < 0.4 ? RATE_LIMIT_RATE : 0,
      latencyMs: Math.floor(random() * (MAX_LATENCY_MS + 1)),
    });
    const steps = MIN_STEPS + Math.floor(random() * EXTRA_STEPS);
    for (let i = 0; i < steps; i++) await step(context, registry, tablets);
    await finalSync(context, registry, tablets);
    await context.quiet();
    await check(context, tablets, initialCards);
  } catch (error) {
    context.problems.push(
      `! the run threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  } finally {
    // Abandoned requests must land before the registry is reset for the next run.
    await context.quiet();
    for (const tablet of tablets) tablet.close();
  }
  return context;
}

function addCounts(totals: SoakTotals, counts: Counts): void {
  for (const key of Object.keys(counts) as Array<keyof Counts>) totals[key] += counts[key];
}

/**
 * Runs the soak, one run at a time against one registry reset between runs (running several at
 * once saved under a fifth of the time, and a failing run replays more faithfully alone).
 * Stops at the first run whose registry and tablets disagree; returns the totals either way.
 */
export async function runSoak({
  runs,
  seed,
  log = () => undefined,
}: SoakOptions): Promise<SoakTotals> {
  const started = performance.now();
  const totals: SoakTotals = { runs: 0, ...zeroCounts(), wallTimeMs: 0, failure: null };
  const progressEvery = Math.max(1, Math.ceil(runs / 10));
  const faultSource = { random: mulberry32(seed) };
  const registry = await startRegistry({
    seedCards: SEED_CARDS,
    seed,
    random: () => faultSource.random(),
  });
  try {
    for (let run = 0; run < runs; run++) {
      const runSeed = seed + run;
      const context = await soakRun(registry, faultSource, runSeed);
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
