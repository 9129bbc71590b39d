// A one-time import of an earlier registry's data file (a JSON snapshot plus its append-only
// journal, `<file>.journal`, formats 1 to 4; decision 013) into the registry's database, so a
// demo folder from before the database is not lost. Must stay true: the file is read and checked
// whole before anything is written, with the old loader's rules (only a last line without its
// newline is a torn write, left out and logged; any other unreadable line, a gap or a missing
// journal refuses the import); everything goes in in one transaction, into a database holding no
// center; the files are renamed `<name>.imported` only after the commit, so a file is never
// imported twice and a refused one is left exactly as it was.
import { readFile, rename } from 'node:fs/promises';
import type {
  Card,
  CardStatus,
  CenterRules,
  HandoverEvent,
  ProtocolEvent,
} from '../src/protocol/protocol.ts';
import {
  CARD_STATUSES,
  CENTER_RULE_LIMITS,
  DAY_FEED_TIME_ZONE,
  DEFAULT_CENTER_RULES,
  DEVICE_STATUSES,
  STAFF_ID_PATTERN,
  STAFF_NAME_MAX_LENGTH,
  STAFF_ROLES,
  isOneOf,
} from '../src/protocol/protocol.ts';
import { isDevicePublicKey } from '../src/domain/event-signature.ts';
import { jalaliDayKey } from '../src/domain/jalali.ts';
import { isPinVerifier } from '../src/domain/pin-verifier.ts';
import type { SqlDatabase, SqlQueryable } from './database/sql.ts';
import type { StoredDevice, StoredEnrolmentCode } from './device-registry.ts';
import { ROWS_PER_STATEMENT, defaultCenterName } from './registry-store.ts';
import type { StoredStaffMember } from './staff-roster.ts';

const FORMAT = 'tahvil-mock-registry';
/**
 * 2: the snapshot names its journal (`journalId`) and the journal opens with a header naming it
 * back. 3 (protocol v2): centers have a name and rules and no token; `devices` and
 * `enrolmentCodes` in the snapshot and in journal lines. 4 (protocol 2.1): `staff`, the centers'
 * rosters, in the snapshot and in journal lines. Version 1 and 2 centers get the default name and
 * rules (their old `token` is ignored); version 1 to 3 files have empty rosters.
 */
const NEWEST_FORMAT_VERSION = 4;
const OLDEST_FORMAT_VERSION = 1;
const JOURNAL_FORMAT = 'tahvil-mock-registry-journal';
const JOURNAL_ID = /^[0-9a-f]{32}$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const START_FRESH = 'move the data file and its journal away to start fresh';

/** Column order of a stored card row; the handover column holds an eventId when it is in the log. */
const CARD_COLUMNS = [
  'cardId',
  'nationalCode',
  'firstName',
  'lastName',
  'fatherName',
  'birthDate',
  'trackingCode',
  'box',
  'status',
  'version',
  'updatedAt',
  'handover',
] as const;

type CardRow = [
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  CardStatus,
  number,
  string,
  string | HandoverEvent | null,
];

/** A center as stored in the snapshot (all of it) or in a journal line (what changed). */
interface StoredCenter {
  centerId: string;
  /** Absent in version 1 and 2 files. */
  name?: string;
  rules?: CenterRules;
  version: number;
  cards: unknown[];
  events: ProtocolEvent[];
}

/** Which snapshot a journal belongs to: the first line of every version 2 to 4 journal. */
interface JournalHeader {
  journalId: string;
  snapshotSeq: number;
}

/** One center as the old registry held it once its snapshot and journal were replayed. */
interface OldCenter {
  centerId: string;
  name: string;
  rules: CenterRules;
  version: number;
  cards: Map<string, Card>;
  /** Accepted events in acceptance order, each once. */
  events: ProtocolEvent[];
  eventsById: Map<string, ProtocolEvent>;
}

/** The whole of an old data file, replayed; every map in the order its keys first appeared. */
interface OldRegistry {
  centers: Map<string, OldCenter>;
  devices: Map<string, StoredDevice>;
  codes: Map<string, StoredEnrolmentCode>;
  /** By center, then staff id: a center's members in the order the old roster listed them. */
  staff: Map<string, Map<string, StoredStaffMember>>;
  /** The journal file read, to be renamed with the snapshot; undefined when there was none. */
  journalFile: string | undefined;
}

/** Where import notes (a torn line left out, a pending journal used) go; one line each. */
export type ImportLog = (message: string) => void;

