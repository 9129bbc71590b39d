// Step 1: the whole inventory written into empty app and baseline databases, chunk by chunk.
import { CARD_WRITE_CHUNK, upsertCards } from '../../../src/db/cards.ts';
import { baselinePutChunk } from '../baseline.ts';
import { appDb, baselineDb, deleteDatabases, enrolAppTablet } from '../counter-tablet.ts';
import { baselineRecords, inventoryCards } from '../inventory.ts';
import { alternately, log, pause } from '../timing.ts';

/**
 * Writes the inventory into empty app and baseline databases, one CARD_WRITE_CHUNK at a time,
 * alternating which side writes each chunk first. Interleaving puts both through the same disk
 * and compaction weather; timing them one after the other favoured whichever went first.
 * upsertCards is called once per chunk: exactly one of its own transactions, as the sync engine
 * calls it once per pulled page.
 */
export async function storeInterleaved(settleMs = 1000) {
  const cards = inventoryCards();
  const records = baselineRecords();
  await deleteDatabases();
  const db = appDb();
  await db.open();
  await enrolAppTablet();
  const baseline = await baselineDb();
  await pause(settleMs);
  const appChunks: number[] = [];
  const baselineChunks: number[] = [];
  let written = 0;
  const chunks = Math.ceil(cards.length / CARD_WRITE_CHUNK);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * CARD_WRITE_CHUNK;
    const appSlice = cards.slice(start, start + CARD_WRITE_CHUNK);
    const baselineSlice = records.slice(start, start + CARD_WRITE_CHUNK);
    const runApp = async () => {
      const started = performance.now();
      const summary = await upsertCards(db, appSlice);
      appChunks.push(performance.now() - started);
      written += summary.written;
    };
    const runBaseline = async () => {
      const started = performance.now();
      await baselinePutChunk(baseline, baselineSlice);
      baselineChunks.push(performance.now() - started);
    };
    await alternately(chunk, runApp, runBaseline);
    if ((chunk + 1) % 5 === 0 || chunk === chunks - 1) {
      const sum = (values: number[]) =>
        Math.round(values.reduce((total, value) => total + value, 0));
      log(
        `stored ${Math.min(cards.length, start + CARD_WRITE_CHUNK)} of ${cards.length}: app ${sum(appChunks)} ms, baseline ${sum(baselineChunks)} ms so far`,
      );
    }
  }
  if (written !== cards.length) throw new Error(`upsertCards wrote ${written} of ${cards.length}`);
  return { appChunks, baselineChunks, written };
}
