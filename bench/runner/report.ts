// What a run prints and keeps: the table (metric, app, baseline, unit, rate, budget, held?), the
// lines under it that sum up each step, and bench/results/latest.json with the machine, the
// commit and every metric in full.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname } from 'node:path';
import type { measureCodeLookup } from './steps/code-lookup.ts';
import type { measureCounters } from './steps/counters.ts';
import type { measureHandover } from './steps/handover-commit.ts';
import type { measurePinCheck } from './steps/pin-check.ts';
import {
  pullPageAnswerMetric,
  pullYardstickMetrics,
  type measureInitialPull,
} from './steps/initial-pull.ts';
import type { measureKeystrokes } from './steps/keystrokes.ts';
import type { measureManifestImports } from './steps/manifest-import.ts';
import type { measureNameSearch } from './steps/name-search.ts';
import type { measurePushOutbox } from './steps/push-outbox.ts';
import type { measureLinkPull } from './steps/link-pull.ts';
import { storeYardstickMetrics, type measureStore } from './steps/store-cards.ts';
import type { measureStorageBytes } from './steps/storage-bytes.ts';
import { BUDGETS } from './budgets.ts';
import { gitDescription, readBuildInfo } from './build.ts';
import type { CpuThrottle } from './cpu-throttle.ts';
import { round2, type Metric } from './metrics.ts';
import type { TenthsTrend } from './tenths.ts';
import { repoRoot, resultsPath } from './paths.ts';
import { runStartedAt } from './progress.ts';

type MetricOf<Step extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<Step>>;

/** Every step's metric, in step order. */
export interface StepMetrics {
  store: MetricOf<typeof measureStore>;
  codeLookup: MetricOf<typeof measureCodeLookup>;
  nameSearch: MetricOf<typeof measureNameSearch>;
  keystrokes: MetricOf<typeof measureKeystrokes>;
  keystrokesCpu4x: MetricOf<typeof measureKeystrokes>;
  handover: MetricOf<typeof measureHandover>;
  handoverCpu4x: MetricOf<typeof measureHandover>;
  counters: MetricOf<typeof measureCounters>;
  pinCheck: MetricOf<typeof measurePinCheck>;
  initialPull: MetricOf<typeof measureInitialPull>;
  push: MetricOf<typeof measurePushOutbox>;
  /** Absent when `--link-cards 0` skipped it. */
  linkPull?: MetricOf<typeof measureLinkPull> | undefined;
  imports: MetricOf<typeof measureManifestImports>;
  storage: MetricOf<typeof measureStorageBytes>;
}

export function metricList(steps: StepMetrics): Metric[] {
  return [
    steps.store,
    ...storeYardstickMetrics(steps.store),
    steps.codeLookup,
    steps.nameSearch,
    steps.keystrokes,
    steps.keystrokesCpu4x,
    steps.handover,
    steps.handoverCpu4x,
    steps.counters,
    steps.pinCheck,
    steps.initialPull,
    pullPageAnswerMetric(steps.initialPull),
    ...pullYardstickMetrics(steps.initialPull, steps.storage),
    steps.push,
    ...(steps.linkPull ? [steps.linkPull] : []),
    ...steps.imports,
    steps.storage,
  ];
}

export function printTable(metrics: readonly Metric[]): void {
  const rows = [['metric', 'app', 'baseline', 'unit', 'rate', 'budget', 'held?']];
  for (const metric of metrics) {
    const rate = metric.rate === undefined ? '' : `${metric.rate} ${metric.rateUnit}`;
    const held = metric.held === null ? '—' : metric.held ? 'yes' : 'NO';
    rows.push([
      metric.name,
      String(metric.value),
      metric.baseline === null ? '—' : String(metric.baseline),
      metric.unit,
      rate,
      metric.budget,
      held,
    ]);
  }
  const header = rows[0] as string[];
  const widths = header.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] as string).length)),
  );
  const line = (row: string[]) =>
    row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
}