const logToStderr: ImportLog = (message) => {
  process.stderr.write(`mock registry: ${message}\n`);
};

function journalPathOf(dataPath: string): string {
  return `${dataPath}.journal`;
}

/** Where the old persister wrote a new journal before the snapshot naming it replaced the old one. */
function pendingJournalPathOf(dataPath: string): string {
  return `${journalPathOf(dataPath)}.next`;
}

/**
 * Reads an earlier registry's data file (snapshot + journal) into `db`, which must hold no
 * center; renames the file and its journal to `<name>.imported`; answers the snapshot's new path,
 * or null when there is no file at `path`. Throws, changing nothing in the database or on disk,
 * when the file or its journal cannot be read or is damaged, or the database holds a center.
 */
export async function importOldDataFile(
  db: SqlDatabase,
  path: string,
  log: ImportLog = logToStderr,
): Promise<string | null> {
  const registry = await readOldDataFile(path, log);
  if (!registry) return null;
  await db.transaction(async (tx) => {
    const held = await tx.query<{ center_id: string }>(
      'SELECT center_id FROM centers ORDER BY center_id LIMIT 3',
    );
    if (held.length > 0)
      throw new Error(
        `cannot import ${path}: the database already holds centers (${held.map((row) => row.center_id).join(', ')}${held.length === 3 ? ', …' : ''}); an earlier data file is imported only into an empty one, so nothing was imported and the file is left as it is`,
      );
    await writeRegistry(tx, registry);
  });
  // Committed. Only the snapshot's rename keeps the file from being imported again, so only its
  // failure is thrown (a restart would not import it anyway: the database now holds centers); a
  // journal left under its old name is read by nothing, so that is only noted.
  const importedPath = `${path}.imported`;
  await rename(path, importedPath);
  if (registry.journalFile !== undefined) {
    const journalTarget = `${journalPathOf(path)}.imported`;
    await rename(registry.journalFile, journalTarget).catch((error: unknown) =>
      log(
        `note: imported ${path}, but could not rename its journal ${registry.journalFile} to ${journalTarget}: ${(error as Error).message}`,
      ),
    );
  }
  return importedPath;
}

