import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import { recordHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch, outboxSummary, releaseUnanswered } from './outbox.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';

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
