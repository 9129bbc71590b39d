// The tablet of steps 1–6: the app's own database (tahvil, which the real app opened in step 4
// then reads), the baseline's beside it, and the clerk on shift. Must stay true: both start
// empty in step 1, and every card handed over here is remembered, so step 6 knows how many
// ready cards the counters must show.
import { TahvilDatabase, DATABASE_NAME } from '../../src/db/database.ts';
import type { StaffOnShift } from '../../src/db/records.ts';
import { ensureDeviceIdentity, updateSettings } from '../../src/db/settings.ts';
import { applyEnrolment } from '../../src/db/enrolment.ts';
import { exportDevicePublicKey, generateDeviceKeyPair } from '../../src/domain/event-signature.ts';
import { DEFAULT_CENTER_RULES, DEMO_CENTER_ID } from '../../src/protocol/protocol.ts';
import { BASELINE_DATABASE_NAME, deleteDatabase, openBaselineDatabase } from './baseline.ts';
import { BENCH_STAFF_ID, BENCH_STAFF_NAME } from './clerk.ts';

let app: TahvilDatabase | null = null;
let baseline: IDBDatabase | null = null;
let deviceId = '';
let staff: StaffOnShift | null = null;
/** Cards handed over by step 5: no longer ready, and never drawn twice. */
export const handedOverHere = new Set<string>();

export function appDb(): TahvilDatabase {
  app ??= new TahvilDatabase();
  return app;
}

export async function baselineDb(): Promise<IDBDatabase> {
  baseline ??= await openBaselineDatabase();
  return baseline;
}

export async function deleteDatabases(): Promise<void> {
  app?.close();
  app = null;
  baseline?.close();
  baseline = null;
  await deleteDatabase(DATABASE_NAME);
  await deleteDatabase(BASELINE_DATABASE_NAME);
}

/**
 * The empty app database of step 1 made a tablet enrolled with the demo center under a new
 * device key, as after enrolment, so every handover of step 5 is signed as on a tablet. The
 * registry is offline for steps 1–6, so the enrolment is written as the registry would have
 * answered it. Before the inventory is stored: an enrolment starts from an empty center.
 */
export async function enrolAppTablet(): Promise<void> {
  const db = appDb();
  const settings = await ensureDeviceIdentity(db);
  const keys = await generateDeviceKeyPair();
  await applyEnrolment(db, {
    deviceId: settings.deviceId,
    response: {
      deviceId: settings.deviceId,
      deviceToken: 'bench-offline-token',
      enrolledAt: new Date().toISOString(),
      center: { centerId: DEMO_CENTER_ID, name: 'bench', rules: DEFAULT_CENTER_RULES },
    },
    key: {
      privateKey: keys.privateKey,
      publicKey: keys.publicKey,
      publicJwk: await exportDevicePublicKey(keys.publicKey),
      createdAt: new Date().toISOString(),
    },
    registryUrl: '',
  });
}

/** A shift, so the real app opens on its search screen (the tablet is enrolled in step 1). */
export async function prepareAppSettings() {
  const db = appDb();
  const settings = await ensureDeviceIdentity(db);
  deviceId = settings.deviceId;
  staff = {
    staffId: BENCH_STAFF_ID,
    staffName: BENCH_STAFF_NAME,
    role: 'clerk',
    startedAt: new Date().toISOString(),
    locked: false,
  };
  await updateSettings(db, { shift: staff });
  return { deviceId, staffId: staff.staffId };
}

/** The device and the clerk on shift, once prepareAppSettings() has run. */
export async function counterClerk(): Promise<{ deviceId: string; staff: StaffOnShift }> {
  if (!staff) await prepareAppSettings();
  if (!staff) throw new Error('no shift was started');
  return { deviceId, staff };
}
