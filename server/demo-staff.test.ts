// @vitest-environment node
// The demo staff `npm start` keeps at DEMO-01: added once, a fresh PIN that is never weak at every
// start, a deactivated member left alone. Made at the minimum iterations to keep the test quick.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import { weakPinPattern } from '../src/domain/pin-policy.ts';
import { MIN_PIN_ITERATIONS, verifyPin } from '../src/domain/pin-verifier.ts';
import { DEMO_STAFF, randomDemoPin, refreshDemoStaff } from './demo-staff.ts';
import type { SqlDatabase } from './database/sql.ts';
import { openRegistryDatabase } from './database/registry-database.ts';
import { RegistryStore } from './registry-store.ts';

const quick = { iterations: MIN_PIN_ITERATIONS };

const opened: SqlDatabase[] = [];

/** A store on a fresh in-memory database, closed after the test. */
async function newStore(): Promise<RegistryStore> {
  const db = await openRegistryDatabase();
  opened.push(db);
  return new RegistryStore(db);
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe('refreshDemoStaff', () => {
  it('adds the clerk S-101 and the supervisor S-201 with PINs their verifiers verify', async () => {
    const state = await newStore();
    const pins = await refreshDemoStaff(state, quick);
    expect(pins.map(({ staffId, role }) => ({ staffId, role }))).toEqual([
      { staffId: 'S-101', role: 'clerk' },
      { staffId: 'S-201', role: 'supervisor' },
    ]);
    for (const { staffId, name, pin } of pins) {
      expect(pin).toMatch(/^[0-9]{6}$/);
      const member = await state.staff.member(DEMO_CENTER_ID, staffId);
      expect(member).toMatchObject({ name, active: true });
      expect(await verifyPin(pin!, member?.pinVerifier)).toBe(true);
    }
    expect(DEMO_STAFF.map((member) => member.name)).toEqual(['زهرا رضایی', 'علی محمدی']);
  });

  it('gives each a new PIN at every start, and never a weak one', async () => {
    const state = await newStore();
    const first = await refreshDemoStaff(state, quick);
    const versions: number[] = [];
    for (const { staffId } of DEMO_STAFF)
      versions.push((await state.staff.member(DEMO_CENTER_ID, staffId))!.version);
    const drawn = [
      '123456',
      '111111',
      first[0]!.pin!,
      '482913',
      first[1]!.pin!,
      '654321',
      '739150',
    ];
    const second = await refreshDemoStaff(state, { ...quick, draw: () => drawn.shift()! });
    // The weak draws are skipped, and so is each member's own PIN of before.
    expect(second.map((member) => member.pin)).toEqual(['482913', '739150']);
    expect(drawn).toEqual([]);
    for (const [index, { staffId, pin }] of second.entries()) {
      expect(weakPinPattern(pin!)).toBeNull();
      const member = (await state.staff.member(DEMO_CENTER_ID, staffId))!;
      expect(member.version).toBeGreaterThan(versions[index]!);
      expect(await verifyPin(pin!, member.pinVerifier)).toBe(true);
    }
    expect(await state.staff.membersOf(DEMO_CENTER_ID)).toHaveLength(2);
  });

  it('leaves a member an administrator deactivated as they are, with no PIN', async () => {
    const state = await newStore();
    await refreshDemoStaff(state, quick);
    const gone = await state.staff.deactivate(DEMO_CENTER_ID, 'S-101');
    const pins = await refreshDemoStaff(state, quick);
    expect(pins[0]).toMatchObject({ staffId: 'S-101', pin: null });
    // Read back from the database, so the same record, not the same object.
    expect(gone).toMatchObject({ active: false, pinVerifier: null });
    expect(await state.staff.member(DEMO_CENTER_ID, 'S-101')).toEqual(gone);
  });

  it('draws six digits', () => {
    for (let draw = 0; draw < 50; draw++) expect(randomDemoPin()).toMatch(/^[0-9]{6}$/);
  });
});
