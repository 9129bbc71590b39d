// The center's roster between the real mock registry and tablets over fake-indexeddb (issue 12):
// sign-in with no network once the roster is pulled, a member deactivated at the registry signed
// out and refused at the tablet's next pull, a PIN changed on one tablet reaching the other at
// its next pull, and the registry refusing an event whose member it deactivated before it.
import { afterEach, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/sync/engine.ts';
import { enrolTablet } from '../../src/sync/enrolment.ts';
import { changeOwnPin } from '../../src/sync/pin-change.ts';
import { readSettings } from '../../src/db/settings.ts';
import { signIn } from '../../src/db/staff.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { startRegistry, type RunningRegistry } from '../../server/test-helpers.ts';
import { createTestDatabase } from '../factories/database.ts';
import { holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from '../factories/staff.ts';
import { FIXED_NOW } from '../factories/time.ts';
import { FakeClock } from '../factories/fake-clock.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';

let registry: RunningRegistry | null = null;
const engines: SyncEngine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) engine.stop();
  await registry?.close();
  registry = null;
});

const NO_NETWORK = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

/** A tablet enrolled at the registry by a fresh code, no one signed in, and its engine. */
async function tablet(running: RunningRegistry, network: { up: boolean } = { up: true }) {
  const db = await createTestDatabase([], { enrolment: null });
  const { code } = await running.issueEnrolmentCode();
  await enrolTablet(
    db,
    { registryUrl: running.base, code },
    { fetch: (...args) => fetch(...args), now: () => FIXED_NOW },
  );
  const engine = new SyncEngine({
    db,
    fetch: (input, init) => (network.up ? fetch(input, init) : NO_NETWORK(input, init)),
    clock: new FakeClock(FIXED_NOW.getTime()),
    random: () => 0.5,
  });
  engines.push(engine);
  return { db, engine };
}

async function signedInAs(db: TahvilDatabase): Promise<string | null> {
  return (await readSettings(db)).shift?.staffId ?? null;
}

describe('the roster between registry and tablets', () => {
  it('is pulled with the inventory and then signs a member in with no network at all', async () => {
    registry = await startRegistry({ seedCards: 10 });
    const network = { up: true };
    const { db, engine } = await tablet(registry, network);
    expect((await signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW)).ok).toBe(false);
    await engine.syncNow();
    expect(await db.staff.count()).toBe(3);
    network.up = false;
    await engine.syncNow();
    expect(engine.getState().status).toBe('offline');
    expect(await signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW)).toMatchObject({
      ok: true,
    });
    expect(await signedInAs(db)).toBe(TEST_CLERK.staffId);
  });

  it('signs out a member deactivated at the registry at the next pull, and refuses them after', async () => {
    registry = await startRegistry({ seedCards: 10 });
    const { db, engine } = await tablet(registry);
    await engine.syncNow();
    await signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW);
    await registry.deactivateStaff(TEST_CLERK.staffId);
    // Until the pull the tablet does not know: the member is still signed in.
    expect(await signedInAs(db)).toBe(TEST_CLERK.staffId);
    await engine.syncNow();
    expect(await signedInAs(db)).toBeNull();
    expect(await signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW)).toEqual({
      ok: false,
      problem: 'inactive',
    });
    expect(await db.staff.get(TEST_CLERK.staffId)).toMatchObject({
      active: false,
      pinVerifier: null,
    });
  });

  it('refuses, at the registry, a handover recorded offline after the member was deactivated', async () => {
    registry = await startRegistry({ seedCards: 10 });
    const network = { up: true };
    const { db, engine } = await tablet(registry, network);
    await engine.syncNow();
    await signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW);
    // Deactivated a moment before the handover, which the tablet records offline, unaware.
    await registry.deactivateStaff(TEST_CLERK.staffId);
    network.up = false;
    const [card] = await db.cards.where('status').equals('ready').toArray();
    const later = new Date(Date.now() + 60_000);
    const handover = await recordHandover(
      db,
      holderHandover(card!),
      testCommandContext({ staff: (await readSettings(db)).shift, now: later }),
    );
    network.up = true;
    await engine.syncNow();
    const record = await db.events.where('eventId').equals(handover.eventId).first();
    expect(record).toMatchObject({ syncState: 'rejected' });
    expect(record?.serverReason).toMatch(/deactivated/);
  });

  it('takes a PIN changed on one tablet to the other at its next pull', async () => {
    registry = await startRegistry({ seedCards: 10 });
    const first = await tablet(registry);
    const second = await tablet(registry);
    await first.engine.syncNow();
    await second.engine.syncNow();
    await signIn(first.db, TEST_OTHER_CLERK.staffId, TEST_OTHER_CLERK.pin, FIXED_NOW);
    expect(
      await changeOwnPin(
        first.db,
        { currentPin: TEST_OTHER_CLERK.pin, newPin: '۵۸۲۳' },
        { fetch: (...args) => fetch(...args), now: () => FIXED_NOW },
      ),
    ).toEqual({ ok: true });
    // The tablet it was changed on has the new PIN at once.
    expect((await signIn(first.db, TEST_OTHER_CLERK.staffId, '5823', FIXED_NOW)).ok).toBe(true);
    // The other one still checks the old verifier until it pulls.
    expect((await signIn(second.db, TEST_OTHER_CLERK.staffId, '5823', FIXED_NOW)).ok).toBe(false);
    await second.engine.syncNow();
    expect((await signIn(second.db, TEST_OTHER_CLERK.staffId, '5823', FIXED_NOW)).ok).toBe(true);
    await second.db.pinAttempts.clear();
    expect(
      await signIn(second.db, TEST_OTHER_CLERK.staffId, TEST_OTHER_CLERK.pin, FIXED_NOW),
    ).toMatchObject({ ok: false, problem: 'wrong-pin' });
  });
});
