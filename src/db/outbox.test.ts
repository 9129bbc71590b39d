import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import { recordHandover, type CommandContext } from './handovers.ts';
import {
  MAX_SERVER_CODE_LENGTH,
  MAX_SERVER_REASON_LENGTH,
  applyPushResults,
  applyBatchResultsAndClaimNext,
  claimPendingBatch,
  newestEventSeq,
  outboxSummary,
  releaseUnanswered,
} from './outbox.ts';
import type { TahvilDatabase } from './database.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { testCommandContext, testCommandContextAt } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { CenterChangedError, currentCenterId } from './settings.ts';
import { FIXED_NOW, onTestDay } from '../../tests/factories/time.ts';

describe('outbox', () => {
  it('sends oldest first, keeps refused events and returns unanswered ones to pending', async () => {
    const db = await createTestDatabase();
    const cards = [createCard(), createCard(), createCard()];
    await upsertCards(db, cards);
    for (const card of cards) await recordHandover(db, holderHandover(card), testCommandContext());
    const batch = await claimPendingBatch(db, 2);
    expect(batch.map((record) => record.cardId)).toEqual([cards[0]!.cardId, cards[1]!.cardId]);
    await applyPushResults(db, [{ eventId: batch[0]!.eventId, status: 'accepted' }]);
    await releaseUnanswered(
      db,
      batch.map((record) => record.eventId),
    );
    const states = (await db.events.orderBy('seq').toArray()).map((record) => record.syncState);
    expect(states).toEqual(['synced', 'pending', 'pending']);
    // An answer for an event no request carries now changes nothing.
    await applyPushResults(db, [
      { eventId: batch[1]!.eventId, status: 'conflict', reason: 'already handed over' },
    ]);
    expect(await outboxSummary(db)).toMatchObject({ pending: 2, needsAttention: 0 });
    await claimPendingBatch(db, 1);
    await applyPushResults(db, [
      { eventId: batch[1]!.eventId, status: 'conflict', reason: 'already handed over' },
      { eventId: batch[0]!.eventId, status: 'rejected', reason: 'a settled event is not reopened' },
    ]);
    expect(await outboxSummary(db)).toMatchObject({
      pending: 1,
      needsAttention: 1,
      oldestPendingAtMs: FIXED_NOW.getTime(),
    });
    expect((await db.events.orderBy('seq').toArray()).map((record) => record.syncState)).toEqual([
      'synced',
      'conflict',
      'pending',
    ]);
  });
});

/** A tablet with `count` cards handed over here in turn, their events pending. */
async function handedOver(
  count: number,
  at: (i: number) => CommandContext = () => testCommandContext(),
) {
  const cards = Array.from({ length: count }, () => createCard());
  const db = await createTestDatabase(cards);
  const events = [];
  for (const [i, card] of cards.entries())
    events.push(await recordHandover(db, holderHandover(card), at(i)));
  return { db, events };
}

const states = async (db: TahvilDatabase) =>
  (await db.events.orderBy('seq').toArray()).map((record) => record.syncState);

describe('releaseUnanswered', () => {
  it('puts every sending event back in line when no ids are named, and says how many', async () => {
    const { db } = await handedOver(3);
    await claimPendingBatch(db, 2);
    expect(await releaseUnanswered(db)).toBe(2);
    expect(await states(db)).toEqual(['pending', 'pending', 'pending']);
    expect((await claimPendingBatch(db, 3)).map((record) => record.seq)).toEqual([1, 2, 3]);
  });

  it('leaves events that are not sending as they are', async () => {
    const { db, events } = await handedOver(2);
    await claimPendingBatch(db, 2);
    await applyPushResults(db, [{ eventId: events[0]!.eventId, status: 'accepted' }]);
    expect(await releaseUnanswered(db, [events[0]!.eventId, events[1]!.eventId])).toBe(1);
    expect(await states(db)).toEqual(['synced', 'pending']);
  });
});

