import { describe, expect, it } from 'vitest';
import { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { recordHandover, type CommandContext } from './handovers.ts';
import { applyPushResults, claimPendingBatch, outboxSummary, releaseUnanswered } from './outbox.ts';
import { ALL_CHECKS, createCard } from '../../tests/factories/cards.ts';

let dbCount = 0;
const freshDb = () => new TahvilDatabase(`outbox-test-${++dbCount}`);
const NOW = new Date('2026-11-25T10:31:07.512+03:30');
let ids = 0;
const context = (): CommandContext => ({
  deviceId: 'device-1',
  staff: { staffId: 'S-07', staffName: 'مریم', startedAt: '' },
  timeZone: 'Asia/Tehran',
  now: NOW,
  makeEventId: () => `event-${++ids}`,
});
const holderInput = (cardId: string, nationalCode: string) => ({
  cardId,
  proxyAllowed: false,
  checks: ALL_CHECKS,
  recipient: { kind: 'holder' as const, nationalCode, fullName: '' },
});

describe('outbox', () => {
  it('sends oldest first, keeps refused events and returns unanswered ones to pending', async () => {
    const db = freshDb();
    const cards = [createCard(), createCard(), createCard()];
    await upsertCards(db, cards);
    for (const card of cards)
      await recordHandover(db, holderInput(card.cardId, card.nationalCode), context());
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
      oldestPendingAtMs: NOW.getTime(),
    });
    expect((await db.events.orderBy('seq').toArray()).map((record) => record.syncState)).toEqual([
      'synced',
      'conflict',
      'pending',
    ]);
  });
});
