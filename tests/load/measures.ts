// What the load run measures with and prints: latency percentiles, a cap on requests in flight,
// who used the machine's CPU over a phase (PostgreSQL, this process's main thread and its other
// threads, anything else: Linux's /proc), and the report's number formats. Must stay true: nothing here
// talks to the registry or the database, and a CPU reading covers the whole machine (the
// registry, PostgreSQL and anything else running), so a busy neighbour shows in the report
// instead of silently lowering a figure.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** The p-th percentile (0–100) of `values` by nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

/**
 * At most `limit` holders at once, served in the order they asked: with hundreds of tablets
 * waiting, first come first served keeps any one of them from starving.
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.free = limit;
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Clock ticks a second in /proc's counters: USER_HZ, 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

/** The machine's CPU counters, PostgreSQL's and this process's threads', at one instant. */
export interface CpuMark {
  at: number;
  /** Ticks of /proc/stat's first line: every core, busy and in all (null off Linux). */
  machine: { busy: number; total: number } | null;
  /** Ticks of the PostgreSQL server's processes (watchPostgresOf): postmaster and backends. */
  postgres: number;
  /** Ticks of every `pgbench` process (the anchor's client), running or ended. */
  pgbench: number;
  /** Ticks of this process's main thread (every line of JavaScript) and of its other threads. */
  mainThread: number;
  otherThreads: number;
  /** Nanoseconds the main thread has spent ready to run but waiting for a core (schedstat). */
  mainThreadWaitingNs: number;
  eventLoop: ReturnType<typeof performance.eventLoopUtilization>;
}

function readMachine(): CpuMark['machine'] {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are the idle ones.
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * A /proc stat line's command name and its user + system ticks; with `reaped`, its ended
 * children's too (cutime, cstime): a backend that ended is counted in its postmaster's.
 */
function readStat(
  path: string,
  reaped = false,
): { name: string; parent: number; ticks: number } | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    const close = stat.lastIndexOf(')');
    // After the name: state is field 3, utime and stime 14 and 15, cutime and cstime 16 and 17.
    const fields = stat
      .slice(close + 2)
      .split(' ')
      .map(Number);
    return {
      name: stat.slice(stat.indexOf('(') + 1, close),
      parent: fields[1]!,
      ticks: fields[11]! + fields[12]! + (reaped ? fields[13]! + fields[14]! : 0),
    };
  } catch {
    // Gone meanwhile (a backend that ended), or not Linux.
    return undefined;
  }
}

/** The postmaster whose processes count as PostgreSQL's; every one on the machine until set. */
let postmaster: number | undefined;

/**
 * Counts only the server of `backendPid` (the pid pg_backend_pid() answers) and its processes:
 * another cluster on the machine is someone else's. False when /proc does not tell.
 */
export function watchPostgresOf(backendPid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');
    postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return true;
  } catch {
    return false;
  }
}

function readDatabaseProcesses(): { postgres: number; pgbench: number } {
  const ticks = { postgres: 0, pgbench: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^[0-9]+$/.test(entry));
  } catch {
    return ticks;
  }
  // A pgbench that ended is counted in this process's reaped children: it is the only one.
  const self = readStat('/proc/self/stat', true);
  const own = readStat('/proc/self/stat');
  if (self && own) ticks.pgbench += self.ticks - own.ticks;
  for (const pid of pids) {
    const stat = readStat(`/proc/${pid}/stat`, true);
    if (stat?.name === 'pgbench') ticks.pgbench += stat.ticks;
    else if (
      stat?.name === 'postgres' &&
      (postmaster === undefined || Number(pid) === postmaster || stat.parent === postmaster)
    )
      ticks.postgres += stat.ticks;
  }
  return ticks;
}

/** The scheduler's second figure for the main thread: time spent runnable on a run queue. */
function readMainThreadWaiting(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return Number(fields[1]) || 0;
  } catch {
    return 0;
  }
}

function readThreads(): { main: number; other: number } {
  let main = 0;
  let other = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const ticks = readStat(`/proc/self/task/${tid}/stat`)?.ticks ?? 0;
      if (tid === String(process.pid)) main += ticks;
      else other += ticks;
    }
  } catch {
    // Not Linux: no per-thread figures.
  }
  return { main, other };
}

