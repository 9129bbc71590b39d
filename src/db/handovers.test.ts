import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import { readCounters, recountStatuses } from './counters.ts';
import { checksComplete, recordHandover, refusalForCard, voidHandover } from './handovers.ts';
import { toStoredCard } from './cards.ts';
import { ALL_CHECKS, createCard, holderHandover } from '../../tests/factories/cards.ts';
import {
  TEST_DEVICE_ID,
  staffOnShift,
  testCommandContext,
  testStaff,
} from '../../tests/factories/context.ts';
import { createTestDatabase, signInForTest } from '../../tests/factories/database.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  testStaffMember,
} from '../../tests/factories/staff.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { endShift, lockShift, storeRosterPage, type Approval } from './staff.ts';
import type { CommandContext } from './handovers.ts';
import { FIXED_NOW, FIXED_NOW_ISO, TEST_DAY_KEY, onTestDay } from '../../tests/factories/time.ts';
import { testDeviceKeys } from '../../tests/factories/device-key.ts';
import { verifyEventSignature } from '../domain/event-signature.ts';
import { leaveCenter, markDeviceWithdrawn } from './enrolment.ts';
import type { TahvilDatabase } from './database.ts';

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
    // The center's rule, the registry's: proxies only where a row says so.
    const { proxyAllowed = false, ...input } = change as typeof change & { proxyAllowed?: boolean };
    const db = await createTestDatabase([], {
      enrolment: { rules: { proxyPickupAllowed: proxyAllowed } },
    });
    const card = createCard({ nationalCode: '0012345679' });
    await upsertCards(db, [card]);
    await expect(
      recordHandover(db, { ...holderHandover(card), ...input }, testCommandContext()),
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
      signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) as unknown as string,
    });
    // Signed by the device key, over exactly what is stored and sent.
    expect(await verifyEventSignature(event, (await testDeviceKeys()).publicKey)).toBe(true);
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

  it('folds every digit script in the recipient codes before checking and storing them', async () => {
    const card = createCard({ nationalCode: '1234567891' });
    const db = await createTestDatabase([card]);
    const holderTyped = holderHandover(card);
    const event = await recordHandover(
      db,
      {
        ...holderTyped,
        recipient: {
          ...holderTyped.recipient,
          nationalCode: '\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0661',
        },
      },
      testCommandContext(),
    );
    expect(event.recipient.nationalCode).toBe('1234567891');
    expect((await db.events.toArray())[0]?.event).toMatchObject({
      recipient: { nationalCode: '1234567891' },
    });

    const other = createCard();
    await upsertCards(db, [other]);
    const proxy = await recordHandover(
      db,
      {
        ...holderHandover(other),
        recipient: {
          kind: 'proxy',
          nationalCode: '۱۲۳۴۵۶۷۸۹۱',
          fullName: 'حسن محمدی',
          relation: 'پدر',
          documentRef: 'وکالت ۱۴۰۵/۸۸',
        },
      },
      testCommandContext(),
    );
    expect(proxy.recipient).toMatchObject({
      nationalCode: '1234567891',
      documentRef: 'وکالت 1405/88',
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

describe('signing before storing', () => {
  async function everyTable(db: TahvilDatabase) {
    return {
      cards: await db.cards.toArray(),
      events: await db.events.toArray(),
      counters: await db.counters.toArray(),
    };
  }

  it('signs every void too, with the device key', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    const voided = await voidHandover(
      db,
      { handoverEventId: handover.eventId, reason: 'اشتباه' },
      testCommandContext(),
    );
    expect(await verifyEventSignature(voided, (await testDeviceKeys()).publicKey)).toBe(true);
    for (const record of await db.events.toArray())
      expect(typeof (record.event as { signature?: unknown }).signature).toBe('string');
  });

  it('writes nothing when the card changes between signing and storing', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const before = await everyTable(db);
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext(), {
        // A pull lands a newer version of the card (revoked at the registry) meanwhile.
        afterSigning: () =>
          upsertCards(db, [{ ...card, status: 'revoked', version: card.version + 1 }]),
      }),
    ).rejects.toMatchObject({ refusal: 'card-revoked' });
    const after = await everyTable(db);
    expect(after.events).toEqual(before.events);
    expect(after.cards.map((stored) => stored.status)).toEqual(['revoked']);
  });

  it('writes nothing when another tab hands the card over between signing and storing', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    let other = '';
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext(), {
        afterSigning: async () => {
          other = (await recordHandover(db, holderHandover(card), testCommandContext())).eventId;
        },
      }),
    ).rejects.toMatchObject({ refusal: 'card-handed-over' });
    expect((await db.events.toArray()).map((record) => record.eventId)).toEqual([other]);
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({ handedOver: 1, ready: 0 });
  });

  it('writes nothing when the card only changed version (same status) meanwhile', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext(), {
        afterSigning: () => upsertCards(db, [{ ...card, box: 'B-9', version: card.version + 1 }]),
      }),
    ).rejects.toMatchObject({ refusal: 'card-changed' });
    expect(await db.events.count()).toBe(0);
    expect((await db.cards.get(card.cardId))?.status).toBe('ready');
  });

  it('writes nothing when the tab dies between signing and storing: the signed event is gone', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const before = await everyTable(db);
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext(), {
        afterSigning: () => {
          db.close();
        },
      }),
    ).rejects.toThrow();
    await db.open();
    expect(await everyTable(db)).toEqual(before);
  });

  it('writes nothing signed by a key the tablet no longer has (it left its center meanwhile)', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext(), {
        afterSigning: () => leaveCenter(db),
      }),
    ).rejects.toMatchObject({ refusal: 'not-enrolled' });
    expect(await db.events.count()).toBe(0);
  });

  it('refuses a void when the handover is voided elsewhere between signing and storing', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    const voidIt = () =>
      voidHandover(
        db,
        { handoverEventId: handover.eventId, reason: 'اشتباه' },
        testCommandContext(),
      );
    let first = '';
    await expect(
      voidHandover(
        db,
        { handoverEventId: handover.eventId, reason: 'دو بار' },
        testCommandContext(),
        { afterSigning: async () => void (first = (await voidIt()).eventId) },
      ),
    ).rejects.toMatchObject({ refusal: 'handover-already-voided' });
    expect((await db.events.toArray()).map((record) => record.eventId)).toEqual([
      handover.eventId,
      first,
    ]);
  });

  it('refuses every command on a tablet that is not enrolled, or whose device is withdrawn', async () => {
    const card = createCard();
    const unenrolled = await createTestDatabase([], { enrolment: null });
    await upsertCards(unenrolled, [card]);
    await expect(
      recordHandover(unenrolled, holderHandover(card), testCommandContext()),
    ).rejects.toMatchObject({ refusal: 'not-enrolled' });
    const withdrawn = await createTestDatabase([card]);
    const handover = await recordHandover(withdrawn, holderHandover(card), testCommandContext());
    await markDeviceWithdrawn(withdrawn, FIXED_NOW);
    await expect(
      recordHandover(withdrawn, holderHandover(createCard()), testCommandContext()),
    ).rejects.toMatchObject({ refusal: 'device-withdrawn' });
    await expect(
      voidHandover(
        withdrawn,
        { handoverEventId: handover.eventId, reason: 'اشتباه' },
        testCommandContext(),
      ),
    ).rejects.toMatchObject({ refusal: 'device-withdrawn' });
    expect(await withdrawn.events.count()).toBe(1);
  });
});