/** The file's bytes, or undefined when it does not exist; any other failure names the file. */
async function readIfThere(path: string, what: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Reads the snapshot and the journal after it and replays them as the old loader did; undefined
 * when there is no snapshot (a journal without its snapshot was never loaded either). Reads only.
 */
async function readOldDataFile(path: string, log: ImportLog): Promise<OldRegistry | undefined> {
  const file = await readIfThere(path, 'registry data file');
  if (!file) return undefined;
  const registry: OldRegistry = {
    centers: new Map(),
    devices: new Map(),
    codes: new Map(),
    staff: new Map(),
    journalFile: undefined,
  };
  let seq: number;
  let journalId: string | undefined;
  try {
    const document = JSON.parse(file.toString('utf8')) as {
      format?: unknown;
      formatVersion?: unknown;
      seq?: unknown;
      journalId?: unknown;
      cardColumns?: unknown;
      centers?: unknown;
      devices?: unknown;
      enrolmentCodes?: unknown;
      staff?: unknown;
    } | null;
    if (
      typeof document !== 'object' ||
      document === null ||
      document.format !== FORMAT ||
      typeof document.formatVersion !== 'number' ||
      !Number.isInteger(document.formatVersion) ||
      document.formatVersion < OLDEST_FORMAT_VERSION ||
      document.formatVersion > NEWEST_FORMAT_VERSION ||
      !Number.isSafeInteger(document.seq) ||
      (document.seq as number) < 0
    ) {
      throw new Error(
        `not a ${FORMAT} v${OLDEST_FORMAT_VERSION}–v${NEWEST_FORMAT_VERSION} data file`,
      );
    }
    if (document.formatVersion >= 2) {
      if (typeof document.journalId !== 'string' || !JOURNAL_ID.test(document.journalId))
        throw new Error('its journalId is missing or invalid');
      journalId = document.journalId;
    }
    if (JSON.stringify(document.cardColumns) !== JSON.stringify(CARD_COLUMNS))
      throw new Error('unknown card columns');
    seq = document.seq as number;
    mergeCenters(registry, storedCenters(document.centers));
    mergeDevices(registry, storedDevices(document.devices), storedCodes(document.enrolmentCodes));
    mergeStaff(registry, storedStaff(document.staff));
  } catch (error) {
    throw new Error(
      `cannot read registry data file ${path}: ${(error as Error).message}; move it away to start fresh`,
      { cause: error },
    );
  }

  const journalPath = journalPathOf(path);
  const snapshotSeq = seq;
  let journal: Buffer;
  let offset: number;
  if (journalId === undefined) {
    // Version 1 named no journal, so a missing one cannot be told from one never written.
    const found = await readIfThere(journalPath, 'registry journal');
    if (found) registry.journalFile = journalPath;
    journal = found ?? Buffer.alloc(0);
    offset = 0;
  } else {
    let file: string;
    ({ journal, offset, file } = await openJournal(path, { journalId, snapshotSeq }, log));
    registry.journalFile = file;
  }
  while (offset < journal.length) {
    const end = journal.indexOf(0x0a, offset);
    if (end === -1) break;
    const at = offset;
    const damaged = (reason: string, cause?: unknown) =>
      new Error(
        `registry journal ${journalPath} is damaged at byte ${at}: ${reason}; nothing was changed — restore it, or ${START_FRESH}`,
        { cause },
      );
    let line: {
      seq?: unknown;
      centers?: unknown;
      devices?: unknown;
      enrolmentCodes?: unknown;
      staff?: unknown;
    } | null;
    try {
      line = JSON.parse(journal.subarray(offset, end).toString('utf8')) as typeof line;
    } catch (error) {
      throw damaged(`the line is not JSON (${(error as Error).message})`, error);
    }
    if (typeof line !== 'object' || line === null || !Number.isSafeInteger(line.seq))
      throw damaged('the line has no sequence number');
    const lineSeq = line.seq as number;
    // A version 1 journal may open with lines its snapshot already holds: it was removed only
    // after the snapshot was written. A version 2 journal starts afresh with each snapshot.
    const stale = journalId === undefined && seq === snapshotSeq && lineSeq <= snapshotSeq;
    if (!stale && lineSeq !== seq + 1)
      throw damaged(`expected the line of seq ${seq + 1}, found seq ${lineSeq}`);
    try {
      const centers = storedCenters(line.centers);
      const devices = storedDevices(line.devices);
      const codes = storedCodes(line.enrolmentCodes);
      const staff = storedStaff(line.staff);
      if (!stale) {
        mergeCenters(registry, centers);
        mergeDevices(registry, devices, codes);
        mergeStaff(registry, staff);
      }
    } catch (error) {
      throw damaged((error as Error).message, error);
    }
    if (!stale) seq = lineSeq;
    offset = end + 1;
  }
  if (offset < journal.length) {
    // Never acknowledged (the old server answered after the newline was fsynced). The bytes stay
    // in the renamed journal for anyone who wants to look; nothing appends to it any more.
    log(
      `note: left out a torn last line of ${journalPath} at byte ${offset} (${journal.length - offset} bytes with no newline: a write stopped mid-append, never acknowledged)`,
    );
  }
  return registry;
}

/** The header at the start of `journal` and its length with the newline, if it has a whole one. */
function readJournalHeader(journal: Buffer): { header: JournalHeader; bytes: number } | undefined {
  const end = journal.indexOf(0x0a);
  if (end === -1) return undefined;
  let value: { format?: unknown; journalId?: unknown; snapshotSeq?: unknown } | null;
  try {
    value = JSON.parse(journal.subarray(0, end).toString('utf8')) as typeof value;
  } catch {
    return undefined;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    value.format !== JOURNAL_FORMAT ||
    typeof value.journalId !== 'string' ||
    !JOURNAL_ID.test(value.journalId) ||
    !Number.isSafeInteger(value.snapshotSeq)
  ) {
    return undefined;
  }
  return {
    header: { journalId: value.journalId, snapshotSeq: value.snapshotSeq as number },
    bytes: end + 1,
  };
}

/**
 * The journal a version 2 to 4 snapshot names, the offset of its first line after the header
 * and the file it is in. Throws when it is missing or belongs to another snapshot, unless the
 * old persister was stopped between renaming the snapshot and its journal into place: then the
 * pending journal (`<journal>.next`) is the snapshot's, and is read where it is.
 */
async function openJournal(
  path: string,
  expected: JournalHeader,
  log: ImportLog,
): Promise<{ journal: Buffer; offset: number; file: string }> {
  const journalPath = journalPathOf(path);
  const journal = await readIfThere(journalPath, 'registry journal');
  const found = journal && readJournalHeader(journal);
  const matches = (header: JournalHeader) =>
    header.journalId === expected.journalId && header.snapshotSeq === expected.snapshotSeq;
  if (journal && found && matches(found.header))
    return { journal, offset: found.bytes, file: journalPath };

  const pendingPath = pendingJournalPathOf(path);
  const pending = await readIfThere(pendingPath, 'registry journal');
  const pendingFound = pending && readJournalHeader(pending);
  if (
    pending &&
    pendingFound &&
    matches(pendingFound.header) &&
    pendingFound.bytes === pending.length
  ) {
    // Nothing was appended before that rename, and the old journal only holds lines the
    // snapshot has: the pending one is the snapshot's. The old one is left where it is.
    log(
      `note: ${path} names the journal in ${pendingPath}, which a stop cut off before it replaced ${journalPath}; imported with that one, ${journalPath} left as it is`,
    );
    return { journal: pending, offset: pendingFound.bytes, file: pendingPath };
  }

  const wanted = `${path} expects journal ${expected.journalId} starting after seq ${expected.snapshotSeq}`;
  if (!journal) {
    throw new Error(
      `registry journal ${journalPath} is missing: ${wanted}, so any line written after the snapshot would be lost; restore it, or ${START_FRESH}`,
    );
  }
  if (!found) {
    throw new Error(
      `registry journal ${journalPath} is damaged at byte 0: it does not start with a journal header; ${wanted}; nothing was changed — restore it, or ${START_FRESH}`,
    );
  }
  throw new Error(
    `registry journal ${journalPath} belongs to another snapshot: its header names journal ${found.header.journalId} starting after seq ${found.header.snapshotSeq}, but ${wanted}; restore the right journal, or ${START_FRESH}`,
  );
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown) => value === null || typeof value === 'string';
/** Versions and counters go into bigint columns. */
const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

function isCenterRules(value: unknown): value is CenterRules {
  if (typeof value !== 'object' || value === null) return false;
  const rules = value as Record<string, unknown>;
  const within = (rule: keyof typeof CENTER_RULE_LIMITS) => {
    const number = rules[rule];
    const { min, max } = CENTER_RULE_LIMITS[rule];
    return Number.isInteger(number) && (number as number) >= min && (number as number) <= max;
  };
  return (
    Object.keys(rules).length === 3 &&
    typeof rules.proxyPickupAllowed === 'boolean' &&
    within('idleLockMinutes') &&
    within('detailsRetentionDays')
  );
}

/**
 * The old loader kept events unread; the database files each under its id, device and day, so
 * those must be there and `occurredAt` must be a time.
 */
function isStoredEvent(value: unknown): value is ProtocolEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    isText(event.eventId) &&
    isText(event.deviceId) &&
    isText(event.occurredAt) &&
    Number.isFinite(Date.parse(event.occurredAt))
  );
}

