// The center's roster on this tablet, sign-in, the lock and approvals (decision 022). The roster
// is the registry's, pulled with the cards; a PIN is checked against its member's verifier with
// WebCrypto, so sign-in works offline, and never stored. Must stay true: a PIN is checked only
// outside a lockout and each wrong one is counted (in IndexedDB, so a reload forgets nothing);
// a member the roster shows inactive never signs in or approves, and is signed out when the pull
// saying so is stored; the shift is written only by these commands.
import type { TahvilDatabase } from './database.ts';
import type { PinAttemptsRecord, StaffOnShift, StoredStaff } from './records.ts';
import type { StaffMember } from '../protocol/protocol.ts';
import { verifyPin } from '../domain/pin-verifier.ts';
import {
  LOCKOUT_AFTER_FAILURES,
  NO_ATTEMPTS,
  afterRightPin,
  afterWrongPin,
  lockRemainingMs,
  type PinAttempts,
  type PinCheckProblem,
} from '../domain/pin-lockout.ts';

export type { PinCheckProblem };
import { assertCenter, readSettings, updateSettings, type EnrolmentGuard } from './settings.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { permission, type CounterAction } from '../domain/staff-roles.ts';

/** The roster pull's position, beside the cards' (the settings table; not a setting). */
export const ROSTER_CURSOR_ROW = 'rosterCursor';

export async function readRosterCursor(db: TahvilDatabase): Promise<string | null> {
  const value = (await db.settings.get(ROSTER_CURSOR_ROW))?.value;
  return typeof value === 'string' ? value : null;
}

/** The roster as pulled, by name: who the sign-in screen offers. */
export async function readRoster(db: TahvilDatabase): Promise<StoredStaff[]> {
  const members = await db.staff.toArray();
  return members.sort((a, b) => a.name.localeCompare(b.name, 'fa'));
}

export interface RosterWriteOptions extends EnrolmentGuard {
  /** The registry's copy wins whatever its version: its versions started again (a replaced data set). */
  anyVersion?: boolean;
}

/**
 * Stores one roster page and its cursor, for the enrolment `guard` names (refused with
 * CenterChangedError otherwise). A member older than the one stored is skipped (unless
 * `anyVersion`); one who is no longer active is signed out at once. Returns whether the
 * signed-in member was signed out.
 */
export async function storeRosterPage(
  db: TahvilDatabase,
  members: readonly StaffMember[],
  cursor: string,
  { anyVersion = false, ...guard }: RosterWriteOptions,
): Promise<{ signedOut: boolean }> {
  return db.transaction('rw', [db.staff, db.settings], async () => {
    await assertCenter(db, guard);
    await putNewerMembers(db, members, anyVersion);
    await db.settings.put({ key: ROSTER_CURSOR_ROW, value: cursor });
    return signOutIfInactive(db);
  });
}

/**
 * Stores one member as the registry answered a request about them (a PIN change), for the
 * enrolment `guard` names, as a roster page would: only if newer than the one stored, and
 * signing them out if no longer active. The roster cursor stays: the pull still brings every
 * change after it, this one included.
 */
export async function storeStaffMember(
  db: TahvilDatabase,
  member: StaffMember,
  guard: EnrolmentGuard,
): Promise<{ signedOut: boolean }> {
  return db.transaction('rw', [db.staff, db.settings], async () => {
    await assertCenter(db, guard);
    await putNewerMembers(db, [member], false);
    return signOutIfInactive(db);
  });
}

/** Inside a transaction over staff: writes each member not older than the stored copy. */
async function putNewerMembers(
  db: TahvilDatabase,
  members: readonly StaffMember[],
  anyVersion: boolean,
): Promise<void> {
  const stored = await db.staff.bulkGet(members.map((member) => member.staffId));
  const newer = members.filter(
    (member, index) => anyVersion || (stored[index]?.version ?? -Infinity) <= member.version,
  );
  await db.staff.bulkPut(newer.map((member) => ({ ...member })));
}

/** Inside a transaction over staff and settings: ends a shift whose member is not active. */
async function signOutIfInactive(db: TahvilDatabase): Promise<{ signedOut: boolean }> {
  const { shift } = await readSettings(db);
  if (!shift) return { signedOut: false };
  const member = await db.staff.get(shift.staffId);
  if (member?.active) return { signedOut: false };
  await updateSettings(db, { shift: null });
  return { signedOut: true };
}

