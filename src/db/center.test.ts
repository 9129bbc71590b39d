import { describe, expect, it } from 'vitest';
import { CommandRefused } from '../domain/refusals.ts';
import { resolveAttention } from './attention.ts';
import { upsertCards } from './cards.ts';
import { switchCenter } from './center.ts';
import { readCounters } from './counters.ts';
import type { TahvilDatabase } from './database.ts';
import { recordHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch } from './outbox.ts';
import {
  CenterChangedError,
  readSettings,
  readSyncMeta,
  updateSettings,
  writeSyncMeta,
} from './settings.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';

const AUD = { centerId: 'AUD-1', deviceToken: 'token-of-AUD-1' };
const DEMO = { centerId: 'DEMO-01', deviceToken: 'token-of-DEMO-01' };

/** A tablet of AUD-1 holding two of its cards, one handed over here (pending until `settle`). */
async function audTablet(): Promise<{ db: TahvilDatabase; eventId: string }> {
  const db = await createTestDatabase();
  await updateSettings(db, { ...AUD, language: 'en', retentionDays: 30 });
  const cards = [createCard({ centerId: 'AUD-1' }), createCard({ centerId: 'AUD-1' })];
  await upsertCards(db, cards, { forCenter: 'AUD-1' });
  const { eventId } = await recordHandover(db, holderHandover(cards[0]!), testCommandContext());
  await writeSyncMeta(db, { pullCursor: 'cursor-of-AUD-1', initialPullDone: true });
  return { db, eventId };
}

async function refusalOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof CommandRefused ? error.refusal : String(error);
  }
}

async function tableCounts(db: TahvilDatabase) {
  return {
    cards: await db.cards.count(),
    events: await db.events.count(),
    counters: await db.counters.count(),
  };
}

describe('switchCenter', () => {
  it('is refused while a handover has not reached the registry, and changes nothing', async () => {
    const { db } = await audTablet();
    const before = await tableCounts(db);
    expect(await refusalOf(switchCenter(db, DEMO))).toBe('center-has-unsent-events');
    expect(await tableCounts(db)).toEqual(before);
    expect((await readSettings(db)).centerId).toBe('AUD-1');
  });

  it('is refused while a handover is on its way (sending)', async () => {
    const { db } = await audTablet();
    await claimPendingBatch(db, 10);
    expect(await refusalOf(switchCenter(db, DEMO))).toBe('center-has-unsent-events');
  });

  it('is refused while a refused handover waits for a supervisor, and allowed once settled', async () => {
    const { db, eventId } = await audTablet();
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'conflict', reason: 'handed over elsewhere' }]);
    expect(await refusalOf(switchCenter(db, DEMO))).toBe('center-has-attention');
    await resolveAttention(
      db,
      { eventId, resolution: 'noted', note: 'the other counter gave it out' },
      testCommandContext(),
    );
    expect(await switchCenter(db, DEMO)).toBe('switched');
  });

  it('once everything is synced, erases every table of the old center in one go and names the new one', async () => {
    const { db, eventId } = await audTablet();
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'accepted' }]);
    expect(await switchCenter(db, DEMO)).toBe('switched');
    expect(await tableCounts(db)).toEqual({ cards: 0, events: 0, counters: 0 });
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({ ready: 0, handedOver: 0 });
    expect(await readSyncMeta(db)).toEqual({
      pullCursor: null,
      lastSyncAt: null,
      initialPullDone: false,
    });
    const settings = await readSettings(db);
    expect(settings).toMatchObject({ ...DEMO, deviceId: TEST_DEVICE_ID, language: 'en' });
    expect(settings.retentionDays).toBe(30);
  });

  it('takes a new token for the same center without erasing anything', async () => {
    const { db } = await audTablet();
    const before = await tableCounts(db);
    expect(await switchCenter(db, { centerId: ' AUD-1 ', deviceToken: ' new-token ' })).toBe(
      'token-changed',
    );
    expect(await tableCounts(db)).toEqual(before);
    expect(await readSettings(db)).toMatchObject({ centerId: 'AUD-1', deviceToken: 'new-token' });
    expect((await readSyncMeta(db)).pullCursor).toBe('cursor-of-AUD-1');
  });
});

describe('writes meant for the center the tablet has left', () => {
  async function movedTablet(): Promise<TahvilDatabase> {
    const { db, eventId } = await audTablet();
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'accepted' }]);
    await switchCenter(db, DEMO);
    return db;
  }

  it('a pull page of the old center is refused and writes nothing', async () => {
    const db = await movedTablet();
    await expect(
      upsertCards(db, [createCard({ centerId: 'AUD-1' })], { forCenter: 'AUD-1' }),
    ).rejects.toThrow(CenterChangedError);
    expect(await db.cards.count()).toBe(0);
  });

  it('the old center’s cursor is refused', async () => {
    const db = await movedTablet();
    await expect(
      writeSyncMeta(db, { pullCursor: 'cursor-of-AUD-1' }, { forCenter: 'AUD-1' }),
    ).rejects.toThrow(CenterChangedError);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
  });

  it('a push meant for the old center claims none of the new center’s events', async () => {
    const db = await movedTablet();
    const card = createCard({ centerId: 'DEMO-01' });
    await upsertCards(db, [card], { forCenter: 'DEMO-01' });
    await recordHandover(db, holderHandover(card), testCommandContext());
    await expect(claimPendingBatch(db, 10, { forCenter: 'AUD-1' })).rejects.toThrow(
      CenterChangedError,
    );
    expect(await db.events.where('syncState').equals('pending').count()).toBe(1);
    expect(await claimPendingBatch(db, 10, { forCenter: 'DEMO-01' })).toHaveLength(1);
  });
});
