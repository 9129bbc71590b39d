// The mock registry's state and the protocol's rules over it, with no I/O (see
// docs/protocol.md). Must stay true: every change to a card takes the next value of
// its center's version counter, so pulls ordered by version never miss a change; an accepted
// eventId is remembered forever, so a replay answers `duplicate` and changes nothing; an event
// is accepted only from the device it names, with that device's valid signature, and is kept
// exactly as signed; from 2.1 an event is accepted only when its staff (and approver) are on the
// center's roster and allowed to do it (docs/protocol.md, "Who may do what").
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
import type { DeviceChanges, StoredDevice } from './device-registry.ts';
import { DeviceRegistry } from './device-registry.ts';
import { implausibleTime, parseEvent } from './event-validation.ts';
import { isRecord } from './json-body.ts';
import type { StaffChanges, StoredStaffMember } from './staff-roster.ts';
import { StaffRoster } from './staff-roster.ts';

const REUSED_EVENT_ID = 'eventId was already used by a different event';

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

/** One center as persisted: cards in version order, accepted events in acceptance order. */
export interface CenterSnapshot {
  centerId: string;
  name: string;
  rules: CenterRules;
  version: number;
  cards: readonly Card[];
  events: readonly ProtocolEvent[];
}

/** Changes since the persister last asked; `cleared` means only a full snapshot will do. */
export interface ChangeSet extends DeviceChanges, StaffChanges {
  cleared: boolean;
  centers: CenterSnapshot[];
}

interface ChangeTracking {
  cleared: boolean;
  centers: Map<string, { cards: Map<string, Card>; events: ProtocolEvent[] }>;
}

interface CenterState {
  centerId: string;
  name: string;
  rules: CenterRules;
  version: number;
  cards: Map<string, Card>;
  /** Every card once, ascending by version: a pull is a binary search and a slice. */
  byVersion: Card[];
  accepted: Map<string, ProtocolEvent>;
  log: ProtocolEvent[];
  /** The log split by the Tehran (Jalali) day of each event's occurredAt: the day feed's index. */
  byDay: Map<string, ProtocolEvent[]>;
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

export interface RegistryStateOptions {
  /** Clock for `updatedAt`; injectable so tests can pin it. */
  now?: () => Date;
}

export class RegistryState {
  private readonly centers = new Map<string, CenterState>();
  private readonly now: () => Date;
  /** Enrolled devices and enrolment codes; their changes move `revision` too. */
  readonly devices: DeviceRegistry;
  /** The centers' rosters (2.1); their changes move `revision` too. */
  readonly staff: StaffRoster;
  /** Bumped on every change; persistence compares it with what it last wrote. */
  revision = 0;
  private tracking: ChangeTracking | null = null;

  constructor(options: RegistryStateOptions = {}) {
    const now = options.now ?? (() => new Date());
    this.now = now;
    this.devices = new DeviceRegistry(now, () => this.revision++);
    this.staff = new StaffRoster(now, () => this.revision++);
  }

  /**
   * Replays a stored center over the state: profile and version counter as stored, cards
   * replaced by cardId keeping their stored versions, events added unless already known.
   * Loading a snapshot and then the journal written after it must give the state as it was.
   */
  mergeCenter(snapshot: CenterSnapshot): void {
    let center = this.centers.get(snapshot.centerId);
    if (!center) center = this.createCenter(snapshot.centerId);
    center.name = snapshot.name;
    center.rules = { ...snapshot.rules };
    center.version = Math.max(center.version, snapshot.version);
    for (const event of snapshot.events) {
      if (center.accepted.has(event.eventId)) continue;
      center.accepted.set(event.eventId, event);
      center.log.push(event);
      appendToDay(center, event);
    }
    if (snapshot.cards.length > 0) {
      const replaced = new Set<Card>();
      for (const card of snapshot.cards) {
        const previous = center.cards.get(card.cardId);
        if (previous) replaced.add(previous);
        center.cards.set(card.cardId, card);
      }
      if (replaced.size > 0)
        center.byVersion = center.byVersion.filter((card) => !replaced.has(card));
      let sorted = true;
      for (const card of snapshot.cards) {
        if (center.cards.get(card.cardId) !== card) continue;
        const last = center.byVersion[center.byVersion.length - 1];
        if (last && last.version >= card.version) sorted = false;
        center.byVersion.push(card);
      }
      if (!sorted) center.byVersion.sort((a, b) => a.version - b.version);
    }
    this.revision++;
  }