export type PinCheck = { ok: true; member: StoredStaff } | ({ ok: false } & PinCheckProblem);

async function readAttempts(db: TahvilDatabase, staffId: string): Promise<PinAttempts> {
  const row = await db.pinAttempts.get(staffId);
  return row ?? NO_ATTEMPTS;
}

/** How long `staffId` must still wait on this tablet at `now`; 0 when they may try. */
export async function lockoutRemainingMs(
  db: TahvilDatabase,
  staffId: string,
  now: Date,
): Promise<number> {
  return lockRemainingMs(await readAttempts(db, staffId), now.getTime());
}

/**
 * Checks `pin` for `staffId` and counts the attempt: the one path every sign-in, unlock and
 * approval goes through. `supervisorOnly`: a clerk's right PIN is `not-supervisor` (and still
 * counted as right: it is theirs).
 */
export async function checkStaffPin(
  db: TahvilDatabase,
  staffId: string,
  pin: string,
  now: Date,
  { supervisorOnly = false }: { supervisorOnly?: boolean } = {},
): Promise<PinCheck> {
  const nowMs = now.getTime();
  const [member, attempts] = await Promise.all([db.staff.get(staffId), readAttempts(db, staffId)]);
  if (!member) return { ok: false, problem: 'unknown-staff' };
  if (!member.active || !member.pinVerifier) return { ok: false, problem: 'inactive' };
  const waiting = lockRemainingMs(attempts, nowMs);
  if (waiting > 0) return { ok: false, problem: 'locked-out', remainingMs: waiting };
  // WebCrypto is not an IndexedDB request: the check runs outside the transaction below, which
  // then counts it against the attempts as they are by then (another tab may have counted some).
  const right = await verifyPin(pin, member.pinVerifier);
  return db.transaction('rw', [db.staff, db.pinAttempts], async () => {
    const current = await readAttempts(db, staffId);
    const waitingNow = lockRemainingMs(current, nowMs);
    if (waitingNow > 0) return { ok: false, problem: 'locked-out', remainingMs: waitingNow };
    const memberNow = await db.staff.get(staffId);
    // The roster changed while the PIN was checked: judged against what it is now.
    if (!memberNow?.active || memberNow.version !== member.version)
      return { ok: false, problem: memberNow ? 'inactive' : 'unknown-staff' };
    if (!right) {
      const next = afterWrongPin(current, nowMs);
      await db.pinAttempts.put({ staffId, ...next } satisfies PinAttemptsRecord);
      const remainingMs = lockRemainingMs(next, nowMs);
      return remainingMs > 0
        ? { ok: false, problem: 'locked-out', remainingMs }
        : { ok: false, problem: 'wrong-pin', triesLeft: LOCKOUT_AFTER_FAILURES - next.failures };
    }
    await db.pinAttempts.put({ staffId, ...afterRightPin() } satisfies PinAttemptsRecord);
    if (supervisorOnly && memberNow.role !== 'supervisor')
      return { ok: false, problem: 'not-supervisor' };
    return { ok: true, member: memberNow };
  });
}

export type SignInResult =
  { ok: true; shift: StaffOnShift; continued: boolean } | ({ ok: false } & PinCheckProblem);

/**
 * Signs `staffId` in with `pin`. The member already on shift unlocks it (`continued`: their open
 * work is theirs to go on with); anyone else ends that shift and starts their own.
 */
export async function signIn(
  db: TahvilDatabase,
  staffId: string,
  pin: string,
  now: Date,
): Promise<SignInResult> {
  const check = await checkStaffPin(db, staffId, pin, now);
  if (!check.ok) return check;
  const { member } = check;
  return db.transaction('rw', [db.staff, db.settings], async () => {
    const memberNow = await db.staff.get(member.staffId);
    if (!memberNow?.active) return { ok: false, problem: 'inactive' };
    const { shift } = await readSettings(db);
    const continued = shift?.staffId === member.staffId;
    const next: StaffOnShift = {
      staffId: member.staffId,
      staffName: memberNow.name,
      role: memberNow.role,
      startedAt: continued && shift ? shift.startedAt : now.toISOString(),
      locked: false,
    };
    await updateSettings(db, { shift: next });
    return { ok: true, shift: next, continued };
  });
}

/** The supervisor who approved one action on a clerk's screen, PIN checked. */
export interface Approval {
  staffId: string;
  staffName: string;
}

