// The mock registry's data on disk: a snapshot file (the whole state, cards as compact rows)
// plus an append-only journal (`<file>.journal`) of what changed since, one fsynced JSON line
// per write. Must stay true: the handler answers only after flush() resolves, so a restart
// never loses anything a client was told; the snapshot is replaced atomically (temp file,
// fsync, rename) and names its journal, whose header names it back (decision 013); only a last
// line without its newline is a torn write, cut and logged; any other unreadable line, a gap or
// a missing journal stops the server and changes nothing on disk. Devices, enrolment codes,
// centers' names and rules and the centers' rosters go through the same snapshot and journal as
// cards, so an enrolment, a used code or a new PIN a client was told of survives a crash like an
// accepted event.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
} from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  Card,
  CardStatus,
  CenterRules,
  HandoverEvent,
  ProtocolEvent,
} from '../src/protocol/protocol.ts';
import type { StoredDevice, StoredEnrolmentCode } from './device-registry.ts';
import type { StoredStaffMember } from './staff-roster.ts';
import type { CenterSnapshot, ChangeSet, RegistryStateOptions } from './registry-state.ts';
import { RegistryState, defaultCenterName } from './registry-state.ts';
import {
  CARD_STATUSES,
  CENTER_RULE_LIMITS,
  DEFAULT_CENTER_RULES,
  DEVICE_STATUSES,
  STAFF_ID_PATTERN,
  STAFF_NAME_MAX_LENGTH,
  STAFF_ROLES,
  isOneOf,
} from '../src/protocol/protocol.ts';
import { isDevicePublicKey } from '../src/domain/event-signature.ts';
import { isPinVerifier } from '../src/domain/pin-verifier.ts';

const FORMAT = 'tahvil-mock-registry';
/**
 * 2: the snapshot names its journal (`journalId`) and the journal opens with a header naming it
 * back. 3 (protocol v2): centers have a name and rules and no token; `devices` and
 * `enrolmentCodes` in the snapshot and in journal lines. 4 (protocol 2.1): `staff`, the centers'
 * rosters, in the snapshot and in journal lines.
 */
const FORMAT_VERSION = 4;
/**
 * Version 1 and 2 files still load (a center's old `token` is ignored; names and rules are the
 * defaults), and version 1 to 3 with empty rosters; the first write after that rewrites them as
 * the current version.
 */
const OLDEST_FORMAT_VERSION = 1;
const JOURNAL_FORMAT = 'tahvil-mock-registry-journal';
/** Files hold digests of device tokens and codes and people's national codes: for the owner only. */
const FILE_MODE = 0o600;
/** A write bigger than this (a reset, a big inventory load) rewrites the snapshot instead. */
const SNAPSHOT_AFTER_CHANGES = 20_000;
/** Past this size the journal is folded into a fresh snapshot, keeping restarts quick. */
const MAX_JOURNAL_BYTES = 16 * 1024 * 1024;

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

export function journalPathOf(dataPath: string): string {
  return `${dataPath}.journal`;
}

/** Where a new journal is written, fsynced, before the snapshot naming it replaces the old one. */
export function pendingJournalPathOf(dataPath: string): string {
  return `${journalPathOf(dataPath)}.next`;
}

/** Where load notes (a torn line cut, an interrupted journal switch finished) go; one line each. */
export type RegistryLog = (message: string) => void;

const logToStderr: RegistryLog = (message) => {
  process.stderr.write(`mock registry: ${message}\n`);
};

type IsLogged = (eventId: string) => boolean;
type FindLogged = (eventId: string) => ProtocolEvent | undefined;

function cardToRow(card: Card, isLogged: IsLogged): CardRow {
  const handover = card.handover;
  // Accepted handovers are in the event log too: store the id, not a second copy.
  const handoverCell =
    handover === null ? null : isLogged(handover.eventId) ? handover.eventId : handover;
  return [
    card.cardId,
    card.nationalCode,
    card.firstName,
    card.lastName,
    card.fatherName ?? null,
    card.birthDate ?? null,
    card.trackingCode ?? null,
    card.box ?? null,
    card.status,
    card.version,
    card.updatedAt,
    handoverCell,
  ];
}