function storedCenters(value: unknown): StoredCenter[] {
  if (!Array.isArray(value)) throw new Error('centers is not a list');
  for (const center of value as StoredCenter[]) {
    if (
      typeof center !== 'object' ||
      center === null ||
      typeof center.centerId !== 'string' ||
      (center.name !== undefined && typeof center.name !== 'string') ||
      (center.rules !== undefined && !isCenterRules(center.rules)) ||
      !isCount(center.version) ||
      !Array.isArray(center.cards) ||
      !Array.isArray(center.events)
    ) {
      throw new Error('a center entry is invalid');
    }
    if (!center.events.every(isStoredEvent))
      throw new Error(`an event entry of center ${center.centerId} is invalid`);
  }
  return value as StoredCenter[];
}

function storedDevices(value: unknown): StoredDevice[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('devices is not a list');
  for (const device of value as Array<Record<string, unknown>>) {
    if (
      typeof device !== 'object' ||
      device === null ||
      !isText(device.deviceId) ||
      !isText(device.centerId) ||
      !isDevicePublicKey(device.publicKey) ||
      !isText(device.tokenDigest) ||
      !HEX_DIGEST.test(device.tokenDigest) ||
      !isOneOf(DEVICE_STATUSES, device.status) ||
      !isText(device.enrolledAt) ||
      !isTextOrNull(device.withdrawnAt)
    )
      throw new Error('a device entry is invalid');
  }
  return value as StoredDevice[];
}

function storedCodes(value: unknown): StoredEnrolmentCode[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('enrolmentCodes is not a list');
  for (const code of value as Array<Record<string, unknown>>) {
    if (
      typeof code !== 'object' ||
      code === null ||
      !isText(code.codeDigest) ||
      !HEX_DIGEST.test(code.codeDigest) ||
      !isText(code.centerId) ||
      !isText(code.issuedAt) ||
      !isText(code.expiresAt) ||
      !isTextOrNull(code.usedAt) ||
      !isTextOrNull(code.usedBy)
    )
      throw new Error('an enrolment code entry is invalid');
  }
  return value as StoredEnrolmentCode[];
}

