// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { isValidNationalCode } from '../src/domain/national-code.ts';
import { foldForSearch } from '../src/domain/persian-text.ts';
import {
  DEMO_CARDS,
  DEMO_POPULATION,
  DEMO_STATUS_SHARES,
  generateDemoCards,
  type DemoPopulation,
} from './demo-inventory.ts';

const cards = generateDemoCards('DEMO-01', 5000, 42);

describe('generateDemoCards', () => {
  it('gives identical cards for the same seed', () => {
    expect(generateDemoCards('DEMO-01', 5000, 42)).toEqual(cards);
  });

  it('gives other cards for another seed', () => {
    expect(generateDemoCards('DEMO-01', 50, 43).slice(10)).not.toEqual(cards.slice(10, 50));
  });

  it('gives only valid, unique national codes, some starting with 00', () => {
    expect(
      cards.every(
        (card) => isValidNationalCode(card.nationalCode) && /^\d{10}$/.test(card.nationalCode),
      ),
    ).toBe(true);
    expect(new Set(cards.map((card) => card.nationalCode)).size).toBe(cards.length);
    expect(cards.filter((card) => card.nationalCode.startsWith('00')).length).toBeGreaterThan(100);
  });

  it('numbers cards, versions, boxes and tracking codes as the registry does', () => {
    cards.forEach((card, index) => {
      expect(card.cardId).toBe(`C-${String(index + 1).padStart(7, '0')}`);
      expect(card.version).toBe(index + 1);
    });
    expect(cards.every((card) => /^\d{15}$/.test(card.trackingCode ?? ''))).toBe(true);
    expect(new Set(cards.map((card) => card.box)).size).toBe(50);
    expect(cards[99]?.box).toBe('B-001');
    expect(cards[100]?.box).toBe('B-002');
  });

  it('gives Jalali birth dates from 1320 to 1385', () => {
    for (const card of cards) {
      const [year, month, day] = (card.birthDate ?? '').split('-').map(Number) as [
        number,
        number,
        number,
      ];
      expect(year).toBeGreaterThanOrEqual(1320);
      expect(year).toBeLessThanOrEqual(1385);
      expect(month).toBeGreaterThanOrEqual(1);
      expect(month).toBeLessThanOrEqual(12);
      expect(day).toBeLessThanOrEqual(month <= 6 ? 31 : 30);
    }
  });

  it('is mostly ready, with a few revoked and returned cards', () => {
    const count = (status: string) => cards.filter((card) => card.status === status).length;
    expect(count('revoked')).toBeGreaterThan(5);
    expect(count('revoked')).toBeLessThan(75);
    expect(count('returned')).toBeGreaterThan(2);
    expect(count('ready')).toBeGreaterThan(4900);
  });

  it('writes some names with Arabic Yeh/Kaf and some compound names with ZWNJ', () => {
    expect(
      cards.filter((card) => /[\u064a\u0643]/.test(card.firstName + card.lastName)).length,
    ).toBeGreaterThan(50);
    expect(
      cards.filter((card) => card.firstName.includes('\u200c') || card.lastName.includes('\u200c'))
        .length,
    ).toBeGreaterThan(100);
  });

  it('starts with the well-known demo cards', () => {
    expect(cards[0]).toMatchObject({
      ...DEMO_CARDS.ready,
      firstName: 'زهرا',
      lastName: 'محمدی',
      status: 'ready',
    });
    expect(cards[1]).toMatchObject({ ...DEMO_CARDS.revoked, status: 'revoked' });
    expect(cards[3]).toMatchObject({ ...DEMO_CARDS.returned, status: 'returned' });
    const arabic = cards[2];
    expect(arabic).toMatchObject({
      ...DEMO_CARDS.arabicLetters,
      firstName: 'علي',
      lastName: 'كريمي',
    });
    expect(foldForSearch(`${arabic?.firstName} ${arabic?.lastName}`)).toBe(
      foldForSearch('علی کریمی'),
    );
    expect(cards[4]?.firstName).toBe('محمد\u200cحسین');
  });

  it('takes the registry population and status shares when given none', () => {
    expect(
      generateDemoCards('DEMO-01', 500, 42, {
        population: DEMO_POPULATION,
        statusShares: DEMO_STATUS_SHARES,
      }),
    ).toEqual(cards.slice(0, 500));
  });

  it('draws names, office prefixes and statuses from the population and shares it is given', () => {
    const population: DemoPopulation = {
      maleFirstNames: ['بابک'],
      femaleFirstNames: ['ژاله'],
      lastNames: ['یکتا'],
      officePrefixes: ['127', '440'],
    };
    const other = generateDemoCards('DEMO-01', 2000, 42, {
      population,
      statusShares: { revoked: 0.1, returned: 0.1 },
    }).slice(Object.keys(DEMO_CARDS).length);
    // Folded, since one record in twenty is spelled with Arabic letters.
    expect(new Set(other.map((card) => foldForSearch(card.firstName)))).toEqual(
      new Set(['بابک', 'ژاله']),
    );
    expect(new Set(other.map((card) => foldForSearch(card.lastName)))).toEqual(new Set(['یکتا']));
    expect(
      other.every(
        (card) =>
          /^(127|440)\d{7}$/.test(card.nationalCode) && isValidNationalCode(card.nationalCode),
      ),
    ).toBe(true);
    const revoked = other.filter((card) => card.status === 'revoked').length;
    expect(revoked).toBeGreaterThan(120);
    expect(revoked).toBeLessThan(280);
  });

  it('makes 100,000 cards in a few seconds', () => {
    const started = performance.now();
    expect(generateDemoCards('DEMO-01', 100_000)).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
