import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { recordHandover, voidHandover } from './handovers.ts';
import { ALL_CHECKS, createCard, holderHandover } from '../../tests/factories/cards.ts';
import { testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';

describe('handover commands', () => {
  it('moves the counters with a handover and back with its void', async () => {
    const db = await createTestDatabase();
    const card = createCard();
    await upsertCards(db, [card, createCard()]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({
      ready: 1,
      handedOver: 1,
      handoversToday: 1,
    });
    await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: 'اشتباه' },
      testCommandContext(),
    );
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({
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
    const db = await createTestDatabase();
    const card = createCard({ status });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext()),
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
    const db = await createTestDatabase();
    const card = createCard({ nationalCode: '0012345679' });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, { ...holderHandover(card), ...change }, testCommandContext()),
    ).rejects.toMatchObject({ refusal });
    expect(await db.events.count()).toBe(0);
  });

  it('refuses to void a handover twice', async () => {
    const db = await createTestDatabase();
    const card = createCard();
    await upsertCards(db, [card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: 'اشتباه' },
      testCommandContext(),
    );
    await expect(
      voidHandover(db, { handoverEventId: handover.eventId, reason: 'باز' }, testCommandContext()),
    ).rejects.toMatchObject({
      refusal: 'handover-already-voided',
    });
  });
});
