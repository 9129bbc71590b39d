// Deterministic demo inventory for the mock registry: the same (centerId, count, seed) always
// yields byte-identical cards, so tests, demos and benchmarks can name cards they rely on.
// Must stay true: every national code passes parseNationalCode, codes and card ids are unique,
// and nothing here reads the clock or Math.random.
import type { Card, CardStatus } from '../src/protocol/protocol.ts';
import { completeNationalCode } from '../src/domain/national-code.ts';

export const DEFAULT_DEMO_SEED = 20261124;
export const DEFAULT_DEMO_CARD_COUNT = 5000;
export const CARDS_PER_BOX = 100;
/** Seeded cards carry this timestamp: a fixed instant keeps the inventory reproducible. */
export const DEMO_SEEDED_AT = '2026-11-24T05:30:00.000Z';

/** Well-known cards at the head of every demo inventory, for tests and demos to name. */
export const DEMO_CARDS = {
  /** Ready, holder زهرا محمدی. */
  ready: { cardId: 'C-0000001', nationalCode: '0012345679' },
  /** Revoked: must never be handed over. */
  revoked: { cardId: 'C-0000002', nationalCode: '1234567891' },
  /** Ready, stored with Arabic Yeh and Kaf (علي كريمي): a search typed in Persian must find it. */
  arabicLetters: { cardId: 'C-0000003', nationalCode: '0499370899' },
  /** Returned (sent back unclaimed). */
  returned: { cardId: 'C-0000004', nationalCode: '0067749828' },
  /** Ready, compound names joined by ZWNJ (محمد‌حسین حسین‌زاده). */
  compoundName: { cardId: 'C-0000005', nationalCode: '0440117380' },
} as const;

interface FixedCard extends DemoPerson {
  cardId: string;
  status: CardStatus;
}

const ZWNJ = '\u200c';

const FIXED_CARDS: readonly FixedCard[] = [
  {
    ...DEMO_CARDS.ready,
    firstName: 'زهرا',
    lastName: 'محمدی',
    fatherName: 'علی',
    birthDate: '1368-04-21',
    trackingCode: '140309221234567',
    status: 'ready',
  },
  {
    ...DEMO_CARDS.revoked,
    firstName: 'رضا',
    lastName: 'احمدی',
    fatherName: 'حسن',
    birthDate: '1355-11-02',
    trackingCode: '140308150000002',
    status: 'revoked',
  },
  {
    ...DEMO_CARDS.arabicLetters,
    firstName: 'علي',
    lastName: 'كريمي',
    fatherName: 'يوسف',
    birthDate: '1349-07-30',
    trackingCode: '140309010000003',
    status: 'ready',
  },
  {
    ...DEMO_CARDS.returned,
    firstName: 'مریم',
    lastName: 'رضایی',
    fatherName: 'محمود',
    birthDate: '1372-01-15',
    trackingCode: '140306100000004',
    status: 'returned',
  },
  {
    ...DEMO_CARDS.compoundName,
    firstName: `محمد${ZWNJ}حسین`,
    lastName: `حسین${ZWNJ}زاده`,
    fatherName: `علی${ZWNJ}اکبر`,
    birthDate: '1381-09-09',
    trackingCode: '140309200000005',
    status: 'ready',
  },
];

const MALE_FIRST_NAMES = [
  'علی',
  'محمد',
  'حسین',
  'رضا',
  'مهدی',
  'حسن',
  'امیر',
  'مصطفی',
  'سعید',
  'مجید',
  'احمد',
  'جواد',
  'حمید',
  'محسن',
  'یوسف',
  'کاظم',
  'کریم',
  'بهروز',
  'فرهاد',
  'داریوش',
  'کوروش',
  'بابک',
  'سیاوش',
  'پرویز',
  'منصور',
  'ابراهیم',
  'اسماعیل',
  'یعقوب',
  'نادر',
  'کامران',
  'آرش',
  'پویا',
  'سینا',
  'میلاد',
  'عباس',
  'قاسم',
  'هادی',
  'وحید',
  'مرتضی',
  'ایمان',
  `محمد${ZWNJ}حسین`,
  `علی${ZWNJ}اکبر`,
  `محمد${ZWNJ}رضا`,
  `امیر${ZWNJ}حسین`,
  `علی${ZWNJ}رضا`,
  `محمد${ZWNJ}مهدی`,
];

