// The centers' rosters (docs/protocol.md, "Staff (2.1)"; decision 022), with no I/O: who may sign
// in on a center's tablets, with what role, and the PIN verifier a tablet checks a PIN against.
// Must stay true: no PIN is ever kept, only its verifier; a staff id is never reused at a center
// (a deactivated member stays, and a deactivation is for good); every change gives the member the
// next value of one registry-wide roster sequence, so a roster pull ordered by version never
// misses a change, and that sequence is the largest version any member holds (members are never
// removed), so it needs no storage of its own.
import type {
  PinVerifier,
  StaffMember,
  StaffPullResponse,
  StaffRecord,
  StaffRole,
} from '../src/protocol/protocol.ts';
import { DEFAULT_STAFF_PULL_LIMIT, MAX_STAFF_PULL_LIMIT } from '../src/protocol/protocol.ts';
import { pickStaffMember } from '../src/domain/staff-member.ts';

/** A member as kept and persisted: the wire's StaffMember plus its center and when the PIN was set. */
export interface StoredStaffMember extends StaffMember {
  centerId: string;
  pinSetAt: string | null;
}

export type StaffChanges = { staff: StoredStaffMember[] };

/** A roster cursor or limit the registry cannot read: the route answers 400 malformed. */
export class StaffInputError extends Error {
  override readonly name = 'StaffInputError';
}

/** What a tablet pulls: no center (the path has it), no pinSetAt. */
export function staffMember(member: StoredStaffMember): StaffMember {
  return pickStaffMember(member);
}

/** What an administrator sees: never the verifier. */
export function staffRecord(member: StoredStaffMember): StaffRecord {
  return {
    staffId: member.staffId,
    centerId: member.centerId,
    name: member.name,
    role: member.role,
    active: member.active,
    deactivatedAt: member.deactivatedAt,
    pinSetAt: member.pinSetAt,
    version: member.version,
    updatedAt: member.updatedAt,
  };
}

/** Reads the roster pull's `limit`: absent → default, otherwise an integer 1..MAX_STAFF_PULL_LIMIT. */
export function parseStaffPullLimit(raw: string | null | undefined): number {
  if (raw === null || raw === undefined) return DEFAULT_STAFF_PULL_LIMIT;
  const limit = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_STAFF_PULL_LIMIT))
    throw new StaffInputError(`limit must be an integer from 1 to ${MAX_STAFF_PULL_LIMIT}`);
  return limit;
}

const CURSOR_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

interface CenterRoster {
  members: Map<string, StoredStaffMember>;
  /** Every member once, at its newest version, ascending: a pull is a binary search and a slice. */
  byVersion: StoredStaffMember[];
}

export class StaffRoster {
  private readonly centers = new Map<string, CenterRoster>();
  /** The last version handed out, registry-wide. */
  private sequence = 0;
  private changed = new Map<string, StoredStaffMember>();

  constructor(
    private readonly now: () => Date,
    /** Called on every change, so the owner's revision moves and the persister writes. */
    private readonly onChange: () => void,
  ) {}

  /** Replays stored members over the roster (a snapshot, then journal lines after it). */
  merge(members: readonly StoredStaffMember[]): void {
    for (const member of members) this.put(member, false);
  }

  /** Every member of every center, for a snapshot; live records, do not mutate. */
  all(): StoredStaffMember[] {
    return [...this.centers.values()].flatMap((roster) => roster.byVersion);
  }

  /** What changed since the last call, for the journal. */
  takeChanges(): StaffChanges {
    const staff = [...this.changed.values()];
    this.changed = new Map();
    return { staff };
  }

  /** The newest version any member holds (0 with no members): a cursor above it is not ours. */
  get version(): number {
    return this.sequence;
  }

  member(centerId: string, staffId: string): StoredStaffMember | undefined {
    return this.centers.get(centerId)?.members.get(staffId);
  }

  /** A center's members in the order they were added. */
  membersOf(centerId: string): StoredStaffMember[] {
    return [...(this.centers.get(centerId)?.members.values() ?? [])];
  }

