// The inventory the bench stores, searches and hands over: the registry's own demo generator
// (server/demo-inventory.ts, its mulberry32 included) with the population the bench's figures
// have always been measured on, and a seeded few cards already handed over elsewhere. Must stay
// true: the same count and seed give the same cards, and changing the population changes the
// figures (how many name keys a card has, how many cards a typed prefix finds), so it is fixed here.
import { CARD_WRITE_CHUNK, toStoredCard } from '../../src/db/cards.ts';
import type { StoredCard } from '../../src/db/records.ts';
import { DEMO_CENTER_ID, type Card } from '../../src/protocol/protocol.ts';
import {
  generateDemoCards,
  mulberry32,
  type DemoPopulation,
  type DemoStatusShares,
} from '../../server/demo-inventory.ts';
import { handoverAtAnotherCounter } from '../../tests/factories/events.ts';
import { describeSchema } from './baseline.ts';

/** Every seeded draw of the bench derives from this one (step N adds its own offset). */
export const BENCH_SEED = 1405;

/**
 * Lists of 30 male and 30 female first names and 60 last names, none of the first names and four
 * of the last names compound (ZWNJ): fewer and simpler than the registry's demo names, which
 * would give a card more name-pair keys to store and a typed prefix other cards to find. First
 * three digits of national codes: 60 issuing offices, so a four-digit prefix typed in step 4
 * finds more than a screenful of cards, as at a real counter.
 */
export const BENCH_POPULATION: DemoPopulation = {
  maleFirstNames: [
    'محمد',
    'علی',
    'حسین',
    'رضا',
    'مهدی',
    'حسن',
    'امیر',
    'مصطفی',
    'ابوالفضل',
    'سعید',
    'مجید',
    'حمید',
    'احمد',
    'محمدرضا',
    'محمدعلی',
    'جواد',
    'کاظم',
    'محسن',
    'مرتضی',
    'یوسف',
    'داوود',
    'بهروز',
    'فرهاد',
    'کامران',
    'سجاد',
    'عباس',
    'اکبر',
    'ناصر',
    'هادی',
    'پرویز',
  ],
  femaleFirstNames: [
    'فاطمه',
    'زهرا',
    'مریم',
    'زینب',
    'معصومه',
    'سمیه',
    'نرگس',
    'لیلا',
    'الهام',
    'مهسا',
    'سارا',
    'نازنین',
    'کوثر',
    'ریحانه',
    'هانیه',
    'پریسا',
    'شیرین',
    'آزاده',
    'طاهره',
    'منیژه',
    'فرشته',
    'سپیده',
    'نگین',
    'الناز',
    'رقیه',
    'سکینه',
    'اعظم',
    'ملیکا',
    'یاسمن',
    'ستاره',
  ],
  lastNames: [
    'محمدی',
    'حسینی',
    'احمدی',
    'رضایی',
    'موسوی',
    'کریمی',
    'جعفری',
    'صادقی',
    'رحیمی',
    'هاشمی',
    'قاسمی',
    'ابراهیمی',
    'نوری',
    'کاظمی',
    'مرادی',
    'عباسی',
    'رستمی',
    'زارعی',
    'محمودی',
    'یزدانی',
    'طاهری',
    'سلیمانی',
    'نجفی',
    'امیری',
    'بهرامی',
    'حیدری',
    'شریفی',
    'اکبری',
    'فرهادی',
    'مهدوی',
    'تهرانی',
    'اصفهانی',
    'شیرازی',
    'خراسانی',
    'قربانی',
    'سلطانی',
    'باقری',
    'نظری',
    'فتحی',
    'جهانگیری',
    'کرمانی',
    'رحمانی',
    'غلامی',
    'یوسفی',
    'عسگری',
    'میرزایی',
    'دهقان',
    'خسروی',
    'پورمحمد',
    'حسین‌زاده',
    'علی‌پور',
    'نیک‌نام',
    'قلی‌زاده',
    'آقایی',
    'منصوری',
    'انصاری',
    'صفری',
    'توکلی',
    'کیانی',
    'بابایی',
  ],
  officePrefixes: [
    '001',
    '002',
    '003',
    '004',
    '005',
    '006',
    '007',
    '008',
    '011',
    '020',
    '025',
    '031',
    '036',
    '041',
    '048',
    '052',
    '056',
    '061',
    '063',
    '065',
    '069',
    '073',
    '076',
    '079',
    '084',
    '092',
    '112',
    '121',
    '127',
    '136',
    '140',
    '149',
    '158',
    '165',
    '173',
    '181',
    '190',
    '198',
    '217',
    '228',
    '241',
    '252',
    '262',
    '270',
    '282',
    '293',
    '312',
    '321',
    '333',
    '342',
    '360',
    '371',
    '382',
    '395',
    '413',
    '425',
    '440',
    '451',
    '469',
    '483',
  ],
};

const BENCH_STATUS_SHARES: DemoStatusShares = { revoked: 0.02, returned: 0.02 };
/** Cards the registry already knows as handed over at another counter; with the shares above, 88% are ready. */
const HANDED_OVER_SHARE = 0.08;

/** `count` cards of the bench population; 8% handed over (the registry's copy of the event), 2% revoked, 2% returned. */
export function generateBenchCards(count: number, seed: number): Card[] {
  const cards = generateDemoCards(DEMO_CENTER_ID, count, seed, {
    population: BENCH_POPULATION,
    statusShares: BENCH_STATUS_SHARES,
  });
  const random = mulberry32(seed + 1);
  const readyShare = 1 - BENCH_STATUS_SHARES.revoked - BENCH_STATUS_SHARES.returned;
  return cards.map((card) =>
    card.status === 'ready' && random() < HANDED_OVER_SHARE / readyShare
      ? { ...card, status: 'handed_over', handover: handoverAtAnotherCounter(card) }
      : card,
  );
}

let seed = BENCH_SEED;
let cards: Card[] = [];
let records: StoredCard[] = [];

/** Makes the inventory the steps use; the baseline's records are folded by the app's own function. */
export function generate(count: number, withSeed = BENCH_SEED) {
  const started = performance.now();
  seed = withSeed;
  cards = generateBenchCards(count, seed);
  records = cards.map(toStoredCard);
  const byStatus: Record<string, number> = {};
  for (const card of cards) byStatus[card.status] = (byStatus[card.status] ?? 0) + 1;
  return {
    count: cards.length,
    byStatus,
    chunk: CARD_WRITE_CHUNK,
    schema: describeSchema(),
    ms: performance.now() - started,
  };
}

/** The seed the inventory was made with: each step draws from seed + its own offset. */
export function inventorySeed(): number {
  return seed;
}

export function inventoryCards(): Card[] {
  if (cards.length === 0) throw new Error('generate() first');
  return cards;
}

/** The inventory as the baseline stores it (toStoredCard), until releaseRecords(). */
export function baselineRecords(): StoredCard[] {
  return records;
}

/** Drops the folded copies once both stores are written: the app never holds them, so their GC should not be timed. */
export function releaseRecords(): void {
  records = [];
}

/**
 * The manifest steps run last: the inventory of steps 1–6 is no longer needed, and dropping it
 * leaves the page's heap as a page that imports holds it, not 100,000 generated cards larger.
 */
export function releaseInventory(): void {
  cards = [];
  records = [];
}
