import { describe, expect, it } from 'vitest';
import { recordHandover, voidHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch } from './outbox.ts';
import { erasePersonalDetails } from './retention.ts';
import { MAX_RECEIPT_EVENT_ID_LENGTH, readHandoverReceipt } from './receipt.ts';
import { storeRosterPage } from './staff.ts';
import { createCard, holderHandover, proxyHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_CLERK, testStaffMember } from '../../tests/factories/staff.ts';
import { FIXED_NOW, onTestDay } from '../../tests/factories/time.ts';

const card = createCard({ firstName: 'زهرا', lastName: 'محمدی', trackingCode: '14030000420000' });

describe('readHandoverReceipt', () => {
  it('reads a holder handover as recorded, with the clerk named by the roster', async () => {
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await readHandoverReceipt(db, eventId)).toMatchObject({
      handover: {
        eventId,
        cardId: card.cardId,
        deviceId: TEST_DEVICE_ID,
        recipient: { kind: 'holder', nationalCode: card.nationalCode, fullName: 'زهرا محمدی' },
      },
      occurredAtMs: FIXED_NOW.getTime(),
      holderName: 'زهرا محمدی',
      holderNationalCode: card.nationalCode,
      trackingCode: '14030000420000',
      staffId: TEST_CLERK.staffId,
      staffName: TEST_CLERK.name,
      detailsErased: false,
      voidedAtMs: null,
      syncState: 'pending',
    });
  });

  it('keeps the proxy details the event records', async () => {
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, proxyHandover(card), testCommandContext());
    const receipt = await readHandoverReceipt(db, eventId);
    expect(receipt?.handover.recipient).toEqual(proxyHandover(card).recipient);
    expect(receipt?.handover.checks.oldCard).toBe('not_presented');
  });

  it('names the clerk as the roster now has them', async () => {
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    await storeRosterPage(
      db,
      [testStaffMember(TEST_CLERK, { name: 'مریم احمدی‌نژاد', version: 9 })],
      '9',
      {},
    );
    expect((await readHandoverReceipt(db, eventId))?.staffName).toBe('مریم احمدی‌نژاد');
  });

  it('says when the handover was voided', async () => {
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    await voidHandover(
      db,
      { handoverEventId: eventId, reason: 'کارت اشتباه' },
      testCommandContext({ now: onTestDay('10:40:00') }),
    );
    expect((await readHandoverReceipt(db, eventId))?.voidedAtMs).toBe(
      onTestDay('10:40:00').getTime(),
    );
  });

  it('says the details were erased and keeps none of them', async () => {
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, proxyHandover(card), testCommandContext());
    await claimPendingBatch(db, 10);
    await applyPushResults(db, [{ eventId, status: 'accepted' }], FIXED_NOW.getTime());
    await erasePersonalDetails(db, new Date(FIXED_NOW.getTime() + 31 * 86_400_000), 30);
    const receipt = await readHandoverReceipt(db, eventId);
    expect(receipt).toMatchObject({
      detailsErased: true,
      holderName: '',
      holderNationalCode: '',
      trackingCode: null,
      handover: { recipient: { kind: 'proxy', nationalCode: '', fullName: '' } },
    });
    expect(JSON.stringify(receipt)).not.toContain('حسن');
  });

  it.each([
    ['an id no event has', '0193f000-0000-7000-8000-999999999999'],
    ['an empty id', ''],
    ['an id longer than any event id', 'x'.repeat(MAX_RECEIPT_EVENT_ID_LENGTH + 1)],
  ])('finds nothing for %s', async (_, eventId) => {
    const db = await createTestDatabase([card]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await readHandoverReceipt(db, eventId)).toBeNull();
  });

  it('finds no receipt for the id of a void', async () => {
    const db = await createTestDatabase([card]);
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    const undo = await voidHandover(
      db,
      { handoverEventId: eventId, reason: 'کارت اشتباه' },
      testCommandContext(),
    );
    expect(await readHandoverReceipt(db, undo.eventId)).toBeNull();
  });
});
