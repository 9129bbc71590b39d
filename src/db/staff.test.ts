import { describe, expect, it } from 'vitest';
import {
  activeApprover,
  activeShiftMember,
  approveAsSupervisor,
  clearLockout,
  endShift,
  lockShift,
  lockoutRemainingMs,
  readRoster,
  readRosterCursor,
  signIn,
  storeRosterPage,
  storeStaffMember,
} from './staff.ts';
import { readSettings } from './settings.ts';
import { leaveCenter } from './enrolment.ts';
import { CenterChangedError } from './settings.ts';
import { FIRST_LOCKOUT_MS, LOCKOUT_AFTER_FAILURES } from '../domain/pin-lockout.ts';
import { createTestDatabase, signInForTest } from '../../tests/factories/database.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  testStaffMember,
} from '../../tests/factories/staff.ts';
import { FIXED_NOW, FIXED_NOW_ISO } from '../../tests/factories/time.ts';

const later = (ms: number) => new Date(FIXED_NOW.getTime() + ms);
const signedOut = () => createTestDatabase([], { signedIn: null });

describe('the roster', () => {
  it('is stored as pulled, with its cursor, and read by name', async () => {
    const db = await signedOut();
    expect((await readRoster(db)).map((member) => member.staffId).sort()).toEqual(
      ['S-03', 'S-07', 'S-09'].sort(),
    );
    expect(await readRosterCursor(db)).toBe('3');
  });

  it('keeps the newest version of a member, whatever order pages come in', async () => {
    const db = await signedOut();
    await storeRosterPage(db, [testStaffMember(TEST_CLERK, { version: 9, name: 'نو' })], '9', {});
    await storeRosterPage(db, [testStaffMember(TEST_CLERK, { version: 2, name: 'کهنه' })], '9', {});
    expect((await db.staff.get('S-07'))?.name).toBe('نو');
  });

  it('signs out a member the pull shows deactivated, and no one else', async () => {
    const db = await createTestDatabase();
    const other = await storeRosterPage(
      db,
      [testStaffMember(TEST_OTHER_CLERK, { version: 4, active: false, pinVerifier: null })],
      '4',
      {},
    );
    expect(other.signedOut).toBe(false);
    expect((await readSettings(db)).shift?.staffId).toBe('S-07');
    const deactivated = testStaffMember(TEST_CLERK, {
      version: 5,
      active: false,
      deactivatedAt: FIXED_NOW_ISO,
      pinVerifier: null,
    });
    expect((await storeRosterPage(db, [deactivated], '5', {})).signedOut).toBe(true);
    expect((await readSettings(db)).shift).toBeNull();
    expect(await signIn(db, 'S-07', TEST_CLERK.pin, FIXED_NOW)).toEqual({
      ok: false,
      problem: 'inactive',
    });
  });

  it('is not written for another enrolment than the one it was pulled for', async () => {
    const db = await signedOut();
    await expect(
      storeRosterPage(db, [testStaffMember(TEST_CLERK, { version: 9 })], '9', {
        forCenter: 'OTHER',
      }),
    ).rejects.toBeInstanceOf(CenterChangedError);
    expect(await readRosterCursor(db)).toBe('3');
  });

  it('goes with the center when the tablet leaves it, with the wrong PINs counted', async () => {
    const db = await signedOut();
    await signIn(db, 'S-07', '0000', FIXED_NOW);
    await leaveCenter(db);
    expect(await db.staff.count()).toBe(0);
    expect(await db.pinAttempts.count()).toBe(0);
    expect(await readRosterCursor(db)).toBeNull();
  });
});

