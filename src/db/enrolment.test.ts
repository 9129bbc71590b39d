import { describe, expect, it } from 'vitest';
import { CommandRefused } from '../domain/refusals.ts';
import { generateDeviceKeyPair } from '../domain/event-signature.ts';
import { DEFAULT_CENTER_RULES, type EnrolmentResponse } from '../protocol/protocol.ts';
import { resolveAttention } from './attention.ts';
import { upsertCards } from './cards.ts';
import {
  abandonEnrolment,
  applyEnrolment,
  beginEnrolment,
  leaveCenter,
  markDeviceWithdrawn,
  markExportedThrough,
  readDeviceKey,
  writeCenterProfile,
} from './enrolment.ts';
import { readCounters } from './counters.ts';
import { readCenterDayCursor, readCenterDevices, storeCenterDayPage } from './center-day.ts';
import { handoverAtAnotherCounter } from '../../tests/factories/events.ts';
import type { TahvilDatabase } from './database.ts';
import { recordHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch, newestEventSeq } from './outbox.ts';
import {
  CenterChangedError,
  isEnrolled,
  isLiveEnrolmentHold,
  readSettings,
  readSyncMeta,
  updateSettings,
  writeSyncMeta,
} from './settings.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, staffOnShift, testCommandContext } from '../../tests/factories/context.ts';
import {
  createTestDatabase,
  signInForTest,
  storeTestRoster,
  testDeviceKey,
} from '../../tests/factories/database.ts';
import { TEST_SUPERVISOR } from '../../tests/factories/staff.ts';
import { FIXED_NOW, TEST_DAY_KEY } from '../../tests/factories/time.ts';

/** The registry's answer enrolling the test tablet with DEMO-01. */
function demoEnrolment(overrides: Partial<EnrolmentResponse> = {}): EnrolmentResponse {
  return {
    deviceId: TEST_DEVICE_ID,
    deviceToken: 'token-of-DEMO-01',
    enrolledAt: '2026-12-01T07:00:00.000Z',
    center: { centerId: 'DEMO-01', name: 'مرکز نمونه', rules: DEFAULT_CENTER_RULES },
    ...overrides,
  };
}

/** A tablet of AUD-1 holding two of its cards, one handed over here (pending until settled). */
async function audTablet(): Promise<{ db: TahvilDatabase; eventId: string }> {
  const db = await createTestDatabase([], {
    enrolment: { centerId: 'AUD-1', deviceToken: 'token-of-AUD-1' },
  });
  await updateSettings(db, { language: 'en', retentionDays: 30 });
  const cards = [createCard({ centerId: 'AUD-1' }), createCard({ centerId: 'AUD-1' })];
  await upsertCards(db, cards, { forCenter: 'AUD-1' });
  const { eventId } = await recordHandover(db, holderHandover(cards[0]!), testCommandContext());
  await writeSyncMeta(db, { pullCursor: 'cursor-of-AUD-1', initialPullDone: true });
  return { db, eventId };
}

/** Enrols `db` with DEMO-01 under a new key, as sync/enrolment.ts does after the registry answered. */
async function enrolWithDemo(
  db: TahvilDatabase,
  options?: { discardExported?: boolean },
  deviceId = TEST_DEVICE_ID,
) {
  const key = await testDeviceKey(await generateDeviceKeyPair());
  await applyEnrolment(
    db,
    { deviceId, response: demoEnrolment({ deviceId }), key, registryUrl: '' },
    options,
  );
  return key;
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
    settings: (await db.settings.toCollection().primaryKeys()).sort(),
  };
}

