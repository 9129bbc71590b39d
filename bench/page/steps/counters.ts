// Step 6: the counters the screens show, readCounters (kept in step with every write) against
// counting the ready cards on the status index.
import { readCounters } from '../../../src/db/counters.ts';
import { DEFAULT_TIME_ZONE, jalaliDayKey } from '../../../src/domain/jalali.ts';
import { baselineCountReady } from '../baseline.ts';
import { appDb, baselineDb, handedOverHere } from '../counter-tablet.ts';
import { inventoryCards } from '../inventory.ts';

export async function measureCounters(samples: number, baselineSamples: number, warmup: number) {
  const db = appDb();
  const baseline = await baselineDb();
  const todayKey = jalaliDayKey(new Date(), DEFAULT_TIME_ZONE);
  const app: number[] = [];
  const base: number[] = [];
  let snapshot = await readCounters(db, todayKey);
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now();
    snapshot = await readCounters(db, todayKey);
    const ms = performance.now() - started;
    if (i >= warmup) app.push(ms);
  }
  let readyByCount = 0;
  for (let i = 0; i < baselineSamples + 1; i++) {
    const started = performance.now();
    readyByCount = await baselineCountReady(baseline);
    const ms = performance.now() - started;
    if (i >= 1) base.push(ms);
  }
  // What the counters should say: generated ready cards minus the handovers made here.
  const expectedReady =
    inventoryCards().filter((card) => card.status === 'ready').length - handedOverHere.size;
  return { app, baseline: base, snapshot, expectedReady, readyByCount, todayKey };
}
