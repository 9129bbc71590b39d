// Who acts at the test counter: the device, the clerk on shift and the command context the
// storage commands take.
import type { CommandContext } from '../../src/db/handovers.ts';
import type { StaffOnShift } from '../../src/db/records.ts';
import { FIXED_NOW, TEST_TIME_ZONE, onTestDay } from './time.ts';
import { TEST_CLERK, type TestStaffMember } from './staff.ts';

/** The tablet under test: what createTestDatabase stores, commands stamp and requests send. */
export const TEST_DEVICE_ID = 'device-test-0001';

let eventSequence = 0;

/** The clerk on shift, S-07 (TEST_CLERK), signed in and unlocked, or another with `overrides`. */
export function testStaff(overrides: Partial<StaffOnShift> = {}): StaffOnShift {
  return {
    staffId: TEST_CLERK.staffId,
    staffName: TEST_CLERK.name,
    role: TEST_CLERK.role,
    startedAt: '',
    locked: false,
    ...overrides,
  };
}

/** `member` of the test roster on shift, signed in and unlocked (as signInForTest stores it). */
export function staffOnShift(member: TestStaffMember): StaffOnShift {
  return testStaff({ staffId: member.staffId, staffName: member.name, role: member.role });
}

/** A fresh UUID-shaped event id each call, in the order the calls were made. */
export function nextTestEventId(): string {
  return `0193f000-0000-7000-8000-${String(++eventSequence).padStart(12, '0')}`;
}

/** What a command needs at a test counter: clerk S-07 on shift, Tehran time, a fresh event id each time. */
export function testCommandContext(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    staff: testStaff(),
    timeZone: TEST_TIME_ZONE,
    now: FIXED_NOW,
    makeEventId: nextTestEventId,
    ...overrides,
  };
}

/** The test context at a wall-clock time on the test day: `testCommandContextAt('23:59:59')`. */
export function testCommandContextAt(
  time: string,
  overrides: Partial<CommandContext> = {},
): CommandContext {
  return testCommandContext({ now: onTestDay(time), ...overrides });
}
