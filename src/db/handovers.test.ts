import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { checksComplete, recordHandover, refusalForCard, voidHandover } from './handovers.ts';
import { toStoredCard } from './cards.ts';
import { ALL_CHECKS, createCard, holderHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext, testStaff } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { FIXED_NOW, FIXED_NOW_ISO, TEST_DAY_KEY, onTestDay } from '../../tests/factories/time.ts';

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

describe('recordHandover', () => {
  it('writes the card, its pending outbox record and the protocol event in one go', async () => {
    const card = createCard({ nationalCode: '0012345679', firstName: 'زهرا', lastName: 'محمدی' });
    const db = await createTestDatabase([card]);
    const event = await recordHandover(db, holderHandover(card), testCommandContext());
    expect(event).toEqual({
      eventId: expect.any(String) as unknown as string,
      type: 'handover',
      cardId: card.cardId,
      occurredAt: FIXED_NOW_ISO,
      staffId: 'S-07',
      deviceId: TEST_DEVICE_ID,
      recipient: { kind: 'holder', nationalCode: '0012345679', fullName: 'زهرا محمدی' },
      checks: ALL_CHECKS,
    });
    expect(await db.cards.get(card.cardId)).toMatchObject({
      status: 'handed_over',
      handover: event,
    });
    expect(await db.events.toArray()).toEqual([
      {
        seq: 1,
        eventId: event.eventId,
        type: 'handover',
        cardId: card.cardId,
        dayKey: TEST_DAY_KEY,
        occurredAtMs: FIXED_NOW.getTime(),
        staffId: 'S-07',
        staffName: testStaff().staffName,
        holderName: 'زهرا محمدی',
        holderNationalCode: '0012345679',
        event,
        syncState: 'pending',
        serverReason: null,
        voidedByEventId: null,
        resolvedByEventId: null,
      },
    ]);
  });

  it('records a proxy with tidied details where proxies are allowed', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const event = await recordHandover(
      db,
      {
        ...holderHandover(card),
        proxyAllowed: true,
        recipient: {
          kind: 'proxy',
          nationalCode: '۱۲۳۴۵۶۷۸۹۱',
          fullName: '  حسن   محمدی ',
          relation: ' پدر ',
          documentRef: ' V-1405-88 ',
        },
      },
      testCommandContext(),
    );
    expect(event.recipient).toEqual({
      kind: 'proxy',
      nationalCode: '1234567891',
      fullName: 'حسن محمدی',
      relation: 'پدر',
      documentRef: 'V-1405-88',
    });
  });

  it('refuses a handover with no clerk on shift', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext({ staff: null })),
    ).rejects.toMatchObject({ refusal: 'no-shift' });
    expect(await db.events.count()).toBe(0);
  });

  it('refuses a card the tablet does not hold', async () => {
    const db = await createTestDatabase();
    await expect(
      recordHandover(db, holderHandover(createCard()), testCommandContext()),
    ).rejects.toMatchObject({ refusal: 'card-not-found' });
  });

  it('files the handover under the center day of its instant', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    await recordHandover(
      db,
      holderHandover(card),
      testCommandContext({ now: onTestDay('00:00:00', 1) }),
    );
    expect((await db.events.toArray())[0]?.dayKey).toBe('1405-09-05');
    expect((await readCounters(db, '1405-09-05')).handoversToday).toBe(1);
    expect((await readCounters(db, TEST_DAY_KEY)).handoversToday).toBe(0);
  });
});

describe('voidHandover', () => {
  it.each([
    ['a reason of spaces', { reason: '   ' }, 'void-reason-missing'],
    [
      'a handover this tablet never recorded',
      { handoverEventId: 'no-such-event' },
      'handover-not-found',
    ],
  ] as const)('refuses %s and writes nothing', async (_name, change, refusal) => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    await expect(
      voidHandover(
        db,
        { handoverEventId: handover.eventId, reason: 'اشتباه', ...change },
        testCommandContext(),
      ),
    ).rejects.toMatchObject({ refusal });
    expect(await db.events.count()).toBe(1);
  });

  it('records the void as its own pending event and marks the handover voided', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    const undo = await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: '  کارت اشتباه  ' },
      testCommandContext(),
    );
    expect(undo).toMatchObject({
      type: 'handover_void',
      handoverEventId: handover.eventId,
      cardId: card.cardId,
      reason: 'کارت اشتباه',
    });
    const [original, voiding] = await db.events.orderBy('seq').toArray();
    expect(original).toMatchObject({ eventId: handover.eventId, voidedByEventId: undo.eventId });
    expect(voiding).toMatchObject({
      eventId: undo.eventId,
      type: 'handover_void',
      syncState: 'pending',
    });
    expect(await db.cards.get(card.cardId)).toMatchObject({ status: 'ready', handover: null });
  });

  it('leaves a card the registry has since revoked as revoked, and takes the handover off the day', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    // The registry's copy arrived meanwhile (as a pull writes it once the handover is answered).
    await db.cards.put(toStoredCard({ ...card, status: 'revoked', version: card.version + 5 }));
    await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: 'باطل' },
      testCommandContext(),
    );
    expect((await db.cards.get(card.cardId))?.status).toBe('revoked');
    expect((await readCounters(db, TEST_DAY_KEY)).handoversToday).toBe(0);
  });
});

describe('the counter rules', () => {
  it.each([
    ['every check done', {}, true],
    ['identity not verified', { identityVerified: false }, false],
    ['birth certificate not seen', { birthCertificateSeen: false }, false],
    ['fee not collected', { feeCollected: false }, false],
    ['fingerprint not confirmed', { biometricConfirmed: false }, false],
  ])('%s: complete is %s', (_name, change, complete) => {
    expect(checksComplete({ ...ALL_CHECKS, ...change })).toBe(complete);
  });

  it.each([
    ['ready', null],
    ['handed_over', 'card-handed-over'],
    ['revoked', 'card-revoked'],
    ['returned', 'card-returned'],
  ] as const)('a %s card is refused with %s', (status, refusal) => {
    expect(refusalForCard(toStoredCard(createCard({ status })))).toBe(refusal);
  });

  it('refuses a card that is not there', () => {
    expect(refusalForCard(undefined)).toBe('card-not-found');
  });
});
