import { describe, expect, it } from 'vitest';
import { recordHandover, voidHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch } from './outbox.ts';
import { resolveAttention } from './attention.ts';
import { leaveCenter } from './enrolment.ts';
import {
  UNSENT_EVENTS_FORMAT,
  buildUnsentEventsFile,
  confirmUnsentEventsFile,
  unsentEventsFileName,
} from './unsent-export.ts';
import { importDevicePublicKey, verifyEventSignature } from '../domain/event-signature.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_SUPERVISOR } from '../../tests/factories/staff.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';
import { CommandRefused } from '../domain/refusals.ts';

describe('the unsent events file', () => {
  it('holds every unsent and unsettled event, signed, with the key that verifies them', async () => {
    const cards = [createCard(), createCard(), createCard()];
    const db = await createTestDatabase(cards);
    const synced = await recordHandover(db, holderHandover(cards[0]!), testCommandContext());
    const refused = await recordHandover(db, holderHandover(cards[1]!), testCommandContext());
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [
      { eventId: synced.eventId, status: 'accepted' },
      {
        eventId: refused.eventId,
        status: 'conflict',
        code: 'already-handed-over',
        reason: 'handed over elsewhere',
      },
    ]);
    const pending = await recordHandover(db, holderHandover(cards[2]!), testCommandContext());
    const voided = await voidHandover(
      db,
      { handoverEventId: pending.eventId, reason: 'اشتباه' },
      testCommandContext(),
    );

    const file = await buildUnsentEventsFile(db, FIXED_NOW);
    expect(file).toMatchObject({
      format: UNSENT_EVENTS_FORMAT,
      formatVersion: 1,
      exportedAt: FIXED_NOW.toISOString(),
      centerId: 'DEMO-01',
      deviceId: TEST_DEVICE_ID,
    });
    expect(file.events.map((entry) => [entry.event.eventId, entry.syncState])).toEqual([
      [refused.eventId, 'conflict'],
      [pending.eventId, 'pending'],
      [voided.eventId, 'pending'],
    ]);
    expect(file.events[0]?.serverReason).toBe('handed over elsewhere');
    expect(file.events.map((entry) => entry.serverCode)).toEqual([
      'already-handed-over',
      null,
      null,
    ]);
    const publicKey = await importDevicePublicKey(file.publicKey!);
    // Through JSON and back, as the office's copy will be read.
    const copy = JSON.parse(JSON.stringify(file)) as typeof file;
    for (const entry of copy.events)
      expect(await verifyEventSignature(entry.event, publicKey)).toBe(true);
    expect(unsentEventsFileName(file)).toMatch(
      /^tahvil-unsent-DEMO-01-device-t-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}\.json$/,
    );
  });

  it('once read back whole, lets the tablet leave; a supervisor’s settled refusal is not in it', async () => {
    const cards = [createCard(), createCard()];
    const db = await createTestDatabase(cards);
    const refused = await recordHandover(db, holderHandover(cards[0]!), testCommandContext());
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId: refused.eventId, status: 'rejected', reason: 'x' }]);
    // The clerk settles it with the supervisor's approval in the dialog.
    await resolveAttention(
      db,
      {
        eventId: refused.eventId,
        resolution: 'noted',
        note: 'checked',
        approvedBy: { staffId: TEST_SUPERVISOR.staffId, staffName: TEST_SUPERVISOR.name },
      },
      testCommandContext(),
    );
    await recordHandover(db, holderHandover(cards[1]!), testCommandContext());
    const file = await buildUnsentEventsFile(db, FIXED_NOW);
    expect(file.events).toHaveLength(1);
    // Saving alone is not enough: the download may never have reached the disk.
    await expect(leaveCenter(db, { discardExported: true })).rejects.toThrow(CommandRefused);
    expect(await confirmUnsentEventsFile(db, JSON.stringify(file, null, 2))).toEqual({
      ok: true,
      events: 1,
    });
    await expect(leaveCenter(db, { discardExported: true })).resolves.toBeUndefined();
    expect(await db.events.count()).toBe(0);
  });

  it('refuses a file that is not this device’s, is not one at all, or misses an event', async () => {
    const cards = [createCard(), createCard()];
    const db = await createTestDatabase(cards);
    await recordHandover(db, holderHandover(cards[0]!), testCommandContext());
    const file = await buildUnsentEventsFile(db, FIXED_NOW);
    await recordHandover(db, holderHandover(cards[1]!), testCommandContext());
    expect(await confirmUnsentEventsFile(db, JSON.stringify(file))).toEqual({
      ok: false,
      problem: 'missing-events',
      missing: 1,
    });
    const forged = {
      ...file,
      events: file.events.map((entry) => ({ ...entry, event: { ...entry.event, signature: 'x' } })),
    };
    expect(await confirmUnsentEventsFile(db, JSON.stringify(forged))).toMatchObject({
      problem: 'missing-events',
      missing: 2,
    });
    // A member changed after signing (an editor tidying a name) is not the event that was signed.
    const edited = {
      ...file,
      events: file.events.map((entry) =>
        entry.event.type === 'handover'
          ? { ...entry, event: { ...entry.event, staffId: `${entry.event.staffId} ` } }
          : entry,
      ),
    };
    expect(await confirmUnsentEventsFile(db, JSON.stringify(edited))).toMatchObject({
      problem: 'missing-events',
    });
    expect(
      await confirmUnsentEventsFile(db, JSON.stringify({ ...file, deviceId: 'another-tablet' })),
    ).toEqual({ ok: false, problem: 'other-device' });
    for (const text of ['', 'not json', '[]', '{"format":"something-else","events":[]}'])
      expect(await confirmUnsentEventsFile(db, text)).toEqual({ ok: false, problem: 'not-a-file' });
    await expect(leaveCenter(db, { discardExported: true })).rejects.toThrow(CommandRefused);
  });
});