/** A supervisor's id and PIN in the approval dialog: the approval, or why not. */
export async function approveAsSupervisor(
  db: TahvilDatabase,
  staffId: string,
  pin: string,
  now: Date,
): Promise<{ ok: true; approval: Approval } | ({ ok: false } & PinCheckProblem)> {
  const check = await checkStaffPin(db, staffId, pin, now, { supervisorOnly: true });
  if (!check.ok) return check;
  return { ok: true, approval: { staffId: check.member.staffId, staffName: check.member.name } };
}

/** Locks the screen now ("lock", the idle timer, the app starting with a shift open). */
export async function lockShift(db: TahvilDatabase): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const { shift } = await readSettings(db);
    if (shift && !shift.locked) await updateSettings(db, { shift: { ...shift, locked: true } });
  });
}

/** Ends the shift: the tablet shows sign-in. */
export async function endShift(db: TahvilDatabase): Promise<void> {
  await updateSettings(db, { shift: null });
}

/**
 * A supervisor (approval just checked) clears `staffId`'s lockout on this tablet. Refused unless
 * the approver is still an active supervisor of the roster.
 */
export async function clearLockout(
  db: TahvilDatabase,
  staffId: string,
  approval: Approval,
): Promise<void> {
  await db.transaction('rw', [db.staff, db.pinAttempts], async () => {
    if (!(await activeApprover(db, approval)))
      throw new Error('only an active supervisor clears a lockout');
    await db.pinAttempts.delete(staffId);
  });
}

/**
 * The member signed in and the screen open, as the roster has them now: what a command records
 * under. Null when no one is signed in, the screen is locked, or the member is no longer active.
 * Call inside the command's transaction (over settings and staff) to judge it as of the write.
 */
export async function activeShiftMember(
  db: TahvilDatabase,
): Promise<{ shift: StaffOnShift; member: StoredStaff } | null> {
  const { shift } = await readSettings(db);
  if (!shift || shift.locked) return null;
  const member = await db.staff.get(shift.staffId);
  if (!member?.active) return null;
  return { shift, member };
}

/** `approval`'s supervisor as the roster has them now, or null when not an active supervisor. */
export async function activeApprover(
  db: TahvilDatabase,
  approval: Pick<Approval, 'staffId'>,
): Promise<StoredStaff | null> {
  const member = await db.staff.get(approval.staffId);
  return member?.active && member.role === 'supervisor' ? member : null;
}

/**
 * The roster's copy of the member a command acts for: `staff` (the shift the screen had) must
 * still be the one signed in, the screen unlocked and the member active, else the command is
 * refused with staff-signed-out. Call inside the command's write transaction (over settings and
 * staff), so the check holds as of the write, whatever another tab or a pull did meanwhile.
 */
export async function assertOnShift(
  db: TahvilDatabase,
  staff: Pick<StaffOnShift, 'staffId'>,
): Promise<StoredStaff> {
  const onShift = await activeShiftMember(db);
  if (!onShift || onShift.member.staffId !== staff.staffId)
    throw new CommandRefused('staff-signed-out');
  return onShift.member;
}

/**
 * Who approved `member`'s `action`, when their role needs a supervisor for it: the id of
 * `approval`'s supervisor, if still an active supervisor other than `member`; refused with
 * needs-supervisor otherwise. Undefined when the role allows the action by itself, so an
 * approval nobody needed is recorded nowhere.
 */
export async function approverFor(
  db: TahvilDatabase,
  member: Pick<StoredStaff, 'staffId' | 'role'>,
  action: CounterAction,
  approval: Pick<Approval, 'staffId'> | undefined,
): Promise<string | undefined> {
  if (permission(member.role, action) === 'allowed') return undefined;
  return assertApprover(db, member, approval);
}

/** `approval`'s supervisor, active and not `member`; else refused with needs-supervisor. */
export async function assertApprover(
  db: TahvilDatabase,
  member: Pick<StoredStaff, 'staffId'>,
  approval: Pick<Approval, 'staffId'> | undefined,
): Promise<string> {
  const approver = approval ? await activeApprover(db, approval) : null;
  // Nobody approves their own action: that would be no second person at all.
  if (!approver || approver.staffId === member.staffId)
    throw new CommandRefused('needs-supervisor');
  return approver.staffId;
}
