import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  MAX_RECENT_STAFF,
  endShift,
  ensureDeviceIdentity,
  isEnrolled,
  readSettings,
  readSyncMeta,
  startShift,
  updateSettings,
  writeSyncMeta,
} from './settings.ts';
import { TEST_DEVICE_ID, testStaff } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';

const beforeFirstStart = () => createTestDatabase([], { deviceId: null });

describe('device identity', () => {
  it('is made once, on first start, and never changes', async () => {
    const db = await beforeFirstStart();
    expect((await readSettings(db)).deviceId).toBe('');
    expect((await ensureDeviceIdentity(db, () => 'first-id')).deviceId).toBe('first-id');
    expect((await ensureDeviceIdentity(db, () => 'second-id')).deviceId).toBe('first-id');
  });

  it('is a random UUID unless a test says otherwise', async () => {
    const { deviceId } = await ensureDeviceIdentity(await beforeFirstStart());
    expect(deviceId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('settings', () => {
  it('are the defaults, with the device id, until something is changed: no center, no token', async () => {
    const settings = await readSettings(await createTestDatabase([], { enrolment: null }));
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, deviceId: TEST_DEVICE_ID });
    expect(settings).toMatchObject({ centerId: '', deviceToken: '', enrolledAt: null });
    expect(isEnrolled(settings)).toBe(false);
  });

  it('hold no row that is not a setting (the device key, the sync position)', async () => {
    const db = await createTestDatabase();
    await writeSyncMeta(db, { pullCursor: 'c' });
    const settings = await readSettings(db);
    expect(Object.keys(settings).sort()).toEqual(
      ['deviceId', ...Object.keys(DEFAULT_SETTINGS)].sort(),
    );
    expect(isEnrolled(settings)).toBe(true);
  });

  it('keeps each change under its own key and leaves the rest', async () => {
    const db = await createTestDatabase();
    await updateSettings(db, { centerId: 'TEH-7', language: 'en' });
    await updateSettings(db, { retentionDays: 30 });
    expect(await readSettings(db)).toMatchObject({
      deviceId: TEST_DEVICE_ID,
      centerId: 'TEH-7',
      language: 'en',
      retentionDays: 30,
      timeZone: DEFAULT_SETTINGS.timeZone,
    });
    expect(await db.settings.get('centerId')).toEqual({ key: 'centerId', value: 'TEH-7' });
  });
});

describe('shifts', () => {
  it('starts a shift with trimmed names, at the given time, and ends it', async () => {
    const db = await createTestDatabase();
    const shift = await startShift(db, '  S-07 ', ' مریم احمدی  ', FIXED_NOW);
    expect(shift).toEqual(testStaff({ startedAt: FIXED_NOW.toISOString() }));
    expect((await readSettings(db)).shift).toEqual(shift);
    await endShift(db);
    expect((await readSettings(db)).shift).toBeNull();
  });

  it('remembers recent staff, most recent first, each once, at most MAX_RECENT_STAFF', async () => {
    const db = await createTestDatabase();
    for (let i = 1; i <= MAX_RECENT_STAFF + 2; i++)
      await startShift(db, `S-${i}`, `کارمند ${i}`, FIXED_NOW);
    await startShift(db, 'S-5', 'کارمند پنج', FIXED_NOW);
    const { recentStaff } = await readSettings(db);
    expect(recentStaff).toHaveLength(MAX_RECENT_STAFF);
    expect(recentStaff.slice(0, 3)).toEqual([
      { staffId: 'S-5', staffName: 'کارمند پنج' },
      { staffId: `S-${MAX_RECENT_STAFF + 2}`, staffName: `کارمند ${MAX_RECENT_STAFF + 2}` },
      { staffId: `S-${MAX_RECENT_STAFF + 1}`, staffName: `کارمند ${MAX_RECENT_STAFF + 1}` },
    ]);
    expect(recentStaff.filter((staff) => staff.staffId === 'S-5')).toHaveLength(1);
    expect(recentStaff.map((staff) => staff.staffId)).not.toContain('S-1');
  });
});

describe('sync bookkeeping', () => {
  it('starts with no cursor and no sync, and merges each write into what is stored', async () => {
    const db = await createTestDatabase();
    expect(await readSyncMeta(db)).toEqual({
      pullCursor: null,
      lastSyncAt: null,
      initialPullDone: false,
    });
    await writeSyncMeta(db, { pullCursor: 'c-42' });
    await writeSyncMeta(db, { initialPullDone: true });
    expect(await readSyncMeta(db)).toEqual({
      pullCursor: 'c-42',
      lastSyncAt: null,
      initialPullDone: true,
    });
  });
});
