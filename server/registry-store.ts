// The registry's state in its database (server/database/, docs/registry.md) and the protocol's
// rules over it (docs/protocol.md). Must stay true: every change to a card takes the next value
// of its center's version counter with that counter's row locked until the change commits, so
// a center's versions commit in order and a pull ordered by version never misses a change; an
// accepted eventId is kept for ever ((center_id, event_id) is unique), so a replay answers
// `duplicate` and changes nothing; an event is accepted only from the device it names, with
// that device's valid signature, and is kept exactly as signed; from 2.1 an event is accepted
// only when its staff (and approver) are on the center's roster and allowed to do it
// (docs/protocol.md, "Who may do what"); a push is one transaction, answered after it commits.
import type {
  Card,
  CardStatus,
  CenterProfile,
  CenterRules,
  HandoverEvent,
  HandoverVoidEvent,
  ProtocolEvent,
  PullResponse,
  PushReasonCode,
  PushResult,
} from '../src/protocol/protocol.ts';
import {
  DAY_FEED_TIME_ZONE,
  DEFAULT_CENTER_RULES,
  DEFAULT_PULL_LIMIT,
  DEMO_CENTER_ID,
  MAX_PULL_LIMIT,
} from '../src/protocol/protocol.ts';
import { verifyEventSignature } from '../src/domain/event-signature.ts';
import { jalaliDayKey } from '../src/domain/jalali.ts';
import type { ManifestCardDraft } from '../src/domain/manifest.ts';
import { isDeepStrictEqual } from 'node:util';
import type { SqlDatabase, SqlQueryable } from './database/sql.ts';
import type { StoredDevice } from './device-registry.ts';
import { DeviceRegistry } from './device-registry.ts';
import { implausibleTime, parseEvent } from './event-validation.ts';
import { isRecord } from './json-body.ts';
import type { StoredStaffMember } from './staff-roster.ts';
import { StaffRoster } from './staff-roster.ts';

const REUSED_EVENT_ID = 'eventId was already used by a different event';
/** Rows one statement writes or looks up at most: a 756,000-card load goes in slices. */
export const ROWS_PER_STATEMENT = 5_000;
/**
 * Rows changed after which PGlite's tables are vacuumed and analyzed: this many, or a tenth of
 * the cards held at the last maintenance if that is more (PostgreSQL's own autovacuum waits for
 * a fifth), so a big inventory is not swept for every few pushes. PGlite runs no autovacuum:
 * without it the planner keeps the statistics of an empty table (a pull page read by a sort,
 * 80 ms, not an index walk, 20 ms) and a count of the cards after a version visits every row
 * instead of the index alone (40 ms, not 1 ms). A PostgreSQL server does this itself.
 */
const MAINTAIN_AFTER_CHANGES = 5_000;
const MAINTAIN_AFTER_SHARE = 0.1;

/** DEMO-01's display name unless an administrator gives it another. */
export const DEMO_CENTER_NAME = 'مرکز نمونه ۱';

/** The name a new center gets unless one is given: DEMO-01's Persian name, else its id. */
export function defaultCenterName(centerId: string): string {
  return centerId === DEMO_CENTER_ID ? DEMO_CENTER_NAME : centerId;
}

/** Who sent a push: the authenticated device, and which of its events carry its valid signature. */
export interface PushSender {
  deviceId: string;
  /** verified[i]: event i's signature is the device's over event i's canonical form. */
  verified: readonly boolean[];
}

/** The authenticated device was withdrawn or enrolled again while its push was being verified. */
export class DeviceChangedError extends Error {
  override readonly name = 'DeviceChangedError';
  constructor(
    message: string,
    /** Withdrawn (answered device_withdrawn), else enrolled again (its old token is unknown). */
    readonly withdrawn: boolean,
  ) {
    super(message);
  }
}

/** A caller's input the registry cannot read (bad cursor, bad limit): the handler answers 400. */
export class RegistryInputError extends Error {
  override readonly name = 'RegistryInputError';
}

// A cursor names its center as well as a version, so one issued for one center is refused on
// another: a tablet moved between centers can never skip the new center's first cards.
const CURSOR_PATTERN = /^v:(0|[1-9][0-9]{0,15}):c:(.+)$/s;

export function encodeCursor(centerId: string, version: number): string {
  return Buffer.from(`v:${version}:c:${centerId}`, 'utf8').toString('base64url');
}

/** The version a center's cursor stands for; absent means "from the beginning". */
export function decodeCursor(centerId: string, cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined || cursor === '') return 0;
  const match = CURSOR_PATTERN.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  // Re-encoding must give the same text, or two spellings would name one position.
  if (!match || encodeCursor(match[2]!, Number(match[1])) !== cursor)
    throw new RegistryInputError('cursor is not one this registry issued');
  if (match[2] !== centerId)
    throw new RegistryInputError(`cursor was issued for another center, not ${centerId}`);
  return Number(match[1]);
}