describe('applyEnrolment', () => {
  it('enrols a fresh tablet: center, name, rules, token, and the key it made', async () => {
    const db = await createTestDatabase([], { enrolment: null });
    expect(isEnrolled(await readSettings(db))).toBe(false);
    expect(await readDeviceKey(db)).toBeNull();
    const key = await enrolWithDemo(db);
    const settings = await readSettings(db);
    expect(settings).toMatchObject({
      deviceId: TEST_DEVICE_ID,
      centerId: 'DEMO-01',
      centerName: 'مرکز نمونه',
      deviceToken: 'token-of-DEMO-01',
      rules: DEFAULT_CENTER_RULES,
      enrolledAt: '2026-12-01T07:00:00.000Z',
      withdrawnAt: null,
    });
    expect(isEnrolled(settings)).toBe(true);
    const stored = await readDeviceKey(db);
    expect(stored?.publicJwk).toEqual(key.publicJwk);
    // IndexedDB keeps the CryptoKey itself; the private half stays unreadable.
    expect(stored?.privateKey.extractable).toBe(false);
    expect(stored?.privateKey.type).toBe('private');
  });

  it('refuses an answer for another device id and changes nothing', async () => {
    const { db } = await audTablet();
    const before = await tableCounts(db);
    const key = await testDeviceKey();
    await expect(
      applyEnrolment(db, {
        deviceId: TEST_DEVICE_ID,
        response: demoEnrolment({ deviceId: 'someone-else' }),
        key,
        registryUrl: '',
      }),
    ).rejects.toThrow(/another device id/);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('is refused while a handover has not reached the registry, and changes nothing', async () => {
    const { db } = await audTablet();
    const before = await tableCounts(db);
    const keyBefore = await readDeviceKey(db);
    expect(await refusalOf(enrolWithDemo(db))).toBe('center-has-unsent-events');
    expect(await refusalOf(leaveCenter(db))).toBe('center-has-unsent-events');
    expect(await tableCounts(db)).toEqual(before);
    expect((await readSettings(db)).centerId).toBe('AUD-1');
    expect((await readDeviceKey(db))?.publicJwk).toEqual(keyBefore?.publicJwk);
  });

  it('is refused while a handover is on its way (sending)', async () => {
    const { db } = await audTablet();
    await claimPendingBatch(db, 10);
    expect(await refusalOf(enrolWithDemo(db))).toBe('center-has-unsent-events');
  });

  it('is refused while a refused handover waits for a supervisor, and allowed once settled', async () => {
    const { db, eventId } = await audTablet();
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'conflict', reason: 'handed over elsewhere' }]);
    expect(await refusalOf(enrolWithDemo(db))).toBe('center-has-attention');
    await signInForTest(db, TEST_SUPERVISOR);
    await resolveAttention(
      db,
      { eventId, resolution: 'noted', note: 'the other counter gave it out' },
      testCommandContext({ staff: staffOnShift(TEST_SUPERVISOR) }),
    );
    await enrolWithDemo(db);
    expect((await readSettings(db)).centerId).toBe('DEMO-01');
  });

  it('once everything is synced, erases every table of the old center and its key in one go', async () => {
    const { db, eventId } = await audTablet();
    const oldKey = await readDeviceKey(db);
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'accepted' }]);
    const newKey = await enrolWithDemo(db);
    const counts = await tableCounts(db);
    expect(counts).toMatchObject({ cards: 0, events: 0, counters: 0 });
    expect(counts.settings).not.toContain('syncMeta');
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({ ready: 0, handedOver: 0 });
    expect(await readSyncMeta(db)).toEqual({
      pullCursor: null,
      lastSyncAt: null,
      initialPullDone: false,
    });
    const settings = await readSettings(db);
    expect(settings).toMatchObject({
      centerId: 'DEMO-01',
      deviceId: TEST_DEVICE_ID,
      language: 'en',
    });
    expect(settings.retentionDays).toBe(30);
    expect((await readDeviceKey(db))?.publicJwk).toEqual(newKey.publicJwk);
    expect((await readDeviceKey(db))?.publicJwk).not.toEqual(oldKey?.publicJwk);
  });

  it('with unsent events, goes ahead only when every one is in an exported file', async () => {
    const { db } = await audTablet();
    expect(await refusalOf(enrolWithDemo(db, { discardExported: true }))).toBe(
      'center-has-unsent-events',
    );
    await markExportedThrough(db, await newestEventSeq(db));
    // One more handover after the export is not in the file: still refused.
    const card = createCard({ centerId: 'AUD-1' });
    await upsertCards(db, [card], { forCenter: 'AUD-1' });
    await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await refusalOf(enrolWithDemo(db, { discardExported: true }))).toBe(
      'center-has-unsent-events',
    );
    await markExportedThrough(db, await newestEventSeq(db));
    // Without being asked to discard, exported events still hold the tablet.
    expect(await refusalOf(enrolWithDemo(db))).toBe('center-has-unsent-events');
    await enrolWithDemo(db, { discardExported: true });
    expect(await tableCounts(db)).toMatchObject({ cards: 0, events: 0, counters: 0 });
    expect((await tableCounts(db)).settings).not.toContain('unsentConfirmedThroughSeq');
  });
});

describe('leaveCenter', () => {
  it('takes a synced tablet back to before enrolment, keeping its device id and language', async () => {
    const { db, eventId } = await audTablet();
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'accepted' }]);
    await leaveCenter(db);
    expect(await tableCounts(db)).toMatchObject({ cards: 0, events: 0, counters: 0 });
    expect(await readDeviceKey(db)).toBeNull();
    const settings = await readSettings(db);
    expect(isEnrolled(settings)).toBe(false);
    expect(settings).toMatchObject({
      deviceId: TEST_DEVICE_ID,
      language: 'en',
      centerId: '',
      deviceToken: '',
      shift: null,
    });
  });

  it('is refused with unsent events like an enrolment', async () => {
    const { db } = await audTablet();
    expect(await refusalOf(leaveCenter(db))).toBe('center-has-unsent-events');
    expect(isEnrolled(await readSettings(db))).toBe(true);
  });
});