/** The lines under the table: what each step's figure is made of. */
export function printSummary(steps: StepMetrics, writeChunk: number): void {
  const { store, nameSearch, keystrokes, handover, counters, initialPull: pull, push } = steps;
  console.log(
    `store: app/baseline = ${store.ratio} (budget ≤ ${BUDGETS.storeRatio}); per ${writeChunk}-card chunk p50: app ${store.perChunk.app?.p50} ms, baseline ${store.perChunk.baseline?.p50} ms`,
  );
  const yardsticks = store.yardsticks;
  const trend = (t: TenthsTrend | null) =>
    t ? `${t.firstCardsPerS} → ${t.lastCardsPerS} (×${t.lastToFirst})` : '—';
  console.log(
    `  app/searchable minimum = ${yardsticks.appToSearchableMinimum} (budget ≤ ${BUDGETS.storeToSearchableMinimumRatio}), app/floor = ${yardsticks.appToFloor}; searchable minimum ${yardsticks.searchableMinimumMs} ms, floor ${yardsticks.floorMs} ms, same-schema baseline/searchable minimum = ${yardsticks.baselineToSearchableMinimum}`,
  );
  console.log(
    `  cards/s, first → last tenth of the chunks: app ${trend(yardsticks.sizeTrend.app)}, searchable minimum ${trend(yardsticks.sizeTrend.searchableMinimum)}, floor ${trend(yardsticks.sizeTrend.floor)}`,
  );
  console.log(
    `name search: one word p95 ${nameSearch.byWords.one?.p95} ms (baseline ${nameSearch.byWords.baselineOne?.p95}), two words p95 ${nameSearch.byWords.two?.p95} ms (baseline ${nameSearch.byWords.baselineTwo?.p95})`,
  );
  console.log(
    `keystrokes: name (one word) p95 ${keystrokes.byKind.nameOneWord?.p95} ms, name (two words) p95 ${keystrokes.byKind.nameTwoWords?.p95} ms, code p95 ${keystrokes.byKind.code?.p95} ms; /api requests refused meanwhile: ${keystrokes.apiRequestsDuringStep}; the search screen's JS heap ${keystrokes.searchScreenHeap.openMiB} MiB open, peak ${keystrokes.searchScreenHeap.peakWhileTypingMiB} MiB while typing`,
  );
  const throttled = (metric: { cpuThrottle: CpuThrottle | null }) =>
    metric.cpuThrottle
      ? `CDP rate ${metric.cpuThrottle.rate}, a busy loop ${metric.cpuThrottle.measuredSlowdown}× slower`
      : 'not throttled';
  const k4 = steps.keystrokesCpu4x;
  console.log(
    `keystrokes (CPU 4×, ${throttled(k4)}): p95 ${k4.p95} ms, name (one word) p95 ${k4.byKind.nameOneWord?.p95} ms, name (two words) p95 ${k4.byKind.nameTwoWords?.p95} ms, code p95 ${k4.byKind.code?.p95} ms`,
  );
  const h4 = steps.handoverCpu4x;
  console.log(
    `handover commit (CPU 4×, ${throttled(h4)}): p95 ${h4.p95} ms (baseline ${h4.baseline} ms); signing alone p50 ${h4.signing?.p50} ms, p95 ${h4.signing?.p95} ms`,
  );
  console.log(
    `handover commit: p95 ${handover.p95} ms with signing (baseline without ${handover.baseline} ms); signing alone p50 ${handover.signing?.p50} ms, p95 ${handover.signing?.p95} ms, max ${handover.signing?.max} ms`,
  );
  console.log(
    `PIN check: ${steps.pinCheck.iterations} iterations, p50 ${steps.pinCheck.checks?.p50} ms, max ${steps.pinCheck.checks?.max} ms (${steps.pinCheck.checks?.samples} checks)`,
  );
  console.log(
    `counters: app p50 ${counters.p50} ms vs count() p50 ${counters.baselineStats?.p50} ms; ready ${counters.snapshot.ready} (expected ${counters.expectedReady})`,
  );
  console.log(
    `initial pull: ${pull.pages} pages of ≤ ${pull.pageLimit}; per page p50: answer ${pull.perPage.answer?.p50} ms, whole cycle ${pull.perPage.cycle?.p50} ms (max ${pull.perPage.cycle?.max} ms); ${pull.verified.storedCards} cards stored`,
  );
  console.log(
    `  cards/s, first → last tenth of the pages (${pull.sizeTrend?.each ?? 0} each): ${trend(pull.sizeTrend)}`,
  );
  const [pullAgainstMinimum, pullTrendAgainstMinimum] = pullYardstickMetrics(pull, steps.storage);
  console.log(
    `  against the searchable minimum on an origin of its own (step 11): pull ${pull.value} ms / minimum ${pullAgainstMinimum?.baseline} ms = ${Math.round((pull.value / (pullAgainstMinimum?.baseline ?? Number.NaN)) * 1000) / 1000} (budget ≤ ${BUDGETS.storeToSearchableMinimumRatio}); last tenth ÷ first ×${pullTrendAgainstMinimum?.value} against the minimum's ×${pullTrendAgainstMinimum?.baseline} (budget ≥ ${pullTrendAgainstMinimum?.budgetValue})`,
  );
  const { mainThread } = pull;
  console.log(
    `  main thread during the pull: longest frame gap ${mainThread.maxFrameGapMs} ms (p50 ${mainThread.p50FrameGapMs} ms, ${mainThread.framesLaterThan50Ms} of ${mainThread.frames} frames later than 50 ms); long tasks: ${mainThread.longTasks.count}, longest ${mainThread.longTasks.maxMs} ms`,
  );
  console.log(
    `push: ${push.batches} batches of ≤ ${push.batchSize}; per batch p50: answer (incl. registry fsync) ${push.perBatch.answer?.p50} ms, whole cycle ${push.perBatch.cycle?.p50} ms (first ${push.firstAndLastBatchCycleMs[0]}, last ${push.firstAndLastBatchCycleMs[1]}); registry accepted ${push.verified.acceptedByRegistry}`,
  );
  console.log(
    `  not in the push figure: queueing the handovers ${push.queue.ms} ms (setup), the pull after the push ${push.pullAfterPush.ms} ms (${push.pullAfterPush.cards} cards, ${push.pullAfterPush.pages} pages); whole sync ${push.syncMs} ms`,
  );
  console.log(
    `pull on the wire: ${pull.wire.onTheWirePerCard} B/card received (${JSON.stringify(pull.wire.byContentEncoding)}), ${pull.wire.uncompressedPerCard} B/card decoded (${pull.wire.ratio}×); Accept-Encoding ${pull.wire.acceptEncoding.join(' | ')}`,
  );
  if (steps.linkPull) {
    const link = steps.linkPull;
    console.log(
      `link pull: ${link.records} cards in ${link.value} ms (${link.rate} cards/s) at ${link.link.downloadBitsPerSecond / 1e6} Mbit/s down, ${link.link.latencyMs} ms RTT; ${link.pages} pages, per page p50: answer ${link.perPage.answer?.p50} ms, cycle ${link.perPage.cycle?.p50} ms; ${link.wire.onTheWirePerCard} B/card on the wire (bodies alone ${link.bodyTransferFloorMs} ms at that rate)${link.verified.emulated ? '' : '; LINK NOT EMULATED'}`,
    );
  }
  for (const metric of steps.imports) {
    const { page, worker } = metric.heap;
    const { mainThread } = metric;
    console.log(
      `${metric.id}: ${metric.counts.rowsRead} rows (${metric.counts.added} added, ${metric.counts.unchanged} unchanged, ${metric.counts.rejected} rejected) in ${metric.batches} batches (each p50 ${metric.perBatch?.p50} ms, max ${metric.perBatch?.max} ms; full batches, mean of the first five ${metric.fullBatchTrend.firstFiveMeanMs} ms, of the last five ${metric.fullBatchTrend.lastFiveMeanMs} ms); JS heap: page ${page.beforeMiB} MiB before, peak ${page.peakMiB} MiB (+${page.peakAboveBeforeMiB}), ${page.afterImportAndGcMiB} MiB after and GC; worker peak ${worker.measured ? `${worker.peakMiB} MiB (${worker.samples} samples)` : `not measured: ${worker.why}`}`,
    );
    console.log(
      `  main thread: longest frame gap ${mainThread.maxFrameGapMs} ms (p50 ${mainThread.p50FrameGapMs} ms, ${mainThread.framesLaterThan50Ms} of ${mainThread.frames} frames later than 50 ms); long tasks: ${mainThread.longTasks.count}, longest ${mainThread.longTasks.maxMs} ms, ${mainThread.longTasks.totalMs} ms in all${metric.verified.ok ? '' : `; COUNTS WRONG: ${metric.verified.problems.join('; ')}`}`,
    );
  }
  const { storage } = steps;
  const kib = (bytes: number | null | undefined) =>
    bytes === null || bytes === undefined ? '—' : `${Math.round(bytes / 1024)} KiB`;
  type PerCardRow = (typeof storage.perCard.app)['afterWrites'];
  const perCard = (at: PerCardRow) =>
    `${at.usage}${at.indexedDb === at.usage ? '' : ` (indexedDB ${at.indexedDb})`}${at.disk === at.usage ? '' : ` (disk ${at.disk})`}${at.files ? ` [log ${kib(at.files.log)}, tables ${kib(at.files.tables)}]` : ''}`;
  for (const [label, measured, per] of [
    ['app', storage.app, storage.perCard.app],
    ['searchable minimum', storage.searchableMinimum, storage.perCard.searchableMinimum],
  ] as const) {
    console.log(
      `storage, ${label}: B/card just after the writes ${perCard(per.afterWrites)}; after ${storage.settle.openMs / 1000} s open ${perCard(per.settledOpen)}; after ${storage.settle.closedMs / 1000} s closed ${perCard(per.settledClosed)}; reopened ${perCard(per.reopened)}`,
    );
    console.log(
      `  usage: empty ${kib(measured.empty.usageBytes)}, after the writes ${kib(measured.afterWrites.usageBytes)}, settled ${kib(measured.settledClosed.usageBytes)}, reopened ${kib(measured.reopened.usageBytes)}, ${kib(measured.deleted.usageBytes)} once deleted; ${measured.writes.written} cards written in ${Math.round(measured.writes.ms)} ms`,
    );
  }
  console.log(
    `  storage: app / searchable minimum = ${storage.appToSearchableMinimum} (reported: ${storage.reported}); the step took ${Math.round(storage.stepMs / 1000)} s`,
  );
}

export interface RunFacts {
  chromiumVersion: string | null;
  /** os.loadavg() when the run began. */
  loadAtStart: number[];
  cards: number;
  manifestRows: number;
  cardWriteChunk: number;
  schema: string;
}

/** Writes bench/results/latest.json; returns the load averages (1, 5, 15 min) at start and end. */
export async function writeResults(facts: RunFacts, metrics: readonly Metric[]) {
  const cpus = os.cpus();
  const loadAverage = { atStart: facts.loadAtStart.map(round2), atEnd: os.loadavg().map(round2) };
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? null,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
      chromium: facts.chromiumVersion,
      loadAverage,
    },
    commit: gitDescription(),
    build: await readBuildInfo(),
    cards: facts.cards,
    manifestRows: facts.manifestRows,
    cardWriteChunk: facts.cardWriteChunk,
    schema: facts.schema,
    durationSeconds: Math.round((Date.now() - runStartedAt) / 1000),
    metrics,
  };
  await mkdir(dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(report, null, 2)}\n`);
  return { loadAverage, path: resultsPath.slice(repoRoot.length + 1) };
}
