// The tablet of steps 1–6: the app's own database (tahvil, which the real app opened in step 4
// then reads), the baseline's beside it, and the clerk on shift. Must stay true: both start
// empty in step 1, and every card handed over here is remembered, so step 6 knows how many
// ready cards the counters must show.
import { TahvilDatabase, DATABASE_NAME } from '../../src/db/database.ts';
import type { StaffOnShift } from '../../src/db/records.ts';
import { ensureDeviceIdentity } from '../../src/db/settings.ts';
import { signIn, storeRosterPage } from '../../src/db/staff.ts';
import { makePinVerifier } from '../../src/domain/pin-verifier.ts';
import { applyEnrolment } from '../../src/db/enrolment.ts';
import { exportDevicePublicKey, generateDeviceKeyPair } from '../../src/domain/event-signature.ts';
import { DEFAULT_CENTER_RULES, DEMO_CENTER_ID } from '../../src/protocol/protocol.ts';
import { BASELINE_DATABASE_NAME, deleteDatabase, openBaselineDatabase } from './baseline.ts';
import { BENCH_STAFF_ID, BENCH_STAFF_NAME, BENCH_STAFF_PIN } from './clerk.ts';

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

/**
 * The bench clerk on the roster (as a pull would bring them) and signed in with their PIN, so the
 * real app opens on its lock screen for them (the tablet is enrolled in step 1; the app locks an
 * open shift when it starts), and every handover of step 5 names a member of the roster.
 */
export async function prepareAppSettings() {
  const db = appDb();
  const settings = await ensureDeviceIdentity(db);
  deviceId = settings.deviceId;
  const now = new Date();
  await storeRosterPage(
    db,
    [
      {
        staffId: BENCH_STAFF_ID,
        name: BENCH_STAFF_NAME,
        role: 'clerk',
        active: true,
        deactivatedAt: null,
        pinVerifier: await makePinVerifier(BENCH_STAFF_PIN),
        version: 1,
        updatedAt: now.toISOString(),
      },
    ],
    '1',
    {},
  );
  const signedIn = await signIn(db, BENCH_STAFF_ID, BENCH_STAFF_PIN, now);
  if (!signedIn.ok) throw new Error(`the bench clerk was not signed in: ${signedIn.problem}`);
  staff = signedIn.shift;
  return { deviceId, staffId: staff.staffId };
}

/** The device and the clerk on shift, once prepareAppSettings() has run. */
export async function counterClerk(): Promise<{ deviceId: string; staff: StaffOnShift }> {
  if (!staff) await prepareAppSettings();
  if (!staff) throw new Error('no shift was started');
  return { deviceId, staff };
}
