// Shared by the server tests (and the soak and sync integration tests): a registry on a real
// socket, devices enrolled with it as a tablet enrols, and the requests a tablet sends it. The
// events to push come from tests/factories and are signed here by the device that pushes them.
// Must stay true: a test device is enrolled the way a tablet is (an administrator's code, then
// POST /api/v2/enrolments), so no test leans on a token the registry did not issue. Every
// registry a test starts has the test roster (tests/factories/staff.ts) at its centers unless the
// test asks otherwise, inserted with its written-out verifiers (no PBKDF2 per test), so events
// naming S-07 or S-03 are judged as a tablet's would be.
import type { AddressInfo } from 'node:net';
import type {
  AddStaffRequest,
  DevicePublicKey,
  EnrolmentCodeResponse,
  EnrolmentResponse,
  ProtocolEvent,
  StaffRecord,
} from '../src/protocol/protocol.ts';
import {
  DEMO_CENTER_ID,
  ENROLMENT_PATH,
  cardsPath,
  centerStaffAdminPath,
  enrolmentCodesPath,
  eventsPath,
  staffAdminPath,
} from '../src/protocol/protocol.ts';
import type { RegistryHandler, RegistryHandlerOptions } from './handler.ts';
import { createRegistryHandler } from './handler.ts';
import type { ServerLimits } from './http-server.ts';
import { createRegistryServer } from './http-server.ts';
import { createHash, randomBytes } from 'node:crypto';
import type { SqlDatabase } from './database/sql.ts';
import { openPostgres } from './database/sql.ts';
import { openRegistryDatabase } from './database/registry-database.ts';
import type { RegistryStore } from './registry-store.ts';
import { TEST_DEVICE_ID } from '../tests/factories/context.ts';
import type { TestStaffMember } from '../tests/factories/staff.ts';
import { TEST_ROSTER } from '../tests/factories/staff.ts';
import {
  signedByTestDevice,
  testDeviceKeys,
  testDevicePublicKey,
} from '../tests/factories/device-key.ts';

export interface RunningRegistry {
  base: string;
  handler: RegistryHandler;
  /** A /__mock/ control request with the administrator token, as the registry's staff send it. */
  mock(path: string, init?: RequestInit): Promise<Response>;
  /** A request to an administrator endpoint (a path from src/protocol) with the administrator token. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** A fresh one-time code for `centerId` (default DEMO-01), through the administrator endpoint. */
  issueEnrolmentCode(centerId?: string, validMinutes?: number): Promise<EnrolmentCodeResponse>;
  /** A device enrolled over HTTP with a fresh code, as a tablet enrols. */
  enrolDevice(options?: EnrolOptions): Promise<TestDevice>;
  /**
   * Puts `members` (default the test roster) straight into the store at `centerId` with their
   * written-out verifiers, skipping ids the center has; committed when it resolves.
   */
  seedStaff(centerId?: string, members?: readonly TestStaffMember[]): Promise<void>;
  /** POST centerStaffAdminPath as an administrator (a real 600,000-iteration verifier: ~90 ms). */
  addStaff(member: AddStaffRequest, centerId?: string): Promise<StaffRecord>;
  /** PUT staffAdminPath + '/pin' as an administrator. */
  setStaffPin(staffId: string, pin: string, centerId?: string): Promise<StaffRecord>;
  /** POST staffAdminPath + '/deactivate' as an administrator. */
  deactivateStaff(staffId: string, centerId?: string): Promise<StaffRecord>;
  /** GET centerStaffAdminPath as an administrator. */
  listStaff(centerId?: string): Promise<StaffRecord[]>;
  close(): Promise<void>;
}

export interface TestRosterOptions {
  /**
   * The roster every center of the registry gets at start (and a center a device is enrolled
   * at); default the test roster (S-07, S-03 clerks, S-09 supervisor); [] for none.
   */
  roster?: readonly TestStaffMember[];
}

/** Adds `members` to `centerId`'s roster in `state` with their verifiers, unless the id is there. */
export async function seedRoster(
  state: RegistryStore,
  centerId: string,
  members: readonly TestStaffMember[] = TEST_ROSTER,
): Promise<void> {
  for (const member of members) {
    if (await state.staff.member(centerId, member.staffId)) continue;
    await state.staff.add(centerId, {
      staffId: member.staffId,
      name: member.name,
      role: member.role,
      pinVerifier: member.pinVerifier,
    });
  }
}

export interface EnrolOptions extends TestRosterOptions {
  /** Default DEMO-01. */
  centerId?: string;
  /** Default TEST_DEVICE_ID, the id the event factories put on events. */
  deviceId?: string;
  /** Default the test device's key pair (testDeviceKeys()). */
  keys?: CryptoKeyPair;
}