  /** Live views of the state for the persistence layer to serialize at once; do not mutate. */
  snapshot(): CenterSnapshot[] {
    return [...this.centers.values()].map((center) => ({
      centerId: center.centerId,
      name: center.name,
      rules: center.rules,
      version: center.version,
      cards: center.byVersion,
      events: center.log,
    }));
  }

  /** From now on, remember what changes, for takeChanges(); the persister turns this on. */
  trackChanges(): void {
    this.tracking ??= { cleared: false, centers: new Map() };
  }

  /**
   * What changed since the last call: per center its profile, counter, changed cards and
   * accepted events; every device, enrolment code and staff member changed.
   */
  takeChanges(): ChangeSet {
    const tracking = this.tracking;
    if (!tracking) throw new Error('change tracking is off');
    this.tracking = { cleared: false, centers: new Map() };
    const centers: CenterSnapshot[] = [];
    for (const [centerId, changed] of tracking.centers) {
      const center = this.centers.get(centerId);
      if (!center) continue;
      centers.push({
        centerId,
        name: center.name,
        rules: center.rules,
        version: center.version,
        cards: [...changed.cards.values()],
        events: changed.events,
      });
    }
    return {
      cleared: tracking.cleared,
      centers,
      ...this.devices.takeChanges(),
      ...this.staff.takeChanges(),
    };
  }

  centerIds(): string[] {
    return [...this.centers.keys()];
  }

  hasCenter(centerId: string): boolean {
    return this.centers.has(centerId);
  }

  /** The center's id, name and rules, as every pull page carries them; undefined if unknown. */
  centerProfile(centerId: string): CenterProfile | undefined {
    const center = this.centers.get(centerId);
    if (!center) return undefined;
    return { centerId, name: center.name, rules: { ...center.rules } };
  }

  /**
   * Creates the center if it does not exist (default name and rules), then sets what `changes`
   * gives; the rules are merged over the current ones. The caller has checked the values.
   */
  putCenterProfile(
    centerId: string,
    changes: { name?: string; rules?: Partial<CenterRules> } = {},
  ): CenterProfile {
    this.ensureCenter(centerId);
    const center = this.center(centerId);
    const name = changes.name ?? center.name;
    const rules = { ...center.rules, ...changes.rules };
    if (name !== center.name || !isDeepStrictEqual(rules, center.rules)) {
      center.name = name;
      center.rules = rules;
      this.touch(center);
      this.revision++;
    }
    return this.centerProfile(centerId) as CenterProfile;
  }

  cardCount(centerId: string): number {
    return this.centers.get(centerId)?.cards.size ?? 0;
  }

  centerVersion(centerId: string): number {
    return this.center(centerId).version;
  }

  getCard(centerId: string, cardId: string): Card | undefined {
    return this.centers.get(centerId)?.cards.get(cardId);
  }

  /** Creates the center, with its default name and rules, if it does not exist. */
  ensureCenter(centerId: string): void {
    if (this.centers.has(centerId)) return;
    this.touch(this.createCenter(centerId));
    this.revision++;
  }

  /**
   * Empties every center (cards and accepted events) but keeps its version counter, so a
   * tablet's cursor stays meaningful across a reset and it still pulls every new card.
   */
  clearAll(): void {
    for (const center of this.centers.values()) {
      center.cards.clear();
      center.byVersion = [];
      center.accepted.clear();
      center.log = [];
      center.byDay = new Map();
    }
    if (this.tracking) this.tracking.cleared = true;
    this.revision++;
  }

  /** Drops a center's cards (a test replacing an inventory); the protocol itself never deletes. */
  removeAllCards(centerId: string): void {
    const center = this.center(centerId);
    center.cards.clear();
    center.byVersion = [];
    // The journal only records upserts: a removal needs a full snapshot.
    if (this.tracking) this.tracking.cleared = true;
    this.revision++;
  }

