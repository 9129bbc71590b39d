// Step 11, the runner's part: IndexedDB bytes per card (issue 14). For the app and then for the
// searchable minimum, a new tab opens the bench page on an origin of its own (a new port of the
// bench server, runner/static-server.ts openOrigin()) in the run's persistent profile; there the
// page (bench/page/steps/storage-bytes.ts) makes the inventory, opens the empty database and
// writes every card, and this side reads navigator.storage.estimate() and the origin's IndexedDB
// folder on disk at each phase: empty, just after the writes, every 2 s while the connection
// stays open, then once it is closed, then opened again. Must stay true: the bench page's origin, which holds every
// other database of the run, is never measured, the database is deleted at the end, and the
// figure has no budget (the issue gives none).
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { StorageEstimateReading, StorageKind } from '../../page/steps/storage-bytes.ts';
import { forwardConsole } from '../chromium.ts';
import { informationalFigure, round2 } from '../metrics.ts';
import { progress } from '../progress.ts';
import { STORAGE_SETTLE_MS } from '../settle.ts';
import { BENCH_BASE, type BenchServer } from '../static-server.ts';

/** How often the estimate is read while the store settles. */
const READING_EVERY_MS = 2000;
/** With the connection open, as a tablet holds it: the settle every bulk write of the run gets. */
const OPEN_SETTLE_MS = STORAGE_SETTLE_MS;
/** After the connection is closed: Chromium closes an idle origin's store after a grace period and may compact it. */
const CLOSED_SETTLE_MS = 10_000;
/** After the database is opened again, before it is read. */
const REOPENED_MS = 2000;
/** Between opening the empty database and reading it. */
const EMPTY_SETTLE_MS = 1000;

export interface StorageReading extends StorageEstimateReading {
  phase:
    | 'origin unused'
    | 'empty database'
    | 'after the writes'
    | 'open'
    | 'closed'
    | 'reopened'
    | 'deleted';
  /** ms since the last write ended; null before it. */
  atMs: number | null;
  /** The origin's IndexedDB files in the profile; null when there were none. */
  disk: DiskBytes | null;
}

/** The origin's IndexedDB files by kind: LevelDB's write-ahead log, its sorted tables, the rest. */
export interface DiskBytes {
  total: number;
  /** `*.log`: the writes not yet flushed into a table, uncompressed. */
  log: number;
  /** `*.ldb` / `*.sst`: the flushed and compacted tables (Snappy-compressed blocks). */
  tables: number;
  /** MANIFEST, CURRENT, LOG, blobs and anything else (another backend's files too). */
  other: number;
  files: number;
}

/**
 * The files under the profile's folders named after this origin (LevelDB's
 * `http_127.0.0.1_PORT.indexeddb.leveldb` and `.blob`); null when there are none yet. Files
 * that vanish mid-walk (a compaction replacing them) are skipped.
 */
async function originDiskBytes(profileDir: string, port: number): Promise<DiskBytes | null> {
  const marker = `127.0.0.1_${port}.indexeddb`;
  const bytes: DiskBytes = { total: 0, log: 0, tables: 0, other: 0, files: 0 };
  const walk = async (dir: string, inOrigin: boolean): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const inside = inOrigin || entry.name.includes(marker);
      if (entry.isDirectory()) await walk(path, inside);
      else if (inside && entry.isFile()) {
        const size = await stat(path).then(
          (stats) => stats.size,
          () => null,
        );
        if (size === null) continue;
        const kind = entry.name.endsWith('.log')
          ? 'log'
          : /\.(ldb|sst)$/.test(entry.name)
            ? 'tables'
            : 'other';
        bytes[kind] += size;
        bytes.total += size;
        bytes.files++;
      }
    }
  };
  await walk(profileDir, false);
  return bytes.files > 0 ? bytes : null;
}

