// Step 1: the whole inventory written into empty app and baseline databases, chunk by chunk, and
// into the two plain-IndexedDB yardsticks of issue 14 (the searchable minimum and the floor).
import { CARD_WRITE_CHUNK, upsertCards } from '../../../src/db/cards.ts';
import {
  baselinePutChunk,
  deleteDatabase,
  describeMinimumSchemas,
  FLOOR_DATABASE_NAME,
  minimumRecord,
  openMinimumDatabase,
  SEARCHABLE_MINIMUM_DATABASE_NAME,
} from '../baseline.ts';
import { appDb, baselineDb, deleteDatabases, enrolAppTablet } from '../counter-tablet.ts';
import { baselineRecords, inventoryCards } from '../inventory.ts';
import { log, pause } from '../timing.ts';

/**
 * Runs every writer once, in the order of row `round` (mod the count) of a balanced Latin square
 * (Williams design: 0, 1, n−1, 2, n−2, … shifted by the round): over n rounds each writer goes
 * first, second… once, and follows each other writer once, so none always writes in the wake of
 * the same other. With two writers it is the alternation of page/timing.ts.
 */
async function inTurn(round: number, writers: ReadonlyArray<() => Promise<void>>): Promise<void> {
  const n = writers.length;
  const offsets = Array.from({ length: n }, (_, i) =>
    i === 0 ? 0 : i % 2 === 1 ? (i + 1) / 2 : n - i / 2,
  );
  for (const offset of offsets) await (writers[(round + offset) % n] as () => Promise<void>)();
}

/**
 * Writes the inventory into empty app and baseline databases, one CARD_WRITE_CHUNK at a time,
 * turning the order of the writers each chunk. Interleaving puts all through the same disk and
 * compaction weather; timing them one after the other favoured whichever went first.
 * upsertCards is called once per chunk: exactly one of its own transactions, as the sync engine
 * calls it once per pulled page. Beside the same-schema baseline, the searchable minimum and the
 * floor store each chunk too (their records made outside the timed put).
 */
export async function storeInterleaved(settleMs = 1000) {
  const cards = inventoryCards();
  const records = baselineRecords();
  await deleteDatabases();
  await deleteDatabase(SEARCHABLE_MINIMUM_DATABASE_NAME);
  await deleteDatabase(FLOOR_DATABASE_NAME);
  const db = appDb();
  await db.open();
  await enrolAppTablet();
  const baseline = await baselineDb();
  const searchableMinimum = await openMinimumDatabase(true);
  const floor = await openMinimumDatabase(false);
  await pause(settleMs);
  const appChunks: number[] = [];
  const baselineChunks: number[] = [];
  const searchableMinimumChunks: number[] = [];
  const floorChunks: number[] = [];
  const chunkCards: number[] = [];
  let written = 0;
  const chunks = Math.ceil(cards.length / CARD_WRITE_CHUNK);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * CARD_WRITE_CHUNK;
    const appSlice = cards.slice(start, start + CARD_WRITE_CHUNK);
    const baselineSlice = records.slice(start, start + CARD_WRITE_CHUNK);
    const minimumSlice = baselineSlice.map(minimumRecord);
    chunkCards.push(appSlice.length);
    const runApp = async () => {
      const started = performance.now();
      const summary = await upsertCards(db, appSlice);
      appChunks.push(performance.now() - started);
      written += summary.written;
    };
    const timedPut =
      (target: IDBDatabase, slice: Parameters<typeof baselinePutChunk>[1], into: number[]) =>
      async () => {
        const started = performance.now();
        await baselinePutChunk(target, slice);
        into.push(performance.now() - started);
      };
    await inTurn(chunk, [
      runApp,
      timedPut(baseline, baselineSlice, baselineChunks),
      timedPut(searchableMinimum, minimumSlice, searchableMinimumChunks),
      timedPut(floor, minimumSlice, floorChunks),
    ]);
    if ((chunk + 1) % 5 === 0 || chunk === chunks - 1) {
      const sum = (values: number[]) =>
        Math.round(values.reduce((total, value) => total + value, 0));
      log(
        `stored ${Math.min(cards.length, start + CARD_WRITE_CHUNK)} of ${cards.length}: app ${sum(appChunks)} ms, baseline ${sum(baselineChunks)} ms, searchable minimum ${sum(searchableMinimumChunks)} ms, floor ${sum(floorChunks)} ms so far`,
      );
    }
  }
  // Steps 2–6 read only the app and the same-schema baseline.
  searchableMinimum.close();
  floor.close();
  if (written !== cards.length) throw new Error(`upsertCards wrote ${written} of ${cards.length}`);
  return {
    appChunks,
    baselineChunks,
    searchableMinimumChunks,
    floorChunks,
    chunkCards,
    written,
    yardstickSchemas: describeMinimumSchemas(),
  };
}