/** Reads the `limit` query parameter: absent → default, otherwise an integer 1..MAX_PULL_LIMIT. */
export function parsePullLimit(raw: string | null | undefined): number {
  if (raw === null || raw === undefined) return DEFAULT_PULL_LIMIT;
  if (!/^[0-9]{1,6}$/.test(raw))
    throw new RegistryInputError(`limit must be an integer from 1 to ${MAX_PULL_LIMIT}`);
  const limit = Number(raw);
  if (limit < 1 || limit > MAX_PULL_LIMIT)
    throw new RegistryInputError(`limit must be an integer from 1 to ${MAX_PULL_LIMIT}`);
  return limit;
}

/** What a manifest import did: cards created or changed, cards already as described, cards left alone. */
export interface ManifestImportCounts {
  imported: number;
  unchanged: number;
  /** Rows whose card is handed over or revoked, which an import never overwrites. */
  kept: number;
}

/** One page of a center's day: its events from a position, how many the day has, who sent them. */
export interface DayEventsPage {
  items: ProtocolEvent[];
  total: number;
  deviceIds: Set<string>;
}

export interface RegistryStoreOptions {
  /** Clock for `updatedAt`; injectable so tests can pin it. */
  now?: () => Date;
}

interface CenterRow {
  name: string;
  rules: string;
  version: number;
}

export class RegistryStore {
  private readonly now: () => Date;
  private changesSinceMaintenance = 0;
  private maintainAfter = MAINTAIN_AFTER_CHANGES;
  private maintaining: Promise<void> | null = null;
  /** Enrolled devices and enrolment codes. */
  readonly devices: DeviceRegistry;
  /** The centers' rosters (2.1). */
  readonly staff: StaffRoster;

  constructor(
    readonly db: SqlDatabase,
    options: RegistryStoreOptions = {},
  ) {
    const now = options.now ?? (() => new Date());
    this.now = now;
    this.devices = new DeviceRegistry(db, now);
    this.staff = new StaffRoster(db, now);
  }

  /**
   * VACUUM ANALYZE of the center-owned tables on PGlite (none is needed on a server); at most
   * one at a time, and never inside a transaction.
   */
  maintain(): Promise<void> {
    if (this.db.engine !== 'pglite') return Promise.resolve();
    this.changesSinceMaintenance = 0;
    this.maintaining ??= this.db
      .exec('VACUUM ANALYZE centers, cards, accepted_events, staff')
      .then(async () => {
        const [held] = await this.db.query<{ cards: number }>(
          'SELECT count(*)::bigint AS cards FROM cards',
        );
        this.maintainAfter = Math.max(
          MAINTAIN_AFTER_CHANGES,
          Math.round((held?.cards ?? 0) * MAINTAIN_AFTER_SHARE),
        );
      })
      .catch((error: unknown) =>
        console.error('[registry] vacuum failed:', (error as Error).message),
      )
      .finally(() => {
        this.maintaining = null;
      });
    return this.maintaining;
  }

  /** Resolves when no maintenance is running: before the database is closed. */
  async settled(): Promise<void> {
    await this.maintaining;
  }

  /** Counts `rows` changed; past the threshold, maintains the tables (not awaited). */
  private changed(rows: number): void {
    this.changesSinceMaintenance += rows;
    if (this.changesSinceMaintenance >= this.maintainAfter) void this.maintain();
  }

  async centerIds(): Promise<string[]> {
    const rows = await this.db.query<{ center_id: string }>(
      'SELECT center_id FROM centers ORDER BY center_id',
    );
    return rows.map((row) => row.center_id);
  }

  async hasCenter(centerId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM centers WHERE center_id = $1', [centerId]);
    return rows.length > 0;
  }

  /** The center's id, name and rules, as every pull page carries them; undefined if unknown. */
  async centerProfile(centerId: string): Promise<CenterProfile | undefined> {
    const [row] = await this.db.query<CenterRow>(
      'SELECT name, rules FROM centers WHERE center_id = $1',
      [centerId],
    );
    return row ? profileOf(centerId, row) : undefined;
  }

  /**
   * Creates the center if it does not exist (default name and rules), then sets what `changes`
   * gives; the rules are merged over the current ones. The caller has checked the values.
   */
  async putCenterProfile(
    centerId: string,
    changes: { name?: string; rules?: Partial<CenterRules> } = {},
  ): Promise<CenterProfile> {
    return this.db.transaction(async (tx) => {
      const center = await lockCenter(tx, centerId);
      const name = changes.name ?? center.name;
      const rules = { ...(JSON.parse(center.rules) as CenterRules), ...changes.rules };
      await tx.query('UPDATE centers SET name = $2, rules = $3 WHERE center_id = $1', [
        centerId,
        name,
        JSON.stringify(rules),
      ]);
      return { centerId, name, rules };
    });
  }

  /** Creates the center, with its default name and rules, if it does not exist. */
  async ensureCenter(centerId: string): Promise<void> {
    await insertCenter(this.db, centerId);
  }