describe('who may record and void (decision 022)', () => {
  type Member = typeof TEST_CLERK;
  const contextFor = (member: Member, overrides: Partial<CommandContext> = {}) =>
    testCommandContext({ staff: staffOnShift(member), ...overrides });
  const approvalBy = (member: Member): Approval => ({
    staffId: member.staffId,
    staffName: member.name,
  });

  /** A card handed over by `recordedBy`, `daysAgo` days before the test day, then `voider` signed in. */
  async function handedOver(recordedBy: Member, daysAgo: number, voider: Member) {
    const card = createCard();
    const db = await createTestDatabase([card], { signedIn: recordedBy });
    const handover = await recordHandover(
      db,
      holderHandover(card),
      contextFor(recordedBy, { now: onTestDay('10:00:00', -daysAgo) }),
    );
    await signInForTest(db, voider);
    return { db, card, handover };
  }

  it.each([
    // name, recorded by, days ago, voided by, approval, outcome
    ['a clerk voids their own of today', TEST_CLERK, 0, TEST_CLERK, null, 'allowed'],
    [
      'a clerk voids their own of today, an approval given anyway',
      TEST_CLERK,
      0,
      TEST_CLERK,
      TEST_SUPERVISOR,
      'allowed',
    ],
    ['a clerk voids another’s', TEST_OTHER_CLERK, 0, TEST_CLERK, null, 'needs-supervisor'],
    ['a clerk voids their own of yesterday', TEST_CLERK, 1, TEST_CLERK, null, 'needs-supervisor'],
    [
      'a clerk voids another’s, approved by the supervisor',
      TEST_OTHER_CLERK,
      0,
      TEST_CLERK,
      TEST_SUPERVISOR,
      'approved',
    ],
    [
      'a clerk voids their own of yesterday, approved by the supervisor',
      TEST_CLERK,
      1,
      TEST_CLERK,
      TEST_SUPERVISOR,
      'approved',
    ],
    [
      'a clerk voids another’s, “approved” by a clerk',
      TEST_OTHER_CLERK,
      0,
      TEST_CLERK,
      TEST_OTHER_CLERK,
      'needs-supervisor',
    ],
    ['a supervisor voids a clerk’s', TEST_CLERK, 0, TEST_SUPERVISOR, null, 'allowed'],
    ['a supervisor voids a clerk’s of yesterday', TEST_CLERK, 1, TEST_SUPERVISOR, null, 'allowed'],
    [
      'a supervisor voids a clerk’s, naming themselves as approver',
      TEST_CLERK,
      0,
      TEST_SUPERVISOR,
      TEST_SUPERVISOR,
      'allowed',
    ],
  ] as const)('%s: %s', async (_name, recordedBy, daysAgo, voider, approver, outcome) => {
    const { db, card, handover } = await handedOver(recordedBy, daysAgo, voider);
    const voiding = voidHandover(
      db,
      {
        handoverEventId: handover.eventId,
        reason: 'کارت اشتباه',
        ...(approver ? { approvedBy: approvalBy(approver) } : {}),
      },
      contextFor(voider),
    );
    if (outcome === 'needs-supervisor') {
      await expect(voiding).rejects.toEqual(new CommandRefused('needs-supervisor'));
      expect(await db.events.count()).toBe(1);
      expect((await db.cards.get(card.cardId))?.status).toBe('handed_over');
      return;
    }
    const event = await voiding;
    expect(event.staffId).toBe(voider.staffId);
    if (outcome === 'approved') expect(event.approvedBy).toBe(TEST_SUPERVISOR.staffId);
    else expect(event).not.toHaveProperty('approvedBy');
    // The approval is signed with the rest: the signature covers exactly the stored event.
    expect(await verifyEventSignature(event, (await testDeviceKeys()).publicKey)).toBe(true);
    const stored = await db.events.where('eventId').equals(event.eventId).first();
    expect(stored).toMatchObject({ staffId: voider.staffId, staffName: voider.name, event });
    expect((await db.cards.get(card.cardId))?.status).toBe('ready');
  });

  it('refuses an approval whose supervisor is deactivated between signing and storing', async () => {
    const { db, handover } = await handedOver(TEST_OTHER_CLERK, 0, TEST_CLERK);
    await expect(
      voidHandover(
        db,
        {
          handoverEventId: handover.eventId,
          reason: 'اشتباه',
          approvedBy: approvalBy(TEST_SUPERVISOR),
        },
        contextFor(TEST_CLERK),
        { afterSigning: () => storeRosterPage(db, [deactivated(TEST_SUPERVISOR)], '8', {}) },
      ),
    ).rejects.toEqual(new CommandRefused('needs-supervisor'));
    expect(await db.events.count()).toBe(1);
  });

  const deactivated = (member: Member) =>
    testStaffMember(member, {
      version: 8,
      active: false,
      deactivatedAt: FIXED_NOW_ISO,
      pinVerifier: null,
    });

  const shiftChanges = [
    ['the screen is locked', (db: TahvilDatabase) => lockShift(db)],
    ['the shift has ended', (db: TahvilDatabase) => endShift(db)],
    [
      'the member is deactivated',
      (db: TahvilDatabase) => storeRosterPage(db, [deactivated(TEST_CLERK)], '8', {}),
    ],
    ['another member signed in', (db: TahvilDatabase) => signInForTest(db, TEST_OTHER_CLERK)],
  ] as const;

  async function everyTable(db: TahvilDatabase) {
    return {
      cards: await db.cards.toArray(),
      events: await db.events.toArray(),
      counters: await db.counters.toArray(),
    };
  }

  it.each(shiftChanges)(
    'refuses a handover when %s: staff-signed-out, nothing written',
    async (_name, change) => {
      const card = createCard();
      const db = await createTestDatabase([card]);
      await change(db);
      const before = await everyTable(db);
      await expect(recordHandover(db, holderHandover(card), testCommandContext())).rejects.toEqual(
        new CommandRefused('staff-signed-out'),
      );
      expect(await everyTable(db)).toEqual(before);
    },
  );

  it.each(shiftChanges)(
    'refuses a handover when %s between signing and storing, and writes nothing',
    async (_name, change) => {
      const card = createCard();
      const db = await createTestDatabase([card]);
      const before = await everyTable(db);
      await expect(
        recordHandover(db, holderHandover(card), testCommandContext(), {
          afterSigning: () => change(db),
        }),
      ).rejects.toEqual(new CommandRefused('staff-signed-out'));
      expect(await everyTable(db)).toEqual(before);
    },
  );

  it.each(shiftChanges)(
    'refuses a void when %s, before or after signing: staff-signed-out, nothing written',
    async (_name, change) => {
      for (const when of ['before', 'after'] as const) {
        const { db, handover } = await handedOver(TEST_CLERK, 0, TEST_CLERK);
        if (when === 'before') await change(db);
        const before = await everyTable(db);
        await expect(
          voidHandover(
            db,
            { handoverEventId: handover.eventId, reason: 'اشتباه' },
            testCommandContext(),
            when === 'after' ? { afterSigning: () => change(db) } : {},
          ),
        ).rejects.toEqual(new CommandRefused('staff-signed-out'));
        expect(await everyTable(db)).toEqual(before);
      }
    },
  );

  it('refuses a command for someone other than the member signed in', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    const someoneElse = contextFor(TEST_OTHER_CLERK);
    await expect(recordHandover(db, holderHandover(card), someoneElse)).rejects.toEqual(
      new CommandRefused('staff-signed-out'),
    );
    const handover = await recordHandover(db, holderHandover(card), testCommandContext());
    await expect(
      voidHandover(db, { handoverEventId: handover.eventId, reason: 'اشتباه' }, someoneElse),
    ).rejects.toEqual(new CommandRefused('staff-signed-out'));
    expect(await db.events.count()).toBe(1);
  });
});