  /** Every card of a center, ascending by version; a live view, do not mutate. */
  listCards(centerId: string): readonly Card[] {
    return this.center(centerId).byVersion;
  }

  /**
   * Inserts or replaces cards in the given order, each taking the center's next version.
   * `keepUpdatedAt` keeps the cards' own timestamps (deterministic seeding); otherwise now.
   */
  putCards(
    centerId: string,
    cards: readonly Card[],
    options: { keepUpdatedAt?: boolean } = {},
  ): Card[] {
    const center = this.center(centerId);
    const updatedAt = this.now().toISOString();
    const replacedVersions = new Set<number>();
    const stored: Card[] = [];
    for (const card of cards) {
      const previous = center.cards.get(card.cardId);
      if (previous) replacedVersions.add(previous.version);
      const next: Card = {
        ...card,
        centerId,
        version: ++center.version,
        updatedAt: options.keepUpdatedAt ? card.updatedAt : updatedAt,
      };
      center.cards.set(next.cardId, next);
      stored.push(next);
    }
    // One pass instead of a splice per card: loading 100k cards over existing ones stays linear.
    if (replacedVersions.size > 0)
      center.byVersion = center.byVersion.filter((card) => !replacedVersions.has(card.version));
    // A card listed twice in one load keeps only its last version in the index.
    for (const card of stored) {
      if (center.cards.get(card.cardId) !== card) continue;
      center.byVersion.push(card);
      this.touch(center)?.cards.set(card.cardId, card);
    }
    this.revision++;
    return stored;
  }

  /**
   * Loads an inventory manifest's cards as `ready`. A card that is handed over or revoked is
   * never overwritten (a file cannot know who received it or why it was cancelled); a card the
   * file describes exactly as it is keeps its version, so importing a file twice changes nothing.
   * A field the file has no column for keeps the card's value. Drafts must have distinct card ids.
   */
  importManifestCards(
    centerId: string,
    drafts: readonly ManifestCardDraft[],
  ): ManifestImportCounts {
    const center = this.center(centerId);
    const changed: Card[] = [];
    let unchanged = 0;
    let kept = 0;
    for (const draft of drafts) {
      const previous = center.cards.get(draft.cardId);
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
      else changed.push(next);
    }
    if (changed.length > 0) this.putCards(centerId, changed);
    return { imported: changed.length, unchanged, kept };
  }

  /** Staff at the registry mark a card lost, reissued or returned; any handover record stays. */
  setCardStatus(centerId: string, cardId: string, status: CardStatus): Card | undefined {
    const center = this.center(centerId);
    const card = center.cards.get(cardId);
    if (!card) return undefined;
    return this.replaceCard(center, card, { ...card, status });
  }

  acceptedEvent(centerId: string, eventId: string): ProtocolEvent | undefined {
    return this.centers.get(centerId)?.accepted.get(eventId);
  }

  acceptedEvents(centerId: string): readonly ProtocolEvent[] {
    return this.center(centerId).log;
  }

  /**
   * The center's accepted events whose occurredAt falls on `day` (a Jalali `YYYY-MM-DD` in
   * Asia/Tehran), in acceptance order; append-only, so a position in it is a stable cursor.
   */
  acceptedOnDay(centerId: string, day: string): readonly ProtocolEvent[] {
    return this.center(centerId).byDay.get(day) ?? [];
  }

  /**
   * Verifies each event's signature with the enrolled key of `deviceId`, then applies the batch
   * in order (applyEvents). Throws DeviceChangedError if the device was withdrawn or enrolled
   * again meanwhile: nothing is applied then.
   */
  async pushEvents(
    centerId: string,
    deviceId: string,
    events: readonly unknown[],
  ): Promise<PushResult[]> {
    const device = this.devices.device(deviceId);
    if (!device || device.status !== 'active')
      throw new DeviceChangedError(`device ${deviceId} is not enrolled and active`, true);
    const verified = await verifySignatures(events, device, this.devices.verifyingKey(device));
    const now = this.devices.device(deviceId);
    if (now !== device)
      throw new DeviceChangedError(
        now?.status === 'withdrawn'
          ? `device ${deviceId} was withdrawn while its push was being checked`
          : `device ${deviceId} was enrolled again while its push was being checked; its old token is no longer valid`,
        now?.status === 'withdrawn',
      );
    return this.applyEvents(centerId, events, { deviceId, verified });
  }