  async cardCount(centerId: string): Promise<number> {
    const [row] = await this.db.query<{ count: number }>(
      'SELECT count(*)::bigint AS count FROM cards WHERE center_id = $1',
      [centerId],
    );
    return row?.count ?? 0;
  }

  async centerVersion(centerId: string): Promise<number> {
    const [row] = await this.db.query<{ version: number }>(
      'SELECT version FROM centers WHERE center_id = $1',
      [centerId],
    );
    if (!row) throw new RegistryInputError(`unknown center ${centerId}`);
    return row.version;
  }

  async getCard(centerId: string, cardId: string): Promise<Card | undefined> {
    const [row] = await this.db.query<{ card: string }>(
      'SELECT card FROM cards WHERE center_id = $1 AND card_id = $2',
      [centerId, cardId],
    );
    return row ? (JSON.parse(row.card) as Card) : undefined;
  }

  /**
   * Empties every center (cards and accepted events) but keeps its version counter, so a
   * tablet's cursor stays meaningful across a reset and it still pulls every new card.
   */
  async clearAll(): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Every center's counter row, as any card write takes it.
      await tx.query('SELECT 1 FROM centers ORDER BY center_id FOR UPDATE');
      await tx.query('DELETE FROM cards');
      await tx.query('DELETE FROM accepted_events');
    });
  }

  /** The ids of a center's cards (the /__mock/ controls, numbering new cards). */
  async cardIds(centerId: string): Promise<string[]> {
    const rows = await this.db.query<{ card_id: string }>(
      'SELECT card_id FROM cards WHERE center_id = $1',
      [centerId],
    );
    return rows.map((row) => row.card_id);
  }

  /** Every card of a center, ascending by version (the /__mock/ controls and tests). */
  async listCards(centerId: string): Promise<Card[]> {
    const rows = await this.db.query<{ card: string }>(
      'SELECT card FROM cards WHERE center_id = $1 ORDER BY version',
      [centerId],
    );
    return rows.map((row) => JSON.parse(row.card) as Card);
  }

  /**
   * Inserts or replaces cards in the given order, each taking the center's next version; a
   * card listed twice keeps its last. `keepUpdatedAt` keeps the cards' own timestamps
   * (deterministic seeding); otherwise now. `replace` first drops the center's other cards (a
   * test replacing an inventory; the protocol itself never deletes).
   */
  async putCards(
    centerId: string,
    cards: readonly Card[],
    options: { keepUpdatedAt?: boolean; replace?: boolean } = {},
  ): Promise<Card[]> {
    const updatedAt = this.now().toISOString();
    const stored = await this.db.transaction(async (tx) => {
      let version = (await lockCenter(tx, centerId)).version;
      if (options.replace) await tx.query('DELETE FROM cards WHERE center_id = $1', [centerId]);
      const stored = cards.map((card): Card => ({
        ...card,
        centerId,
        version: ++version,
        updatedAt: options.keepUpdatedAt ? card.updatedAt : updatedAt,
      }));
      await writeCards(tx, centerId, stored, version);
      return stored;
    });
    this.changed(stored.length);
    return stored;
  }

  /**
   * Loads an inventory manifest's cards as `ready`. A card that is handed over or revoked is
   * never overwritten (a file cannot know who received it or why it was cancelled); a card the
   * file describes exactly as it is keeps its version, so importing a file twice changes nothing.
   * A field the file has no column for keeps the card's value. Drafts must have distinct card ids.
   */
  async importManifestCards(
    centerId: string,
    drafts: readonly ManifestCardDraft[],
  ): Promise<ManifestImportCounts> {
    const updatedAt = this.now().toISOString();
    const counts = await this.db.transaction(async (tx) => {
      let version = (await lockCenter(tx, centerId)).version;
      const held = await readCards(
        tx,
        centerId,
        drafts.map((draft) => draft.cardId),
      );
      const changed: Card[] = [];
      let unchanged = 0;
      let kept = 0;
      for (const draft of drafts) {
        const previous = held.get(draft.cardId);
        if (previous && (previous.status === 'handed_over' || previous.status === 'revoked')) {
          kept++;
          continue;
        }
        const field = (value: string | null | undefined, before: string | null | undefined) =>
          value === undefined ? (before ?? null) : value;
        const next: Card = {
          cardId: draft.cardId,
          centerId,
          nationalCode: draft.nationalCode,
          firstName: draft.firstName,
          lastName: draft.lastName,
          fatherName: field(draft.fatherName, previous?.fatherName),
          birthDate: field(draft.birthDate, previous?.birthDate),
          trackingCode: field(draft.trackingCode, previous?.trackingCode),
          box: field(draft.box, previous?.box),
          status: 'ready',
          version: 0,
          updatedAt: '',
          handover: null,
        };
        if (previous && sameCardContent(previous, next)) unchanged++;
        else changed.push({ ...next, version: ++version, updatedAt });
      }
      await writeCards(tx, centerId, changed, version);
      return { imported: changed.length, unchanged, kept };
    });
    this.changed(counts.imported);
    return counts;
  }

  /** Staff at the registry mark a card lost, reissued or returned; any handover record stays. */
  async setCardStatus(
    centerId: string,
    cardId: string,
    status: CardStatus,
  ): Promise<Card | undefined> {
    return this.db.transaction(async (tx) => {
      const center = await lockCenter(tx, centerId);
      const card = (await readCards(tx, centerId, [cardId])).get(cardId);
      if (!card) return undefined;
      const next: Card = {
        ...card,
        status,
        version: center.version + 1,
        updatedAt: this.now().toISOString(),
      };
      await writeCards(tx, centerId, [next], next.version);
      return next;
    });
  }

  async acceptedEvent(centerId: string, eventId: string): Promise<ProtocolEvent | undefined> {
    const [row] = await this.db.query<{ event: string }>(
      'SELECT event FROM accepted_events WHERE center_id = $1 AND event_id = $2',
      [centerId, eventId],
    );
    return row ? (JSON.parse(row.event) as ProtocolEvent) : undefined;
  }

  /** Every event the center accepted, in acceptance order (the /__mock/ controls and tests). */
  async acceptedEvents(centerId: string): Promise<ProtocolEvent[]> {
    const rows = await this.db.query<{ event: string }>(
      'SELECT event FROM accepted_events WHERE center_id = $1 ORDER BY version',
      [centerId],
    );
    return rows.map((row) => JSON.parse(row.event) as ProtocolEvent);
  }

  /**
   * The center's accepted events whose occurredAt falls on `day` (a Jalali `YYYY-MM-DD` in
   * Asia/Tehran), in acceptance order from position `start`: a day only grows at its end, so a
   * position in it is a stable cursor. Read in one snapshot, so the count matches the page.
   */
  async acceptedOnDay(
    centerId: string,
    day: string,
    start: number,
    limit: number,
  ): Promise<DayEventsPage> {
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [counts] = await tx.query<{ total: number; devices: string[] | null }>(
        `SELECT count(*)::bigint AS total, array_agg(DISTINCT device_id) AS devices
           FROM accepted_events WHERE center_id = $1 AND day = $2`,
        [centerId, day],
      );
      const rows = await tx.query<{ event: string }>(
        `SELECT event FROM accepted_events WHERE center_id = $1 AND day = $2
          ORDER BY version OFFSET $3 LIMIT $4`,
        [centerId, day, start, limit],
      );
      return {
        items: rows.map((row) => JSON.parse(row.event) as ProtocolEvent),
        total: counts?.total ?? 0,
        deviceIds: new Set(counts?.devices ?? []),
      };
    });
  }

  /**
   * Verifies each event's signature with the enrolled key of `device` (as the request was
   * authenticated), then applies the batch in order (applyEvents). Throws DeviceChangedError if
   * the device was withdrawn or enrolled again meanwhile: nothing is applied then.
   */
  async pushEvents(
    centerId: string,
    device: StoredDevice,
    events: readonly unknown[],
  ): Promise<PushResult[]> {
    const { deviceId } = device;
    if (device.status !== 'active')
      throw new DeviceChangedError(`device ${deviceId} is not enrolled and active`, true);
    const verified = await verifySignatures(events, device, this.devices.verifyingKey(device));
    return this.applyBatch(centerId, events, { deviceId, verified }, async (tx) => {
      // In the push's transaction, the device's row held: a withdrawal waits for it to commit.
      const [row] = await tx.query<{ device: string }>(
        'SELECT device FROM devices WHERE device_id = $1 FOR SHARE',
        [deviceId],
      );
      const now = row ? (JSON.parse(row.device) as StoredDevice) : undefined;
      if (now?.status === 'active' && now.tokenDigest === device.tokenDigest) return;
      throw new DeviceChangedError(
        now?.status === 'withdrawn'
          ? `device ${deviceId} was withdrawn while its push was being checked`
          : `device ${deviceId} was enrolled again while its push was being checked; its old token is no longer valid`,
        now?.status === 'withdrawn',
      );
    });
  }

  /**
   * Applies a pushed batch in order, each event on its own; one result per event. `sender`
   * says who pushed it and whose signatures verified (pushEvents finds that out).
   */
  applyEvents(
    centerId: string,
    events: readonly unknown[],
    sender: PushSender,
  ): Promise<PushResult[]> {
    return this.applyBatch(centerId, events, sender, async () => undefined);
  }

  /** pullPage's page as the protocol's object. */
  async pullCards(
    centerId: string,
    cursor: string | null | undefined,
    limit: number = DEFAULT_PULL_LIMIT,
  ): Promise<PullResponse> {
    const { itemsJson, ...page } = await this.pullPage(centerId, cursor, limit);
    return { ...page, items: JSON.parse(`[${itemsJson}]`) as Card[] };
  }

  /**
   * Cards changed after `cursor`, oldest change first, and how many more there are after this
   * page (`remaining`), read in one snapshot; the cards as the JSON text they are kept as,
   * joined by commas, so a page of 2,000 is never parsed only to be written out again. Throws
   * RegistryInputError on a bad cursor or limit, or an unknown center.
   */
  async pullPage(
    centerId: string,
    cursor: string | null | undefined,
    limit: number = DEFAULT_PULL_LIMIT,
  ): Promise<Omit<PullResponse, 'items'> & { itemsJson: string }> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) {
      throw new RegistryInputError(`limit must be an integer from 1 to ${MAX_PULL_LIMIT}`);
    }
    const after = decodeCursor(centerId, cursor);
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [center] = await tx.query<CenterRow>(
        'SELECT name, rules, version FROM centers WHERE center_id = $1',
        [centerId],
      );
      if (!center) throw new RegistryInputError(`unknown center ${centerId}`);
      if (after > center.version)
        throw new RegistryInputError(
          'cursor is ahead of this registry: its data was replaced; pull from the beginning',
        );
      const [page] = await tx.query<{ cards: string | null; last: number | null }>(
        `SELECT string_agg(card, ',' ORDER BY version) AS cards, max(version) AS last
           FROM (SELECT card, version FROM cards WHERE center_id = $1 AND version > $2
                  ORDER BY version LIMIT $3) AS page`,
        [centerId, after, limit],
      );
      const last = page?.last ?? after;
      // Each card is held once, at its latest version: what lies past this page is exactly the
      // cards changed after it (decision 005).
      const [more] = await tx.query<{ remaining: number }>(
        'SELECT count(*)::bigint AS remaining FROM cards WHERE center_id = $1 AND version > $2',
        [centerId, last],
      );
      const remaining = more?.remaining ?? 0;
      return {
        center: profileOf(centerId, center),
        itemsJson: page?.cards ?? '',
        cursor: encodeCursor(centerId, last),
        hasMore: remaining > 0,
        remaining,
      };
    });
  }

  /**
   * One push in one transaction: the center's counter row locked first, then the batch's cards
   * (FOR UPDATE, in card-id order, so two pushes never wait on each other in a circle), what
   * the batch names read once, each event judged in order against what the events before it
   * did, and every change written before the commit.
   */
  private async applyBatch(
    centerId: string,
    events: readonly unknown[],
    sender: PushSender,
    checkSender: (tx: SqlQueryable) => Promise<void>,
  ): Promise<PushResult[]> {
    const now = this.now();
    let acceptedCount = 0;
    const results = await this.db.transaction(async (tx) => {
      await checkSender(tx);
      const [center] = await tx.query<CenterRow>(
        'SELECT name, rules, version FROM centers WHERE center_id = $1 FOR UPDATE',
        [centerId],
      );
      if (!center) throw new RegistryInputError(`unknown center ${centerId}`);
      const named = namedIn(events);
      const cards = await readCards(tx, centerId, [...named.cardIds].sort(), 'FOR UPDATE');
      const eventRows = await tx.query<{ event_id: string; event: string }>(
        'SELECT event_id, event FROM accepted_events WHERE center_id = $1 AND event_id = ANY($2::text[])',
        [centerId, [...named.eventIds]],
      );
      const accepted = new Map(
        eventRows.map((row) => [row.event_id, JSON.parse(row.event) as ProtocolEvent]),
      );
      const staff = await this.staff.membersNamed(tx, centerId, [...named.staffIds]);
      const batch = new PushBatch(
        centerId,
        JSON.parse(center.rules) as CenterRules,
        center.version,
        now,
        cards,
        accepted,
        staff,
      );
      const results = events.map((raw, index) =>
        batch.apply(raw, sender.deviceId, sender.verified[index] === true),
      );
      if (batch.acceptedNow.length > 0) {
        await writeCards(tx, centerId, [...batch.changedCards.values()], batch.version);
        const inserted = await tx.query(
          `INSERT INTO accepted_events (center_id, event_id, version, day, device_id, event)
           SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
           ON CONFLICT (center_id, event_id) DO NOTHING RETURNING event_id`,
          [
            centerId,
            batch.acceptedNow.map(({ event }) => event.eventId),
            batch.acceptedNow.map(({ version }) => version),
            batch.acceptedNow.map(({ event }) => dayOf(event)),
            batch.acceptedNow.map(({ event }) => event.deviceId),
            batch.acceptedNow.map(({ event }) => JSON.stringify(event)),
          ],
        );
        // The counter row is held, so no other push of the center can have kept one meanwhile.
        if (inserted.length !== batch.acceptedNow.length)
          throw new Error('an accepted event id was kept by another push of the same center');
      }
      acceptedCount = batch.acceptedNow.length;
      return results;
    });
    // A card and an event row each.
    this.changed(acceptedCount * 2);
    return results;
  }
}