async function measureOne(
  context: BrowserContext,
  server: BenchServer,
  profileDir: string,
  cardCount: number,
  kind: StorageKind,
) {
  const origin = await server.openOrigin();
  let page: Page | null = null;
  try {
    page = await context.newPage();
    const tab = page;
    forwardConsole(tab, `storage (${kind}):`);
    await tab.goto(`${origin.origin}${BENCH_BASE}`);
    await tab.waitForFunction(() => document.body.dataset.ready === 'true');
    await tab.evaluate((count) => window.tahvilBench.generate(count), cardCount);
    let writesEndedAt: number | null = null;
    const readings: StorageReading[] = [];
    const read = async (phase: StorageReading['phase']) => {
      const estimate = await tab.evaluate(() => window.tahvilBench.readStorageEstimate());
      const reading: StorageReading = {
        phase,
        atMs: writesEndedAt === null ? null : Date.now() - writesEndedAt,
        ...estimate,
        disk: await originDiskBytes(profileDir, origin.port),
      };
      readings.push(reading);
      return reading;
    };
    const readFor = async (phase: 'open' | 'closed' | 'reopened', ms: number) => {
      const until = Date.now() + ms;
      let last: StorageReading | null = null;
      while (Date.now() < until) {
        await tab.waitForTimeout(Math.min(READING_EVERY_MS, until - Date.now()));
        last = await read(phase);
      }
      return last ?? (await read(phase));
    };

    const unused = await read('origin unused');
    const opened = await tab.evaluate((k) => window.tahvilBench.openStorageDatabase(k), kind);
    await tab.waitForTimeout(EMPTY_SETTLE_MS);
    const empty = await read('empty database');
    const writes = await tab.evaluate((k) => window.tahvilBench.writeStorageCards(k), kind);
    writesEndedAt = Date.now();
    const afterWrites = await read('after the writes');
    const settledOpen = await readFor('open', OPEN_SETTLE_MS);
    await tab.evaluate(() => window.tahvilBench.closeStorageDatabase());
    const settledClosed = await readFor('closed', CLOSED_SETTLE_MS);
    // Opened again, as the app is the next morning: LevelDB may turn a log it recovers into a table.
    await tab.evaluate((k) => window.tahvilBench.reopenStorageDatabase(k), kind);
    const reopened = await readFor('reopened', REOPENED_MS);
    await tab.evaluate((k) => window.tahvilBench.deleteStorageDatabase(k), kind);
    await tab.waitForTimeout(EMPTY_SETTLE_MS);
    const deleted = await read('deleted');
    return {
      origin: origin.origin,
      ...opened,
      writes: { ...writes, ms: round2(writes.ms), chunkMs: writes.chunkMs.map((ms) => round2(ms)) },
      unused,
      empty,
      afterWrites,
      settledOpen,
      settledClosed,
      reopened,
      deleted,
      readings,
    };
  } finally {
    await page?.close().catch(() => undefined);
    await origin.close();
  }
}

type Measured = Awaited<ReturnType<typeof measureOne>>;
type Field = 'usageBytes' | 'indexedDbBytes' | 'disk';

/** (reading − the empty database's) / cards, in bytes; null when either figure is missing. */
function perCard(measured: Measured, at: StorageReading, field: Field): number | null {
  const figure = (reading: StorageReading) =>
    field === 'disk' ? (reading.disk?.total ?? null) : reading[field];
  const now = figure(at);
  const before = figure(measured.empty);
  if (now === null || before === null) return null;
  return round2((now - before) / measured.writes.cards);
}

function perCardAt(measured: Measured) {
  const row = (at: StorageReading) => ({
    usage: perCard(measured, at, 'usageBytes'),
    indexedDb: perCard(measured, at, 'indexedDbBytes'),
    disk: perCard(measured, at, 'disk'),
    /** What the origin's files held then: write-ahead log, tables, the rest. */
    files: at.disk && { log: at.disk.log, tables: at.disk.tables, other: at.disk.other },
  });
  return {
    afterWrites: row(measured.afterWrites),
    settledOpen: row(measured.settledOpen),
    settledClosed: row(measured.settledClosed),
    reopened: row(measured.reopened),
  };
}

/** Step 11: the app's and the searchable minimum's IndexedDB bytes per card, each on its own origin. */
export async function measureStorageBytes(
  context: BrowserContext,
  server: BenchServer,
  profileDir: string,
  cardCount: number,
) {
  const started = Date.now();
  progress(`step 11: IndexedDB bytes per card, ${cardCount} cards, on an origin of its own…`);
  const app = await measureOne(context, server, profileDir, cardCount, 'app');
  progress(
    `step 11: the app: ${app.writes.written} cards in ${Math.round(app.writes.ms)} ms; the searchable minimum on another origin…`,
  );
  const searchableMinimum = await measureOne(
    context,
    server,
    profileDir,
    cardCount,
    'searchable-minimum',
  );
  const appPerCard = perCardAt(app);
  const minimumPerCard = perCardAt(searchableMinimum);
  // The reported figure: usage once the connection is closed and the store settled.
  const value = appPerCard.settledClosed.usage;
  const baseline = minimumPerCard.settledClosed.usage;
  if (value === null) throw new Error('storage: navigator.storage.estimate() gave no usage');
  return informationalFigure(
    'storage-bytes',
    `IndexedDB bytes per card (${cardCount} cards)`,
    value,
    'B/card',
    baseline,
    {
      reported:
        'navigator.storage.estimate() usage, connection closed and settled, less the empty database, per card',
      appToSearchableMinimum: baseline ? Math.round((value / baseline) * 1000) / 1000 : null,
      settle: {
        openMs: OPEN_SETTLE_MS,
        closedMs: CLOSED_SETTLE_MS,
        reopenedMs: REOPENED_MS,
        readEveryMs: READING_EVERY_MS,
      },
      perCard: { app: appPerCard, searchableMinimum: minimumPerCard },
      app,
      searchableMinimum,
      stepMs: Date.now() - started,
    },
  );
}
