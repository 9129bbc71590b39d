// The mock registry's state and the protocol's rules over it, with no I/O (see
// docs/protocol.md). Must stay true: every change to a card takes the next value of
// its center's version counter, so pulls ordered by version never miss a change; an accepted
// eventId is remembered forever, so a replay answers `duplicate` and changes nothing.
import type {
  Card,
  CardStatus,
  HandoverEvent,
  HandoverVoidEvent,
  ProtocolEvent,
  PullResponse,
  PushResult,
} from '../src/protocol/protocol.ts';
import {
  DEFAULT_PULL_LIMIT,
  DEMO_CENTER_ID,
  DEMO_DEVICE_TOKEN,
  MAX_PULL_LIMIT,
} from '../src/protocol/protocol.ts';
import type { ManifestCardDraft } from '../src/domain/manifest.ts';
import { isDeepStrictEqual } from 'node:util';
import { implausibleTime, parseEvent } from './event-validation.ts';
import { isRecord } from './json-body.ts';

const REUSED_EVENT_ID = 'eventId was already used by a different event';

/** A caller's input the registry cannot read (bad cursor, bad limit): the handler answers 400. */
export class RegistryInputError extends Error {
  override readonly name = 'RegistryInputError';
}

/** One center as persisted: cards in version order, accepted events in acceptance order. */
export interface CenterSnapshot {
  centerId: string;
  token: string;
  version: number;
  cards: readonly Card[];
  events: readonly ProtocolEvent[];
}

/** Changes since the persister last asked; `cleared` means only a full snapshot will do. */
export interface ChangeSet {
  cleared: boolean;
  centers: CenterSnapshot[];
}

interface ChangeTracking {
  cleared: boolean;
  centers: Map<string, { cards: Map<string, Card>; events: ProtocolEvent[] }>;
}

interface CenterState {
  centerId: string;
  token: string;
  version: number;
  cards: Map<string, Card>;
  /** Every card once, ascending by version: a pull is a binary search and a slice. */
  byVersion: Card[];
  accepted: Map<string, ProtocolEvent>;
  log: ProtocolEvent[];
}