  /**
   * Applies a pushed batch in order, each event on its own; one result per event. `sender`
   * says who pushed it and whose signatures verified (pushEvents finds that out).
   */
  applyEvents(centerId: string, events: readonly unknown[], sender: PushSender): PushResult[] {
    const center = this.center(centerId);
    return events.map((raw, index) =>
      this.applyOne(center, raw, sender.deviceId, sender.verified[index] === true),
    );
  }

  /**
   * Cards changed after `cursor`, oldest change first, and how many more there are after this
   * page (`remaining`). Throws RegistryInputError on a bad cursor or limit.
   */
  pullCards(
    centerId: string,
    cursor: string | null | undefined,
    limit: number = DEFAULT_PULL_LIMIT,
  ): PullResponse {
    const center = this.center(centerId);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) {
      throw new RegistryInputError(`limit must be an integer from 1 to ${MAX_PULL_LIMIT}`);
    }
    const after = decodeCursor(centerId, cursor);
    if (after > center.version) {
      throw new RegistryInputError(
        'cursor is ahead of this registry: its data was replaced; pull from the beginning',
      );
    }
    const start = firstIndexAfter(center.byVersion, after);
    const items = center.byVersion.slice(start, start + limit);
    const last = items[items.length - 1];
    // byVersion holds each card once, at its latest version: what lies past this page is exactly
    // the cards changed after it (decision 005), so the count is a subtraction.
    const remaining = center.byVersion.length - (start + items.length);
    return {
      center: this.centerProfile(centerId) as CenterProfile,
      items,
      cursor: encodeCursor(centerId, last ? last.version : after),
      hasMore: remaining > 0,
      remaining,
    };
  }

  private center(centerId: string): CenterState {
    const center = this.centers.get(centerId);
    if (!center) throw new RegistryInputError(`unknown center ${centerId}`);
    return center;
  }

  private createCenter(centerId: string): CenterState {
    const center: CenterState = {
      centerId,
      name: defaultCenterName(centerId),
      rules: { ...DEFAULT_CENTER_RULES },
      version: 0,
      cards: new Map(),
      byVersion: [],
      accepted: new Map(),
      log: [],
      byDay: new Map(),
    };
    this.centers.set(centerId, center);
    return center;
  }

  private replaceCard(center: CenterState, previous: Card, changes: Card): Card {
    const next: Card = {
      ...changes,
      version: ++center.version,
      updatedAt: this.now().toISOString(),
    };
    const index = firstIndexAfter(center.byVersion, previous.version - 1);
    if (center.byVersion[index] === previous) center.byVersion.splice(index, 1);
    else center.byVersion = center.byVersion.filter((card) => card !== previous);
    center.byVersion.push(next);
    center.cards.set(next.cardId, next);
    this.touch(center)?.cards.set(next.cardId, next);
    this.revision++;
    return next;
  }

  private accept(center: CenterState, event: ProtocolEvent): void {
    center.accepted.set(event.eventId, event);
    center.log.push(event);
    appendToDay(center, event);
    this.touch(center)?.events.push(event);
    this.revision++;
  }

  private touch(
    center: CenterState,
  ): { cards: Map<string, Card>; events: ProtocolEvent[] } | undefined {
    if (!this.tracking) return undefined;
    let changed = this.tracking.centers.get(center.centerId);
    if (!changed) {
      changed = { cards: new Map(), events: [] };
      this.tracking.centers.set(center.centerId, changed);
    }
    return changed;
  }

