// The figures the run reports: percentiles of timed samples, and the shapes a metric takes: one
// with a budget on the app's p95, and ones reported without a budget (held is null), a timed
// run or another figure (the IndexedDB bytes per card).

export interface Stats {
  samples: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** What every row of the table and of latest.json's metrics has. */
export interface Metric {
  id: string;
  name: string;
  value: number;
  unit: string;
  budget: string;
  budgetValue: number | null;
  /** null: informational, no budget; --check ignores it. */
  held: boolean | null;
  baseline: number | null;
  samples: number;
  rate?: number;
  rateUnit?: string;
}

export function summarize(samples: readonly number[]): Stats | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    samples: sorted.length,
    min: sorted[0] as number,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1] as number,
    mean,
  };
}

function requireStats(samples: readonly number[], what: string): Stats {
  const stats = summarize(samples);
  if (!stats) throw new Error(`${what}: no samples`);
  return stats;
}

export function round2(value: number): number;
export function round2(value: number | null | undefined): number | null | undefined;
export function round2(value: number | null | undefined): number | null | undefined {
  return typeof value === 'number' ? Math.round(value * 100) / 100 : value;
}

export function rounded(stats: Stats | null): Stats | null {
  return (
    stats &&
    (Object.fromEntries(
      Object.entries(stats).map(([key, value]) => [key, round2(value)]),
    ) as unknown as Stats)
  );
}

/** Percentiles of a sync's requests of one kind: answered (headers in) and whole cycle (to the next request). */
export function requestStats({ answerMs, cycleMs }: { answerMs: number[]; cycleMs: number[] }) {
  return { answer: rounded(summarize(answerMs)), cycle: rounded(summarize(cycleMs)) };
}

/** A metric timed per operation: value is the app's p95, the budget is on that p95. */
export function percentileMetric<Extra extends object = object>(
  id: string,
  name: string,
  app: readonly number[],
  baseline: readonly number[],
  budgetMs: number,
  extra: Extra = {} as Extra,
) {
  const appStats = requireStats(app, id);
  const baselineStats = summarize(baseline);
  return {
    id,
    name,
    value: round2(appStats.p95),
    unit: 'ms (p95)',
    budget: `p95 ≤ ${budgetMs} ms`,
    budgetValue: budgetMs,
    held: appStats.p95 <= budgetMs,
    baseline: baselineStats ? round2(baselineStats.p95) : null,
    samples: appStats.samples,
    p50: round2(appStats.p50),
    p95: round2(appStats.p95),
    max: round2(appStats.max),
    app: rounded(appStats),
    baselineStats: rounded(baselineStats),
    ...extra,
  } satisfies Metric;
}

/**
 * A figure reported without a budget (the issue asked for none): held is null, the table
 * shows '—', and --check ignores it. One timed run, so no percentiles of its own.
 */
export function informationalMetric<Extra extends object>(
  id: string,
  name: string,
  ms: number,
  records: number,
  rateUnit: string,
  extra: Extra,
) {
  return {
    id,
    name,
    value: round2(ms),
    unit: 'ms (wall)',
    budget: 'none (informational)',
    budgetValue: null,
    held: null,
    baseline: null,
    samples: 1,
    records,
    rate: Math.round((records / ms) * 1000),
    rateUnit,
    ...extra,
  } satisfies Metric;
}

/**
 * A figure other than a time, reported without a budget (the issue asked for none): held is
 * null, the table shows '—', --check ignores it. `baseline` is the yardstick it is read against.
 */
export function informationalFigure<Extra extends object>(
  id: string,
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  extra: Extra,
) {
  return {
    id,
    name,
    value: round2(value),
    unit,
    budget: 'none (informational)',
    budgetValue: null,
    held: null,
    baseline: baseline === null ? null : round2(baseline),
    samples: 1,
    ...extra,
  } satisfies Metric;
}

/** What page/main-thread-watch.ts saw of the page's main thread, its times rounded for the report. */
export function roundedMainThread(mainThread: {
  maxFrameGapMs: number | null;
  p50FrameGapMs: number | null;
  frames: number;
  framesLaterThan50Ms: number;
  longTasks: { count: number; maxMs: number; totalMs: number };
}) {
  return {
    maxFrameGapMs: round2(mainThread.maxFrameGapMs),
    p50FrameGapMs: round2(mainThread.p50FrameGapMs),
    frames: mainThread.frames,
    framesLaterThan50Ms: mainThread.framesLaterThan50Ms,
    longTasks: {
      count: mainThread.longTasks.count,
      maxMs: round2(mainThread.longTasks.maxMs),
      totalMs: round2(mainThread.longTasks.totalMs),
    },
  };
}