function profileOf(centerId: string, row: Pick<CenterRow, 'name' | 'rules'>): CenterProfile {
  return { centerId, name: row.name, rules: JSON.parse(row.rules) as CenterRules };
}

async function insertCenter(db: SqlQueryable, centerId: string): Promise<void> {
  await db.query(
    'INSERT INTO centers (center_id, name, rules) VALUES ($1, $2, $3) ON CONFLICT (center_id) DO NOTHING',
    [centerId, defaultCenterName(centerId), JSON.stringify(DEFAULT_CENTER_RULES)],
  );
}

/** The center's row, created with its defaults when absent, locked until the transaction ends. */
async function lockCenter(tx: SqlQueryable, centerId: string): Promise<CenterRow> {
  await insertCenter(tx, centerId);
  const [row] = await tx.query<CenterRow>(
    'SELECT name, rules, version FROM centers WHERE center_id = $1 FOR UPDATE',
    [centerId],
  );
  return row!;
}

/** The center's cards among `cardIds`, by id; `lock` holds them until the transaction ends. */
async function readCards(
  tx: SqlQueryable,
  centerId: string,
  cardIds: readonly string[],
  lock: '' | 'FOR UPDATE' = '',
): Promise<Map<string, Card>> {
  const cards = new Map<string, Card>();
  for (let start = 0; start < cardIds.length; start += ROWS_PER_STATEMENT) {
    const rows = await tx.query<{ card: string }>(
      `SELECT card FROM cards WHERE center_id = $1 AND card_id = ANY($2::text[])
        ORDER BY card_id ${lock}`,
      [centerId, cardIds.slice(start, start + ROWS_PER_STATEMENT)],
    );
    for (const row of rows) {
      const card = JSON.parse(row.card) as Card;
      cards.set(card.cardId, card);
    }
  }
  return cards;
}

