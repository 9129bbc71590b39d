// The clerk at the bench's counters: who is on shift, and the context each handover command is
// given, as the counter screen builds it (real clock, a random event id per command).
import type { CommandContext } from '../../src/db/handovers.ts';
import type { StaffOnShift } from '../../src/db/records.ts';
import { DEFAULT_TIME_ZONE } from '../../src/domain/jalali.ts';

export const BENCH_STAFF_ID = 'S-0042';
export const BENCH_STAFF_NAME = 'کارمند آزمون';
/** The bench clerk's PIN: on the registry's roster (the runner adds them) and typed to unlock. */
export const BENCH_STAFF_PIN = '4826';

/** A command's context at this moment, as the counter builds it: real clock, random event ids. */
export function commandContextNow(staff: StaffOnShift | null): CommandContext {
  return {
    staff,
    timeZone: DEFAULT_TIME_ZONE,
    now: new Date(),
    makeEventId: () => crypto.randomUUID(),
  };
}