const FEMALE_FIRST_NAMES = [
  'زهرا',
  'فاطمه',
  'مریم',
  'سارا',
  'نرگس',
  'لیلا',
  'مینا',
  'شیرین',
  'پریسا',
  'نازنین',
  'الهام',
  'سمیرا',
  'معصومه',
  'اکرم',
  'کبری',
  'طاهره',
  'رقیه',
  'سکینه',
  'فرشته',
  'مهسا',
  'نیلوفر',
  'آزاده',
  'شیما',
  'یاسمن',
  'کیمیا',
  'هانیه',
  'ریحانه',
  'سپیده',
  'ژاله',
  'پروین',
  'منیژه',
  'گلناز',
  'ترانه',
  'یگانه',
  'کوثر',
  'حدیث',
  'محدثه',
  'ملیکا',
  `فاطمه${ZWNJ}زهرا`,
  `ام${ZWNJ}البنین`,
  `مه${ZWNJ}لقا`,
];

const LAST_NAMES = [
  'محمدی',
  'حسینی',
  'احمدی',
  'رضایی',
  'موسوی',
  'کریمی',
  'جعفری',
  'قاسمی',
  'صادقی',
  'رحیمی',
  'هاشمی',
  'کاظمی',
  'ابراهیمی',
  'نوری',
  'اکبری',
  'یوسفی',
  'سلیمانی',
  'کرمانی',
  'شیرازی',
  'تهرانی',
  'اصفهانی',
  'یزدی',
  'کاشانی',
  'طباطبایی',
  'میرزایی',
  'زمانی',
  'فراهانی',
  'بهرامی',
  'کیانی',
  'نیکخواه',
  'شریفی',
  'مرادی',
  'عزیزی',
  'باقری',
  'امینی',
  'خسروی',
  'ملکی',
  'نجفی',
  'کوهی',
  'یکتا',
  `حسین${ZWNJ}زاده`,
  `علی${ZWNJ}زاده`,
  `رحیم${ZWNJ}زاده`,
  `ملک${ZWNJ}زاده`,
  `علی${ZWNJ}پور`,
  `حسن${ZWNJ}پور`,
  `کریم${ZWNJ}خانی`,
  `آقا${ZWNJ}بابایی`,
  `نیک${ZWNJ}نام`,
  `قلی${ZWNJ}زاده`,
];

/** mulberry32: tiny, fast, and identical on every platform, unlike Math.random. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

/** Whom a demo inventory's cards belong to: the names drawn from, where their codes were issued. */
export interface DemoPopulation {
  maleFirstNames: readonly string[];
  femaleFirstNames: readonly string[];
  lastNames: readonly string[];
  /**
   * The first three digits (the issuing office) a national code starts with, one drawn per code;
   * null for any nine digits, about one code in twelve with Tehran's 00.
   */
  officePrefixes: readonly string[] | null;
}

/** The registry's demo population: common names, compound ones joined by ZWNJ among them. */
export const DEMO_POPULATION: DemoPopulation = {
  maleFirstNames: MALE_FIRST_NAMES,
  femaleFirstNames: FEMALE_FIRST_NAMES,
  lastNames: LAST_NAMES,
  officePrefixes: null,
};

/** The share of cards in each state other than ready; the rest are ready. */
export interface DemoStatusShares {
  revoked: number;
  returned: number;
}

export const DEMO_STATUS_SHARES: DemoStatusShares = { revoked: 0.005, returned: 0.003 };

/** One item, drawn with one call of `random`. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** `length` (≤ 9) random digits from one draw: mulberry32 gives 32 bits, more than 10⁹ values. */
function digits(random: Random, length: number): string {
  return String(Math.floor(random() * 10 ** length)).padStart(length, '0');
}

/** Writes a name the way an Arabic keyboard or an old database would: ي and ك for ی and ک. */
export function withArabicLetters(text: string): string {
  return text.replace(/\u06cc/g, '\u064a').replace(/\u06a9/g, '\u0643');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function demoCardId(index: number): string {
  return `C-${pad(index + 1, 7)}`;
}

export function demoBox(index: number): string {
  return `B-${pad(Math.floor(index / CARDS_PER_BOX) + 1, 3)}`;
}

function randomNationalCode(random: Random, officePrefixes: readonly string[] | null): string {
  // Without offices, about one code in twelve starts with 00 (Tehran's prefixes), so leading
  // zeros get exercised.
  const firstNine = officePrefixes
    ? pick(random, officePrefixes) + digits(random, 6)
    : random() < 0.08
      ? '00' + digits(random, 7)
      : digits(random, 9);
  if (firstNine.slice(3, 9) === '000000') return randomNationalCode(random, officePrefixes);
  return completeNationalCode(firstNine);
}

function randomJalaliDate(random: Random, fromYear: number, toYear: number): string {
  const year = fromYear + Math.floor(random() * (toYear - fromYear + 1));
  const month = 1 + Math.floor(random() * 12);
  const daysInMonth = month <= 6 ? 31 : month <= 11 ? 30 : 29;
  const day = 1 + Math.floor(random() * daysInMonth);
  return `${year}-${pad(month, 2)}-${pad(day, 2)}`;
}

function randomTrackingCode(random: Random): string {
  // Issuing date (Jalali YYYYMMDD) then a seven-digit serial: 15 digits, as on the slips.
  const year = 1403 + Math.floor(random() * 2);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 29);
  return `${year}${pad(month, 2)}${pad(day, 2)}${digits(random, 7)}`;
}

