// Reading the center's roster off the wire (docs/protocol.md, "Staff (2.1)"): who may sign in on
// the tablet and with what role. A roster page is believed whole or not at all, so a registry
// fault can never let someone sign in with a verifier the tablet cannot check, give a clerk a
// supervisor's role by a misspelt field, or keep a deactivated member on shift.
import { isPinVerifier } from './pin-verifier.ts';
import {
  MAX_STAFF_PULL_LIMIT,
  STAFF_ID_PATTERN,
  STAFF_NAME_MAX_LENGTH,
  STAFF_ROLES,
  isOneOf,
  type StaffMember,
  type StaffPullResponse,
} from '../protocol/protocol.ts';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A name the registry could have accepted: 1–200 characters, not blank, no control characters. */
function isStaffName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.trim() !== '' &&
    value.length <= STAFF_NAME_MAX_LENGTH &&
    !CONTROL_CHARACTERS.test(value)
  );
}

export function isStaffMember(value: unknown): value is StaffMember {
  if (typeof value !== 'object' || value === null) return false;
  const member = value as Record<string, unknown>;
  return (
    typeof member.staffId === 'string' &&
    STAFF_ID_PATTERN.test(member.staffId) &&
    isStaffName(member.name) &&
    isOneOf(STAFF_ROLES, member.role) &&
    typeof member.active === 'boolean' &&
    (member.deactivatedAt === null || typeof member.deactivatedAt === 'string') &&
    // An active member must be checkable; only a deactivated one has nothing to sign in with.
    (isPinVerifier(member.pinVerifier) || (!member.active && member.pinVerifier === null)) &&
    typeof member.version === 'number' &&
    Number.isInteger(member.version) &&
    member.version >= 0 &&
    typeof member.updatedAt === 'string'
  );
}

/**
 * One page of the roster pull, every member valid, each once (the registry sends each member in
 * its newest form only), no more than the largest page a registry may send. Only the members of
 * StaffPullResponse are kept, so nothing else a registry sends is stored.
 */
export function parseStaffPullPage(value: unknown): StaffPullResponse | null {
  if (typeof value !== 'object' || value === null) return null;
  const page = value as Record<string, unknown>;
  const { items, cursor, hasMore } = page;
  if (!Array.isArray(items) || items.length > MAX_STAFF_PULL_LIMIT) return null;
  if (typeof cursor !== 'string' || typeof hasMore !== 'boolean') return null;
  if (!items.every(isStaffMember)) return null;
  if (new Set(items.map((member) => member.staffId)).size !== items.length) return null;
  return { items: items.map(pickStaffMember), cursor, hasMore };
}

/** Exactly the protocol's members of `member` (and of its verifier): nothing else goes on. */
export function pickStaffMember(member: StaffMember): StaffMember {
  return {
    staffId: member.staffId,
    name: member.name,
    role: member.role,
    active: member.active,
    deactivatedAt: member.deactivatedAt,
    pinVerifier: member.pinVerifier && {
      algorithm: member.pinVerifier.algorithm,
      iterations: member.pinVerifier.iterations,
      salt: member.pinVerifier.salt,
      hash: member.pinVerifier.hash,
    },
    version: member.version,
    updatedAt: member.updatedAt,
  };
}

/** A member as a PIN change answers it, validated and stripped the same way. */
export function parseStaffMember(value: unknown): StaffMember | null {
  return isStaffMember(value) ? pickStaffMember(value) : null;
}
