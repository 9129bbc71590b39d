// The test center's roster: two clerks and a supervisor with known PINs, their verifiers made
// once (at the minimum iterations a verifier may have, so a test's sign-in takes ~15 ms, not the
// ~90 ms of a real one) and written out, so no test pays for making them. Registry tests seed it
// (server/test-helpers.ts), tablet tests store it (createTestDatabase), and
// tests/factories/staff.test.ts checks that each verifier is its PIN's.
import type { PinVerifier, StaffMember, StaffRole } from '../../src/protocol/protocol.ts';
import { FIXED_NOW_ISO } from './time.ts';

function verifier(salt: string, hash: string): PinVerifier {
  return { algorithm: 'PBKDF2-SHA256', iterations: 100_000, salt, hash };
}

export interface TestStaffMember {
  staffId: string;
  name: string;
  role: StaffRole;
  pin: string;
  pinVerifier: PinVerifier;
}

/** The clerk on shift in most tests (the events' default staffId). */
export const TEST_CLERK: TestStaffMember = {
  staffId: 'S-07',
  name: 'مریم احمدی',
  role: 'clerk',
  pin: '2580',
  pinVerifier: verifier('Uy0wNyB0ZXN0IHNhbHQhIQ', 'A3Op7bcIZso_73EwvStQnxAHNrhNLG0rLYuSLLBW2kQ'),
};

/** The clerk at the other counter (handoverAtAnotherCounter's staffId). */
export const TEST_OTHER_CLERK: TestStaffMember = {
  staffId: 'S-03',
  name: 'حسین کریمی',
  role: 'clerk',
  pin: '1470',
  pinVerifier: verifier('Uy0wMyB0ZXN0IHNhbHQhIQ', '4Nq6an0YOTEubw4gp3ljQrsi-_UFPyt1ZXe1cTo-G_A'),
};

export const TEST_SUPERVISOR: TestStaffMember = {
  staffId: 'S-09',
  name: 'فاطمه نوری',
  role: 'supervisor',
  pin: '3690',
  pinVerifier: verifier('Uy0wOSB0ZXN0IHNhbHQhIQ', 'i4M7dRy7-CQBEQDuFBvaiDxdSOvFRYksF8_z1DgwheM'),
};

export const TEST_ROSTER: readonly TestStaffMember[] = [
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
];

/** `member` as a roster pull brings it: active, at `version`. */
export function testStaffMember(
  member: TestStaffMember = TEST_CLERK,
  overrides: Partial<StaffMember> = {},
): StaffMember {
  return {
    staffId: member.staffId,
    name: member.name,
    role: member.role,
    active: true,
    deactivatedAt: null,
    pinVerifier: member.pinVerifier,
    version: 1,
    updatedAt: FIXED_NOW_ISO,
    ...overrides,
  };
}

/** The whole test roster as a pull brings it, versions 1, 2, 3. */
export function testRosterMembers(): StaffMember[] {
  return TEST_ROSTER.map((member, index) => testStaffMember(member, { version: index + 1 }));
}
