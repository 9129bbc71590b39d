import { describe, expect, it } from 'vitest';
import {
  addDelta,
  adjustCounters,
  handoversOnDayKey,
  readCounters,
  recountStatuses,
  statusCounterKey,
} from './counters.ts';
import { upsertCards } from './cards.ts';
import type { TahvilDatabase } from './database.ts';
import { createCard } from '../../tests/factories/cards.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';

const ZERO = { ready: 0, handedOver: 0, revoked: 0, returned: 0, handoversToday: 0 };

/** Adds `deltas` to the counters in one rw transaction, as every command does. */
async function adjust(db: TahvilDatabase, deltas: Map<string, number>) {
  await db.transaction('rw', db.counters, () => adjustCounters(db, deltas));
}

describe('counters', () => {
  it('reads zeros before anything was counted', async () => {
    expect(await readCounters(await createTestDatabase(), TEST_DAY_KEY)).toEqual(ZERO);
  });

  it('adds deltas to what is stored and keeps each day’s handovers apart', async () => {
    const db = await createTestDatabase();
    const deltas = new Map<string, number>();
    addDelta(deltas, statusCounterKey('ready'), 3);
    addDelta(deltas, statusCounterKey('ready'), -1);
    addDelta(deltas, handoversOnDayKey(TEST_DAY_KEY), 2);
    addDelta(deltas, handoversOnDayKey('1405-09-03'), 5);
    expect(deltas.get(statusCounterKey('ready'))).toBe(2);
    await adjust(db, deltas);
    await adjust(db, new Map([[statusCounterKey('ready'), 4]]));
    expect(await readCounters(db, TEST_DAY_KEY)).toEqual({ ...ZERO, ready: 6, handoversToday: 2 });
    expect((await readCounters(db, '1405-09-03')).handoversToday).toBe(5);
  });

  it('writes nothing for deltas that add up to zero', async () => {
    const db = await createTestDatabase();
    const deltas = new Map<string, number>();
    addDelta(deltas, statusCounterKey('revoked'), 1);
    addDelta(deltas, statusCounterKey('revoked'), -1);
    await adjust(db, deltas);
    expect(await db.counters.count()).toBe(0);
  });

  it('keeps one counter per status and one per day, named apart', () => {
    expect(statusCounterKey('handed_over')).toBe('cards:handed_over');
    expect(handoversOnDayKey(TEST_DAY_KEY)).toBe('handovers:1405-09-04');
  });

  it('recounts every status from the cards themselves', async () => {
    const db = await createTestDatabase();
    // Written behind the counters' back, as a repair would find them.
    await db.cards.bulkPut(
      [createCard(), createCard({ status: 'returned' }), createCard({ status: 'revoked' })].map(
        (card) => ({ ...card, nameKeys: [] }),
      ),
    );
    expect(await recountStatuses(db)).toEqual({
      ready: 1,
      handed_over: 0,
      revoked: 1,
      returned: 1,
    });
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(0);
    await upsertCards(db, [createCard()]);
    expect((await recountStatuses(db)).ready).toBe(2);
  });
});
