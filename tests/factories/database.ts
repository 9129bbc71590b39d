// A fresh database per test over fake-indexeddb (tests/setup.ts), each under its own name, with
// the test tablet's device id stored as on a tablet's first start and, unless a test asks for a
// tablet that is not enrolled, enrolled with the test center under the test device key.
import { TahvilDatabase } from '../../src/db/database.ts';
import { upsertCards } from '../../src/db/cards.ts';
import { applyEnrolment, type DeviceKey } from '../../src/db/enrolment.ts';
import { ensureDeviceIdentity, updateSettings } from '../../src/db/settings.ts';
import { storeRosterPage } from '../../src/db/staff.ts';
import {
  DEFAULT_CENTER_RULES,
  DEMO_CENTER_ID,
  type Card,
  type CenterRules,
} from '../../src/protocol/protocol.ts';
import { TEST_DEVICE_ID } from './context.ts';
import { testDeviceKeys, testDevicePublicKey } from './device-key.ts';
import { FIXED_NOW_ISO } from './time.ts';
import { TEST_CLERK, testRosterMembers, type TestStaffMember } from './staff.ts';

/** The token createTestDatabase's enrolment stores; no registry knows it. */
export const TEST_DEVICE_TOKEN = 'test-device-token';

export interface TestEnrolment {
  centerId?: string;
  centerName?: string;
  rules?: Partial<CenterRules>;
  deviceToken?: string;
  registryUrl?: string;
  keys?: CryptoKeyPair;
}

/** The test device key as the tablet stores it. */
export async function testDeviceKey(keys?: CryptoKeyPair): Promise<DeviceKey> {
  const pair = keys ?? (await testDeviceKeys());
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicJwk: await testDevicePublicKey(pair),
    createdAt: FIXED_NOW_ISO,
  };
}

/** Enrols `db` (whose device id must be stored) as the registry would have answered. */
export async function enrolTestTablet(
  db: TahvilDatabase,
  enrolment: TestEnrolment = {},
): Promise<void> {
  const deviceId = (await db.settings.get('deviceId'))?.value as string;
  await applyEnrolment(db, {
    deviceId,
    response: {
      deviceId,
      deviceToken: enrolment.deviceToken ?? TEST_DEVICE_TOKEN,
      enrolledAt: FIXED_NOW_ISO,
      center: {
        centerId: enrolment.centerId ?? DEMO_CENTER_ID,
        name: enrolment.centerName ?? 'مرکز آزمون',
        rules: { ...DEFAULT_CENTER_RULES, ...enrolment.rules },
      },
    },
    key: await testDeviceKey(enrolment.keys),
    registryUrl: enrolment.registryUrl ?? '',
  });
}

let databaseCount = 0;

/** A database name no other test of this run uses. */
export function testDatabaseName(purpose = 'test'): string {
  return `tahvil-${purpose}-${++databaseCount}-${Math.random().toString(36).slice(2)}`;
}

export interface TestDatabaseOptions {
  /** The stored device id; null leaves the database as before the app's first start. */
  deviceId?: string | null;
  /**
   * The enrolment to store (default: the test center, with the test roster pulled); null leaves
   * the tablet not enrolled.
   */
  enrolment?: TestEnrolment | null;
  /** Who is signed in on the enrolled tablet (default TEST_CLERK, unlocked); null: no one. */
  signedIn?: TestStaffMember | null;
}

/** Stores the test roster as a pull would (cursor "3"). */
export async function storeTestRoster(db: TahvilDatabase): Promise<void> {
  await storeRosterPage(db, testRosterMembers(), '3', {});
}

/**
 * Signs `member` in as a right PIN would, without the ~15 ms PIN check: for tests about what
 * comes after sign-in. Tests of sign-in itself use db/staff.ts's signIn.
 */
export async function signInForTest(
  db: TahvilDatabase,
  member: TestStaffMember = TEST_CLERK,
  { locked = false, startedAt = FIXED_NOW_ISO }: { locked?: boolean; startedAt?: string } = {},
): Promise<void> {
  await updateSettings(db, {
    shift: {
      staffId: member.staffId,
      staffName: member.name,
      role: member.role,
      startedAt,
      locked,
    },
  });
}

export async function createTestDatabase(
  cards: readonly Card[] = [],
  { deviceId = TEST_DEVICE_ID, enrolment = {}, signedIn = TEST_CLERK }: TestDatabaseOptions = {},
): Promise<TahvilDatabase> {
  const db = new TahvilDatabase(testDatabaseName());
  if (deviceId !== null) await ensureDeviceIdentity(db, () => deviceId);
  if (deviceId !== null && enrolment !== null) {
    await enrolTestTablet(db, enrolment);
    await storeTestRoster(db);
    if (signedIn !== null) await signInForTest(db, signedIn);
  }
  if (cards.length > 0) await upsertCards(db, cards);
  return db;
}