/** The token a center gets unless one is configured; DEMO-01's is the app's built-in demo token. */
export function defaultCenterToken(centerId: string): string {
  return centerId === DEMO_CENTER_ID ? DEMO_DEVICE_TOKEN : `demo-token-${centerId}`;
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
  private readonly centerByToken = new Map<string, string>();
  private readonly now: () => Date;
  /** Bumped on every change; persistence compares it with what it last wrote. */
  revision = 0;
  private tracking: ChangeTracking | null = null;

  constructor(options: RegistryStateOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  static fromSnapshot(
    centers: readonly CenterSnapshot[],
    options: RegistryStateOptions = {},
  ): RegistryState {
    const state = new RegistryState(options);
    for (const snapshot of centers) state.mergeCenter(snapshot);
    state.revision = 0;
    return state;
  }

  /**
   * Replays a stored center over the state: token and version counter as stored, cards
   * replaced by cardId keeping their stored versions, events added unless already known.
   * Loading a snapshot and then the journal written after it must give the state as it was.
   */
  mergeCenter(snapshot: CenterSnapshot): void {
    let center = this.centers.get(snapshot.centerId);
    if (!center) center = this.createCenter(snapshot.centerId, snapshot.token);
    else if (center.token !== snapshot.token) this.setToken(center, snapshot.token);
    center.version = Math.max(center.version, snapshot.version);
    for (const event of snapshot.events) {
      if (center.accepted.has(event.eventId)) continue;
      center.accepted.set(event.eventId, event);
      center.log.push(event);
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
      token: center.token,
      version: center.version,
      cards: center.byVersion,
      events: center.log,
    }));
  }

  /** From now on, remember what changes, for takeChanges(); the persister turns this on. */
  trackChanges(): void {
    this.tracking ??= { cleared: false, centers: new Map() };
  }

  /** What changed since the last call: per center its counter, changed cards and accepted events. */
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
        token: center.token,
        version: center.version,
        cards: [...changed.cards.values()],
        events: changed.events,
      });
    }
    return { cleared: tracking.cleared, centers };
  }

  centerIds(): string[] {
    return [...this.centers.keys()];
  }

  hasCenter(centerId: string): boolean {
    return this.centers.has(centerId);
  }

  centerForToken(token: string): string | undefined {
    return this.centerByToken.get(token);
  }

  tokenOf(centerId: string): string {
    return this.center(centerId).token;
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

  /** Creates the center if it does not exist; gives it `token` if one is passed. */
  ensureCenter(centerId: string, token?: string): void {
    const existing = this.centers.get(centerId);
    if (!existing) {
      this.createCenter(centerId, token ?? defaultCenterToken(centerId));
      this.revision++;
    } else if (token !== undefined && token !== existing.token) {
      this.setToken(existing, token);
      this.revision++;
    }
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

  /** Applies a pushed batch in order, each event on its own; one result per event. */
  applyEvents(centerId: string, events: readonly unknown[]): PushResult[] {
    const center = this.center(centerId);
    return events.map((raw) => this.applyOne(center, raw));
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

  private createCenter(centerId: string, token: string): CenterState {
    const center: CenterState = {
      centerId,
      token: '',
      version: 0,
      cards: new Map(),
      byVersion: [],
      accepted: new Map(),
      log: [],
    };
    this.setToken(center, token);
    this.centers.set(centerId, center);
    return center;
  }

  private setToken(center: CenterState, token: string): void {
    const owner = this.centerByToken.get(token);
    if (owner !== undefined && owner !== center.centerId) {
      throw new RegistryInputError(`token is already used by center ${owner}`);
    }
    if (center.token) this.centerByToken.delete(center.token);
    center.token = token;
    this.centerByToken.set(token, center.centerId);
    this.touch(center);
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

  private applyOne(center: CenterState, raw: unknown): PushResult {
    const eventId = isRecord(raw) && typeof raw.eventId === 'string' ? raw.eventId : '';
    const prior = eventId === '' ? undefined : center.accepted.get(eventId);
    if (prior) {
      const card = center.cards.get(prior.cardId);
      // A replay is the same event sent again, field for field; anything else reusing the id
      // (another recipient, another time) is refused, never answered as if it had been kept.
      const replay = parseEvent(raw);
      if (!replay.ok || !isDeepStrictEqual(replay.event, prior)) {
        return withCard({ eventId, status: 'rejected', reason: REUSED_EVENT_ID }, card);
      }
      return withCard({ eventId, status: 'duplicate', reason: 'already accepted' }, card);
    }

    const parsed = parseEvent(raw);
    if (!parsed.ok) return { eventId, status: 'rejected', reason: parsed.reason };
    const event = parsed.event;
    const wrongTime = implausibleTime(event, this.now());
    if (wrongTime) return { eventId, status: 'rejected', reason: wrongTime };
    const card = center.cards.get(event.cardId);
    if (!card) return { eventId, status: 'rejected', reason: `unknown card ${event.cardId}` };
    return event.type === 'handover'
      ? this.applyHandover(center, card, event)
      : this.applyVoid(center, card, event);
  }

  private applyHandover(center: CenterState, card: Card, event: HandoverEvent): PushResult {
    const { eventId } = event;
    // A card loaded through /__mock/ may already carry this very handover: the same event
    // again is a duplicate, anything else under its id is not.
    if (card.handover?.eventId === eventId) {
      return isDeepStrictEqual(card.handover, event)
        ? { eventId, status: 'duplicate', reason: 'already accepted', card }
        : { eventId, status: 'rejected', reason: REUSED_EVENT_ID, card };
    }
    if (event.recipient.kind === 'holder' && event.recipient.nationalCode !== card.nationalCode) {
      return {
        eventId,
        status: 'rejected',
        reason: "recipient national code does not match the card holder's",
        card,
      };
    }
    if (card.status !== 'ready')
      return { eventId, status: 'conflict', reason: notReadyReason(card), card };
    const next = this.replaceCard(center, card, {
      ...card,
      status: 'handed_over',
      handover: event,
    });
    this.accept(center, event);
    return { eventId, status: 'accepted', card: next };
  }

  private applyVoid(center: CenterState, card: Card, event: HandoverVoidEvent): PushResult {
    const { eventId, handoverEventId } = event;
    if (card.status === 'handed_over' && card.handover?.eventId === handoverEventId) {
      const next = this.replaceCard(center, card, { ...card, status: 'ready', handover: null });
      this.accept(center, event);
      return { eventId, status: 'accepted', card: next };
    }
    const voided = center.accepted.get(handoverEventId);
    const knownHandover =
      card.handover?.eventId === handoverEventId ||
      (voided?.type === 'handover' && voided.cardId === card.cardId);
    if (!knownHandover) {
      return {
        eventId,
        status: 'rejected',
        reason: `handover ${handoverEventId} was never accepted for card ${card.cardId}`,
        card,
      };
    }
    let reason: string;
    if (card.status === 'ready') reason = 'the handover was already voided';
    else if (card.status === 'handed_over')
      reason = `the card is now handed over by event ${card.handover?.eventId ?? '(unknown)'}`;
    else reason = notReadyReason(card);
    return { eventId, status: 'conflict', reason, card };
  }
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

function notReadyReason(card: Card): string {
  switch (card.status) {
    case 'handed_over':
      return `already handed over by event ${card.handover?.eventId ?? '(unknown)'}`;
    case 'revoked':
      return 'the card is revoked and must not be handed over';
    case 'returned':
      return 'the card was returned to the registry unclaimed';
    case 'ready':
      return 'the card is ready';
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
