// The tablet's membership of one center: its device key, its enrolment, and leaving. Must stay
// true: the private key is made non-extractable and never leaves this database; a new
// enrolment, or leaving, is refused while any event of the current center is unsent or waits
// for a supervisor (unless every such event was exported to a file first), and otherwise erases
// the current center's cards, events, counters, sync position and key in the same transaction
// that writes the new enrolment, so nothing of one center is ever shown as, or sent to, another's.
import type { TahvilDatabase } from './database.ts';
import { CENTER_DAY_CURSORS_ROW, CENTER_DEVICES_ROW } from './center-day.ts';
import type { CenterRules, DevicePublicKey, EnrolmentResponse } from '../protocol/protocol.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { isUnsettled } from '../domain/event-sync.ts';
import { pickCenterRules } from '../domain/center-rules.ts';
import { outboxSummary } from './outbox.ts';
import { ROSTER_CURSOR_ROW } from './staff.ts';
import {
  ENROLMENT_STARTED_ROW,
  assertCenter,
  isEnrolled,
  isLiveEnrolmentHold,
  readSettings,
  type EnrolmentHold,
  resetSyncMeta,
  updateSettings,
  type EnrolmentGuard,
} from './settings.ts';

const DEVICE_KEY_ROW = 'deviceKey';
/** Enough for years of re-enrolments with one center; older handovers have left the tablet. */
const MAX_FORMER_DEVICE_IDS = 20;
/** The newest event seq a read-back unsent-events file was found to hold (unsent-export.ts). */
const EXPORTED_THROUGH_ROW = 'unsentConfirmedThroughSeq';

/** The device's key pair as IndexedDB keeps it: CryptoKey objects, the private one not extractable. */
export interface DeviceKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: DevicePublicKey;
  createdAt: string;
}

export async function readDeviceKey(db: TahvilDatabase): Promise<DeviceKey | null> {
  const row = await db.settings.get(DEVICE_KEY_ROW);
  return (row?.value as DeviceKey | undefined) ?? null;
}

/** True when `a` and `b` are the same public key. */
export function sameDeviceKey(a: DeviceKey | null, b: DeviceKey | null): boolean {
  return (
    a !== null && b !== null && a.publicJwk.x === b.publicJwk.x && a.publicJwk.y === b.publicJwk.y
  );
}

export interface LeaveOptions {
  /**
   * Leave although events are unsent or wait for a supervisor, because every one of them is in
   * an exported file (the office takes it to the registry). Refused if any is not.
   */
  discardExported?: boolean;
}

/** Throws CommandRefused unless what the tablet holds of its center may be erased now. */
async function assertMayLeave(db: TahvilDatabase, { discardExported = false }: LeaveOptions) {
  const { pending, needsAttention: waiting } = await outboxSummary(db);
  if (pending === 0 && waiting === 0) return;
  if (discardExported && (await everyUnsettledEventExported(db))) return;
  throw new CommandRefused(pending > 0 ? 'center-has-unsent-events' : 'center-has-attention');
}

async function everyUnsettledEventExported(db: TahvilDatabase): Promise<boolean> {
  const row = await db.settings.get(EXPORTED_THROUGH_ROW);
  const exportedThrough = typeof row?.value === 'number' ? row.value : 0;
  const newerUnsettled = await db.events
    .where('seq')
    .above(exportedThrough)
    .filter(isUnsettled)
    .count();
  return newerUnsettled === 0;
}

/** Notes that the events up to `seq` are in a file the office keeps (unsent-export.ts). */
export async function markExportedThrough(db: TahvilDatabase, seq: number): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const row = await db.settings.get(EXPORTED_THROUGH_ROW);
    const previous = typeof row?.value === 'number' ? row.value : 0;
    await db.settings.put({ key: EXPORTED_THROUGH_ROW, value: Math.max(previous, seq) });
  });
}

/** Every table a center's data is in: what leaving it erases, in one transaction. */
function centerTables(db: TahvilDatabase) {
  return [db.cards, db.events, db.counters, db.settings, db.staff, db.pinAttempts, db.centerEvents];
}

/** Erases everything of the current center. Call inside a transaction over centerTables. */
async function eraseCenter(db: TahvilDatabase): Promise<void> {
  await Promise.all([
    db.cards.clear(),
    db.events.clear(),
    db.counters.clear(),
    db.staff.clear(),
    db.pinAttempts.clear(),
    db.centerEvents.clear(),
  ]);
  await Promise.all([
    resetSyncMeta(db),
    db.settings.bulkDelete([
      DEVICE_KEY_ROW,
      EXPORTED_THROUGH_ROW,
      ENROLMENT_STARTED_ROW,
      ROSTER_CURSOR_ROW,
      CENTER_DAY_CURSORS_ROW,
      CENTER_DEVICES_ROW,
    ]),
  ]);
}