describe('the center profile and withdrawal', () => {
  it('takes a pulled profile only for the center the tablet belongs to', async () => {
    const db = await createTestDatabase();
    const rules = { proxyPickupAllowed: false, idleLockMinutes: 3, detailsRetentionDays: 7 };
    await writeCenterProfile(db, { centerId: 'AUD-1', name: 'دیگری', rules });
    expect((await readSettings(db)).rules).toEqual(DEFAULT_CENTER_RULES);
    await writeCenterProfile(db, { centerId: 'DEMO-01', name: 'تازه', rules });
    expect(await readSettings(db)).toMatchObject({ centerName: 'تازه', rules });
  });

  it('records the first time the registry said the device is withdrawn', async () => {
    const db = await createTestDatabase();
    await markDeviceWithdrawn(db, FIXED_NOW);
    await markDeviceWithdrawn(db, new Date(FIXED_NOW.getTime() + 60_000));
    expect((await readSettings(db)).withdrawnAt).toBe(FIXED_NOW.toISOString());
  });
});

describe('writes meant for the center the tablet has left', () => {
  async function movedTablet(): Promise<TahvilDatabase> {
    const { db, eventId } = await audTablet();
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'accepted' }]);
    await enrolWithDemo(db);
    // The new center's roster pulled, and its clerk signed in (an enrolment ends the shift).
    await storeTestRoster(db);
    await signInForTest(db);
    return db;
  }

  it('the old center’s day is gone with it, and a page of it fetched before is refused', async () => {
    const { db } = await audTablet();
    const day = { items: [handoverAtAnotherCounter(createCard())], cursor: 'c1', devices: [] };
    await storeCenterDayPage(db, TEST_DAY_KEY, day, { receivedAtMs: 0, forCenter: 'AUD-1' });
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [
      { eventId: (await db.events.toCollection().first())!.eventId, status: 'accepted' },
    ]);
    await enrolWithDemo(db);
    expect(await db.centerEvents.count()).toBe(0);
    expect(await readCenterDayCursor(db, TEST_DAY_KEY)).toBeNull();
    expect(await readCenterDevices(db)).toBeNull();
    await expect(
      storeCenterDayPage(db, TEST_DAY_KEY, day, { receivedAtMs: 0, forCenter: 'AUD-1' }),
    ).rejects.toThrow(CenterChangedError);
    expect(await db.centerEvents.count()).toBe(0);
  });

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

describe('the hold while an enrolment is asked for', () => {
  it('refuses new handovers and a second enrolment; only its own owner lifts it', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const hold = await beginEnrolment(db);
    expect(await refusalOf(recordHandover(db, holderHandover(card), testCommandContext()))).toBe(
      'enrolment-in-progress',
    );
    expect(await refusalOf(beginEnrolment(db))).toBe('enrolment-in-progress');
    // Another tab's failed attempt must not lift this one's hold.
    await abandonEnrolment(db, { id: 'someone-else', startedAt: Date.now() });
    expect(await refusalOf(recordHandover(db, holderHandover(card), testCommandContext()))).toBe(
      'enrolment-in-progress',
    );
    await abandonEnrolment(db, hold);
    expect(await refusalOf(recordHandover(db, holderHandover(card), testCommandContext()))).toBe(
      undefined,
    );
  });

  it('holds nothing once older than a minute, or dated ahead by a clock set back', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    for (const startedAt of [Date.now() - 61_000, Date.now() + 61_000]) {
      await db.settings.put({ key: 'enrolmentStartedAt', value: { id: 'tab-died', startedAt } });
      expect(isLiveEnrolmentHold((await db.settings.get('enrolmentStartedAt'))?.value)).toBe(false);
    }
    await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await db.events.count()).toBe(1);
  });

  it('is cleared by the enrolment it held for', async () => {
    const db = await createTestDatabase([], { enrolment: null });
    await beginEnrolment(db);
    await enrolWithDemo(db);
    expect(await db.settings.get('enrolmentStartedAt')).toBeUndefined();
  });
});

describe('the device ids of earlier enrolments', () => {
  it('are kept when the tablet enrols with the same center again, and dropped for another', async () => {
    const db = await createTestDatabase();
    const first = (await readSettings(db)).deviceId;
    await enrolWithDemo(db, {}, 'device-second');
    expect(await readSettings(db)).toMatchObject({
      deviceId: 'device-second',
      formerDeviceIds: [first],
    });
    await applyEnrolment(db, {
      deviceId: 'device-third',
      response: demoEnrolment({
        deviceId: 'device-third',
        center: { centerId: 'AUD-1', name: 'دیگری', rules: DEFAULT_CENTER_RULES },
      }),
      key: await testDeviceKey(await generateDeviceKeyPair()),
      registryUrl: '',
    });
    expect((await readSettings(db)).formerDeviceIds).toEqual([]);
    await leaveCenter(db);
    expect((await readSettings(db)).formerDeviceIds).toEqual([]);
  });
});
