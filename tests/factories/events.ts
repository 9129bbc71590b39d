// Protocol events as a tablet sends them, and outbox records as a tablet stores them: for the
// registry's tests, for cards the registry answers with, and for pure tests of what the tablet
// makes of its records (the report).
import type { Card, HandoverEvent, HandoverVoidEvent } from '../../src/protocol/protocol.ts';
import type { OutboxRecord } from '../../src/db/records.ts';
import { newEventRecord } from '../../src/db/handovers.ts';
import { isoWithOffset, jalaliDayKey } from '../../src/domain/jalali.ts';
import { ALL_CHECKS } from './cards.ts';
import { TEST_DEVICE_ID, testStaff } from './context.ts';
import { PLACEHOLDER_SIGNATURE } from './device-key.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from './staff.ts';
import { FIXED_NOW_ISO, TEST_TIME_ZONE, onTestDay } from './time.ts';

/**
 * Unsigned (PLACEHOLDER_SIGNATURE): sign with signedByTestDevice before pushing to a registry.
 * A handover of the demo inventory's first card (C-0000001, ready, holder زهرا محمدی) to its
 * holder, every check done, by clerk S-07 of the test tablet at FIXED_NOW.
 */
export function createHandoverEvent(overrides: Partial<HandoverEvent> = {}): HandoverEvent {
  return {
    eventId: crypto.randomUUID(),
    type: 'handover',
    cardId: 'C-0000001',
    occurredAt: FIXED_NOW_ISO,
    staffId: TEST_CLERK.staffId,
    deviceId: TEST_DEVICE_ID,
    recipient: { kind: 'holder', nationalCode: '0012345679', fullName: 'زهرا محمدی' },
    checks: ALL_CHECKS,
    signature: PLACEHOLDER_SIGNATURE,
    ...overrides,
  };
}

/** The void of handover `handoverEventId`, two minutes after FIXED_NOW's minute. */
export function createVoidEvent(
  handoverEventId: string,
  overrides: Partial<HandoverVoidEvent> = {},
): HandoverVoidEvent {
  return {
    eventId: crypto.randomUUID(),
    type: 'handover_void',
    handoverEventId,
    cardId: 'C-0000001',
    reason: 'wrong card selected',
    occurredAt: isoWithOffset(onTestDay('10:33:00'), TEST_TIME_ZONE),
    staffId: TEST_CLERK.staffId,
    deviceId: TEST_DEVICE_ID,
    signature: PLACEHOLDER_SIGNATURE,
    ...overrides,
  };
}

/** A handover of `card` to its holder as another counter recorded it (the registry's copy). */
export function handoverAtAnotherCounter(
  card: Card,
  overrides: Partial<HandoverEvent> = {},
): HandoverEvent {
  return createHandoverEvent({
    eventId: `other-counter-${card.cardId}`,
    cardId: card.cardId,
    occurredAt: isoWithOffset(onTestDay('09:15:00'), TEST_TIME_ZONE),
    staffId: TEST_OTHER_CLERK.staffId,
    deviceId: 'tablet-2',
    recipient: {
      kind: 'holder',
      nationalCode: card.nationalCode,
      fullName: `${card.firstName} ${card.lastName}`,
    },
    ...overrides,
  });
}

/**
 * A handover as this tablet's outbox holds it (the row recordHandover writes), for tests that
 * read records without a database; `syncState` and the other record fields as given.
 */
export function createHandoverRecord(
  event: Partial<HandoverEvent> = {},
  record: Partial<Omit<OutboxRecord, 'event'>> = {},
): OutboxRecord {
  const handover = createHandoverEvent(event);
  const occurredAt = new Date(handover.occurredAt);
  const staff = testStaff({ staffId: handover.staffId });
  return {
    ...newEventRecord(
      handover,
      {
        dayKey: jalaliDayKey(occurredAt, TEST_TIME_ZONE),
        occurredAtMs: occurredAt.getTime(),
        staff,
        holderName: 'زهرا محمدی',
        holderNationalCode: '0012345679',
      },
      'pending',
    ),
    ...record,
  };
}
