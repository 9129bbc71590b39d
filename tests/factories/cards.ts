// Test data shared by unit, integration and end-to-end tests: registry cards with valid codes.
import type { Card, CounterChecks, HandoverEvent } from '../../src/protocol/protocol.ts';
import type { CommandContext } from '../../src/db/handovers.ts';
import { completeNationalCode } from '../../src/domain/national-code.ts';

let sequence = 0;
let eventSequence = 0;

/** The moment tests stand at: a Wednesday morning at the counter, Tehran time. */
export const FIXED_NOW = new Date('2026-11-25T10:31:07.512+03:30');

/** A valid national code made from a running number, so each card gets its own. */
export function nextNationalCode(): string {
  sequence++;
  return completeNationalCode(
    String(100_000_000 + sequence * 7919)
      .slice(-9)
      .replace(/^(\d{3})000000/, '$1000001'),
  );
}

export function createCard(overrides: Partial<Card> = {}): Card {
  sequence++;
  const id = String(sequence).padStart(7, '0');
  return {
    cardId: `C-${id}`,
    centerId: 'DEMO-01',
    nationalCode: nextNationalCode(),
    firstName: 'زهرا',
    lastName: 'محمدی',
    fatherName: 'علی',
    birthDate: '1368-04-21',
    trackingCode: `1403${id}0000`,
    box: 'B-017',
    status: 'ready',
    version: sequence,
    updatedAt: '2026-11-24T08:12:44.120Z',
    handover: null,
    ...overrides,
  };
}

export const ALL_CHECKS: CounterChecks = {
  identityVerified: true,
  birthCertificateSeen: true,
  oldCard: 'collected',
  feeCollected: true,
  biometricConfirmed: true,
};

/** A handover of `card` to its holder as another counter recorded it (the registry's copy). */
export function handoverAtAnotherCounter(
  card: Card,
  overrides: Partial<HandoverEvent> = {},
): HandoverEvent {
  return {
    eventId: `other-counter-${card.cardId}`,
    type: 'handover',
    cardId: card.cardId,
    occurredAt: '2026-11-25T09:15:00+03:30',
    staffId: 'S-03',
    deviceId: 'tablet-2',
    recipient: {
      kind: 'holder',
      nationalCode: card.nationalCode,
      fullName: `${card.firstName} ${card.lastName}`,
    },
    checks: ALL_CHECKS,
    ...overrides,
  };
}

/** The input of a handover to the card's holder with every counter check done. */
export function holderHandover(card: Pick<Card, 'cardId' | 'nationalCode'>) {
  return {
    cardId: card.cardId,
    proxyAllowed: false,
    checks: ALL_CHECKS,
    recipient: { kind: 'holder' as const, nationalCode: card.nationalCode, fullName: '' },
  };
}

/** What a command needs at a test counter: clerk S-07 on shift, Tehran time, a fresh event id each time. */
export function testCommandContext(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    deviceId: 'device-test-0001',
    staff: { staffId: 'S-07', staffName: 'مریم احمدی', startedAt: '' },
    timeZone: 'Asia/Tehran',
    now: FIXED_NOW,
    makeEventId: () => `0193f000-0000-7000-8000-${String(++eventSequence).padStart(12, '0')}`,
    ...overrides,
  };
}