function rowToCard(centerId: string, row: unknown, findLogged: FindLogged): Card {
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
  if (
    typeof cardId !== 'string' ||
    typeof version !== 'number' ||
    !isOneOf(CARD_STATUSES, status)
  ) {
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

/** One center as JSON text, one card row and one event per line so a failing test can grep it. */
function centerJson(center: CenterSnapshot, isLogged: IsLogged, newline: string): string {
  const head = JSON.stringify({
    centerId: center.centerId,
    name: center.name,
    rules: center.rules,
    version: center.version,
  });
  const list = (items: string[]) =>
    items.length === 0 ? '' : `${newline}${items.join(`,${newline}`)}${newline}`;
  const rows = center.cards.map((card) => JSON.stringify(cardToRow(card, isLogged)));
  const events = center.events.map((event) => JSON.stringify(event));
  return `${head.slice(0, -1)},"cards":[${list(rows)}],"events":[${list(events)}]}`;
}

/**
 * The snapshot file's text; `seq` is the last journal sequence number it includes and
 * `journalId` the id in the header of the journal written with it.
 */
export function serializeRegistry(state: RegistryState, seq: number, journalId: string): string {
  const centers = state.snapshot().map((center) => {
    const logged = new Set(center.events.map((event) => event.eventId));
    return centerJson(center, (eventId) => logged.has(eventId), '\n');
  });
  const { devices, enrolmentCodes } = state.devices.all();
  const staff = state.staff.all();
  const lines = (items: readonly unknown[]) =>
    items.length === 0 ? '' : `\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n`;
  return `{"format":"${FORMAT}","formatVersion":${FORMAT_VERSION},"seq":${seq},"journalId":"${journalId}","cardColumns":${JSON.stringify(CARD_COLUMNS)},"centers":[\n${centers.join(',\n')}\n],"devices":[${lines(devices)}],"enrolmentCodes":[${lines(enrolmentCodes)}],"staff":[${lines(staff)}]}\n`;
}

/** Which snapshot a journal belongs to: the first line of every version 2 journal. */
interface JournalHeader {
  journalId: string;
  snapshotSeq: number;
}

/** The journal's header line (without its newline). */
export function serializeJournalHeader(header: JournalHeader): string {
  return JSON.stringify({
    format: JOURNAL_FORMAT,
    journalId: header.journalId,
    snapshotSeq: header.snapshotSeq,
  });
}

const JOURNAL_ID = /^[0-9a-f]{32}$/;

/** The header at the start of `journal` and its length with the newline, if it has a whole one. */
function readJournalHeader(journal: Buffer): { header: JournalHeader; bytes: number } | undefined {
  const end = journal.indexOf(0x0a);
  if (end === -1) return undefined;
  let value: { format?: unknown; journalId?: unknown; snapshotSeq?: unknown };
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
 * One journal line (without its newline): the changed centers (profile, counter, cards, accepted
 * events), devices, enrolment codes and staff members of one write; the last three only when
 * there are any.
 */
export function serializeJournalLine(
  state: RegistryState,
  changes: ChangeSet,
  seq: number,
): string {
  const centers = changes.centers.map((center) =>
    centerJson(
      center,
      (eventId) => state.acceptedEvent(center.centerId, eventId) !== undefined,
      '',
    ),
  );
  const devices = changes.devices.length > 0 ? `,"devices":${JSON.stringify(changes.devices)}` : '';
  const codes =
    changes.enrolmentCodes.length > 0
      ? `,"enrolmentCodes":${JSON.stringify(changes.enrolmentCodes)}`
      : '';
  const staff = changes.staff.length > 0 ? `,"staff":${JSON.stringify(changes.staff)}` : '';
  return `{"seq":${seq},"centers":[${centers.join(',')}]${devices}${codes}${staff}}`;
}

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

const HEX_DIGEST = /^[0-9a-f]{64}$/;
const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown) => value === null || typeof value === 'string';

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

function storedCenters(value: unknown): StoredCenter[] {
  if (!Array.isArray(value)) throw new Error('centers is not a list');
  for (const center of value as StoredCenter[]) {
    if (
      typeof center !== 'object' ||
      center === null ||
      typeof center.centerId !== 'string' ||
      (center.name !== undefined && typeof center.name !== 'string') ||
      (center.rules !== undefined && !isCenterRules(center.rules)) ||
      typeof center.version !== 'number' ||
      !Array.isArray(center.cards) ||
      !Array.isArray(center.events)
    ) {
      throw new Error('a center entry is invalid');
    }
  }
  return value as StoredCenter[];
}

function mergeStored(state: RegistryState, centers: StoredCenter[]): void {
  for (const center of centers) {
    const inLine = new Map(center.events.map((event) => [event.eventId, event]));
    const findLogged: FindLogged = (eventId) =>
      inLine.get(eventId) ?? state.acceptedEvent(center.centerId, eventId);
    // A version 1 or 2 center has a token (gone with protocol 2) and neither name nor rules.
    state.mergeCenter({
      centerId: center.centerId,
      name: center.name ?? defaultCenterName(center.centerId),
      rules: center.rules ?? DEFAULT_CENTER_RULES,
      version: center.version,
      events: center.events,
      cards: center.cards.map((row) => rowToCard(center.centerId, row, findLogged)),
    });
  }
}

export interface LoadedRegistry {
  state: RegistryState;
  /** The sequence number of the last journal line applied (or the snapshot's). */
  seq: number;
  /** Bytes of journal kept: its header and whole lines (a torn last line is cut off). */
  journalBytes: number;
  /** The data file's format version; an older one is rewritten as the current one by the first write. */
  formatVersion: number;
}

const START_FRESH = 'move the data file and its journal away to start fresh';

/** The file's bytes, or undefined when it does not exist; any other failure names the file. */
function readIfThere(path: string, what: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function syncFolderSync(path: string): void {
  try {
    const folder = openSync(dirname(path), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  } catch {
    // As in syncFolder: not every platform can fsync a folder.
  }
}

/**
 * The journal a version 2 snapshot names, and the offset of its first line after the header.
 * Throws when it is missing or belongs to another snapshot, unless the persister was stopped
 * between renaming the snapshot and its journal into place: then this finishes the switch.
 */
function openJournal(
  path: string,
  expected: JournalHeader,
  log: RegistryLog,
): { journal: Buffer; offset: number } {
  const journalPath = journalPathOf(path);
  const journal = readIfThere(journalPath, 'registry journal');
  const found = journal && readJournalHeader(journal);
  const matches = (header: JournalHeader) =>
    header.journalId === expected.journalId && header.snapshotSeq === expected.snapshotSeq;
  if (journal && found && matches(found.header)) return { journal, offset: found.bytes };

  const pendingPath = pendingJournalPathOf(path);
  const pending = readIfThere(pendingPath, 'registry journal');
  const pendingFound = pending && readJournalHeader(pending);
  if (
    pending &&
    pendingFound &&
    matches(pendingFound.header) &&
    pendingFound.bytes === pending.length
  ) {
    // Nothing is appended before the rename, and the old journal only holds lines the
    // snapshot has: moving the pending one into place is the step the persister did not get to.
    renameSync(pendingPath, journalPath);
    syncFolderSync(journalPath);
    log(
      `note: ${path} names the journal in ${pendingPath}, which a stop cut off before it replaced ${journalPath}; it does now`,
    );
    return { journal: pending, offset: pendingFound.bytes };
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

/**
 * Reads the snapshot and the journal after it; undefined when there is no snapshot yet (a
 * journal without its snapshot is replaced by the first write). Throws, changing nothing on
 * disk, when a file is unreadable, a journal line that ends in a newline is damaged, lines are
 * missing or out of order, or the journal the snapshot names is missing or another one. A torn
 * last line (no newline: a crash mid-append, never acknowledged) is cut off and logged.
 */
export function loadRegistryFile(
  path: string,
  options: RegistryStateOptions = {},
  log: RegistryLog = logToStderr,
): LoadedRegistry | undefined {
  const file = readIfThere(path, 'registry data file');
  if (!file) return undefined;
  let state: RegistryState;
  let seq: number;
  let formatVersion: number;
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
    };
    if (
      document.format !== FORMAT ||
      typeof document.formatVersion !== 'number' ||
      !Number.isInteger(document.formatVersion) ||
      document.formatVersion < OLDEST_FORMAT_VERSION ||
      document.formatVersion > FORMAT_VERSION ||
      !Number.isSafeInteger(document.seq) ||
      (document.seq as number) < 0
    ) {
      throw new Error(`not a ${FORMAT} v${OLDEST_FORMAT_VERSION}–v${FORMAT_VERSION} data file`);
    }
    formatVersion = document.formatVersion;
    if (formatVersion >= 2) {
      if (typeof document.journalId !== 'string' || !JOURNAL_ID.test(document.journalId))
        throw new Error('its journalId is missing or invalid');
      journalId = document.journalId;
    }
    if (JSON.stringify(document.cardColumns) !== JSON.stringify(CARD_COLUMNS))
      throw new Error('unknown card columns');
    seq = document.seq as number;
    state = new RegistryState(options);
    mergeStored(state, storedCenters(document.centers));
    state.devices.merge(storedDevices(document.devices), storedCodes(document.enrolmentCodes));
    state.staff.merge(storedStaff(document.staff));
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
    journal = readIfThere(journalPath, 'registry journal') ?? Buffer.alloc(0);
    offset = 0;
  } else {
    ({ journal, offset } = openJournal(path, { journalId, snapshotSeq }, log));
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
        mergeStored(state, centers);
        state.devices.merge(devices, codes);
        state.staff.merge(staff);
      }
    } catch (error) {
      throw damaged((error as Error).message, error);
    }
    if (!stale) seq = lineSeq;
    offset = end + 1;
  }
  if (offset < journal.length) {
    truncateSync(journalPath, offset);
    log(
      `note: cut a torn last line off ${journalPath} at byte ${offset} (${journal.length - offset} bytes with no newline: a write stopped mid-append, never acknowledged)`,
    );
  }
  state.revision = 0;
  return { state, seq, journalBytes: offset, formatVersion };
}

let tempCounter = 0;

async function syncFolder(path: string): Promise<void> {
  // A new or renamed file is only durable once its directory entry is; not every platform can fsync a folder.
  try {
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch {
    // The rename is still atomic there; only its durability across power loss is weaker.
  }
}

/** Creates or empties `path`, writes `text` and fsyncs the file and its folder. */
async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncFolder(path);
}

/** Replaces `path` with `text` so a reader sees the old file or the new one, never a torn one. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  const handle = await open(temp, 'w', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  await syncFolder(path);
}

async function appendDurably(path: string, text: string): Promise<void> {
  // No O_CREAT: a journal that vanished under a running server fails the write (and the next
  // write is a snapshot) instead of starting a journal without its header.
  const handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
  try {
    // appendFile writes all of it; a single write() may write only part.
    await handle.appendFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Keeps the files in step with the state. flush() resolves once every change made before the
 * call is on disk; concurrent callers share writes, and writes never overlap.
 */
export class RegistryPersister {
  private readonly journalPath: string;
  private readonly pendingJournalPath: string;
  private durableRevision: number;
  private inFlight: Promise<void> | null = null;
  private inFlightRevision = -1;
  private queued: Promise<void> | null = null;
  private seq: number;
  private journalBytes: number;
  /** After a failed write the drained changes are gone: only a full snapshot is safe. */
  private needsSnapshot: boolean;

  constructor(
    private readonly path: string,
    private readonly state: RegistryState,
    loaded?: Pick<LoadedRegistry, 'seq' | 'journalBytes' | 'formatVersion'>,
  ) {
    this.journalPath = journalPathOf(path);
    this.pendingJournalPath = pendingJournalPathOf(path);
    this.seq = loaded?.seq ?? 0;
    this.journalBytes = loaded?.journalBytes ?? 0;
    // A version 1 journal has no header, so nothing is appended to it: the first write is a snapshot.
    this.needsSnapshot = loaded === undefined || loaded.formatVersion !== FORMAT_VERSION;
    this.durableRevision = loaded ? state.revision : -1;
    state.trackChanges();
  }

  get isDirty(): boolean {
    return this.state.revision > this.durableRevision;
  }

  flush(): Promise<void> {
    const wanted = this.state.revision;
    if (this.durableRevision >= wanted) return Promise.resolve();
    if (this.inFlight && this.inFlightRevision >= wanted) return this.inFlight;
    // A write not yet started reads the state when it starts, so it covers this change too.
    this.queued ??= (this.inFlight ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.writeNow());
    return this.queued;
  }

  private async writeNow(): Promise<void> {
    this.queued = null;
    const revision = this.state.revision;
    const write = this.persist(this.state.takeChanges());
    this.inFlight = write;
    this.inFlightRevision = revision;
    try {
      await write;
      this.durableRevision = Math.max(this.durableRevision, revision);
    } catch (error) {
      this.needsSnapshot = true;
      throw error;
    } finally {
      if (this.inFlight === write) this.inFlight = null;
    }
  }

  /** Serializes synchronously (the state cannot change under it), then writes. */
  private async persist(changes: ChangeSet): Promise<void> {
    const seq = this.seq + 1;
    let changeCount = 0;
    for (const center of changes.centers) changeCount += center.cards.length + center.events.length;
    changeCount += changes.devices.length + changes.enrolmentCodes.length + changes.staff.length;
    const snapshot =
      this.needsSnapshot ||
      changes.cleared ||
      changeCount > SNAPSHOT_AFTER_CHANGES ||
      this.journalBytes > MAX_JOURNAL_BYTES;
    if (snapshot) {
      this.needsSnapshot = true;
      const journalId = randomBytes(16).toString('hex');
      const text = serializeRegistry(this.state, seq, journalId);
      const header = `${serializeJournalHeader({ journalId, snapshotSeq: seq })}\n`;
      // Order matters: the new journal is on disk before the snapshot that names it, and takes
      // the old journal's place only after it. A stop in between leaves the old pair whole, or
      // the new snapshot with its journal still pending, which the loader puts in place.
      await writeDurably(this.pendingJournalPath, header);
      await writeFileAtomically(this.path, text);
      this.seq = seq;
      await rename(this.pendingJournalPath, this.journalPath);
      await syncFolder(this.journalPath);
      this.journalBytes = Buffer.byteLength(header);
      this.needsSnapshot = false;
      return;
    }
    if (
      changes.centers.length === 0 &&
      changes.devices.length === 0 &&
      changes.enrolmentCodes.length === 0 &&
      changes.staff.length === 0
    )
      return;
    const line = `${serializeJournalLine(this.state, changes, seq)}\n`;
    await appendDurably(this.journalPath, line);
    this.seq = seq;
    this.journalBytes += Buffer.byteLength(line);
  }
}