/**
 * Before an enrolment is asked for: refused as leaving is, and otherwise holds every new
 * handover and void (`enrolment-in-progress`) until applyEnrolment or abandonEnrolment: an event
 * recorded meanwhile would be unsent, and applyEnrolment would refuse the answer to a code the
 * registry has already used up. Refused while another tab's enrolment holds the tablet.
 */
export async function beginEnrolment(
  db: TahvilDatabase,
  options: LeaveOptions = {},
): Promise<EnrolmentHold> {
  return db.transaction('rw', [db.events, db.settings], async () => {
    // One enrolment at a time, across tabs: another one's hold is not this one's to take.
    if (isLiveEnrolmentHold((await db.settings.get(ENROLMENT_STARTED_ROW))?.value))
      throw new CommandRefused('enrolment-in-progress');
    await assertMayLeave(db, options);
    const hold: EnrolmentHold = { id: crypto.randomUUID(), startedAt: Date.now() };
    await db.settings.put({ key: ENROLMENT_STARTED_ROW, value: hold });
    return hold;
  });
}

/** That enrolment did not happen: its hold, and only its own, is lifted. */
export async function abandonEnrolment(db: TahvilDatabase, hold: EnrolmentHold): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const current = (await db.settings.get(ENROLMENT_STARTED_ROW))?.value as
      Partial<EnrolmentHold> | undefined;
    if (current?.id === hold.id) await db.settings.delete(ENROLMENT_STARTED_ROW);
  });
}

export interface NewEnrolment {
  /** The device id the enrolment was asked under (new for every enrolment). */
  deviceId: string;
  response: EnrolmentResponse;
  /** The key whose public half the registry enrolled. */
  key: DeviceKey;
  registryUrl: string;
}

/**
 * Makes the tablet a device of the center the registry enrolled it with: the old center's data
 * and key are erased and the new enrolment written in one transaction. Refused as assertMayLeave
 * says (the registry has already used the code then: the office issues another).
 */
export async function applyEnrolment(
  db: TahvilDatabase,
  { deviceId, response, key, registryUrl }: NewEnrolment,
  options: LeaveOptions = {},
): Promise<void> {
  await db.transaction('rw', centerTables(db), async () => {
    if (deviceId !== response.deviceId)
      throw new Error('the registry enrolled another device id than this tablet sent');
    await assertMayLeave(db, options);
    const before = await readSettings(db);
    // Back with the same center (after a withdrawal, say): its earlier handovers stay its own.
    const formerDeviceIds =
      isEnrolled(before) && before.centerId === response.center.centerId
        ? [before.deviceId, ...before.formerDeviceIds].slice(0, MAX_FORMER_DEVICE_IDS)
        : [];
    await eraseCenter(db);
    await db.settings.put({ key: DEVICE_KEY_ROW, value: key });
    await db.settings.put({ key: 'deviceId', value: deviceId });
    await updateSettings(db, {
      centerId: response.center.centerId,
      centerName: response.center.name,
      rules: pickCenterRules(response.center.rules),
      deviceToken: response.deviceToken,
      registryUrl,
      enrolledAt: response.enrolledAt,
      withdrawnAt: null,
      formerDeviceIds,
      shift: null,
    });
  });
}

/** Takes the tablet out of its center: it is as before enrolment, with its language. */
export async function leaveCenter(db: TahvilDatabase, options: LeaveOptions = {}): Promise<void> {
  await db.transaction('rw', centerTables(db), async () => {
    await assertMayLeave(db, options);
    await eraseCenter(db);
    await updateSettings(db, {
      centerId: '',
      centerName: '',
      deviceToken: '',
      enrolledAt: null,
      withdrawnAt: null,
      formerDeviceIds: [],
      shift: null,
    });
  });
}

/** The center's profile as the last pull page gave it; only for the center it was pulled for. */
export async function writeCenterProfile(
  db: TahvilDatabase,
  profile: { centerId: string; name: string; rules: CenterRules },
): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const current = (await db.settings.get('centerId'))?.value;
    if (current !== profile.centerId) return;
    await updateSettings(db, { centerName: profile.name, rules: pickCenterRules(profile.rules) });
  });
}

/**
 * The registry said this device is withdrawn: recorded once, with when it was first heard, for
 * the enrolment `guard` names only (an answer to a request of an earlier enrolment is no news
 * about this one).
 */
export async function markDeviceWithdrawn(
  db: TahvilDatabase,
  at: Date,
  guard: EnrolmentGuard = {},
): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    await assertCenter(db, guard);
    if ((await db.settings.get('withdrawnAt'))?.value) return;
    await updateSettings(db, { withdrawnAt: at.toISOString() });
  });
}
