import { describe, expect, it } from 'vitest';
import { parseDayEventsPage } from './center-day.ts';
import { createHandoverEvent, createVoidEvent } from '../../tests/factories/events.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';

const handover = createHandoverEvent({ deviceId: 'tablet-2' });
const device = {
  deviceId: 'tablet-2',
  status: 'active',
  enrolledAt: '2026-11-20T06:00:00.000Z',
  withdrawnAt: null,
  lastHeardAt: null,
};
const page = (changes: Record<string, unknown> = {}) => ({
  centerId: 'DEMO-01',
  day: TEST_DAY_KEY,
  items: [handover, createVoidEvent(handover.eventId)],
  cursor: 'c1',
  hasMore: false,
  devices: [device],
  ...changes,
});

describe('a page of the center’s day', () => {
  it('is read whole when it is the contract’s, keeping only the members a device has there', () => {
    const parsed = parseDayEventsPage(
      page({ devices: [{ ...device, publicKey: 'not ours to keep' }] }),
      'DEMO-01',
      TEST_DAY_KEY,
    );
    expect(parsed?.items).toHaveLength(2);
    expect(parsed?.devices).toEqual([device]);
  });

  it.each([
    ['not an object', null],
    ['another center', page({ centerId: 'THR-012' })],
    ['another day', page({ day: '1405-09-03' })],
    ['no cursor', page({ cursor: undefined })],
    ['an item without its device', page({ items: [{ ...handover, deviceId: '' }] })],
    ['an item of an unknown type', page({ items: [{ ...handover, type: 'attention_resolved' }] })],
    ['a handover without a recipient', page({ items: [{ ...handover, recipient: null }] })],
    ['a void without the handover it takes back', page({ items: [createVoidEvent('')] })],
    ['an event twice', page({ items: [handover, handover] })],
    ['a time that is not one', page({ items: [{ ...handover, occurredAt: 'soon' }] })],
    ['a device heard at no time', page({ devices: [{ ...device, lastHeardAt: 'yesterday' }] })],
    ['no devices', page({ devices: undefined })],
  ])('is refused for %s', (_, value) => {
    expect(parseDayEventsPage(value, 'DEMO-01', TEST_DAY_KEY)).toBeNull();
  });
});