/**
 * Writes cards that took versions up to `version` (the caller holds the center's row) and
 * moves the counter there. A card given twice keeps its last: one statement may not write a
 * row twice.
 */
async function writeCards(
  tx: SqlQueryable,
  centerId: string,
  cards: readonly Card[],
  version: number,
): Promise<void> {
  if (cards.length === 0) return;
  const last = [...new Map(cards.map((card) => [card.cardId, card])).values()];
  for (let start = 0; start < last.length; start += ROWS_PER_STATEMENT) {
    const slice = last.slice(start, start + ROWS_PER_STATEMENT);
    await tx.query(
      `INSERT INTO cards (center_id, card_id, version, status, card)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[])
       ON CONFLICT (center_id, card_id) DO UPDATE
         SET version = excluded.version, status = excluded.status, card = excluded.card`,
      [
        centerId,
        slice.map((card) => card.cardId),
        slice.map((card) => card.version),
        slice.map((card) => card.status),
        slice.map((card) => JSON.stringify(card)),
      ],
    );
  }
  await tx.query('UPDATE centers SET version = $2 WHERE center_id = $1', [centerId, version]);
}

/** The card, event and staff ids a pushed batch names, to read each once. */
function namedIn(events: readonly unknown[]): {
  cardIds: Set<string>;
  eventIds: Set<string>;
  staffIds: Set<string>;
} {
  const cardIds = new Set<string>();
  const eventIds = new Set<string>();
  const staffIds = new Set<string>();
  const add = (into: Set<string>, value: unknown) => {
    if (typeof value === 'string') into.add(value);
  };
  for (const raw of events) {
    if (!isRecord(raw)) continue;
    add(cardIds, raw.cardId);
    add(eventIds, raw.eventId);
    add(eventIds, raw.handoverEventId);
    add(staffIds, raw.staffId);
    add(staffIds, raw.approvedBy);
  }
  return { cardIds, eventIds, staffIds };
}

