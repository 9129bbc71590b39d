import { describe, expect, it } from 'vitest';
import { TahvilDatabase } from './database.ts';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { recordHandover, voidHandover, type CommandContext } from './handovers.ts';
import { ALL_CHECKS, createCard } from '../../tests/factories/cards.ts';

let dbCount = 0;
const freshDb = () => new TahvilDatabase(`handovers-test-${++dbCount}`);
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

describe('handover commands', () => {
  it('moves the counters with a handover and back with its void', async () => {
    const db = freshDb();
    const card = createCard();
    await upsertCards(db, [card, createCard()]);
    const handover = await recordHandover(
      db,
      holderInput(card.cardId, card.nationalCode),
      context(),
    );
    expect(await readCounters(db, '1405-09-04')).toMatchObject({
      ready: 1,
      handedOver: 1,
      handoversToday: 1,
    });
    await voidHandover(db, { handoverEventId: handover.eventId, reason: 'اشتباه' }, context());
    expect(await readCounters(db, '1405-09-04')).toMatchObject({
      ready: 2,
      handedOver: 0,
      handoversToday: 0,
    });
    expect(await recountStatuses(db)).toMatchObject({ ready: 2, handed_over: 0 });
  });

  it.each([
    ['revoked', 'card-revoked'],
    ['returned', 'card-returned'],
    ['handed_over', 'card-handed-over'],
  ] as const)('refuses a %s card and writes nothing', async (status, refusal) => {
    const db = freshDb();
    const card = createCard({ status });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, holderInput(card.cardId, card.nationalCode), context()),
    ).rejects.toMatchObject({ refusal });
    expect(await db.events.count()).toBe(0);
    expect((await db.cards.get(card.cardId))?.status).toBe(status);
  });

  it.each([
    [
      'a recipient code that is not the holder’s',
      { recipient: { kind: 'holder' as const, nationalCode: '1234567891', fullName: '' } },
      'recipient-not-holder',
    ],
    [
      'an invalid recipient code',
      { recipient: { kind: 'holder' as const, nationalCode: '1234567890', fullName: '' } },
      'recipient-code-invalid',
    ],
    [
      'an unticked check',
      { checks: { ...ALL_CHECKS, biometricConfirmed: false } },
      'checks-incomplete',
    ],
    [
      'a proxy where proxies are not allowed',
      {
        recipient: {
          kind: 'proxy' as const,
          nationalCode: '1234567891',
          fullName: 'ن',
          relation: 'پدر',
          documentRef: 'D1',
        },
      },
      'proxy-not-allowed',
    ],
    [
      'a proxy without a document',
      {
        proxyAllowed: true,
        recipient: {
          kind: 'proxy' as const,
          nationalCode: '1234567891',
          fullName: 'ن',
          relation: 'پدر',
          documentRef: ' ',
        },
      },
      'proxy-details-missing',
    ],
  ])('refuses %s', async (_name, change, refusal) => {
    const db = freshDb();
    const card = createCard({ nationalCode: '0012345679' });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, { ...holderInput(card.cardId, card.nationalCode), ...change }, context()),
    ).rejects.toMatchObject({ refusal });
    expect(await db.events.count()).toBe(0);
  });

  it('refuses to void a handover twice', async () => {
    const db = freshDb();
    const card = createCard();
    await upsertCards(db, [card]);
    const handover = await recordHandover(
      db,
      holderInput(card.cardId, card.nationalCode),
      context(),
    );
    await voidHandover(db, { handoverEventId: handover.eventId, reason: 'اشتباه' }, context());
    await expect(
      voidHandover(db, { handoverEventId: handover.eventId, reason: 'باز' }, context()),
    ).rejects.toMatchObject({
      refusal: 'handover-already-voided',
    });
  });
});