function storedStaff(value: unknown): StoredStaffMember[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('staff is not a list');
  for (const member of value as Array<Record<string, unknown>>) {
    if (
      typeof member !== 'object' ||
      member === null ||
      !isText(member.centerId) ||
      !isText(member.staffId) ||
      !STAFF_ID_PATTERN.test(member.staffId) ||
      !isText(member.name) ||
      member.name.length > STAFF_NAME_MAX_LENGTH ||
      !isOneOf(STAFF_ROLES, member.role) ||
      typeof member.active !== 'boolean' ||
      !isTextOrNull(member.deactivatedAt) ||
      (member.active && (member.deactivatedAt !== null || !isPinVerifier(member.pinVerifier))) ||
      (!member.active && member.pinVerifier !== null) ||
      !isTextOrNull(member.pinSetAt) ||
      !Number.isSafeInteger(member.version) ||
      (member.version as number) < 1 ||
      !isText(member.updatedAt)
    )
      throw new Error('a staff entry is invalid');
  }
  return value as StoredStaffMember[];
}

function rowToCard(
  centerId: string,
  row: unknown,
  findLogged: (eventId: string) => ProtocolEvent | undefined,
): Card {
  if (!Array.isArray(row) || row.length !== CARD_COLUMNS.length)
    throw new Error('a card row has the wrong shape');
  const [
    cardId,
    nationalCode,
    firstName,
    lastName,
    fatherName,
    birthDate,
    trackingCode,
    box,
    status,
    version,
    updatedAt,
    handoverCell,
  ] = row as CardRow;
  if (typeof cardId !== 'string' || !isCount(version) || !isOneOf(CARD_STATUSES, status)) {
    throw new Error(`card row ${String(cardId)} is invalid`);
  }
  let handover: HandoverEvent | null = null;
  if (typeof handoverCell === 'string') {
    const event = findLogged(handoverCell);
    if (event?.type !== 'handover')
      throw new Error(`card ${cardId} names handover ${handoverCell}, which is not in the log`);
    handover = event;
  } else if (handoverCell !== null) {
    handover = handoverCell;
  }
  // The key order of the card the old registry held and answered with.
  return {
    cardId,
    centerId,
    nationalCode,
    firstName,
    lastName,
    fatherName,
    birthDate,
    trackingCode,
    box,
    status,
    version,
    updatedAt,
    handover,
  };
}

/**
 * Replays stored centers as the old registry's mergeCenter did: profile as stored, version
 * counter the highest seen, cards replaced by cardId keeping their stored versions, events added
 * unless already known. A card's handover id is found in its own line first, then in the log.
 */
function mergeCenters(registry: OldRegistry, centers: readonly StoredCenter[]): void {
  for (const stored of centers) {
    let center = registry.centers.get(stored.centerId);
    if (!center) {
      center = {
        centerId: stored.centerId,
        name: defaultCenterName(stored.centerId),
        rules: { ...DEFAULT_CENTER_RULES },
        version: 0,
        cards: new Map(),
        events: [],
        eventsById: new Map(),
      };
      registry.centers.set(stored.centerId, center);
    }
    const inLine = new Map(stored.events.map((event) => [event.eventId, event]));
    const known = center.eventsById;
    const cards = stored.cards.map((row) =>
      rowToCard(stored.centerId, row, (eventId) => inLine.get(eventId) ?? known.get(eventId)),
    );
    // A version 1 or 2 center has a token (gone with protocol 2) and neither name nor rules.
    center.name = stored.name ?? defaultCenterName(stored.centerId);
    center.rules = { ...(stored.rules ?? DEFAULT_CENTER_RULES) };
    center.version = Math.max(center.version, stored.version);
    for (const event of stored.events) {
      if (known.has(event.eventId)) continue;
      known.set(event.eventId, event);
      center.events.push(event);
    }
    for (const card of cards) center.cards.set(card.cardId, card);
  }
}

function mergeDevices(
  registry: OldRegistry,
  devices: readonly StoredDevice[],
  codes: readonly StoredEnrolmentCode[],
): void {
  for (const device of devices) registry.devices.set(device.deviceId, device);
  for (const code of codes) registry.codes.set(code.codeDigest, code);
}

