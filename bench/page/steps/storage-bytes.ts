// Step 11: IndexedDB bytes per card (issue 14), in a bench page opened on an origin of its own
// (runner/static-server.ts openOrigin()), so navigator.storage.estimate() there counts nothing
// but the one database written here: the app's (a fresh TahvilDatabase filled by upsertCards,
// one CARD_WRITE_CHUNK per call as in step 1) or the searchable minimum's (baseline.ts, one
// strict put per chunk). The runner reads the estimate between the phases and deletes the
// database at the end. Nothing here reads a card's stored fields: the shape is the app's.
import { CARD_WRITE_CHUNK, upsertCards } from '../../../src/db/cards.ts';
import { TahvilDatabase } from '../../../src/db/database.ts';
import {
  baselinePutChunk,
  deleteDatabase,
  describeMinimumSchemas,
  describeSchema,
  minimumRecord,
  openMinimumDatabase,
  SEARCHABLE_MINIMUM_DATABASE_NAME,
} from '../baseline.ts';
import { baselineRecords, inventoryCards, releaseInventory, releaseRecords } from '../inventory.ts';
import { log } from '../timing.ts';

export type StorageKind = 'app' | 'searchable-minimum';

/** The app's database on the step's origin: named apart from `tahvil`, though nothing else is there. */
export const STORAGE_APP_DATABASE_NAME = 'tahvil-bench-storage';

const databaseName = (kind: StorageKind) =>
  kind === 'app' ? STORAGE_APP_DATABASE_NAME : SEARCHABLE_MINIMUM_DATABASE_NAME;

let app: TahvilDatabase | null = null;
let minimum: IDBDatabase | null = null;

export interface StorageEstimateReading {
  usageBytes: number | null;
  /** Chromium's `usageDetails.indexedDB` (not in every browser); null when absent. */
  indexedDbBytes: number | null;
  quotaBytes: number | null;
}

/** navigator.storage.estimate() of this page's origin. */
export async function readStorageEstimate(): Promise<StorageEstimateReading> {
  const estimate: StorageEstimate & { usageDetails?: { indexedDB?: number } } =
    await navigator.storage.estimate();
  return {
    usageBytes: estimate.usage ?? null,
    indexedDbBytes: estimate.usageDetails?.indexedDB ?? null,
    quotaBytes: estimate.quota ?? null,
  };
}

/** Deletes any earlier copy, then opens the empty database (its stores and indexes made). */
export async function openStorageDatabase(kind: StorageKind) {
  await closeStorageDatabase();
  await deleteDatabase(databaseName(kind));
  if (kind === 'app') {
    app = new TahvilDatabase(STORAGE_APP_DATABASE_NAME);
    await app.open();
  } else {
    minimum = await openMinimumDatabase(true);
  }
  return {
    database: databaseName(kind),
    schema: kind === 'app' ? describeSchema() : describeMinimumSchemas().searchableMinimum,
  };
}

/** Opens the database written before (nothing deleted), as the app does when it starts again. */
export async function reopenStorageDatabase(kind: StorageKind): Promise<void> {
  await closeStorageDatabase();
  if (kind === 'app') {
    app = new TahvilDatabase(STORAGE_APP_DATABASE_NAME);
    await app.open();
  } else {
    minimum = await openMinimumDatabase(true);
  }
}

/**
 * Writes the whole generated inventory, one CARD_WRITE_CHUNK per transaction: the app's through
 * upsertCards, the searchable minimum's records (folded by toStoredCard, made before the writes)
 * through one strict put per chunk. Only what the writer needs is kept while it writes, and
 * nothing once it is done.
 */
export async function writeStorageCards(kind: StorageKind) {
  const count = inventoryCards().length;
  const cards = kind === 'app' ? inventoryCards() : [];
  const records = kind === 'app' ? [] : baselineRecords().map(minimumRecord);
  if (kind === 'app') releaseRecords();
  else releaseInventory();
  let written = 0;
  let chunks = 0;
  /** Each chunk's time and cards, in order: the searchable minimum's are step 7's yardstick. */
  const chunkMs: number[] = [];
  const chunkCards: number[] = [];
  const started = performance.now();
  for (let start = 0; start < count; start += CARD_WRITE_CHUNK) {
    const chunkStarted = performance.now();
    const before = written;
    if (kind === 'app') {
      if (!app) throw new Error('openStorageDatabase("app") first');
      written += (await upsertCards(app, cards.slice(start, start + CARD_WRITE_CHUNK))).written;
    } else {
      if (!minimum) throw new Error('openStorageDatabase("searchable-minimum") first');
      const slice = records.slice(start, start + CARD_WRITE_CHUNK);
      await baselinePutChunk(minimum, slice);
      written += slice.length;
    }
    chunks++;
    chunkMs.push(performance.now() - chunkStarted);
    chunkCards.push(written - before);
    if (chunks % 10 === 0)
      log(`storage (${kind}): ${start + CARD_WRITE_CHUNK} of ${count} written`);
  }
  const ms = performance.now() - started;
  releaseInventory();
  if (written !== count) throw new Error(`storage (${kind}): wrote ${written} of ${count} cards`);
  return { cards: count, written, chunks, chunk: CARD_WRITE_CHUNK, ms, chunkMs, chunkCards };
}

/** Closes the connection (Chromium may then compact the origin's store once it is idle). */
export async function closeStorageDatabase(): Promise<void> {
  app?.close();
  app = null;
  minimum?.close();
  minimum = null;
  await Promise.resolve();
}

/** The step's clean-up: the database is deleted, so the origin holds nothing of it. */
export async function deleteStorageDatabase(kind: StorageKind): Promise<void> {
  await closeStorageDatabase();
  await deleteDatabase(databaseName(kind));
}
