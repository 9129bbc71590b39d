import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  ensureDeviceIdentity,
  isEnrolled,
  readSettings,
  readSyncMeta,
  updateSettings,
  writeSyncMeta,
} from './settings.ts';
import { TEST_DEVICE_ID, testStaff } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { FIXED_NOW, FIXED_NOW_ISO } from '../../tests/factories/time.ts';

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
  it('read as none when stored by a version before sign-in (a typed name, no role, no lock)', async () => {
    const db = await createTestDatabase();
    await db.settings.put({
      key: 'shift',
      value: { staffId: 'S-7', staffName: 'typed in', startedAt: FIXED_NOW.toISOString() },
    });
    expect((await readSettings(db)).shift).toBeNull();
  });

  it('read as stored when signed in', async () => {
    const db = await createTestDatabase();
    expect((await readSettings(db)).shift).toEqual(testStaff({ startedAt: FIXED_NOW_ISO }));
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