/** A member is kept at its highest version; a line holding an older one changes nothing. */
function mergeStaff(registry: OldRegistry, members: readonly StoredStaffMember[]): void {
  for (const member of members) {
    let roster = registry.staff.get(member.centerId);
    if (!roster) {
      roster = new Map();
      registry.staff.set(member.centerId, roster);
    }
    const held = roster.get(member.staffId);
    if (held && held.version >= member.version) continue;
    roster.set(member.staffId, member);
  }
}

/** Writes `rows` with `statement`, whose $n parameter is the array of `columns[n-1]`, in slices. */
async function insertInSlices<Row>(
  tx: SqlQueryable,
  statement: string,
  rows: readonly Row[],
  columns: ReadonlyArray<(row: Row) => unknown>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const slice = rows.slice(start, start + ROWS_PER_STATEMENT);
    await tx.query(
      statement,
      columns.map((column) => slice.map(column)),
    );
  }
}

async function writeRegistry(tx: SqlQueryable, registry: OldRegistry): Promise<void> {
  const centers = [...registry.centers.values()];
  const tokenHolders = new Map<string, string>();
  for (const device of registry.devices.values()) {
    const other = tokenHolders.get(device.tokenDigest);
    // The old registry let the later one win the token silently; the database holds each once.
    if (other !== undefined)
      throw new Error(
        `devices ${other} and ${device.deviceId} hold the same token digest; nothing was imported`,
      );
    tokenHolders.set(device.tokenDigest, device.deviceId);
  }

  await insertInSlices(
    tx,
    `INSERT INTO centers (center_id, name, rules, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`,
    centers,
    [
      (center) => center.centerId,
      (center) => center.name,
      (center) => JSON.stringify(center.rules),
      // The next version the database gives must lie above every card and event imported, even
      // from a file whose counter lags (the old registry never wrote one, but never checked).
      (center) => {
        let version = Math.max(center.version, center.events.length);
        for (const card of center.cards.values()) version = Math.max(version, card.version);
        return version;
      },
    ],
  );

  const cards = centers.flatMap((center) => [...center.cards.values()]);
  await insertInSlices(
    tx,
    `INSERT INTO cards (center_id, card_id, version, status, card)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])`,
    cards,
    [
      (card) => card.centerId,
      (card) => card.cardId,
      (card) => card.version,
      (card) => card.status,
      (card) => JSON.stringify(card),
    ],
  );

  // An event's version is only its place in the center's acceptance order: 1, 2, … here, and the
  // counter (at least the number of events) above all of them for the events accepted later.
  const events = centers.flatMap((center) =>
    center.events.map((event, index) => ({ centerId: center.centerId, event, version: index + 1 })),
  );
  await insertInSlices(
    tx,
    `INSERT INTO accepted_events (center_id, event_id, version, day, device_id, event)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])`,
    events,
    [
      (row) => row.centerId,
      (row) => row.event.eventId,
      (row) => row.version,
      (row) => jalaliDayKey(new Date(Date.parse(row.event.occurredAt)), DAY_FEED_TIME_ZONE),
      (row) => row.event.deviceId,
      (row) => JSON.stringify(row.event),
    ],
  );

  // `added` orders a roster; the members added after the import take the sequence's next
  // values, which lie above every position here (each member holds a version of its own).
  const staff = [...registry.staff.values()].flatMap((roster) =>
    [...roster.values()].map((member, index) => ({ member, added: index + 1 })),
  );
  await insertInSlices(
    tx,
    `INSERT INTO staff (center_id, staff_id, version, added, member)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[])`,
    staff,
    [
      (row) => row.member.centerId,
      (row) => row.member.staffId,
      (row) => row.member.version,
      (row) => row.added,
      (row) => JSON.stringify(row.member),
    ],
  );
  if (staff.length > 0) {
    const newest = staff.reduce((highest, row) => Math.max(highest, row.member.version), 0);
    await tx.query("SELECT setval('staff_versions', $1)", [newest]);
  }

  await insertInSlices(
    tx,
    `INSERT INTO devices (device_id, center_id, token_digest, device)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
    [...registry.devices.values()],
    [
      (device) => device.deviceId,
      (device) => device.centerId,
      (device) => device.tokenDigest,
      (device) => JSON.stringify(device),
    ],
  );

  await insertInSlices(
    tx,
    `INSERT INTO enrolment_codes (code_digest, center_id, code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [...registry.codes.values()],
    [(code) => code.codeDigest, (code) => code.centerId, (code) => JSON.stringify(code)],
  );
}