describe('applyPushResults', () => {
  it('takes a duplicate as synced and keeps a refusal’s reason, or none when the registry gave none', async () => {
    const { db, events } = await handedOver(3);
    await claimPendingBatch(db, 3);
    await applyPushResults(db, [
      { eventId: events[0]!.eventId, status: 'duplicate' },
      { eventId: events[1]!.eventId, status: 'rejected' },
      { eventId: events[2]!.eventId, status: 'conflict', reason: 'handed over elsewhere' },
    ]);
    expect(
      (await db.events.orderBy('seq').toArray()).map((record) => [
        record.syncState,
        record.serverReason,
      ]),
    ).toEqual([
      ['synced', null],
      ['rejected', null],
      ['conflict', 'handed over elsewhere'],
    ]);
  });

  it('keeps a refusal’s code beside its reason, an unknown code too, each bounded', async () => {
    const { db, events } = await handedOver(4);
    await claimPendingBatch(db, 4);
    await applyPushResults(db, [
      {
        eventId: events[0]!.eventId,
        status: 'conflict',
        code: 'already-handed-over',
        reason: 'handed over elsewhere',
      },
      { eventId: events[1]!.eventId, status: 'rejected', code: 'from-a-newer-registry' as never },
      {
        eventId: events[2]!.eventId,
        status: 'rejected',
        code: 'x'.repeat(10_000) as never,
        reason: 'y'.repeat(10_000),
      },
      { eventId: events[3]!.eventId, status: 'duplicate', code: 'already-accepted' },
    ]);
    const records = await db.events.orderBy('seq').toArray();
    expect(records.map((record) => record.serverCode)).toEqual([
      'already-handed-over',
      'from-a-newer-registry',
      'x'.repeat(MAX_SERVER_CODE_LENGTH),
      null,
    ]);
    expect(records[2]!.serverReason).toHaveLength(MAX_SERVER_REASON_LENGTH);
  });
});

describe('applyBatchResultsAndClaimNext', () => {
  it('records each answer of the batch sent', async () => {
    const { db, events } = await handedOver(3);
    const sent = await claimPendingBatch(db, 2);
    await applyBatchResultsAndClaimNext(
      db,
      sent,
      [
        { eventId: events[0]!.eventId, status: 'accepted' },
        { eventId: events[1]!.eventId, status: 'conflict', reason: 'handed over elsewhere' },
      ],
      FIXED_NOW.getTime(),
      null,
    );
    expect(await states(db)).toEqual(['synced', 'conflict', 'pending']);
    expect(await db.events.get(sent[0]!.seq!)).toMatchObject({
      syncedAtMs: FIXED_NOW.getTime(),
      serverReason: null,
    });
    expect((await db.events.get(sent[1]!.seq!))!.serverReason).toBe('handed over elsewhere');
  });

  it('records the answers of a batch whose events are not consecutive', async () => {
    const { db, events } = await handedOver(3);
    await claimPendingBatch(db, 3);
    await applyPushResults(db, [{ eventId: events[1]!.eventId, status: 'accepted' }]);
    await releaseUnanswered(db);
    const sent = await claimPendingBatch(db, 3);
    expect(sent.map((record) => record.seq)).toEqual([1, 3]);
    await applyBatchResultsAndClaimNext(
      db,
      sent,
      [
        { eventId: events[0]!.eventId, status: 'accepted' },
        { eventId: events[2]!.eventId, status: 'rejected', reason: 'no' },
      ],
      FIXED_NOW.getTime(),
      null,
    );
    expect(await states(db)).toEqual(['synced', 'synced', 'rejected']);
  });

  it('keeps what was written to a sent event while its request was in flight', async () => {
    const { db, events } = await handedOver(1);
    const sent = await claimPendingBatch(db, 1);
    await db.events.update(sent[0]!.seq!, { voidedByEventId: 'void-written-meanwhile' });
    await applyBatchResultsAndClaimNext(
      db,
      sent,
      [{ eventId: events[0]!.eventId, status: 'accepted' }],
      FIXED_NOW.getTime(),
      null,
    );
    expect(await db.events.get(sent[0]!.seq!)).toMatchObject({
      syncState: 'synced',
      voidedByEventId: 'void-written-meanwhile',
    });
  });

  it('only answers events still sending, and a repeated answer counts once, its last', async () => {
    const { db, events } = await handedOver(3);
    const sent = await claimPendingBatch(db, 2);
    await releaseUnanswered(db, [events[1]!.eventId]);
    await applyBatchResultsAndClaimNext(
      db,
      sent,
      [
        { eventId: events[0]!.eventId, status: 'accepted' },
        { eventId: events[0]!.eventId, status: 'rejected', reason: 'second answer' },
        { eventId: events[1]!.eventId, status: 'accepted' },
        { eventId: events[2]!.eventId, status: 'accepted' },
      ],
      FIXED_NOW.getTime(),
      null,
    );
    expect(await states(db)).toEqual(['rejected', 'pending', 'pending']);
  });
});

