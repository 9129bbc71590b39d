// Device and center settings, one row per key. The device id is made on first start and made
// anew by every enrolment (a device id names one enrolment at the registry, decision 017); every
// event carries it. The
// center, its token and its rules come only from an enrolment (db/enrolment.ts) and the pulls
// after it: a fresh tablet belongs to no center, and nothing here has a center's token built in.
import type { TahvilDatabase } from './database.ts';
import type { StaffOnShift } from './records.ts';
import { DEFAULT_TIME_ZONE, type UiLanguage } from '../domain/jalali.ts';
import { DEFAULT_CENTER_RULES, type CenterRules } from '../protocol/protocol.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { isClockEstimate, type ClockEstimate } from '../domain/clock-skew.ts';

export interface Settings {
  deviceId: string;
  /** The center the tablet is enrolled with; empty before enrolment. */
  centerId: string;
  /** The center's display name, as the registry sends it. */
  centerName: string;
  /** Bound to this device and center by the registry at enrolment; empty before it. */
  deviceToken: string;
  /** Registry base URL; empty means the origin that served the app. */
  registryUrl: string;
  /** The center's rules, the registry's: from the enrolment, then from every pull page. */
  rules: CenterRules;
  /** When the registry enrolled this tablet; null while it is not enrolled. */
  enrolledAt: string | null;
  /** When the registry answered that this device is withdrawn; null while it is not. */
  withdrawnAt: string | null;
  /**
   * The device ids of this tablet's earlier enrolments with the same center, newest first: its
   * own handovers under them are still "this tablet's", not another counter's.
   */
  formerDeviceIds: string[];
  timeZone: string;
  language: UiLanguage;
  /** Days a ready card may wait before the report lists it for return to the head office. */
  retentionDays: number;
  /** A short tone when a handover is saved (the vibration, where there is one, always comes). */
  savedSound: boolean;
  /** Who is signed in (db/staff.ts), and whether the screen is locked; null: sign-in shows. */
  shift: StaffOnShift | null;
}

export const DEFAULT_RETENTION_DAYS = 60;
export const MAX_RETENTION_DAYS = 3650;

export const DEFAULT_SETTINGS: Omit<Settings, 'deviceId'> = {
  centerId: '',
  centerName: '',
  deviceToken: '',
  registryUrl: '',
  rules: DEFAULT_CENTER_RULES,
  enrolledAt: null,
  withdrawnAt: null,
  formerDeviceIds: [],
  timeZone: DEFAULT_TIME_ZONE,
  language: 'fa',
  retentionDays: DEFAULT_RETENTION_DAYS,
  savedSound: true,
  shift: null,
};

type SettingKey = keyof Settings;

const SETTING_KEYS = new Set<string>(['deviceId', ...Object.keys(DEFAULT_SETTINGS)]);

export async function readSettings(db: TahvilDatabase): Promise<Settings> {
  const rows = await db.settings.toArray();
  // The table also holds the sync position and the device key, which are not settings.
  const stored = Object.fromEntries(
    rows.filter((row) => SETTING_KEYS.has(row.key)).map((row) => [row.key, row.value]),
  ) as Partial<Settings>;
  const settings = { ...DEFAULT_SETTINGS, deviceId: '', ...stored };
  return isShift(settings.shift) ? settings : { ...settings, shift: null };
}

/** A stored shift this version can act on (db/staff.ts writes it); anything else is none. */
function isShift(value: unknown): value is StaffOnShift {
  if (typeof value !== 'object' || value === null) return false;
  const shift = value as Partial<StaffOnShift>;
  return (
    typeof shift.staffId === 'string' &&
    typeof shift.staffName === 'string' &&
    (shift.role === 'clerk' || shift.role === 'supervisor') &&
    typeof shift.startedAt === 'string' &&
    typeof shift.locked === 'boolean'
  );
}

/** Enrolled with a center and not withdrawn: the tablet may record handovers and sync. */
export function isEnrolled(settings: Pick<Settings, 'enrolledAt' | 'deviceToken' | 'centerId'>) {
  return settings.enrolledAt !== null && settings.deviceToken !== '' && settings.centerId !== '';
}

/**
 * Data fetched for one center met a tablet that belongs to another by the time it was to be
 * written (the center was switched meanwhile): nothing of it is written.
 */
export class CenterChangedError extends Error {
  override readonly name = 'CenterChangedError';
  constructor(
    readonly expectedCenterId: string,
    readonly currentCenterId: string,
  ) {
    super(
      `data for center ${expectedCenterId} arrived after the tablet moved to ${currentCenterId}`,
    );
  }
}

/** The center the tablet belongs to now. Inside a transaction, that transaction must include settings. */
export async function currentCenterId(db: TahvilDatabase): Promise<string> {
  const row = await db.settings.get('centerId');
  return typeof row?.value === 'string' ? row.value : DEFAULT_SETTINGS.centerId;
}

/**
 * Throws CommandRefused unless the tablet is enrolled, its device not withdrawn and no enrolment
 * is being asked for; otherwise the settings it read, for the command to go on with.
 */