function dayOf(event: ProtocolEvent): string {
  return jalaliDayKey(new Date(Date.parse(event.occurredAt)), DAY_FEED_TIME_ZONE);
}

/**
 * One push's events judged in order over what the batch names, as read at its start: an event
 * sees what the events before it in the batch did. Writes nothing; the store writes
 * `changedCards` and `acceptedNow` when the batch is judged.
 */
class PushBatch {
  readonly changedCards = new Map<string, Card>();
  readonly acceptedNow: Array<{ event: ProtocolEvent; version: number }> = [];

  constructor(
    private readonly centerId: string,
    private readonly rules: CenterRules,
    /** The center's counter: the last version taken. */
    public version: number,
    private readonly now: Date,
    private readonly cards: Map<string, Card>,
    private readonly accepted: Map<string, ProtocolEvent>,
    private readonly staff: Map<string, StoredStaffMember>,
  ) {}

  apply(raw: unknown, senderId: string, signatureVerified: boolean): PushResult {
    const eventId = isRecord(raw) && typeof raw.eventId === 'string' ? raw.eventId : '';
    const prior =
      eventId === '' ? undefined : this.priorEvent(raw as Record<string, unknown>, eventId);
    if (prior) {
      const card = this.cards.get(prior.cardId);
      // A replay is the very event sent again, signature and all (key order aside); anything
      // else under its id is refused, never answered as if it had been kept.
      return isDeepStrictEqual(raw, prior)
        ? withCard(refusal(eventId, 'duplicate', 'already-accepted', 'already accepted'), card)
        : withCard(refusal(eventId, 'rejected', 'event-id-reused', REUSED_EVENT_ID), card);
    }

    const parsed = parseEvent(raw);
    if (!parsed.ok) return refusal(eventId, 'rejected', parsed.code, parsed.reason);
    const event = parsed.event;
    if (event.deviceId !== senderId)
      return refusal(
        eventId,
        'rejected',
        'wrong-device',
        `the event names device ${event.deviceId}, but device ${senderId} sent it: a device pushes only its own events`,
      );
    if (!signatureVerified)
      return refusal(
        eventId,
        'rejected',
        'bad-signature',
        `the signature is not device ${senderId}'s over this event`,
      );
    const wrongTime = implausibleTime(event, this.now);
    if (wrongTime) return refusal(eventId, 'rejected', 'implausible-time', wrongTime);
    const card = this.cards.get(event.cardId);
    const staffProblem = this.staffRefusal(event);
    if (staffProblem) return withCard(staffProblem, card);
    if (!card) return refusal(eventId, 'rejected', 'unknown-card', `unknown card ${event.cardId}`);
    return event.type === 'handover'
      ? this.applyHandover(card, event)
      : this.applyVoid(card, event);
  }

