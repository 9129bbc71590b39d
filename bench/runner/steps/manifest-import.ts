// Steps 9 and 10: the manifest file made in the bench page goes through importManifestFile and
// its module worker twice (bench/page/steps/manifest-import.ts), while heap-sampler.ts reads the
// page's and the worker's V8 heap; the counts are checked against what the file holds.
import type { BrowserContext, Page } from '@playwright/test';
import { createHeapSampler, HEAP_SAMPLE_MS, type HeapSampler } from '../heap-sampler.ts';
import { informationalMetric, round2, roundedMainThread, rounded, summarize } from '../metrics.ts';
import { progress } from '../progress.ts';
import { STORAGE_SETTLE_MS } from '../settle.ts';

// Before each manifest import, as before steps 2–6: the sync steps' writes (and then the first
// import's 100,000 rows) settle first, so the re-import's reads are not timed in their wake.
const BEFORE_IMPORT_SETTLE_MS = STORAGE_SETTLE_MS;
// A stalled import (a worker that never answers) ends the run with an error instead of hanging it.
const IMPORT_TIMEOUT_MS = 15 * 60_000;
const MIB = 2 ** 20;

type ImportResult = Awaited<ReturnType<Window['tahvilBench']['measureManifestImport']>>;

const mib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? null : Math.round((bytes / MIB) * 10) / 10;
const maxOf = <Key extends string>(samples: ReadonlyArray<Record<Key, number>>, key: Key) =>
  samples.length === 0 ? null : Math.max(...samples.map((sample) => sample[key]));

/** One timed import with the heap sampled on both sides; the page's heap before it after a GC. */
async function sampledImport(bench: Page, sampler: HeapSampler, label: string) {
  await sampler.collectPageGarbage();
  await bench.waitForTimeout(500);
  const pageBeforeBytes = await sampler.pageUsedBytes();
  sampler.start();
  let result: ImportResult;
  let heap;
  try {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`${label} did not end within ${IMPORT_TIMEOUT_MS / 60_000} minutes`)),
        IMPORT_TIMEOUT_MS,
      );
    });
    result = await Promise.race([
      bench.evaluate((name) => window.tahvilBench.measureManifestImport(name), label),
      stalled,
    ]).finally(() => clearTimeout(timer));
  } finally {
    heap = await sampler.stop();
  }
  await sampler.collectPageGarbage();
  const pageAfterGcBytes = await sampler.pageUsedBytes();
  const pagePeakBytes = maxOf(heap.page, 'usedBytes');
  const workerSamples = heap.workers.flatMap((worker) => worker.samples);
  const page = {
    beforeMiB: mib(pageBeforeBytes),
    peakMiB: mib(pagePeakBytes),
    peakAboveBeforeMiB: pagePeakBytes === null ? null : mib(pagePeakBytes - pageBeforeBytes),
    peakAllocatedMiB: mib(maxOf(heap.page, 'totalBytes')),
    afterImportAndGcMiB: mib(pageAfterGcBytes),
    samples: heap.page.length,
  };
  const worker =
    workerSamples.length > 0
      ? {
          measured: true as const,
          peakMiB: mib(maxOf(workerSamples, 'usedBytes')),
          peakAllocatedMiB: mib(maxOf(workerSamples, 'totalBytes')),
          firstSampleMiB: mib(workerSamples[0]?.usedBytes),
          samples: workerSamples.length,
          workers: heap.workers.map((one) => one.url),
        }
      : {
          measured: false as const,
          peakMiB: null,
          why:
            heap.workers.length === 0
              ? 'no dedicated worker was attached during the import (CDP auto-attach saw none)'
              : 'the worker was attached but answered no Runtime.getHeapUsage before it ended',
        };
  return { result, heap: { sampleEveryMs: HEAP_SAMPLE_MS, page, worker } };
}

/** Whether a full batch takes longer as the database grows: the first five against the last five. */
function batchTrend(batchMs: readonly number[], batchRows: readonly number[], fullRows: number) {
  const full = batchMs.filter((_, i) => batchRows[i] === fullRows);
  const mean = (values: number[]) =>
    values.length === 0
      ? null
      : round2(values.reduce((sum, value) => sum + value, 0) / values.length);
  return {
    fullBatches: full.length,
    firstFiveMeanMs: mean(full.slice(0, 5)),
    lastFiveMeanMs: mean(full.slice(-5)),
  };
}

