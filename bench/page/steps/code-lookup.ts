// Step 2: a card found by its national code, searchCards against the index's plain get.
import { searchCards } from '../../../src/db/queries.ts';
import { mulberry32, pick } from '../../../server/demo-inventory.ts';
import { baselineGetByNationalCode } from '../baseline.ts';
import { appDb, baselineDb } from '../counter-tablet.ts';
import { inventoryCards, inventorySeed } from '../inventory.ts';
import { alternately } from '../timing.ts';

export async function measureCodeLookup(samples: number, warmup: number) {
  const cards = inventoryCards();
  const random = mulberry32(inventorySeed() + 2);
  const db = appDb();
  const baseline = await baselineDb();
  const app: number[] = [];
  const base: number[] = [];
  let wrong = 0;
  for (let i = 0; i < warmup + samples; i++) {
    const card = pick(random, cards);
    const runApp = async () => {
      const started = performance.now();
      const outcome = await searchCards(db, card.nationalCode);
      const ms = performance.now() - started;
      if (
        outcome.kind !== 'national-code' ||
        outcome.cards.length !== 1 ||
        outcome.cards[0]?.cardId !== card.cardId
      )
        wrong++;
      if (i >= warmup) app.push(ms);
    };
    const runBaseline = async () => {
      const started = performance.now();
      const found = await baselineGetByNationalCode(baseline, card.nationalCode);
      const ms = performance.now() - started;
      if (found?.cardId !== card.cardId) wrong++;
      if (i >= warmup) base.push(ms);
    };
    await alternately(i, runApp, runBaseline);
  }
  return { app, baseline: base, wrong };
}