  /**
   * The event accepted under `eventId`, or the handover a card loaded through /__mock/ carries
   * under it (admin-loaded, never verified, but its id is taken all the same).
   */
  private priorEvent(raw: Record<string, unknown>, eventId: string): ProtocolEvent | undefined {
    const accepted = this.accepted.get(eventId);
    if (accepted) return accepted;
    const loaded =
      typeof raw.cardId === 'string' ? this.cards.get(raw.cardId)?.handover : undefined;
    return loaded?.eventId === eventId ? loaded : undefined;
  }

  private replaceCard(changes: Card): Card {
    const next: Card = {
      ...changes,
      version: ++this.version,
      updatedAt: this.now.toISOString(),
    };
    this.cards.set(next.cardId, next);
    this.changedCards.set(next.cardId, next);
    return next;
  }

  private accept(event: ProtocolEvent): void {
    this.accepted.set(event.eventId, event);
    this.acceptedNow.push({ event, version: this.version });
  }

  private applyHandover(card: Card, event: HandoverEvent): PushResult {
    const { eventId } = event;
    if (event.recipient.kind === 'holder' && event.recipient.nationalCode !== card.nationalCode) {
      return withCard(
        refusal(
          eventId,
          'rejected',
          'recipient-mismatch',
          "recipient national code does not match the card holder's",
        ),
        card,
      );
    }
    if (event.recipient.kind === 'proxy' && !this.rules.proxyPickupAllowed) {
      return withCard(
        refusal(
          eventId,
          'rejected',
          'proxy-not-allowed',
          `center ${this.centerId} does not allow handing a card to a proxy`,
        ),
        card,
      );
    }
    if (card.status !== 'ready') {
      const { code, reason } = notReady(card);
      return withCard(refusal(eventId, 'conflict', code, reason), card);
    }
    const next = this.replaceCard({ ...card, status: 'handed_over', handover: event });
    this.accept(event);
    return { eventId, status: 'accepted', card: next };
  }

  /**
   * Step 6 (2.1): `staffId` and `approvedBy` on the center's roster, neither deactivated at or
   * before the event, an approver a supervisor.
   */
  private staffRefusal(event: ProtocolEvent): PushResult | undefined {
    const { eventId } = event;
    const approvedBy = event.type === 'handover_void' ? event.approvedBy : undefined;
    const people: Array<[what: string, staffId: string]> = [['staffId', event.staffId]];
    if (approvedBy !== undefined) people.push(['approvedBy', approvedBy]);
    const members: StoredStaffMember[] = [];
    for (const [what, staffId] of people) {
      const member = this.staff.get(staffId);
      if (!member)
        return refusal(
          eventId,
          'rejected',
          'unknown-staff',
          `${what} ${staffId} is not on center ${this.centerId}'s roster`,
        );
      members.push(member);
    }
    const at = Date.parse(event.occurredAt);
    for (const [index, member] of members.entries()) {
      if (member.deactivatedAt !== null && Date.parse(member.deactivatedAt) <= at)
        return refusal(
          eventId,
          'rejected',
          'staff-inactive',
          `${people[index]![0]} ${member.staffId} was deactivated on ${member.deactivatedAt}, before this event (${event.occurredAt})`,
        );
    }
    const approver = members[1];
    if (approver && approver.role !== 'supervisor')
      return refusal(
        eventId,
        'rejected',
        'staff-role',
        `approvedBy ${approver.staffId} is a ${approver.role}, not a supervisor: only a supervisor approves a void`,
      );
    return undefined;
  }

