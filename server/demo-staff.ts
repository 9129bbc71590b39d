// The demo center's two staff members (decision 022): `npm start` keeps a clerk and a supervisor
// at DEMO-01 and gives each a fresh random PIN at every start, printed in the banner, so a demo
// can sign in without an administrator. Must stay true: the PINs are on disk (as verifiers)
// before anyone sees them, never weak, and never stored; a member deactivated by an
// administrator stays deactivated (and gets no PIN).
import { randomInt } from 'node:crypto';
import type { StaffRole } from '../src/protocol/protocol.ts';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import { pinWeakness } from '../src/domain/pin-policy.ts';
import { PIN_ITERATIONS, makePinVerifier } from '../src/domain/pin-verifier.ts';
import type { RegistryStore } from './registry-store.ts';

export const DEMO_STAFF: ReadonlyArray<{ staffId: string; name: string; role: StaffRole }> = [
  { staffId: 'S-101', name: 'زهرا رضایی', role: 'clerk' },
  { staffId: 'S-201', name: 'علی محمدی', role: 'supervisor' },
];

const DEMO_PIN_DIGITS = 6;

export interface DemoStaffPin {
  staffId: string;
  name: string;
  role: StaffRole;
  /** Null when an administrator deactivated the member: they keep no PIN. */
  pin: string | null;
}

/** Six digits from the system's cryptographic source. */
export function randomDemoPin(): string {
  return String(randomInt(10 ** DEMO_PIN_DIGITS)).padStart(DEMO_PIN_DIGITS, '0');
}

/**
 * Adds DEMO-01's demo members if absent and sets each active one a new PIN that is not weak (nor
 * their PIN before), each committed before this resolves.
 */
export async function refreshDemoStaff(
  state: RegistryStore,
  { iterations = PIN_ITERATIONS, draw = randomDemoPin } = {},
): Promise<DemoStaffPin[]> {
  await state.ensureCenter(DEMO_CENTER_ID);
  // One after the other, so a test's draws go to the members in order (two PBKDF2s: ~0.2 s).
  const pins: DemoStaffPin[] = [];
  for (const { staffId, name, role } of DEMO_STAFF) {
    const member = await state.staff.member(DEMO_CENTER_ID, staffId);
    if (member && !member.active) {
      pins.push({ staffId, name, role, pin: null });
      continue;
    }
    let pin = draw();
    while ((await pinWeakness(pin, member?.pinVerifier)) !== null) pin = draw();
    const pinVerifier = await makePinVerifier(pin, iterations);
    if (member) await state.staff.setPin(DEMO_CENTER_ID, staffId, pinVerifier);
    else await state.staff.add(DEMO_CENTER_ID, { staffId, name, role, pinVerifier });
    pins.push({ staffId, name, role, pin });
  }
  return pins;
}