describe('one member as the registry answered it (storeStaffMember)', () => {
  it('keeps the newer of it and the stored copy, and leaves the roster cursor alone', async () => {
    const db = await createTestDatabase();
    await storeStaffMember(db, testStaffMember(TEST_CLERK, { version: 9, name: 'نو' }), {});
    await storeStaffMember(db, testStaffMember(TEST_CLERK, { version: 4, name: 'کهنه' }), {});
    expect((await db.staff.get('S-07'))?.name).toBe('نو');
    expect(await readRosterCursor(db)).toBe('3');
  });

  it('signs out the member on shift when it shows them deactivated', async () => {
    const db = await createTestDatabase();
    const deactivated = testStaffMember(TEST_CLERK, {
      version: 9,
      active: false,
      deactivatedAt: FIXED_NOW_ISO,
      pinVerifier: null,
    });
    expect(await storeStaffMember(db, deactivated, {})).toEqual({ signedOut: true });
    expect((await readSettings(db)).shift).toBeNull();
  });

  it('is not written for another enrolment than the one it was asked for', async () => {
    const db = await createTestDatabase();
    await expect(
      storeStaffMember(db, testStaffMember(TEST_CLERK, { version: 9, name: 'نو' }), {
        forDevice: 'another-device',
      }),
    ).rejects.toBeInstanceOf(CenterChangedError);
    expect((await db.staff.get('S-07'))?.version).toBe(1);
  });
});

describe('sign-in', () => {
  it('takes the right PIN with no network, in any digit script, and opens a shift', async () => {
    const db = await signedOut();
    const result = await signIn(db, 'S-07', '۲۵۸۰', FIXED_NOW);
    expect(result).toEqual({
      ok: true,
      continued: false,
      shift: {
        staffId: 'S-07',
        staffName: TEST_CLERK.name,
        role: 'clerk',
        startedAt: FIXED_NOW.toISOString(),
        locked: false,
      },
    });
    expect((await readSettings(db)).shift).toEqual(result.ok ? result.shift : null);
  });

  it('refuses an unknown id and a wrong PIN, saying how many tries are left', async () => {
    const db = await signedOut();
    expect(await signIn(db, 'S-99', '2580', FIXED_NOW)).toEqual({
      ok: false,
      problem: 'unknown-staff',
    });
    expect(await signIn(db, 'S-07', '2581', FIXED_NOW)).toEqual({
      ok: false,
      problem: 'wrong-pin',
      triesLeft: LOCKOUT_AFTER_FAILURES - 1,
    });
    expect((await readSettings(db)).shift).toBeNull();
  });

  it('locks a member out after 5 wrong PINs, with a countdown, without checking PINs meanwhile', async () => {
    const db = await signedOut();
    for (let attempt = 1; attempt < LOCKOUT_AFTER_FAILURES; attempt++)
      expect(await signIn(db, 'S-07', '1111', later(attempt))).toMatchObject({
        problem: 'wrong-pin',
      });
    expect(await signIn(db, 'S-07', '1111', later(5))).toEqual({
      ok: false,
      problem: 'locked-out',
      remainingMs: FIRST_LOCKOUT_MS,
    });
    // The right PIN during the lockout is not even checked.
    expect(await signIn(db, 'S-07', TEST_CLERK.pin, later(20_005))).toEqual({
      ok: false,
      problem: 'locked-out',
      remainingMs: FIRST_LOCKOUT_MS - 20_000,
    });
    expect(await lockoutRemainingMs(db, 'S-07', later(30_005))).toBe(FIRST_LOCKOUT_MS - 30_000);
    // Another member is not locked out.
    expect(await signIn(db, 'S-03', TEST_OTHER_CLERK.pin, later(6))).toMatchObject({ ok: true });
    // After the countdown, the right PIN signs in and the count starts over.
    expect(await signIn(db, 'S-07', TEST_CLERK.pin, later(FIRST_LOCKOUT_MS + 5))).toMatchObject({
      ok: true,
    });
    expect(await lockoutRemainingMs(db, 'S-07', later(FIRST_LOCKOUT_MS + 6))).toBe(0);
  });

  it('keeps counting across a reload: the count is stored, not held in memory', async () => {
    const db = await signedOut();
    for (let attempt = 0; attempt < LOCKOUT_AFTER_FAILURES; attempt++)
      await signIn(db, 'S-07', '1111', FIXED_NOW);
    db.close();
    await db.open();
    expect(await lockoutRemainingMs(db, 'S-07', FIXED_NOW)).toBe(FIRST_LOCKOUT_MS);
  });

  it('lets a supervisor clear a lockout, and no clerk', async () => {
    const db = await signedOut();
    for (let attempt = 0; attempt < LOCKOUT_AFTER_FAILURES; attempt++)
      await signIn(db, 'S-07', '1111', FIXED_NOW);
    await expect(
      clearLockout(db, 'S-07', { staffId: 'S-03', staffName: TEST_OTHER_CLERK.name }),
    ).rejects.toThrow('supervisor');
    const approval = await approveAsSupervisor(db, 'S-09', TEST_SUPERVISOR.pin, FIXED_NOW);
    if (!approval.ok) throw new Error('the supervisor was refused');
    await clearLockout(db, 'S-07', approval.approval);
    expect(await signIn(db, 'S-07', TEST_CLERK.pin, FIXED_NOW)).toMatchObject({ ok: true });
  });
});