  private applyVoid(card: Card, event: HandoverVoidEvent): PushResult {
    const { eventId, handoverEventId } = event;
    const onCard = card.handover?.eventId === handoverEventId;
    const accepted = this.accepted.get(handoverEventId);
    const handover =
      onCard && card.handover
        ? card.handover
        : accepted?.type === 'handover' && accepted.cardId === card.cardId
          ? accepted
          : undefined;
    if (!handover) {
      return withCard(
        refusal(
          eventId,
          'rejected',
          'unknown-handover',
          `handover ${handoverEventId} was never accepted for card ${card.cardId}`,
        ),
        card,
      );
    }
    const roleProblem = this.voidRoleRefusal(event, handover);
    if (roleProblem) return withCard(roleProblem, card);
    if (card.status === 'handed_over' && onCard) {
      const next = this.replaceCard({ ...card, status: 'ready', handover: null });
      this.accept(event);
      return { eventId, status: 'accepted', card: next };
    }
    let code: PushReasonCode;
    let reason: string;
    if (card.status === 'ready' && onCard) {
      // Registry staff put the card back on the shelf; the handover it names was never voided.
      code = 'card-ready';
      reason = 'the registry has put the card back to ready';
    } else if (card.status === 'ready') {
      code = 'already-voided';
      reason = 'the handover was already voided';
    } else if (card.status === 'handed_over') {
      code = 'already-handed-over';
      reason = `the card is now handed over by event ${card.handover?.eventId ?? '(unknown)'}`;
    } else ({ code, reason } = notReady(card));
    return withCard(refusal(eventId, 'conflict', code, reason), card);
  }

  /**
   * Step 9 (2.1): a void needs a supervisor (the voider, or the approver step 6 checked is one)
   * unless it takes back the voider's own handover on the Tehran day it was recorded.
   */
  private voidRoleRefusal(
    event: HandoverVoidEvent,
    handover: HandoverEvent,
  ): PushResult | undefined {
    const ownToday =
      handover.staffId === event.staffId &&
      tehranDay(handover.occurredAt) === tehranDay(event.occurredAt);
    if (ownToday || event.approvedBy !== undefined) return undefined;
    if (this.staff.get(event.staffId)?.role === 'supervisor') return undefined;
    return refusal(
      event.eventId,
      'rejected',
      'staff-role',
      handover.staffId === event.staffId
        ? `clerk ${event.staffId} may void their own handover only on the day it was recorded; an earlier one needs a supervisor`
        : `clerk ${event.staffId} may not void ${handover.staffId}'s handover without a supervisor's approval`,
    );
  }
}

/** The centers' zone (docs/protocol.md, "Who may do what"): a clerk's "today" is its day. */
const TEHRAN_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Tehran',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in Asia/Tehran of an `occurredAt` (which parseEvent has checked). */
export function tehranDay(occurredAt: string): string {
  return TEHRAN_DAY.format(new Date(Date.parse(occurredAt)));
}

/** A result other than `accepted`: always a code for programs and a reason for people. */
function refusal(
  eventId: string,
  status: Exclude<PushResult['status'], 'accepted'>,
  code: PushReasonCode,
  reason: string,
): PushResult {
  return { eventId, status, code, reason };
}

/**
 * verified[i]: event i carries a signature by `device`'s key over its canonical form. All at
 * once: WebCrypto verifies off the main thread, so a 500-event push does not take 500 turns.
 */
async function verifySignatures(
  events: readonly unknown[],
  device: StoredDevice,
  key: Promise<CryptoKey>,
): Promise<boolean[]> {
  const publicKey = await key;
  return Promise.all(
    events.map((raw) =>
      isRecord(raw) && raw.deviceId === device.deviceId && typeof raw.signature === 'string'
        ? verifyEventSignature(raw, publicKey).catch(() => false)
        : false,
    ),
  );
}

const CARD_CONTENT_FIELDS = [
  'nationalCode',
  'firstName',
  'lastName',
  'fatherName',
  'birthDate',
  'trackingCode',
  'box',
  'status',
] as const;

/** Same holder data and status; version, timestamp and handover are the registry's, not the file's. */
function sameCardContent(a: Card, b: Card): boolean {
  return CARD_CONTENT_FIELDS.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

function notReady(card: Card): { code: PushReasonCode; reason: string } {
  switch (card.status) {
    case 'handed_over':
      return {
        code: 'already-handed-over',
        reason: `already handed over by event ${card.handover?.eventId ?? '(unknown)'}`,
      };
    case 'revoked':
      return { code: 'card-revoked', reason: 'the card is revoked and must not be handed over' };
    case 'returned':
      return { code: 'card-returned', reason: 'the card was returned to the registry unclaimed' };
    case 'ready':
      return { code: 'card-ready', reason: 'the card is ready' };
  }
}

function withCard(result: PushResult, card: Card | undefined): PushResult {
  return card ? { ...result, card } : result;
}
