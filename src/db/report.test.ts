import { describe, expect, it } from 'vitest';
import { upsertCards } from './cards.ts';
import { recordHandover, voidHandover } from './handovers.ts';
import { applyPushResults, claimPendingBatch } from './outbox.ts';
import { resolveAttention } from './attention.ts';
import { backlogSummary, centerDayRecords, handoverRecordsOnDay, overdueCards } from './report.ts';
import { storeCenterDayPage } from './center-day.ts';
import { handoverReportRow, summarizeDay } from '../domain/daily-report.ts';
import type { HandoverEvent } from '../protocol/protocol.ts';
import { createVoidEvent, handoverAtAnotherCounter } from '../../tests/factories/events.ts';
import { TEST_DEVICE_ID } from '../../tests/factories/context.ts';
import { ALL_CHECKS, createCard, holderHandover } from '../../tests/factories/cards.ts';
import { staffOnShift, testCommandContextAt, testStaff } from '../../tests/factories/context.ts';
import { createTestDatabase, signInForTest } from '../../tests/factories/database.ts';
import { TEST_CLERK, TEST_OTHER_CLERK, TEST_SUPERVISOR } from '../../tests/factories/staff.ts';
import { FIXED_NOW, TEST_DAY_KEY, TEST_TIME_ZONE, daysBefore } from '../../tests/factories/time.ts';

const at = (time: string, staff = testStaff()) => testCommandContextAt(time, { staff });

describe('the day’s handover records', () => {
  it('counts holders, proxies, voids, pending, refused and clerks, and files each handover under its Tehran hour', async () => {
    const db = await createTestDatabase();
    const cards = Array.from({ length: 6 }, () => createCard());
    await upsertCards(db, cards);
    const hossein = staffOnShift(TEST_OTHER_CLERK);
    await recordHandover(db, holderHandover(cards[0]!), at('08:59:59'));
    await recordHandover(db, holderHandover(cards[1]!), at('09:00:00'));
    // The other clerk takes over the counter at half past nine, and gives it back at eleven.
    await signInForTest(db, TEST_OTHER_CLERK);
    await recordHandover(
      db,
      {
        cardId: cards[2]!.cardId,
        checks: ALL_CHECKS,
        recipient: {
          kind: 'proxy',
          nationalCode: '0012345679',
          fullName: 'وکیل',
          relation: 'پدر',
          documentRef: 'V-1',
        },
      },
      at('09:30:00', hossein),
    );
    const undone = await recordHandover(db, holderHandover(cards[3]!), at('10:00:00', hossein));
    await voidHandover(
      db,
      { handoverEventId: undone.eventId, reason: 'اشتباه' },
      at('10:01:00', hossein),
    );
    await signInForTest(db, TEST_CLERK);
    const refused = await recordHandover(db, holderHandover(cards[4]!), at('11:00:00'));
    const resolved = await recordHandover(db, holderHandover(cards[5]!), at('23:59:59'));
    // Two answered: one accepted, one refused; a third refused and already resolved by a supervisor.
    const claimed = await claimPendingBatch(db, 10);
    await applyPushResults(db, [
      { eventId: claimed[0]!.eventId, status: 'accepted' },
      { eventId: refused.eventId, status: 'conflict', reason: 'handed over at another counter' },
      { eventId: resolved.eventId, status: 'rejected', reason: 'revoked' },
    ]);
    await signInForTest(db, TEST_SUPERVISOR);
    await resolveAttention(
      db,
      { eventId: resolved.eventId, resolution: 'noted', note: 'کارت پس گرفته شد' },
      at('23:59:59', staffOnShift(TEST_SUPERVISOR)),
    );

    const summary = summarizeDay(await handoverRecordsOnDay(db, TEST_DAY_KEY), TEST_TIME_ZONE);
    const byHour = Array.from({ length: 24 }, () => 0);
    byHour[8] = 1;
    byHour[9] = 2;
    byHour[11] = 1;
    byHour[23] = 1;
    expect(summary).toEqual({
      recorded: 6,
      handedOver: 5,
      toHolder: 4,
      toProxy: 1,
      voided: 1,
      pendingSync: 3,
      needsAttention: 1,
      byHour,
      byStaff: [
        { staffId: 'S-07', staffName: 'مریم احمدی', handovers: 4, voided: 0 },
        { staffId: 'S-03', staffName: 'حسین کریمی', handovers: 1, voided: 1 },
      ],
      byDevice: [{ deviceId: 'device-test-0001', handovers: 5, voided: 1 }],
    });
  });

  it('lists the day oldest first even when the clock was set back between two handovers', async () => {
    const db = await createTestDatabase();
    const [first, second] = [createCard(), createCard()];
    await upsertCards(db, [first!, second!]);
    await recordHandover(db, holderHandover(first!), at('10:00:00'));
    await recordHandover(db, holderHandover(second!), at('09:00:00'));
    expect((await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) => record.cardId)).toEqual([
      second!.cardId,
      first!.cardId,
    ]);
  });
});