export function cpuMark(): CpuMark {
  const threads = readThreads();
  return {
    at: performance.now(),
    machine: readMachine(),
    ...readDatabaseProcesses(),
    mainThread: threads.main,
    otherThreads: threads.other,
    mainThreadWaitingNs: readMainThreadWaiting(),
    eventLoop: performance.eventLoopUtilization(),
  };
}

/** Cores' worth of CPU used since a mark (CPU seconds a second), by whom. */
export interface CpuUse {
  seconds: number;
  cores: number;
  /** Busy cores of the whole machine (null when /proc/stat cannot be read). */
  machineBusy: number | null;
  /** The server's processes: this run's backends, and any other database's on that server. */
  postgres: number;
  pgbench: number;
  /** This process's main thread: the registry's JavaScript and the simulated tablets'. */
  mainThread: number;
  /** Cores' worth of time the main thread was ready to run but had no core: the cores are full. */
  mainThreadWaiting: number;
  /** The simulated tablets' own thread (traffic-worker.ts), when the caller knows it. */
  tabletsThread: number;
  /** Its other threads: libuv's pool (signature checks) and V8's (GC); not the tablets'. */
  otherThreads: number;
  /** Share of the time the main thread's event loop was not waiting for anything. */
  eventLoopBusy: number;
}

export function cpuSince(mark: CpuMark): CpuUse {
  const now = cpuMark();
  const seconds = (now.at - mark.at) / 1000;
  const cores = cpus().length;
  const perSecond = (ticks: number) => (seconds > 0 ? ticks / TICKS_PER_SECOND / seconds : 0);
  const machineBusy =
    mark.machine && now.machine && now.machine.total > mark.machine.total
      ? (cores * (now.machine.busy - mark.machine.busy)) / (now.machine.total - mark.machine.total)
      : null;
  return {
    seconds,
    cores,
    machineBusy,
    postgres: perSecond(now.postgres - mark.postgres),
    pgbench: perSecond(now.pgbench - mark.pgbench),
    mainThread: perSecond(now.mainThread - mark.mainThread),
    tabletsThread: 0,
    otherThreads: perSecond(now.otherThreads - mark.otherThreads),
    mainThreadWaiting:
      seconds > 0 ? (now.mainThreadWaitingNs - mark.mainThreadWaitingNs) / 1e9 / seconds : 0,
    eventLoopBusy: performance.eventLoopUtilization(now.eventLoop, mark.eventLoop).utilization,
  };
}

/** `1.98 of 2 cores busy: PostgreSQL 0.91, …`: who had the cores, in cores. */
export function describeCpu(use: CpuUse): string {
  const machine = use.machineBusy === null ? 'n/a' : use.machineBusy.toFixed(2);
  const parts = [`PostgreSQL ${use.postgres.toFixed(2)}`];
  if (use.pgbench >= 0.005) parts.push(`pgbench ${use.pgbench.toFixed(2)}`);
  if (use.mainThread + use.otherThreads >= 0.05)
    parts.push(
      `the registry's main thread ${use.mainThread.toFixed(2)} (event loop busy ${Math.round(use.eventLoopBusy * 100)}%, waiting for a core ${Math.round(use.mainThreadWaiting * 100)}% of the time)`,
      `this process's other threads ${use.otherThreads.toFixed(2)}`,
    );
  if (use.tabletsThread > 0) parts.push(`the tablets' thread ${use.tabletsThread.toFixed(2)}`);
  if (use.machineBusy !== null) {
    const known =
      use.postgres + use.pgbench + use.mainThread + use.otherThreads + use.tabletsThread;
    parts.push(`anything else ${Math.max(0, use.machineBusy - known).toFixed(2)}`);
  }
  return `${machine} of ${use.cores} cores busy: ${parts.join(', ')}`;
}

/** 12,345 */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** 12,345.6 */
export function rate(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** 12.3 ms */
export function ms(value: number): string {
  return Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`;
}

/** 351.2 MB */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Rounded to `digits` decimals, for the JSON line. */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A two-column table: labels padded to one width. */
export function printTable(title: string, rows: ReadonlyArray<[string, string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}