function randomStatus(random: Random, shares: DemoStatusShares): CardStatus {
  const roll = random();
  if (roll < shares.revoked) return 'revoked';
  if (roll < shares.revoked + shares.returned) return 'returned';
  return 'ready';
}

/** A card holder's fields of the protocol's Card, every one present: a demo person has them all. */
export type DemoPerson = {
  [
    Field in 'nationalCode' | 'firstName' | 'lastName' | 'fatherName' | 'birthDate' | 'trackingCode'
  ]-?: NonNullable<Card[Field]>;
};

/** A random card holder; `taken` lets the caller keep national and tracking codes unique. */
export function randomDemoPerson(
  random: Random,
  taken: (nationalCode: string, trackingCode: string) => boolean = () => false,
  population: DemoPopulation = DEMO_POPULATION,
): DemoPerson {
  let nationalCode = randomNationalCode(random, population.officePrefixes);
  let trackingCode = randomTrackingCode(random);
  while (taken(nationalCode, trackingCode)) {
    nationalCode = randomNationalCode(random, population.officePrefixes);
    trackingCode = randomTrackingCode(random);
  }
  let firstName = pick(
    random,
    random() < 0.5 ? population.maleFirstNames : population.femaleFirstNames,
  );
  let lastName = pick(random, population.lastNames);
  let fatherName = pick(random, population.maleFirstNames);
  // Roughly one record in twenty was keyed on an Arabic keyboard.
  if (random() < 0.05) {
    firstName = withArabicLetters(firstName);
    lastName = withArabicLetters(lastName);
    fatherName = withArabicLetters(fatherName);
  }
  return {
    nationalCode,
    firstName,
    lastName,
    fatherName,
    birthDate: randomJalaliDate(random, 1320, 1385),
    trackingCode,
  };
}

/** For an inventory other than the registry's demo on the same generator (the benchmark's, for one). */
export interface DemoInventoryOptions {
  population?: DemoPopulation;
  statusShares?: DemoStatusShares;
}

/**
 * The demo inventory of one center: `count` cards, versions 1..count in cardId order.
 * The first cards are DEMO_CARDS (as many as fit in `count`); the rest are random but seeded.
 */
export function generateDemoCards(
  centerId: string,
  count: number,
  seed: number = DEFAULT_DEMO_SEED,
  { population = DEMO_POPULATION, statusShares = DEMO_STATUS_SHARES }: DemoInventoryOptions = {},
): Card[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`card count must be a non-negative integer, got ${count}`);
  const random = mulberry32(seed);
  const cards: Card[] = [];
  const usedCodes = new Set<string>();
  const usedTracking = new Set<string>();

  for (let index = 0; index < count; index++) {
    const fixed = FIXED_CARDS[index];
    let person: DemoPerson;
    let status: CardStatus;
    if (fixed) {
      person = fixed;
      status = fixed.status;
    } else {
      person = randomDemoPerson(
        random,
        (code, tracking) => usedCodes.has(code) || usedTracking.has(tracking),
        population,
      );
      status = randomStatus(random, statusShares);
    }
    usedCodes.add(person.nationalCode);
    usedTracking.add(person.trackingCode);
    // One literal shape for every card: 100k cards in a few hundred milliseconds.
    cards.push({
      cardId: demoCardId(index),
      centerId,
      nationalCode: person.nationalCode,
      firstName: person.firstName,
      lastName: person.lastName,
      fatherName: person.fatherName,
      birthDate: person.birthDate,
      trackingCode: person.trackingCode,
      box: demoBox(index),
      status,
      version: index + 1,
      updatedAt: DEMO_SEEDED_AT,
      handover: null,
    });
  }
  return cards;
}