describe('applyBatchResultsAndClaimNext with a next batch', () => {
  it('records the answer and claims the next oldest pending events in the same write', async () => {
    const { db, events } = await handedOver(5);
    const sent = await claimPendingBatch(db, 2);
    const guard = { forCenter: await currentCenterId(db) };
    const next = await applyBatchResultsAndClaimNext(
      db,
      sent,
      [
        { eventId: events[0]!.eventId, status: 'accepted' },
        { eventId: events[1]!.eventId, status: 'accepted' },
      ],
      FIXED_NOW.getTime(),
      { maxEvents: 2, guard },
    );
    expect(next.map((record) => record.eventId)).toEqual([events[2]!.eventId, events[3]!.eventId]);
    expect(await states(db)).toEqual(['synced', 'synced', 'sending', 'sending', 'pending']);
  });

  it('still records the answer, but claims nothing, once the tablet belongs to another center', async () => {
    const { db, events } = await handedOver(2);
    const sent = await claimPendingBatch(db, 1);
    await expect(
      applyBatchResultsAndClaimNext(
        db,
        sent,
        [{ eventId: events[0]!.eventId, status: 'accepted' }],
        FIXED_NOW.getTime(),
        { maxEvents: 10, guard: { forCenter: 'ANOTHER-CENTER' } },
      ),
    ).rejects.toThrow(CenterChangedError);
    expect(await states(db)).toEqual(['synced', 'pending']);
  });
});

describe('outboxSummary', () => {
  it('is empty for a tablet that recorded nothing', async () => {
    expect(await outboxSummary(await createTestDatabase())).toEqual({
      pending: 0,
      needsAttention: 0,
      oldestPendingAtMs: null,
    });
  });

  it('counts events in flight as pending, and the oldest of them wherever it is', async () => {
    const times = ['09:00:00', '10:00:00', '11:00:00'];
    const { db } = await handedOver(3, (i) => testCommandContextAt(times[i]!));
    await claimPendingBatch(db, 1);
    expect(await outboxSummary(db)).toEqual({
      pending: 3,
      needsAttention: 0,
      oldestPendingAtMs: onTestDay('09:00:00').getTime(),
    });
  });
});

describe('newestEventSeq', () => {
  it('is 0 before any event, then the seq of the newest one recorded', async () => {
    const empty = await createTestDatabase();
    expect(await newestEventSeq(empty)).toBe(0);
    const { db } = await handedOver(2);
    expect(await newestEventSeq(db)).toBe(2);
  });

  it('does not move when events change state, so a failed push is not a new event', async () => {
    const { db, events } = await handedOver(2);
    await claimPendingBatch(db, 2);
    await applyPushResults(db, [{ eventId: events[0]!.eventId, status: 'accepted' }]);
    await releaseUnanswered(db);
    expect(await newestEventSeq(db)).toBe(2);
  });
});