/** An enrolled device: what a tablet holds after enrolment, and how it signs. */
export interface TestDevice {
  deviceId: string;
  centerId: string;
  token: string;
  keys: CryptoKeyPair;
  publicKey: DevicePublicKey;
  /** Authorization, X-Device-Id and Content-Type, as the tablet sends them. */
  headers(): Record<string, string>;
  /** `event` signed with this device's key, exactly as given (its deviceId is not changed). */
  sign<Event extends ProtocolEvent>(event: Event): Promise<Event>;
  signAll<Event extends ProtocolEvent>(events: readonly Event[]): Promise<Event[]>;
}

function testDevice(
  enrolled: { deviceId: string; centerId: string; token: string },
  keys: CryptoKeyPair,
  publicKey: DevicePublicKey,
): TestDevice {
  const device: TestDevice = {
    ...enrolled,
    keys,
    publicKey,
    headers: () => authHeaders(device),
    sign: (event) => signedByTestDevice(event, keys),
    signAll: (events) => Promise.all(events.map((event) => signedByTestDevice(event, keys))),
  };
  return device;
}

/** Who is to enrol: the options, or the defaults (DEMO-01, TEST_DEVICE_ID, the test device key). */
async function enrolmentOf(options: EnrolOptions) {
  const keys = options.keys ?? (await testDeviceKeys());
  return {
    centerId: options.centerId ?? DEMO_CENTER_ID,
    deviceId: options.deviceId ?? TEST_DEVICE_ID,
    keys,
    publicKey: await testDevicePublicKey(keys),
  };
}

/** Issues a code at `base` with the administrator token and enrols a device with it over HTTP. */
export async function enrolDeviceAt(
  base: string,
  adminToken: string,
  options: EnrolOptions = {},
): Promise<TestDevice> {
  const { centerId, deviceId, keys, publicKey } = await enrolmentOf(options);
  const issued = await fetch(base + enrolmentCodesPath(centerId), {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (issued.status !== 201)
    throw new Error(`issuing an enrolment code answered ${issued.status}: ${await issued.text()}`);
  const { code } = (await issued.json()) as EnrolmentCodeResponse;
  const response = await fetch(base + ENROLMENT_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, deviceId, publicKey }),
  });
  if (response.status !== 200)
    throw new Error(`enrolment answered ${response.status}: ${await response.text()}`);
  const enrolled = (await response.json()) as EnrolmentResponse;
  return testDevice({ deviceId, centerId, token: enrolled.deviceToken }, keys, publicKey);
}

/**
 * A device enrolled straight into `state`, without HTTP: for tests that drive the store
 * directly. Otherwise the same as enrolDeviceAt.
 */
export async function enrolInState(
  state: RegistryStore,
  options: EnrolOptions = {},
): Promise<TestDevice> {
  const { centerId, deviceId, keys, publicKey } = await enrolmentOf(options);
  await state.ensureCenter(centerId);
  await seedRoster(state, centerId, options.roster);
  const { code } = await state.devices.issueCode(centerId, 60);
  const outcome = await state.devices.enrol(code, deviceId, publicKey);
  if (!outcome.ok) throw new Error(`enrolment refused: ${outcome.refusal}`);
  return testDevice({ deviceId, centerId, token: outcome.token }, keys, publicKey);
}

/**
 * The PostgreSQL server the registry's tests also run on (CI sets it): a URL whose database the
 * tests may create others beside. Absent: PGlite only.
 */
export const TEST_POSTGRES_URL = process.env.TAHVIL_TEST_POSTGRES_URL || undefined;
/** `postgres` runs every registry a test starts on TEST_POSTGRES_URL's server instead of PGlite. */
export const TEST_BACKEND = process.env.TAHVIL_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';
if (TEST_BACKEND === 'postgres' && TEST_POSTGRES_URL === undefined)
  throw new Error('TAHVIL_TEST_BACKEND=postgres needs TAHVIL_TEST_POSTGRES_URL');

/**
 * The URL of a database of its own on TEST_POSTGRES_URL's server: named after `key` (the same
 * key, the same database: a test restarting a registry), or new and empty without one.
 */