/** What the counts must be: the first import adds every good row, the second finds each unchanged. */
function checkImportCounts(result: ImportResult, reimport: boolean) {
  const { rows, rejected } = result.expected;
  const good = rows - rejected;
  const want = {
    rowsRead: rows,
    added: reimport ? 0 : good,
    updated: 0,
    unchanged: reimport ? good : 0,
    notReady: 0,
    rejected,
  };
  const wrong = Object.entries(want).filter(
    ([key, value]) => result.counts[key as keyof typeof want] !== value,
  );
  const problems = wrong.map(
    ([key, value]) => `${key} ${result.counts[key as keyof typeof want]} (expected ${value})`,
  );
  if (result.storedCards !== good)
    problems.push(`the database holds ${result.storedCards} cards (expected ${good})`);
  if (result.readyCounter !== good)
    problems.push(`the ready counter says ${result.readyCounter} (expected ${good})`);
  return {
    ok: problems.length === 0,
    expected: want,
    problems,
    storedCards: result.storedCards,
    readyCounter: result.readyCounter,
  };
}

export async function measureManifestImports(
  context: BrowserContext,
  bench: Page,
  manifestRows: number,
) {
  await bench.evaluate(() => window.tahvilBench.releaseInventory());
  const prepared = await bench.evaluate(
    (rows) => window.tahvilBench.prepareManifestImport(rows),
    manifestRows,
  );
  const { expected } = prepared;
  progress(
    `manifest: ${expected.rows} rows, ${mib(prepared.bytes)} MiB, made in ${Math.round(prepared.generatedMs)} ms; ${expected.rejected} bad on purpose (${expected.badCheckDigit} wrong check digits, ${expected.badDate} bad birth dates), ${expected.persianDigitCodes} codes in Persian digits; into ${prepared.database}`,
  );
  const sampler = await createHeapSampler(context, bench);
  const metrics = [];
  try {
    for (const reimport of [false, true]) {
      const label = reimport ? 're-import' : 'import';
      progress(
        `letting storage settle for ${BEFORE_IMPORT_SETTLE_MS / 1000} s before the ${label}…`,
      );
      await bench.waitForTimeout(BEFORE_IMPORT_SETTLE_MS);
      progress(
        `step ${reimport ? 10 : 9}: ${reimport ? 're-import of the same file (every good row unchanged)' : `import of the ${expected.rows}-row manifest into an empty database`}, through the real worker…`,
      );
      const { result, heap } = await sampledImport(bench, sampler, label);
      const verified = checkImportCounts(result, reimport);
      if (!verified.ok)
        progress(
          `warning: ${label} counts are not what the file holds: ${verified.problems.join('; ')}`,
        );
      const { mainThread } = result;
      progress(
        `${label}: ${round2(result.ms)} ms, ${Math.round((result.counts.rowsRead / result.ms) * 1000)} rows/s; page heap ${heap.page.beforeMiB} → peak ${heap.page.peakMiB} MiB, worker peak ${heap.worker.measured ? `${heap.worker.peakMiB} MiB` : 'not measured'}; longest frame gap ${round2(mainThread.maxFrameGapMs)} ms`,
      );
      metrics.push(
        informationalMetric(
          reimport ? 'manifest-reimport' : 'manifest-import',
          reimport
            ? `manifest re-import, ${expected.rows} rows unchanged`
            : `manifest import of ${expected.rows} rows`,
          result.ms,
          result.counts.rowsRead,
          'rows/s',
          {
            measuredAs:
              'importManifestFile() (worker reads, checks and writes) from the call to its return, in the page',
            database: prepared.database,
            file: {
              rows: expected.rows,
              bytes: prepared.bytes,
              sliceBytes: prepared.sliceBytes,
              batchRows: prepared.batchRows,
              badOnPurpose: expected,
            },
            counts: result.counts,
            rejectedByReason: result.rejectedByReason,
            batches: result.batches,
            perBatch: rounded(summarize(result.batchMsEach)),
            fullBatchTrend: batchTrend(
              result.batchMsEach,
              result.batchRowsEach,
              prepared.batchRows,
            ),
            batchMsEach: result.batchMsEach.map(Math.round),
            batchRowsEach: result.batchRowsEach,
            heap,
            mainThread: roundedMainThread(mainThread),
            verified,
          },
        ),
      );
    }
  } finally {
    await sampler.detach();
  }
  return metrics;
}