describe('the lock', () => {
  it('keeps the shift and its start for the same member, who goes on where they were', async () => {
    const db = await createTestDatabase();
    await lockShift(db);
    expect((await readSettings(db)).shift).toMatchObject({ staffId: 'S-07', locked: true });
    expect(await activeShiftMember(db)).toBeNull();
    const unlocked = await signIn(db, 'S-07', TEST_CLERK.pin, later(60_000));
    expect(unlocked).toMatchObject({ ok: true, continued: true });
    expect((await readSettings(db)).shift).toMatchObject({
      staffId: 'S-07',
      startedAt: FIXED_NOW_ISO,
      locked: false,
    });
    expect((await activeShiftMember(db))?.member.staffId).toBe('S-07');
  });

  it('ends the shift when another member signs in', async () => {
    const db = await createTestDatabase();
    await lockShift(db);
    const result = await signIn(db, 'S-09', TEST_SUPERVISOR.pin, later(60_000));
    expect(result).toMatchObject({ ok: true, continued: false });
    expect((await readSettings(db)).shift).toMatchObject({
      staffId: 'S-09',
      role: 'supervisor',
      startedAt: later(60_000).toISOString(),
      locked: false,
    });
  });

  it('stays off a tablet no one is signed in on, and end shift leaves sign-in', async () => {
    const db = await signedOut();
    await lockShift(db);
    expect((await readSettings(db)).shift).toBeNull();
    await signInForTest(db);
    await endShift(db);
    expect((await readSettings(db)).shift).toBeNull();
  });
});

describe('approvals', () => {
  it('take an active supervisor with their PIN, and no clerk, wrong PIN or deactivated one', async () => {
    const db = await createTestDatabase();
    expect(await approveAsSupervisor(db, 'S-09', TEST_SUPERVISOR.pin, FIXED_NOW)).toEqual({
      ok: true,
      approval: { staffId: 'S-09', staffName: TEST_SUPERVISOR.name },
    });
    expect(await approveAsSupervisor(db, 'S-03', TEST_OTHER_CLERK.pin, FIXED_NOW)).toEqual({
      ok: false,
      problem: 'not-supervisor',
    });
    expect(await approveAsSupervisor(db, 'S-09', '9999', FIXED_NOW)).toMatchObject({
      problem: 'wrong-pin',
    });
    expect(await activeApprover(db, { staffId: 'S-09' })).toMatchObject({ role: 'supervisor' });
    expect(await activeApprover(db, { staffId: 'S-07' })).toBeNull();
    await storeRosterPage(
      db,
      [testStaffMember(TEST_SUPERVISOR, { version: 8, active: false, pinVerifier: null })],
      '8',
      {},
    );
    expect(await activeApprover(db, { staffId: 'S-09' })).toBeNull();
    expect(await approveAsSupervisor(db, 'S-09', TEST_SUPERVISOR.pin, FIXED_NOW)).toEqual({
      ok: false,
      problem: 'inactive',
    });
    // The clerk's shift goes on: an approval never changes who is signed in.
    expect((await readSettings(db)).shift?.staffId).toBe('S-07');
  });
});