export async function testPostgresDatabase(key?: string): Promise<string> {
  const base = new URL(TEST_POSTGRES_URL!);
  const name = `tahvil_test_${
    key === undefined
      ? randomBytes(8).toString('hex')
      : createHash('sha256').update(key).digest('hex').slice(0, 16)
  }`;
  const admin = await openPostgres(base.toString(), 1);
  try {
    const known = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (known.length === 0) await admin.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  base.pathname = `/${name}`;
  return base.toString();
}

/**
 * The database a test's registry runs on, on the backend the run is for: a PGlite folder
 * (`dataDir`) or memory, or the PostgreSQL database that stands for that folder.
 */
export async function openTestDatabase(dataDir?: string): Promise<SqlDatabase> {
  if (TEST_BACKEND === 'pglite')
    return openRegistryDatabase(dataDir === undefined ? {} : { dataDir });
  return openRegistryDatabase({ databaseUrl: await testPostgresDatabase(dataDir) });
}

export async function startRegistry(
  options: RegistryHandlerOptions & TestRosterOptions = {},
  limits: Partial<ServerLimits> = {},
): Promise<RunningRegistry> {
  const { roster = TEST_ROSTER, ...handlerOptions } = options;
  if (TEST_BACKEND === 'postgres' && !handlerOptions.database && !handlerOptions.databaseUrl) {
    handlerOptions.databaseUrl = await testPostgresDatabase(handlerOptions.dataDir);
    delete handlerOptions.dataDir;
  }
  const handler = await createRegistryHandler(handlerOptions);
  for (const centerId of await handler.state.centerIds())
    await seedRoster(handler.state, centerId, roster);
  const server = createRegistryServer(handler, limits);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const withAdmin = (url: string, init: RequestInit) =>
    fetch(url, {
      ...init,
      headers: { ...adminHeaders(handler), ...(init.headers as Record<string, string>) },
    });
  const running: RunningRegistry = {
    base,
    handler,
    mock: (path, init = {}) => withAdmin(`${base}/__mock/${path}`, init),
    admin: (path, init = {}) => withAdmin(`${base}${path}`, init),
    issueEnrolmentCode: async (centerId = DEMO_CENTER_ID, validMinutes) => {
      const response = await running.admin(enrolmentCodesPath(centerId), {
        method: 'POST',
        body: JSON.stringify(validMinutes === undefined ? {} : { validMinutes }),
      });
      if (response.status !== 201)
        throw new Error(`issuing an enrolment code answered ${response.status}`);
      return (await response.json()) as EnrolmentCodeResponse;
    },
    enrolDevice: async (enrolOptions = {}) => {
      // A center made after the start (an administrator's PUT) gets the roster with its first device.
      const centerId = enrolOptions.centerId ?? DEMO_CENTER_ID;
      if (await handler.state.hasCenter(centerId))
        await seedRoster(handler.state, centerId, enrolOptions.roster ?? roster);
      return enrolDeviceAt(base, handler.adminToken, enrolOptions);
    },
    seedStaff: (centerId = DEMO_CENTER_ID, members = TEST_ROSTER) =>
      seedRoster(handler.state, centerId, members),
    addStaff: async (member, centerId = DEMO_CENTER_ID) =>
      staffAnswer(
        await running.admin(centerStaffAdminPath(centerId), {
          method: 'POST',
          body: JSON.stringify(member),
        }),
        201,
      ),
    setStaffPin: async (staffId, pin, centerId = DEMO_CENTER_ID) =>
      staffAnswer(
        await running.admin(`${staffAdminPath(centerId, staffId)}/pin`, {
          method: 'PUT',
          body: JSON.stringify({ pin }),
        }),
        200,
      ),
    deactivateStaff: async (staffId, centerId = DEMO_CENTER_ID) =>
      staffAnswer(
        await running.admin(`${staffAdminPath(centerId, staffId)}/deactivate`, { method: 'POST' }),
        200,
      ),
    listStaff: async (centerId = DEMO_CENTER_ID) => {
      const response = await running.admin(centerStaffAdminPath(centerId));
      if (response.status !== 200)
        throw new Error(`listing staff answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { staff: StaffRecord[] }).staff;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.close();
    },
  };
  return running;
}

/**
 * `database` with a switch that makes its next transaction fail after its work, before the
 * commit, as a full or broken disk would: the work is rolled back and its caller sees the error.
 */
export function commitFaults(database: SqlDatabase): {
  database: SqlDatabase;
  failNextCommit(): void;
} {
  let armed = false;
  return {
    database: {
      ...database,
      transaction: (work) =>
        database.transaction(async (tx) => {
          const result = await work(tx);
          if (armed) {
            armed = false;
            throw new Error('could not write to the database: no space left on device');
          }
          return result;
        }),
    },
    failNextCommit: () => {
      armed = true;
    },
  };
}

/** The StaffRecord of an administrator's roster answer, which must have `status`. */
async function staffAnswer(response: Response, status: number): Promise<StaffRecord> {
  if (response.status !== status)
    throw new Error(`the roster endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { staff: StaffRecord }).staff;
}

/** The headers of a tablet's protocol request: its device token and id, a JSON body. */
export function authHeaders(
  device: Pick<TestDevice, 'deviceId' | 'token'>,
): Record<string, string> {
  return {
    Authorization: `Bearer ${device.token}`,
    'X-Device-Id': device.deviceId,
    'Content-Type': 'application/json',
  };
}

/** The headers of an administrator or /__mock/ request: the administrator token, a JSON body. */
export function adminHeaders(handler: Pick<RegistryHandler, 'adminToken'>): Record<string, string> {
  return { Authorization: `Bearer ${handler.adminToken}`, 'Content-Type': 'application/json' };
}

export function pushPath(centerId = DEMO_CENTER_ID): string {
  return eventsPath(centerId);
}

export function pullPath(centerId = DEMO_CENTER_ID): string {
  return cardsPath(centerId);
}