describe('the center’s day (decision 023)', () => {
  it('holds every tablet’s accepted handovers and this tablet’s unsent ones, each once, voids marked, each naming its device', async () => {
    const db = await createTestDatabase();
    const cards = Array.from({ length: 4 }, () => createCard());
    const [mineSent, mineUnsent, theirs, theirsVoided] = cards as [
      (typeof cards)[0],
      (typeof cards)[0],
      (typeof cards)[0],
      (typeof cards)[0],
    ];
    await upsertCards(db, cards);
    const sent = await recordHandover(db, holderHandover(mineSent), at('08:30:00'));
    await claimPendingBatch(db, 1);
    await applyPushResults(db, [{ eventId: sent.eventId, status: 'accepted' }]);
    const unsent = await recordHandover(db, holderHandover(mineUnsent), at('11:00:00'));
    const sentEvent = (await db.events.get({ eventId: sent.eventId }))!.event as HandoverEvent;
    const other = handoverAtAnotherCounter(theirs);
    const otherVoided = handoverAtAnotherCounter(theirsVoided, {
      occurredAt: '2026-11-25T09:45:00.000+03:30',
    });
    const voiding = createVoidEvent(otherVoided.eventId, {
      cardId: theirsVoided.cardId,
      deviceId: 'tablet-2',
    });
    // The feed holds this tablet's accepted handover too: it must not come twice.
    await storeCenterDayPage(
      db,
      TEST_DAY_KEY,
      { items: [sentEvent, other, otherVoided, voiding], cursor: 'c1', devices: [] },
      { receivedAtMs: FIXED_NOW.getTime() },
    );

    const records = await centerDayRecords(db, TEST_DAY_KEY);
    const rows = records.map((record) => handoverReportRow(record, TEST_TIME_ZONE));
    expect(rows.map((row) => [row.event_id, row.device_id, row.sync_status, row.voided])).toEqual([
      [sent.eventId, TEST_DEVICE_ID, 'synced', 'no'],
      [other.eventId, 'tablet-2', 'synced', 'no'],
      [otherVoided.eventId, 'tablet-2', 'synced', 'yes'],
      [unsent.eventId, TEST_DEVICE_ID, 'pending', 'no'],
    ]);
    // Another tablet's row: the holder from this tablet's copy of the card, the clerk from the roster.
    expect(records[1]).toMatchObject({
      holderName: `${theirs.firstName} ${theirs.lastName}`,
      holderNationalCode: theirs.nationalCode,
      staffName: TEST_OTHER_CLERK.name,
    });
    const summary = summarizeDay(records, TEST_TIME_ZONE);
    expect(summary).toMatchObject({ recorded: 4, handedOver: 3, voided: 1, pendingSync: 1 });
    expect(summary.byDevice).toEqual([
      { deviceId: TEST_DEVICE_ID, handovers: 2, voided: 0 },
      { deviceId: 'tablet-2', handovers: 1, voided: 1 },
    ]);
  });
});

describe('backlog', () => {
  it('counts ready cards and those waiting longer than the retention period, through the index', async () => {
    const db = await createTestDatabase();
    await upsertCards(db, [
      createCard({ cardId: 'C-old', updatedAt: daysBefore(90) }),
      createCard({ cardId: 'C-edge-over', updatedAt: daysBefore(60, 1) }),
      createCard({ cardId: 'C-edge-at', updatedAt: daysBefore(60) }),
      createCard({ cardId: 'C-new', updatedAt: daysBefore(3) }),
      createCard({ cardId: 'C-gone', updatedAt: daysBefore(200), status: 'handed_over' }),
      createCard({ cardId: 'C-revoked', updatedAt: daysBefore(200), status: 'revoked' }),
    ]);
    expect(await backlogSummary(db, FIXED_NOW, 60)).toEqual({
      ready: 4,
      overdue: 2,
      oldestWaitingSince: daysBefore(90),
    });
    expect((await overdueCards(db, FIXED_NOW, 60)).map((card) => card.cardId)).toEqual([
      'C-old',
      'C-edge-over',
    ]);
    expect((await overdueCards(db, FIXED_NOW, 60, 1)).map((card) => card.cardId)).toEqual([
      'C-old',
    ]);
    expect(await backlogSummary(db, FIXED_NOW, 100)).toMatchObject({ overdue: 0 });
  });

  it('has no oldest card when nothing is waiting', async () => {
    expect(await backlogSummary(await createTestDatabase(), FIXED_NOW, 60)).toEqual({
      ready: 0,
      overdue: 0,
      oldestWaitingSince: null,
    });
  });
});