  /**
   * Adds a member with their first PIN's verifier; undefined when the id is taken at the center,
   * by a member active or not (ids are never reused). The caller has checked the values.
   */
  add(
    centerId: string,
    member: { staffId: string; name: string; role: StaffRole; pinVerifier: PinVerifier },
  ): StoredStaffMember | undefined {
    if (this.member(centerId, member.staffId)) return undefined;
    const at = this.now().toISOString();
    return this.change({
      centerId,
      staffId: member.staffId,
      name: member.name,
      role: member.role,
      active: true,
      deactivatedAt: null,
      pinVerifier: member.pinVerifier,
      pinSetAt: at,
      version: 0,
      updatedAt: at,
    });
  }

  /** Gives an active member a new verifier; undefined for an unknown or deactivated member. */
  setPin(
    centerId: string,
    staffId: string,
    pinVerifier: PinVerifier,
  ): StoredStaffMember | undefined {
    const member = this.member(centerId, staffId);
    if (!member?.active) return undefined;
    const at = this.now().toISOString();
    return this.change({ ...member, pinVerifier, pinSetAt: at, updatedAt: at });
  }

  /** Deactivates a member for good (again: changes nothing); undefined for an unknown one. */
  deactivate(centerId: string, staffId: string): StoredStaffMember | undefined {
    const member = this.member(centerId, staffId);
    if (!member?.active) return member;
    const at = this.now().toISOString();
    return this.change({
      ...member,
      active: false,
      deactivatedAt: at,
      pinVerifier: null,
      updatedAt: at,
    });
  }

  /**
   * The center's members changed after `cursor`, oldest change first, each once in its newest
   * form. Each version belongs to one change of one member, so a page never ends inside one.
   * Throws StaffInputError on a cursor this registry did not issue or one ahead of it.
   */
  pull(centerId: string, cursor: string | null | undefined, limit: number): StaffPullResponse {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_STAFF_PULL_LIMIT)
      throw new StaffInputError(`limit must be an integer from 1 to ${MAX_STAFF_PULL_LIMIT}`);
    let after = 0;
    if (cursor !== null && cursor !== undefined && cursor !== '') {
      if (!CURSOR_PATTERN.test(cursor))
        throw new StaffInputError('cursor is not one this registry issued');
      after = Number(cursor);
      if (after > this.sequence)
        throw new StaffInputError(
          'cursor is ahead of this registry: its data was replaced; pull the roster from the beginning',
        );
    }
    const byVersion = this.centers.get(centerId)?.byVersion ?? [];
    const start = firstIndexAfter(byVersion, after);
    const page = byVersion.slice(start, start + limit);
    const last = page[page.length - 1];
    return {
      items: page.map(staffMember),
      cursor: String(last ? last.version : after),
      hasMore: start + page.length < byVersion.length,
    };
  }

  /** Stores `member` at the next version. */
  private change(member: StoredStaffMember): StoredStaffMember {
    const next = { ...member, version: ++this.sequence };
    this.put(next, true);
    return next;
  }

  private put(member: StoredStaffMember, track: boolean): void {
    let roster = this.centers.get(member.centerId);
    if (!roster) {
      roster = { members: new Map(), byVersion: [] };
      this.centers.set(member.centerId, roster);
    }
    const previous = roster.members.get(member.staffId);
    // A replayed journal line older than what is held (never written so, but cheap to refuse).
    if (previous && previous.version >= member.version) return;
    roster.members.set(member.staffId, member);
    if (previous) roster.byVersion = roster.byVersion.filter((held) => held !== previous);
    const last = roster.byVersion[roster.byVersion.length - 1];
    roster.byVersion.push(member);
    if (last && last.version > member.version)
      roster.byVersion.sort((a, b) => a.version - b.version);
    this.sequence = Math.max(this.sequence, member.version);
    if (track) {
      this.changed.set(`${member.centerId}\n${member.staffId}`, member);
      this.onChange();
    }
  }
}

/** Index of the first member whose version is greater than `version`. */
function firstIndexAfter(byVersion: readonly StoredStaffMember[], version: number): number {
  let low = 0;
  let high = byVersion.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (byVersion[mid]!.version <= version) low = mid + 1;
    else high = mid;
  }
  return low;
}