export async function assertMayRecord(db: TahvilDatabase): Promise<Settings> {
  const [settings, hold] = await Promise.all([
    readSettings(db),
    db.settings.get(ENROLMENT_STARTED_ROW),
  ]);
  if (!isEnrolled(settings)) throw new CommandRefused('not-enrolled');
  if (settings.withdrawnAt !== null) throw new CommandRefused('device-withdrawn');
  // The code is being spent: an event recorded now would make the new enrolment refused (it is
  // unsent) after the registry has used the code up.
  if (isLiveEnrolmentHold(hold?.value)) throw new CommandRefused('enrolment-in-progress');
  return settings;
}

/**
 * What a write fetched by a sync run must still match: the center the run synced and the device
 * (one enrolment) it synced as. A re-enrolment into the same center changes the device id, so a
 * page fetched before it is refused as surely as one of another center.
 */
export interface EnrolmentGuard {
  forCenter?: string;
  forDevice?: string;
}

/** Throws CenterChangedError unless the tablet is still the enrolment `guard` names. */
export async function assertCenter(
  db: TahvilDatabase,
  { forCenter, forDevice }: EnrolmentGuard,
): Promise<void> {
  if (forCenter !== undefined) {
    const current = await currentCenterId(db);
    if (current !== forCenter) throw new CenterChangedError(forCenter, current);
  }
  if (forDevice !== undefined) {
    const current = (await db.settings.get('deviceId'))?.value;
    if (current !== forDevice) throw new CenterChangedError(forCenter ?? '', String(current));
  }
}

/** The settings row that holds recording while an enrolment is being asked for. */
export const ENROLMENT_STARTED_ROW = 'enrolmentStartedAt';

/** A hold: whose (one enrolment attempt) and since when. */
export interface EnrolmentHold {
  id: string;
  startedAt: number;
}

/** True for a hold younger than ENROLMENT_HOLD_MS (either way: a clock set back does not keep it). */
export function isLiveEnrolmentHold(value: unknown): value is EnrolmentHold {
  if (typeof value !== 'object' || value === null) return false;
  const startedAt = (value as Partial<EnrolmentHold>).startedAt;
  return typeof startedAt === 'number' && Math.abs(Date.now() - startedAt) < ENROLMENT_HOLD_MS;
}
/**
 * Longer than an enrolment request may take (20 s): a hold older than this was left by a tab
 * that died mid-enrolment, and holds nothing.
 */
export const ENROLMENT_HOLD_MS = 60_000;

/** Makes the device id on first start; returns the settings with it. */
export async function ensureDeviceIdentity(
  db: TahvilDatabase,
  makeId: () => string = () => crypto.randomUUID(),
): Promise<Settings> {
  await db.transaction('rw', db.settings, async () => {
    const existing = await db.settings.get('deviceId');
    if (!existing) await db.settings.put({ key: 'deviceId', value: makeId() });
  });
  return readSettings(db);
}

export async function updateSettings(
  db: TahvilDatabase,
  changes: Partial<Omit<Settings, 'deviceId'>>,
): Promise<void> {
  const rows = (Object.keys(changes) as SettingKey[]).map((key) => ({
    key,
    value: changes[key as keyof typeof changes],
  }));
  await db.settings.bulkPut(rows);
}

/** Sync bookkeeping lives beside settings but is written only by the sync engine. */
export interface SyncMeta {
  pullCursor: string | null;
  lastSyncAt: string | null;
  initialPullDone: boolean;
}

const SYNC_META_KEY = 'syncMeta';

export async function readSyncMeta(db: TahvilDatabase): Promise<SyncMeta> {
  const row = await db.settings.get(SYNC_META_KEY);
  return {
    pullCursor: null,
    lastSyncAt: null,
    initialPullDone: false,
    ...(row?.value as Partial<SyncMeta> | undefined),
  };
}

/** Forgets the pull position and when the tablet last synced: it is to pull from the start. */
export async function resetSyncMeta(db: TahvilDatabase): Promise<void> {
  await db.settings.delete(SYNC_META_KEY);
}

/**
 * `guard`: the enrolment the position was read for; the write is refused (CenterChangedError)
 * if the tablet has been enrolled again since, so one enrolment's cursor never serves another.
 */
export async function writeSyncMeta(
  db: TahvilDatabase,
  changes: Partial<SyncMeta>,
  guard: EnrolmentGuard = {},
): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    await assertCenter(db, guard);
    const current = await readSyncMeta(db);
    await db.settings.put({ key: SYNC_META_KEY, value: { ...current, ...changes } });
  });
}

/**
 * The latest estimate of how far this tablet's clock is off from the registry's (decision 024),
 * beside the settings like the sync position and written only by the sync engine: each registry
 * answer with a usable `serverTime` replaces it.
 */
const CLOCK_ESTIMATE_KEY = 'clockEstimate';

export async function readClockEstimate(db: TahvilDatabase): Promise<ClockEstimate | null> {
  const value = (await db.settings.get(CLOCK_ESTIMATE_KEY))?.value;
  return isClockEstimate(value) ? value : null;
}

export async function writeClockEstimate(
  db: TahvilDatabase,
  estimate: ClockEstimate,
): Promise<void> {
  await db.settings.put({ key: CLOCK_ESTIMATE_KEY, value: estimate });
}