  private applyOne(
    center: CenterState,
    raw: unknown,
    senderId: string,
    signatureVerified: boolean,
  ): PushResult {
    const eventId = isRecord(raw) && typeof raw.eventId === 'string' ? raw.eventId : '';
    const prior =
      eventId === '' ? undefined : this.priorEvent(center, raw as Record<string, unknown>, eventId);
    if (prior) {
      const card = center.cards.get(prior.cardId);
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
    const wrongTime = implausibleTime(event, this.now());
    if (wrongTime) return refusal(eventId, 'rejected', 'implausible-time', wrongTime);
    const card = center.cards.get(event.cardId);
    const staffProblem = this.staffRefusal(center.centerId, event);
    if (staffProblem) return withCard(staffProblem, card);
    if (!card) return refusal(eventId, 'rejected', 'unknown-card', `unknown card ${event.cardId}`);
    return event.type === 'handover'
      ? this.applyHandover(center, card, event)
      : this.applyVoid(center, card, event);
  }

  /**
   * The event accepted under `eventId`, or the handover a card loaded through /__mock/ carries
   * under it (admin-loaded, never verified, but its id is taken all the same).
   */
  private priorEvent(
    center: CenterState,
    raw: Record<string, unknown>,
    eventId: string,
  ): ProtocolEvent | undefined {
    const accepted = center.accepted.get(eventId);
    if (accepted) return accepted;
    const loaded =
      typeof raw.cardId === 'string' ? center.cards.get(raw.cardId)?.handover : undefined;
    return loaded?.eventId === eventId ? loaded : undefined;
  }

  private applyHandover(center: CenterState, card: Card, event: HandoverEvent): PushResult {
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
    if (event.recipient.kind === 'proxy' && !center.rules.proxyPickupAllowed) {
      return withCard(
        refusal(
          eventId,
          'rejected',
          'proxy-not-allowed',
          `center ${center.centerId} does not allow handing a card to a proxy`,
        ),
        card,
      );
    }
    if (card.status !== 'ready') {
      const { code, reason } = notReady(card);
      return withCard(refusal(eventId, 'conflict', code, reason), card);
    }
    const next = this.replaceCard(center, card, {
      ...card,
      status: 'handed_over',
      handover: event,
    });
    this.accept(center, event);
    return { eventId, status: 'accepted', card: next };
  }

  /**
   * Step 6 (2.1): `staffId` and `approvedBy` on the center's roster, neither deactivated at or
   * before the event, an approver a supervisor. Map reads only: a 500-event push stays quick.
   */
  private staffRefusal(centerId: string, event: ProtocolEvent): PushResult | undefined {
    const { eventId } = event;
    const approvedBy = event.type === 'handover_void' ? event.approvedBy : undefined;
    const people: Array<[what: string, staffId: string]> = [['staffId', event.staffId]];
    if (approvedBy !== undefined) people.push(['approvedBy', approvedBy]);
    const members: StoredStaffMember[] = [];
    for (const [what, staffId] of people) {
      const member = this.staff.member(centerId, staffId);
      if (!member)
        return refusal(
          eventId,
          'rejected',
          'unknown-staff',
          `${what} ${staffId} is not on center ${centerId}'s roster`,
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

  private applyVoid(center: CenterState, card: Card, event: HandoverVoidEvent): PushResult {
    const { eventId, handoverEventId } = event;
    const onCard = card.handover?.eventId === handoverEventId;
    const accepted = center.accepted.get(handoverEventId);
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
    const roleProblem = this.voidRoleRefusal(center.centerId, event, handover);
    if (roleProblem) return withCard(roleProblem, card);
    if (card.status === 'handed_over' && onCard) {
      const next = this.replaceCard(center, card, { ...card, status: 'ready', handover: null });
      this.accept(center, event);
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
    centerId: string,
    event: HandoverVoidEvent,
    handover: HandoverEvent,
  ): PushResult | undefined {
    const ownToday =
      handover.staffId === event.staffId &&
      tehranDay(handover.occurredAt) === tehranDay(event.occurredAt);
    if (ownToday || event.approvedBy !== undefined) return undefined;
    if (this.staff.member(centerId, event.staffId)?.role === 'supervisor') return undefined;
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

function appendToDay(center: CenterState, event: ProtocolEvent): void {
  const day = jalaliDayKey(new Date(Date.parse(event.occurredAt)), DAY_FEED_TIME_ZONE);
  let events = center.byDay.get(day);
  if (!events) {
    events = [];
    center.byDay.set(day, events);
  }
  events.push(event);
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

/** Index of the first card whose version is greater than `version`. */
function firstIndexAfter(byVersion: readonly Card[], version: number): number {
  let low = 0;
  let high = byVersion.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((byVersion[mid] as Card).version <= version) low = mid + 1;
    else high = mid;
  }
  return low;
}
