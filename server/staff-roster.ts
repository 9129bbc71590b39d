// The centers' rosters (docs/protocol.md, "Staff (2.1)"; decision 022), in the registry's
// database: who may sign
// in on a center's tablets, with what role, and the PIN verifier a tablet checks a PIN against.
// Must stay true: no PIN is ever kept, only its verifier; a staff id is never reused at a center
// (a deactivated member stays, and a deactivation is for good); every change gives the member the
// next value of one registry-wide roster sequence, taken with the member's center row locked, so
// a center's versions commit in order and a roster pull ordered by version never misses a
// change.
import type {
  PinVerifier,
  StaffMember,
  StaffPullResponse,
  StaffRecord,
  StaffRole,
} from '../src/protocol/protocol.ts';
import { DEFAULT_STAFF_PULL_LIMIT, MAX_STAFF_PULL_LIMIT } from '../src/protocol/protocol.ts';
import { pickStaffMember } from '../src/domain/staff-member.ts';
import type { SqlDatabase, SqlQueryable } from './database/sql.ts';

/** A member as kept and persisted: the wire's StaffMember plus its center and when the PIN was set. */
export interface StoredStaffMember extends StaffMember {
  centerId: string;
  pinSetAt: string | null;
}

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

export class StaffRoster {
  constructor(
    private readonly db: SqlDatabase,
    private readonly now: () => Date,
  ) {}

  /** Every member of every center (an export, tests). */
  async all(): Promise<StoredStaffMember[]> {
    const rows = await this.db.query<{ member: string }>(
      'SELECT member FROM staff ORDER BY center_id, added',
    );
    return rows.map((row) => JSON.parse(row.member) as StoredStaffMember);
  }

  /** The newest version handed out (0 before any): a cursor above it is not ours. */
  async version(): Promise<number> {
    const [row] = await this.db.query<{ last_value: number; is_called: boolean }>(
      'SELECT last_value, is_called FROM staff_versions',
    );
    return row?.is_called ? row.last_value : 0;
  }

  async member(centerId: string, staffId: string): Promise<StoredStaffMember | undefined> {
    return (await this.membersNamed(this.db, centerId, [staffId])).get(staffId);
  }

  /** The members among `staffIds` at `centerId`, by id (a push reads its batch's at once). */
  async membersNamed(
    on: SqlQueryable,
    centerId: string,
    staffIds: readonly string[],
  ): Promise<Map<string, StoredStaffMember>> {
    const rows = await on.query<{ member: string }>(
      'SELECT member FROM staff WHERE center_id = $1 AND staff_id = ANY($2::text[])',
      [centerId, [...staffIds]],
    );
    const members = rows.map((row) => JSON.parse(row.member) as StoredStaffMember);
    return new Map(members.map((member) => [member.staffId, member]));
  }

  /** A center's members in the order they were added. */
  async membersOf(centerId: string): Promise<StoredStaffMember[]> {
    const rows = await this.db.query<{ member: string }>(
      'SELECT member FROM staff WHERE center_id = $1 ORDER BY added',
      [centerId],
    );
    return rows.map((row) => JSON.parse(row.member) as StoredStaffMember);
  }

  /**
   * Adds a member with their first PIN's verifier; undefined when the id is taken at the center,
   * by a member active or not (ids are never reused). The caller has checked the values and that
   * the center exists.
   */
  async add(
    centerId: string,
    member: { staffId: string; name: string; role: StaffRole; pinVerifier: PinVerifier },
  ): Promise<StoredStaffMember | undefined> {
    const at = this.now().toISOString();
    return this.change(centerId, member.staffId, (held) =>
      held
        ? undefined
        : {
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
          },
    );
  }

  /**
   * Gives an active member a new verifier; undefined for an unknown or deactivated member, or,
   * with `expectedVersion`, one changed since it was read (a verifier takes a while to derive).
   */
  async setPin(
    centerId: string,
    staffId: string,
    pinVerifier: PinVerifier,
    expectedVersion?: number,
  ): Promise<StoredStaffMember | undefined> {
    const at = this.now().toISOString();
    return this.change(centerId, staffId, (held) =>
      held?.active && (expectedVersion === undefined || held.version === expectedVersion)
        ? { ...held, pinVerifier, pinSetAt: at, updatedAt: at }
        : undefined,
    );
  }

  /** Deactivates a member for good (again: changes nothing); undefined for an unknown one. */
  async deactivate(centerId: string, staffId: string): Promise<StoredStaffMember | undefined> {
    let unchanged: StoredStaffMember | undefined;
    const at = this.now().toISOString();
    const changed = await this.change(centerId, staffId, (held) => {
      if (!held?.active) {
        unchanged = held;
        return undefined;
      }
      return { ...held, active: false, deactivatedAt: at, pinVerifier: null, updatedAt: at };
    });
    return changed ?? unchanged;
  }

  /**
   * The center's members changed after `cursor`, oldest change first, each once in its newest
   * form. Each version belongs to one change of one member, so a page never ends inside one.
   * Throws StaffInputError on a cursor this registry did not issue or one ahead of it.
   */
  async pull(
    centerId: string,
    cursor: string | null | undefined,
    limit: number,
  ): Promise<StaffPullResponse> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_STAFF_PULL_LIMIT)
      throw new StaffInputError(`limit must be an integer from 1 to ${MAX_STAFF_PULL_LIMIT}`);
    let after = 0;
    if (cursor !== null && cursor !== undefined && cursor !== '') {
      if (!CURSOR_PATTERN.test(cursor))
        throw new StaffInputError('cursor is not one this registry issued');
      after = Number(cursor);
      if (after > (await this.version()))
        throw new StaffInputError(
          'cursor is ahead of this registry: its data was replaced; pull the roster from the beginning',
        );
    }
    // One more than asked for tells whether there is more.
    const rows = await this.db.query<{ member: string }>(
      `SELECT member FROM staff WHERE center_id = $1 AND version > $2
        ORDER BY version LIMIT $3`,
      [centerId, after, limit + 1],
    );
    const page = rows.slice(0, limit).map((row) => JSON.parse(row.member) as StoredStaffMember);
    const last = page[page.length - 1];
    return {
      items: page.map(staffMember),
      cursor: String(last ? last.version : after),
      hasMore: rows.length > limit,
    };
  }

  /**
   * Reads the member with its center's row locked, asks `next` what it becomes, and stores that
   * at the next roster version; `next` answering undefined changes nothing.
   */
  private change(
    centerId: string,
    staffId: string,
    next: (held: StoredStaffMember | undefined) => StoredStaffMember | undefined,
  ): Promise<StoredStaffMember | undefined> {
    return this.db.transaction(async (tx) => {
      const center = await tx.query('SELECT 1 FROM centers WHERE center_id = $1 FOR UPDATE', [
        centerId,
      ]);
      if (center.length === 0) throw new StaffInputError(`unknown center ${centerId}`);
      const held = (await this.membersNamed(tx, centerId, [staffId])).get(staffId);
      const changed = next(held);
      if (!changed) return undefined;
      const [sequence] = await tx.query<{ version: number }>(
        "SELECT nextval('staff_versions') AS version",
      );
      const stored = { ...changed, version: sequence!.version };
      await tx.query(
        `INSERT INTO staff (center_id, staff_id, version, added, member) VALUES ($1, $2, $3, $3, $4)
         ON CONFLICT (center_id, staff_id) DO UPDATE
           SET version = excluded.version, member = excluded.member`,
        [centerId, staffId, stored.version, JSON.stringify(stored)],
      );
      return stored;
    });
  }
}
