// Steps 9 and 10: the manifest file through the app's real import pipeline, twice, into a
// database of its own (tahvil-bench-import, emptied first): the module worker reads and checks
// the file and writes each batch (importManifestCards, one strict transaction) before it reads
// on; the page receives only progress and the outcome.
import { TahvilDatabase } from '../../../src/db/database.ts';
import { readCounters } from '../../../src/db/counters.ts';
import { readSettings } from '../../../src/db/settings.ts';
import { DEFAULT_TIME_ZONE, jalaliDayKey } from '../../../src/domain/jalali.ts';
import {
  MANIFEST_BATCH_ROWS,
  MANIFEST_SLICE_BYTES,
} from '../../../src/features/import/manifest-parse.ts';
import {
  importManifestFile,
  type RejectedImportRow,
} from '../../../src/features/import/run-manifest-import.ts';
import { deleteDatabase } from '../baseline.ts';
import { inventorySeed } from '../inventory.ts';
import { generateManifestFile, type ManifestExpectation } from '../manifest-file.ts';
import { watchMainThread } from '../main-thread-watch.ts';
import { log } from '../timing.ts';

/** Its own database, emptied for the step: the inventory of steps 1–6 and the sync tablet stay as they are. */
const IMPORT_DATABASE_NAME = 'tahvil-bench-import';

let importTablet: TahvilDatabase | null = null;
/** The file both imports read. */
let manifest: { file: File; expected: ManifestExpectation } | null = null;

function importDb(): TahvilDatabase {
  importTablet ??= new TahvilDatabase(IMPORT_DATABASE_NAME);
  return importTablet;
}

/** Makes the manifest file (kept for both imports) and an empty import database. */
export async function prepareManifestImport(rows: number) {
  const started = performance.now();
  manifest = generateManifestFile(rows, inventorySeed() + 23);
  const generatedMs = performance.now() - started;
  importTablet?.close();
  importTablet = null;
  await deleteDatabase(IMPORT_DATABASE_NAME);
  const db = importDb();
  await db.open();
  return {
    database: IMPORT_DATABASE_NAME,
    bytes: manifest.file.size,
    expected: manifest.expected,
    generatedMs,
    cardsBefore: await db.cards.count(),
    sliceBytes: MANIFEST_SLICE_BYTES,
    batchRows: MANIFEST_BATCH_ROWS,
  };
}

function countRejectedByReason(rows: readonly RejectedImportRow[]): Record<string, number> {
  const byReason: Record<string, number> = {};
  for (const row of rows) {
    for (const problem of row.problems) {
      const key = `${problem.column ?? 'row'}:${problem.reason}${problem.detail ? `:${problem.detail}` : ''}`;
      byReason[key] = (byReason[key] ?? 0) + 1;
    }
  }
  return byReason;
}

/**
 * One importManifestFile of the prepared file (a module worker per import that reads, checks
 * and writes), as the import screen calls it, timed from the call to its return.
 */
export async function measureManifestImport(label: string) {
  if (!manifest) throw new Error('prepareManifestImport() first');
  const { file, expected } = manifest;
  const db = importDb();
  const { centerId } = await readSettings(db);
  const watcher = await watchMainThread();
  // When each progress report came: the first before any row, each later one after a batch is written.
  const reportedAt: number[] = [];
  const rowsReadAt: number[] = [];
  let nextReport = 20_000;
  const started = performance.now();
  const outcome = await importManifestFile({
    db,
    file,
    context: { centerId, now: new Date() },
    onProgress: (progress) => {
      reportedAt.push(performance.now());
      rowsReadAt.push(progress.rowsRead);
      if (progress.rowsRead >= nextReport) {
        log(`${label}: ${progress.rowsRead} rows read`);
        nextReport += 20_000;
      }
    },
  });
  const ended = performance.now();
  const mainThread = await watcher.stop(started, ended);
  if (outcome.kind !== 'done') {
    const detail =
      outcome.kind === 'failed'
        ? `: ${String(outcome.error)} after ${JSON.stringify(outcome.counts)}`
        : outcome.kind === 'refused'
          ? `: ${JSON.stringify(outcome)}`
          : '';
    throw new Error(`${label} ended ${outcome.kind}${detail}`);
  }
  return {
    label,
    ms: ended - started,
    counts: outcome.counts,
    rejectedRows: outcome.rejectedRows.length,
    rejectedByReason: countRejectedByReason(outcome.rejectedRows),
    batches: reportedAt.length - 1,
    // Per batch, in file order: the worker's reading and checking of it (or the wait for it) and
    // its write, from the previous batch's write to its own. A trend over the file shows here.
    batchMsEach: reportedAt.slice(1).map((time, i) => time - (reportedAt[i] as number)),
    batchRowsEach: rowsReadAt.slice(1).map((rows, i) => rows - (rowsReadAt[i] as number)),
    expected,
    bytes: file.size,
    storedCards: await db.cards.count(),
    readyCounter: (await readCounters(db, jalaliDayKey(new Date(), DEFAULT_TIME_ZONE))).ready,
    mainThread,
  };
}
