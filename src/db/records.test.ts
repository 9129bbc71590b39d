import { describe, expect, it } from 'vitest';
import { isProtocolEvent, type StoredEvent } from './records.ts';
import { createHandoverEvent, createVoidEvent } from '../../tests/factories/events.ts';

describe('isProtocolEvent', () => {
  const handover = createHandoverEvent();
  const resolution: StoredEvent = {
    eventId: 'resolution-1',
    type: 'attention_resolved',
    resolvesEventId: handover.eventId,
    cardId: handover.cardId,
    resolution: 'noted',
    note: 'called the citizen',
    occurredAt: handover.occurredAt,
    staffId: 'S-01',
    deviceId: handover.deviceId,
  };

  it.each<[string, StoredEvent, boolean]>([
    ['a handover', handover, true],
    ['a void', createVoidEvent(handover.eventId), true],
    ['a supervisor’s resolution, which stays on the tablet', resolution, false],
  ])('tells %s', (_name, event, onTheWire) => {
    expect(isProtocolEvent(event)).toBe(onTheWire);
  });
});
