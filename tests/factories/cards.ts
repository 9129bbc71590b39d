// Registry cards with valid codes, and the counter's input to hand one over. Shared by unit,
// integration, soak and end-to-end tests (and the benchmark page, which runs in a browser).
import type { Card, CounterChecks } from '../../src/protocol/protocol.ts';
import { completeNationalCode } from '../../src/domain/national-code.ts';

let sequence = 0;

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

/** The input of a handover to the card's holder with every counter check done. */
export function holderHandover(card: Pick<Card, 'cardId' | 'nationalCode'>) {
  return {
    cardId: card.cardId,
    checks: ALL_CHECKS,
    recipient: { kind: 'holder' as const, nationalCode: card.nationalCode, fullName: '' },
  };
}

/** The input of a handover of the card to a proxy (the holder's father), every check done. */
export function proxyHandover(card: Pick<Card, 'cardId' | 'nationalCode'>) {
  return {
    cardId: card.cardId,
    checks: { ...ALL_CHECKS, oldCard: 'not_presented' as const },
    recipient: {
      kind: 'proxy' as const,
      nationalCode: '1234567891',
      fullName: 'حسن رضایی',
      relation: 'پدر',
      documentRef: 'V-1405-88',
    },
  };
}
