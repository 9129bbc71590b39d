// The mock registry's data on disk: a snapshot file (the whole state, cards as compact rows)
// plus an append-only journal (`<file>.journal`) of what changed since, one fsynced JSON line
// per write. Must stay true: the handler answers only after flush() resolves, so a restart
// never loses anything a client was told; the snapshot is replaced atomically (temp file,
// fsync, rename); journal lines carry sequence numbers, so a line already in the snapshot is
// never applied twice; an unreadable file stops the server instead of being reseeded over.
import { readFileSync, truncateSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Card, CardStatus, HandoverEvent, ProtocolEvent } from '../src/protocol/protocol.ts';
import type { CenterSnapshot, ChangeSet, RegistryStateOptions } from './registry-state.ts';
import { RegistryState } from './registry-state.ts';
import { CARD_STATUSES, isOneOf } from '../src/protocol/protocol.ts';

const FORMAT = 'tahvil-mock-registry';
const FORMAT_VERSION = 1;
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
  token: string;
  version: number;
  cards: unknown[];
  events: ProtocolEvent[];
}

export function journalPathOf(dataPath: string): string {
  return `${dataPath}.journal`;
}

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
    token: center.token,
    version: center.version,
  });
  const list = (items: string[]) =>
    items.length === 0 ? '' : `${newline}${items.join(`,${newline}`)}${newline}`;
  const rows = center.cards.map((card) => JSON.stringify(cardToRow(card, isLogged)));
  const events = center.events.map((event) => JSON.stringify(event));
  return `${head.slice(0, -1)},"cards":[${list(rows)}],"events":[${list(events)}]}`;
}

/** The snapshot file's text; `seq` is the last journal sequence number it includes. */
export function serializeRegistry(state: RegistryState, seq = 0): string {
  const centers = state.snapshot().map((center) => {
    const logged = new Set(center.events.map((event) => event.eventId));
    return centerJson(center, (eventId) => logged.has(eventId), '\n');
  });
  return `{"format":"${FORMAT}","formatVersion":${FORMAT_VERSION},"seq":${seq},"cardColumns":${JSON.stringify(CARD_COLUMNS)},"centers":[\n${centers.join(',\n')}\n]}\n`;
}

/** One journal line (without its newline): the changed cards and accepted events of one write. */
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
  return `{"seq":${seq},"centers":[${centers.join(',')}]}`;
}

function storedCenters(value: unknown): StoredCenter[] {
  if (!Array.isArray(value)) throw new Error('centers is not a list');
  for (const center of value as StoredCenter[]) {
    if (
      typeof center !== 'object' ||
      center === null ||
      typeof center.centerId !== 'string' ||
      typeof center.token !== 'string' ||
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
    state.mergeCenter({
      centerId: center.centerId,
      token: center.token,
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
  /** Bytes of intact journal; a torn last line (a crash mid-append, never acknowledged) is cut off. */
  journalBytes: number;
}

/**
 * Reads the snapshot and the journal after it; undefined when there is no snapshot yet (a
 * journal without its snapshot is stale and gets replaced). Throws when a file is unreadable.
 */
export function loadRegistryFile(
  path: string,
  options: RegistryStateOptions = {},
): LoadedRegistry | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: RegistryState;
  let seq: number;
  try {
    const document = JSON.parse(text) as {
      format?: unknown;
      formatVersion?: unknown;
      seq?: unknown;
      cardColumns?: unknown;
      centers?: unknown;
    };
    if (
      document.format !== FORMAT ||
      document.formatVersion !== FORMAT_VERSION ||
      typeof document.seq !== 'number'
    ) {
      throw new Error(`not a ${FORMAT} v${FORMAT_VERSION} data file`);
    }
    if (JSON.stringify(document.cardColumns) !== JSON.stringify(CARD_COLUMNS))
      throw new Error('unknown card columns');
    seq = document.seq;
    state = new RegistryState(options);
    mergeStored(state, storedCenters(document.centers));
  } catch (error) {
    throw new Error(
      `cannot read registry data file ${path}: ${(error as Error).message}; move it away to start fresh`,
      { cause: error },
    );
  }

  const journalPath = journalPathOf(path);
  let journal: Buffer;
  try {
    journal = readFileSync(journalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    journal = Buffer.alloc(0);
  }
  let offset = 0;
  while (offset < journal.length) {
    const end = journal.indexOf(0x0a, offset);
    let line: { seq?: unknown; centers?: unknown } | undefined;
    if (end !== -1) {
      try {
        line = JSON.parse(journal.subarray(offset, end).toString('utf8')) as typeof line;
      } catch {
        line = undefined;
      }
    }
    if (!line || typeof line.seq !== 'number') {
      // Only the last line can be torn; anything after a bad line means the file was damaged.
      if (end !== -1 && end + 1 < journal.length)
        throw new Error(`registry journal ${journalPath} is damaged at byte ${offset}`);
      truncateSync(journalPath, offset);
      break;
    }
    if (line.seq > seq) {
      if (line.seq !== seq + 1)
        throw new Error(`registry journal ${journalPath} skips from ${seq} to ${line.seq}`);
      mergeStored(state, storedCenters(line.centers));
      seq = line.seq;
    }
    offset = end + 1;
  }
  state.revision = 0;
  return { state, seq, journalBytes: offset };
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

/** Replaces `path` with `text` so a reader sees the old file or the new one, never a torn one. */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  const handle = await open(temp, 'w');
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

async function appendDurably(path: string, text: string, creates: boolean): Promise<void> {
  const handle = await open(path, 'a');
  try {
    await handle.write(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (creates) await syncFolder(path);
}

/**
 * Keeps the files in step with the state. flush() resolves once every change made before the
 * call is on disk; concurrent callers share writes, and writes never overlap.
 */
export class RegistryPersister {
  private readonly journalPath: string;
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
    loaded?: Pick<LoadedRegistry, 'seq' | 'journalBytes'>,
  ) {
    this.journalPath = journalPathOf(path);
    this.seq = loaded?.seq ?? 0;
    this.journalBytes = loaded?.journalBytes ?? 0;
    this.needsSnapshot = loaded === undefined;
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
    const snapshot =
      this.needsSnapshot ||
      changes.cleared ||
      changeCount > SNAPSHOT_AFTER_CHANGES ||
      this.journalBytes > MAX_JOURNAL_BYTES;
    if (snapshot) {
      this.needsSnapshot = true;
      await writeFileAtomically(this.path, serializeRegistry(this.state, seq));
      this.seq = seq;
      // Lines left in the journal are ≤ seq and would be skipped, but appending after them is not safe.
      await unlink(this.journalPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.journalBytes = 0;
      this.needsSnapshot = false;
      return;
    }
    if (changes.centers.length === 0) return;
    const line = `${serializeJournalLine(this.state, changes, seq)}\n`;
    await appendDurably(this.journalPath, line, this.journalBytes === 0);
    this.seq = seq;
    this.journalBytes += Buffer.byteLength(line);
  }
}
