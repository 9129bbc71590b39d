// The benchmark page: generates a deterministic inventory and times the app's own storage code
// (src/db) against the same operations on plain IndexedDB. bench/run.mjs drives it through
// window.tahvilBench. Must stay true: the baseline database has the app's stores, key paths and
// indexes, uses strict durability and the app's chunk size, and is given records already
// folded by the app's own toStoredCard, so the difference measured is the app's overhead. The
// baseline's schema is read from TahvilDatabase itself, so a schema change reaches it too.
// The sync steps run the app's real SyncEngine (real fetch, real clock, no lock) against the
// in-process mock registry that bench/run.mjs serves on this origin. The manifest steps run the
// app's real import (importManifestFile: the module worker reads, checks and writes the file)
// into a database of their own.
import { TahvilDatabase, DATABASE_NAME } from '../src/db/database.ts';
import { CARD_WRITE_CHUNK, toStoredCard, upsertCards } from '../src/db/cards.ts';
import { SEARCH_RESULT_LIMIT, searchCards } from '../src/db/queries.ts';
import { pendingOutboxRecord, recordHandover, type CommandContext } from '../src/db/handovers.ts';
import { readCounters } from '../src/db/counters.ts';
import {
  ensureDeviceIdentity,
  readSettings,
  readSyncMeta,
  startShift,
} from '../src/db/settings.ts';
import type { StaffOnShift, StoredCard } from '../src/db/records.ts';
import {
  cardsPath,
  eventsPath,
  MAX_PUSH_EVENTS,
  type Card,
  type CardStatus,
  type HandoverEvent,
} from '../src/protocol/protocol.ts';
import { PULL_PAGE_LIMIT, SyncEngine, type SyncClock } from '../src/sync/engine.ts';
import { completeNationalCode } from '../src/domain/national-code.ts';
import { CSV_BYTE_ORDER_MARK, csvLine } from '../src/domain/csv.ts';
import { MANIFEST_COLUMNS } from '../src/domain/manifest.ts';
import {
  MANIFEST_BATCH_ROWS,
  MANIFEST_SLICE_BYTES,
} from '../src/features/import/manifest-parse.ts';
import {
  importManifestFile,
  type RejectedImportRow,
} from '../src/features/import/run-manifest-import.ts';
import { searchTokens, wordsMatchName } from '../src/domain/persian-text.ts';
import { DEFAULT_TIME_ZONE, isoWithOffset, jalaliDayKey } from '../src/domain/jalali.ts';
import { ALL_CHECKS } from '../tests/factories/cards.ts';

const BASELINE_DATABASE_NAME = 'tahvil-bench-baseline';
const STRICT: IDBTransactionOptions = { durability: 'strict' };

// ---------------------------------------------------------------------------------------------
// Deterministic inventory

const MALE_FIRST_NAMES = [
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
];
const FEMALE_FIRST_NAMES = [
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
];
const FIRST_NAMES = [...MALE_FIRST_NAMES, ...FEMALE_FIRST_NAMES];
const LAST_NAMES = [
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
];
// First three digits of national codes: the issuing office. A spread of real-looking ones.
const CODE_PREFIXES = [
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
];
const CARDS_PER_BOX = 250;

/** mulberry32: small, fast, and the same sequence on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Codes as spreadsheets typed in Iran often hold them: Persian digits (۰–۹). */
const persianDigits = (digits: string) =>
  digits.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

/** Registry spellings sometimes carry Arabic Yeh and Kaf; the folding must absorb them. */
const arabicSpelling = (name: string) => name.replace(/ی/g, '\u064a').replace(/ک/g, '\u0643');

function generateCards(count: number, seed: number): Card[] {
  const random = seededRandom(seed);
  const usedCodes = new Set<string>();
  const cards: Card[] = [];
  for (let i = 0; i < count; i++) {
    let nationalCode: string;
    do {
      const middle = pad(Math.floor(random() * 1_000_000), 6);
      nationalCode = completeNationalCode(pick(random, CODE_PREFIXES) + middle);
      // Six zeros after the office prefix is not a valid code.
      if (middle === '000000') nationalCode = '';
    } while (nationalCode === '' || usedCodes.has(nationalCode));
    usedCodes.add(nationalCode);
    const arabic = random() < 0.03;
    const spell = (name: string) => (arabic ? arabicSpelling(name) : name);
    const firstName = spell(pick(random, FIRST_NAMES));
    const lastName = spell(pick(random, LAST_NAMES));
    const fatherName = random() < 0.05 ? null : spell(pick(random, MALE_FIRST_NAMES));
    const roll = random();
    const status: CardStatus =
      roll < 0.88 ? 'ready' : roll < 0.96 ? 'handed_over' : roll < 0.98 ? 'revoked' : 'returned';
    const cardId = `C-${pad(i + 1, 7)}`;
    const handover: HandoverEvent | null =
      status === 'handed_over'
        ? {
            eventId: `registry-${pad(i + 1, 7)}`,
            type: 'handover',
            cardId,
            occurredAt: '2026-11-20T09:15:00.000+03:30',
            staffId: 'S-0900',
            deviceId: 'registry',
            recipient: { kind: 'holder', nationalCode, fullName: `${firstName} ${lastName}` },
            checks: { ...ALL_CHECKS },
          }
        : null;
    cards.push({
      cardId,
      centerId: 'DEMO-01',
      nationalCode,
      firstName,
      lastName,
      fatherName,
      birthDate: `13${pad(30 + Math.floor(random() * 55), 2)}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 29), 2)}`,
      trackingCode: `140${3 + (i % 2)}${pad(i + 1, 7)}${pad(Math.floor(random() * 10_000), 4)}`,
      box: `B-${pad(Math.floor(i / CARDS_PER_BOX) + 1, 3)}`,
      status,
      version: i + 1,
      updatedAt: '2026-11-24T08:12:44.120Z',
      handover,
    });
  }
  return cards;
}

// ---------------------------------------------------------------------------------------------
// Plain IndexedDB baseline

function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('aborted', 'AbortError'));
  });
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    request.onblocked = () =>
      console.log(`[bench] delete of ${name} is blocked by an open connection`);
  });
}

/** The app's current schema, read from its Dexie class, so the baseline cannot drift from it. */
function appSchema() {
  // Never opened: Dexie opens lazily, and only the declared schema is read.
  return new TahvilDatabase(`${BASELINE_DATABASE_NAME}-schema`).tables.map((table) => table.schema);
}

/** e.g. `cards(cardId; nationalCode, …, *nameTokens)`: what the baseline was built with. */
function describeSchema(): string {
  return appSchema()
    .map((schema) => {
      const indexes = schema.indexes.map(
        (index) => `${index.unique ? '&' : ''}${index.multi ? '*' : ''}${index.name}`,
      );
      return `${schema.name}(${schema.primKey.auto ? '++' : ''}${schema.primKey.name}${indexes.length ? `; ${indexes.join(', ')}` : ''})`;
    })
    .join(' ');
}

/** The same stores, key paths and indexes as the app's database, made with the plain API. */
function openBaselineDatabase(): Promise<IDBDatabase> {
  const schemas = appSchema();
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(BASELINE_DATABASE_NAME, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const schema of schemas) {
        const store = db.createObjectStore(schema.name, {
          keyPath: schema.primKey.keyPath ?? null,
          autoIncrement: Boolean(schema.primKey.auto),
        });
        for (const index of schema.indexes) {
          if (index.keyPath === undefined)
            throw new Error(`index ${schema.name}.${index.name} has no key path`);
          store.createIndex(index.name, index.keyPath, {
            unique: Boolean(index.unique),
            multiEntry: Boolean(index.multi),
          });
        }
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs app and baseline one after the other, swapping which goes first each round, so neither always runs on a warmer cache. */
async function alternately(
  round: number,
  runApp: () => Promise<void>,
  runBaseline: () => Promise<void>,
): Promise<void> {
  if (round % 2 === 0) {
    await runApp();
    await runBaseline();
  } else {
    await runBaseline();
    await runApp();
  }
}

async function baselinePutChunk(db: IDBDatabase, records: readonly StoredCard[]): Promise<void> {
  const tx = db.transaction('cards', 'readwrite', STRICT);
  const store = tx.objectStore('cards');
  for (const record of records) store.put(record);
  await transactionDone(tx);
}

function baselineGetByNationalCode(db: IDBDatabase, code: string): Promise<StoredCard | undefined> {
  const tx = db.transaction('cards', 'readonly');
  return requestResult(
    tx.objectStore('cards').index('nationalCode').get(code) as IDBRequest<StoredCard | undefined>,
  );
}

/** The name search as a plain cursor: longest word as the index range, the app's word match as the filter. */
function baselineNameSearch(db: IDBDatabase, query: string, limit: number): Promise<StoredCard[]> {
  const words = searchTokens(query);
  const anchor = words.reduce((longest, word) => (word.length > longest.length ? word : longest));
  return new Promise((resolve, reject) => {
    const tx = db.transaction('cards', 'readonly');
    const request = tx
      .objectStore('cards')
      .index('nameTokens')
      .openCursor(IDBKeyRange.bound(anchor, anchor + '\uffff', false, false));
    const seen = new Set<string>();
    const found: StoredCard[] = [];
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve(found);
      const card = cursor.value as StoredCard;
      if (!seen.has(card.cardId) && wordsMatchName(words, card.nameTokens)) {
        seen.add(card.cardId);
        found.push(card);
        if (found.length >= limit) return resolve(found);
      }
      cursor.continue();
    };
    request.onerror = () => reject(request.error);
  });
}

/** Card → handed_over and an outbox record, in one strict read-write transaction. */
function baselineHandover(
  db: IDBDatabase,
  cardId: string,
  eventId: string,
  now: Date,
  dayKey: string,
  occurredAt: string,
): Promise<void> {
  const tx = db.transaction(['cards', 'events'], 'readwrite', STRICT);
  const cards = tx.objectStore('cards');
  const request = cards.get(cardId) as IDBRequest<StoredCard | undefined>;
  request.onsuccess = () => {
    const card = request.result;
    if (!card) {
      tx.abort();
      return;
    }
    const event: HandoverEvent = {
      eventId,
      type: 'handover',
      cardId,
      occurredAt,
      staffId: BENCH_STAFF_ID,
      deviceId: 'baseline-device',
      recipient: {
        kind: 'holder',
        nationalCode: card.nationalCode,
        fullName: `${card.firstName} ${card.lastName}`,
      },
      checks: { ...ALL_CHECKS },
    };
    const record = pendingOutboxRecord(event, {
      dayKey,
      occurredAtMs: now.getTime(),
      staff: { staffId: BENCH_STAFF_ID, staffName: BENCH_STAFF_NAME },
      holderName: `${card.firstName} ${card.lastName}`,
      holderNationalCode: card.nationalCode,
    });
    tx.objectStore('events').add(record);
    cards.put({ ...card, status: 'handed_over', handover: event });
  };
  return transactionDone(tx);
}

function baselineCountReady(db: IDBDatabase): Promise<number> {
  const tx = db.transaction('cards', 'readonly');
  return requestResult(tx.objectStore('cards').index('status').count('ready'));
}

// ---------------------------------------------------------------------------------------------
// Benchmark state and steps

const BENCH_STAFF_ID = 'S-0042';
const BENCH_STAFF_NAME = 'کارمند آزمون';

interface BenchState {
  seed: number;
  cards: Card[];
  records: StoredCard[];
  appDb: TahvilDatabase | null;
  baselineDb: IDBDatabase | null;
  deviceId: string;
  staff: StaffOnShift | null;
  handedOverHere: Set<string>;
  /** The sync steps' tablet: its own database, empty until the engine pulls into it. */
  syncDb: TahvilDatabase | null;
  syncDeviceId: string;
  syncStaff: StaffOnShift | null;
  /** The manifest steps' database and the file both of its imports read. */
  importDb: TahvilDatabase | null;
  manifest: { file: File; expected: ManifestExpectation } | null;
}

const state: BenchState = {
  seed: 1405,
  cards: [],
  records: [],
  appDb: null,
  baselineDb: null,
  deviceId: '',
  staff: null,
  handedOverHere: new Set(),
  syncDb: null,
  syncDeviceId: '',
  syncStaff: null,
  importDb: null,
  manifest: null,
};

/** A command's context at this moment, as the counter builds it: real clock, random event ids. */
function commandContextNow(deviceId: string, staff: StaffOnShift | null): CommandContext {
  return {
    deviceId,
    staff,
    timeZone: DEFAULT_TIME_ZONE,
    now: new Date(),
    makeEventId: () => crypto.randomUUID(),
  };
}

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

function requireCards(): Card[] {
  if (state.cards.length === 0) throw new Error('generate() first');
  return state.cards;
}

function appDb(): TahvilDatabase {
  state.appDb ??= new TahvilDatabase();
  return state.appDb;
}

async function baselineDb(): Promise<IDBDatabase> {
  state.baselineDb ??= await openBaselineDatabase();
  return state.baselineDb;
}

/** Lets the browser settle (background flushes, GC) before a timed section. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function generate(count: number, seed = 1405) {
  const started = performance.now();
  state.seed = seed;
  state.cards = generateCards(count, seed);
  // The baseline receives records already folded by the app's own function.
  state.records = state.cards.map(toStoredCard);
  const byStatus: Record<string, number> = {};
  for (const card of state.cards) byStatus[card.status] = (byStatus[card.status] ?? 0) + 1;
  return {
    count: state.cards.length,
    byStatus,
    chunk: CARD_WRITE_CHUNK,
    schema: describeSchema(),
    ms: performance.now() - started,
  };
}

/** Drops the folded copies once both stores are written: the app never holds them, so their GC should not be timed. */
function releaseRecords(): void {
  state.records = [];
}

async function deleteDatabases(): Promise<void> {
  state.appDb?.close();
  state.appDb = null;
  state.baselineDb?.close();
  state.baselineDb = null;
  await deleteDatabase(DATABASE_NAME);
  await deleteDatabase(BASELINE_DATABASE_NAME);
}

/**
 * Writes the inventory into empty app and baseline databases, one CARD_WRITE_CHUNK at a time,
 * alternating which side writes each chunk first. Interleaving puts both through the same disk
 * and compaction weather; timing them one after the other favoured whichever went first.
 * upsertCards is called once per chunk: exactly one of its own transactions, as the sync engine
 * calls it once per pulled page.
 */
async function storeInterleaved(settleMs = 1000) {
  const cards = requireCards();
  await deleteDatabases();
  const db = appDb();
  await db.open();
  const baseline = await baselineDb();
  await pause(settleMs);
  const appChunks: number[] = [];
  const baselineChunks: number[] = [];
  let written = 0;
  const chunks = Math.ceil(cards.length / CARD_WRITE_CHUNK);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * CARD_WRITE_CHUNK;
    const appSlice = cards.slice(start, start + CARD_WRITE_CHUNK);
    const baselineSlice = state.records.slice(start, start + CARD_WRITE_CHUNK);
    const runApp = async () => {
      const started = performance.now();
      const summary = await upsertCards(db, appSlice);
      appChunks.push(performance.now() - started);
      written += summary.written;
    };
    const runBaseline = async () => {
      const started = performance.now();
      await baselinePutChunk(baseline, baselineSlice);
      baselineChunks.push(performance.now() - started);
    };
    await alternately(chunk, runApp, runBaseline);
    if ((chunk + 1) % 5 === 0 || chunk === chunks - 1) {
      const sum = (values: number[]) =>
        Math.round(values.reduce((total, value) => total + value, 0));
      log(
        `stored ${Math.min(cards.length, start + CARD_WRITE_CHUNK)} of ${cards.length}: app ${sum(appChunks)} ms, baseline ${sum(baselineChunks)} ms so far`,
      );
    }
  }
  if (written !== cards.length) throw new Error(`upsertCards wrote ${written} of ${cards.length}`);
  return { appChunks, baselineChunks, written };
}

/** Device id and a shift, so the real app opens on its search screen. */
async function prepareAppSettings() {
  const db = appDb();
  const settings = await ensureDeviceIdentity(db);
  state.deviceId = settings.deviceId;
  state.staff = await startShift(db, BENCH_STAFF_ID, BENCH_STAFF_NAME, new Date());
  return { deviceId: state.deviceId, staffId: state.staff.staffId };
}

async function measureCodeLookup(samples: number, warmup: number) {
  const cards = requireCards();
  const random = seededRandom(state.seed + 2);
  const db = appDb();
  const baseline = await baselineDb();
  const app: number[] = [];
  const base: number[] = [];
  let wrong = 0;
  for (let i = 0; i < warmup + samples; i++) {
    const card = pick(random, cards);
    const runApp = async () => {
      const started = performance.now();
      const outcome = await searchCards(db, card.nationalCode);
      const ms = performance.now() - started;
      if (
        outcome.kind !== 'national-code' ||
        outcome.cards.length !== 1 ||
        outcome.cards[0]?.cardId !== card.cardId
      )
        wrong++;
      if (i >= warmup) app.push(ms);
    };
    const runBaseline = async () => {
      const started = performance.now();
      const found = await baselineGetByNationalCode(baseline, card.nationalCode);
      const ms = performance.now() - started;
      if (found?.cardId !== card.cardId) wrong++;
      if (i >= warmup) base.push(ms);
    };
    await alternately(i, runApp, runBaseline);
  }
  return { app, baseline: base, wrong };
}

/** Name queries a clerk types: one word prefix, or a first-name prefix and a last-name prefix. */
function nameQueries(count: number, seed: number): string[] {
  const cards = requireCards();
  const random = seededRandom(seed);
  const prefix = (name: string) => [...name].slice(0, 2 + Math.floor(random() * 3)).join('');
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    if (random() < 0.6) {
      queries.push(prefix(pick(random, random() < 0.5 ? FIRST_NAMES : LAST_NAMES)));
    } else {
      // Two words from a card that exists, as a clerk looking for a person would type.
      const card = pick(random, cards);
      queries.push(`${prefix(card.firstName)} ${prefix(card.lastName)}`);
    }
  }
  return queries;
}

function matchesEveryWord(card: StoredCard, query: string): boolean {
  return wordsMatchName(searchTokens(query), card.nameTokens);
}

async function measureNamePrefix(samples: number, warmup: number) {
  const db = appDb();
  const baseline = await baselineDb();
  const queries = nameQueries(warmup + samples, state.seed + 3);
  const app: number[] = [];
  const base: number[] = [];
  const words: number[] = [];
  const perQuery: Array<{ query: string; app: number; baseline: number; results: number }> = [];
  let differing = 0;
  for (let i = 0; i < queries.length; i++) {
    const query = queries[i] as string;
    let appMs = 0;
    let baseMs = 0;
    let appIds: string[] = [];
    let appCards: StoredCard[] = [];
    let baseIds: string[] = [];
    const runApp = async () => {
      const started = performance.now();
      const outcome = await searchCards(db, query);
      appMs = performance.now() - started;
      appCards = outcome.cards;
      appIds = appCards.map((card) => card.cardId);
    };
    const runBaseline = async () => {
      const started = performance.now();
      const found = await baselineNameSearch(baseline, query, SEARCH_RESULT_LIMIT);
      baseMs = performance.now() - started;
      baseIds = found.map((card) => card.cardId);
    };
    await alternately(i, runApp, runBaseline);
    // Over 50 matches, the two may pick different cards; the count must agree, and below 50
    // the cards themselves. Every card shown must match every word.
    const sameCards =
      appIds.length === baseIds.length &&
      (appIds.length === SEARCH_RESULT_LIMIT ||
        [...appIds].sort().join() === [...baseIds].sort().join());
    if (!sameCards || appCards.some((card) => !matchesEveryWord(card, query))) differing++;
    if (i >= warmup) {
      app.push(appMs);
      base.push(baseMs);
      words.push(searchTokens(query).length);
      perQuery.push({ query, app: appMs, baseline: baseMs, results: appIds.length });
    }
  }
  perQuery.sort((a, b) => b.app - a.app);
  return { app, baseline: base, words, differing, slowest: perQuery.slice(0, 8) };
}

/** Ready cards for the handover step, spread over the inventory, distinct, fixed by the seed. */
function handoverCandidates(count: number): Card[] {
  const cards = requireCards();
  const random = seededRandom(state.seed + 5);
  const chosen = new Map<string, Card>();
  let guard = 0;
  while (chosen.size < count && guard++ < count * 50) {
    const card = pick(random, cards);
    if (card.status === 'ready' && !state.handedOverHere.has(card.cardId))
      chosen.set(card.cardId, card);
  }
  return [...chosen.values()];
}

async function measureHandover(samples: number, warmup: number) {
  const db = appDb();
  const baseline = await baselineDb();
  if (!state.staff) await prepareAppSettings();
  const staff = state.staff;
  const candidates = handoverCandidates(warmup + samples);
  const app: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const card = candidates[i] as Card;
    const context = commandContextNow(state.deviceId, staff);
    const runApp = async () => {
      const started = performance.now();
      await recordHandover(
        db,
        {
          cardId: card.cardId,
          recipient: { kind: 'holder', nationalCode: card.nationalCode, fullName: '' },
          checks: ALL_CHECKS,
          proxyAllowed: false,
        },
        context,
      );
      const ms = performance.now() - started;
      if (i >= warmup) app.push(ms);
    };
    const runBaseline = async () => {
      const now = new Date();
      const occurredAt = isoWithOffset(now, DEFAULT_TIME_ZONE);
      const dayKey = jalaliDayKey(now, DEFAULT_TIME_ZONE);
      const started = performance.now();
      await baselineHandover(baseline, card.cardId, crypto.randomUUID(), now, dayKey, occurredAt);
      const ms = performance.now() - started;
      if (i >= warmup) base.push(ms);
    };
    await alternately(i, runApp, runBaseline);
    state.handedOverHere.add(card.cardId);
  }
  return { app, baseline: base, cards: candidates.length };
}

async function measureCounters(samples: number, baselineSamples: number, warmup: number) {
  const db = appDb();
  const baseline = await baselineDb();
  const todayKey = jalaliDayKey(new Date(), DEFAULT_TIME_ZONE);
  const app: number[] = [];
  const base: number[] = [];
  let snapshot = await readCounters(db, todayKey);
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now();
    snapshot = await readCounters(db, todayKey);
    const ms = performance.now() - started;
    if (i >= warmup) app.push(ms);
  }
  let readyByCount = 0;
  for (let i = 0; i < baselineSamples + 1; i++) {
    const started = performance.now();
    readyByCount = await baselineCountReady(baseline);
    const ms = performance.now() - started;
    if (i >= 1) base.push(ms);
  }
  // What the counters should say: generated ready cards minus the handovers made here.
  const expectedReady =
    requireCards().filter((card) => card.status === 'ready').length - state.handedOverHere.size;
  return { app, baseline: base, snapshot, expectedReady, readyByCount, todayKey };
}

/** What the keystroke step types in the real app: names and national codes of stored cards. */
function keystrokeSessions(minKeystrokes: number) {
  const cards = requireCards();
  const random = seededRandom(state.seed + 7);
  const sessions: Array<{ kind: 'name' | 'code'; text: string }> = [];
  let keystrokes = 0;
  let i = 0;
  while (keystrokes < minKeystrokes) {
    const card = pick(random, cards);
    const session =
      i % 2 === 0
        ? // The first name in full, then the start of the last name (no ZWNJ in the first three letters).
          {
            kind: 'name' as const,
            text: `${card.firstName} ${[...card.lastName].slice(0, 2 + (i % 3 === 0 ? 1 : 0)).join('')}`,
          }
        : {
            kind: 'code' as const,
            text: i % 4 === 1 ? card.nationalCode : persianDigits(card.nationalCode),
          };
    sessions.push(session);
    keystrokes += [...session.text].length;
    i++;
  }
  return sessions;
}

// ---------------------------------------------------------------------------------------------
// Sync through the real engine: initial pull into an empty tablet, then a push of a full outbox

/** Not the app's own database (that one holds the bench's inventory for steps 1–6): a fresh tablet. */
const SYNC_DATABASE_NAME = 'tahvil-bench-sync';
/**
 * Handovers recorded per transaction while filling the outbox. Setup, not what is timed: one
 * strict commit per handover (as at the counter, timed in step 5) would spend minutes on
 * 10,000 of them. The outbox rows are the same, made by the real recordHandover.
 */
const QUEUE_HANDOVERS_PER_TRANSACTION = 500;

const realClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

interface RequestRecord {
  kind: 'pull' | 'push' | 'other';
  path: string;
  startedAt: number;
  /** When the response headers arrived; the engine then reads the body and writes IndexedDB. */
  answeredAt: number | null;
  status: number | null;
}

/**
 * The page's real fetch, noting each request's kind and times. The engine cannot tell it from
 * fetch; the log is what separates the push phase from the pull that follows it in one sync.
 */
function observedFetch(log: RequestRecord[], centerId: string): typeof fetch {
  const pullPath = cardsPath(centerId);
  const pushPath = eventsPath(centerId);
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const kind =
      method === 'GET' && url.pathname === pullPath
        ? 'pull'
        : method === 'POST' && url.pathname === pushPath
          ? 'push'
          : 'other';
    const record: RequestRecord = {
      kind,
      path: `${method} ${url.pathname}`,
      startedAt: performance.now(),
      answeredAt: null,
      status: null,
    };
    log.push(record);
    const response = await window.fetch(input, init);
    record.answeredAt = performance.now();
    record.status = response.status;
    return response;
  };
}

/**
 * Per request of one kind: `answerMs` from its start to the response headers (network and the
 * registry's work, its fsync included), `cycleMs` from its start to the next request's start
 * (or the end of the sync): the answer plus body, JSON parse and the engine's IndexedDB work.
 */
function requestTimings(
  log: readonly RequestRecord[],
  kind: RequestRecord['kind'],
  endedAt: number,
) {
  const answerMs: number[] = [];
  const cycleMs: number[] = [];
  log.forEach((record, i) => {
    if (record.kind !== kind) return;
    answerMs.push((record.answeredAt ?? record.startedAt) - record.startedAt);
    cycleMs.push((log[i + 1]?.startedAt ?? endedAt) - record.startedAt);
  });
  return { answerMs, cycleMs };
}

function syncDb(): TahvilDatabase {
  state.syncDb ??= new TahvilDatabase(SYNC_DATABASE_NAME);
  return state.syncDb;
}

/** A fresh tablet: an empty database with its device id and a shift, as after first start. */
async function prepareSyncTablet() {
  state.syncDb?.close();
  state.syncDb = null;
  await deleteDatabase(SYNC_DATABASE_NAME);
  const db = syncDb();
  await db.open();
  const settings = await ensureDeviceIdentity(db);
  state.syncDeviceId = settings.deviceId;
  state.syncStaff = await startShift(db, BENCH_STAFF_ID, BENCH_STAFF_NAME, new Date());
  return {
    database: SYNC_DATABASE_NAME,
    centerId: settings.centerId,
    cards: await db.cards.count(),
    events: await db.events.count(),
  };
}

/** One syncNow() of a fresh SyncEngine (real fetch, real clock, no lock), with its request log. */
async function runSync(db: TahvilDatabase, label: string) {
  const settings = await readSettings(db);
  const requests: RequestRecord[] = [];
  const engine = new SyncEngine({
    db,
    fetch: observedFetch(requests, settings.centerId),
    clock: realClock,
  });
  let pulledCards = 0;
  let nextReport = 20_000;
  const unsubscribe = engine.subscribe((syncState) => {
    pulledCards = Math.max(pulledCards, syncState.pulledCards);
    if (pulledCards >= nextReport) {
      log(`${label}: ${pulledCards} cards pulled`);
      nextReport += 20_000;
    }
  });
  const started = performance.now();
  await engine.syncNow();
  const ended = performance.now();
  unsubscribe();
  // Never started, so nothing is scheduled; stop() still drops any listener a newer engine adds.
  engine.stop();
  const final = engine.getState();
  if (final.status !== 'idle') {
    const trail = requests
      .map((record) => `${record.path} → ${record.status ?? 'no answer'}`)
      .slice(-5)
      .join(', ');
    throw new Error(
      `${label}: sync ended ${final.status} (${final.problem ?? '?'}); last requests: ${trail}`,
    );
  }
  return { started, ended, requests, pulledCards };
}

async function syncStateCounts(db: TahvilDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await db.events.each((record) => {
    counts[record.syncState] = (counts[record.syncState] ?? 0) + 1;
  });
  return counts;
}

/** Step 7: the whole inventory into the empty tablet, by one engine sync. */
async function measureInitialPull(expectedCards: number, settleMs = 2000) {
  const db = syncDb();
  const before = await db.cards.count();
  if (before !== 0) throw new Error(`the sync tablet is not empty: ${before} cards`);
  await pause(settleMs);
  const run = await runSync(db, 'initial pull');
  const pages = requestTimings(run.requests, 'pull', run.ended);
  const storedCards = await db.cards.count();
  const byStatus: Record<string, number> = {};
  for (const status of ['ready', 'handed_over', 'revoked', 'returned'] as const)
    byStatus[status] = await db.cards.where('status').equals(status).count();
  const firstPage = run.requests.find((record) => record.kind === 'pull');
  return {
    ms: run.ended - run.started,
    pages: pages.answerMs.length,
    pageLimit: PULL_PAGE_LIMIT,
    answerMs: pages.answerMs,
    cycleMs: pages.cycleMs,
    beforeFirstPageMs: (firstPage?.startedAt ?? run.ended) - run.started,
    otherRequests: run.requests
      .filter((record) => record.kind !== 'pull')
      .map((record) => record.path),
    storedCards,
    expectedCards,
    pulledCards: run.pulledCards,
    initialPullDone: (await readSyncMeta(db)).initialPullDone,
    byStatus,
  };
}

/**
 * Fills the outbox with `wanted` handovers of cards the pull brought in as ready (so ready on
 * the registry too: revoked and returned ones would be refused by the command), spread over
 * the inventory by a seeded draw. Timed, but reported as setup.
 */
async function queueHandovers(wanted: number) {
  const db = syncDb();
  const staff = state.syncStaff;
  if (!staff) throw new Error('prepareSyncTablet() first');
  const readyIds = (await db.cards.where('status').equals('ready').primaryKeys()) as string[];
  const count = Math.min(wanted, readyIds.length);
  const random = seededRandom(state.seed + 11);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (readyIds.length - i));
    [readyIds[i], readyIds[j]] = [readyIds[j] as string, readyIds[i] as string];
  }
  const chosen = readyIds.slice(0, count);
  const started = performance.now();
  for (let start = 0; start < chosen.length; start += QUEUE_HANDOVERS_PER_TRANSACTION) {
    const cards = await db.cards.bulkGet(
      chosen.slice(start, start + QUEUE_HANDOVERS_PER_TRANSACTION),
    );
    // recordHandover's own transaction nests in this one (Dexie sub-transaction): one commit per group.
    await db.transaction('rw', [db.cards, db.events, db.counters], async () => {
      for (const card of cards) {
        if (!card) throw new Error('a chosen card is missing from the tablet');
        const context = commandContextNow(state.syncDeviceId, staff);
        await recordHandover(
          db,
          {
            cardId: card.cardId,
            recipient: { kind: 'holder', nationalCode: card.nationalCode, fullName: '' },
            checks: ALL_CHECKS,
            proxyAllowed: false,
          },
          context,
        );
      }
    });
  }
  const ms = performance.now() - started;
  const pending = await db.events.where('syncState').equals('pending').count();
  if (pending !== count)
    throw new Error(`queued ${count} handovers but the outbox holds ${pending} pending`);
  return {
    queued: count,
    readyCards: readyIds.length,
    ms,
    perTransaction: QUEUE_HANDOVERS_PER_TRANSACTION,
  };
}

/**
 * Step 8: one engine sync with the outbox full. The push phase runs from syncNow() to the
 * moment the engine asks for its first pull page: by then its claim of the next batch came
 * back empty, so the outbox is empty. The pull that follows (the registry's new versions of
 * the cards just handed over) is timed on its own and not counted in the push.
 */
async function measurePush(settleMs = 2000) {
  const db = syncDb();
  const queued = await db.events.where('syncState').equals('pending').count();
  await pause(settleMs);
  const run = await runSync(db, 'push');
  const firstPull = run.requests.find((record) => record.kind === 'pull');
  const pushEndedAt = firstPull?.startedAt ?? run.ended;
  const batches = requestTimings(run.requests, 'push', run.ended);
  const pullAfter = requestTimings(run.requests, 'pull', run.ended);
  const firstBatch = run.requests.find((record) => record.kind === 'push');
  return {
    queued,
    ms: pushEndedAt - run.started,
    batches: batches.answerMs.length,
    batchSize: MAX_PUSH_EVENTS,
    answerMs: batches.answerMs,
    cycleMs: batches.cycleMs,
    beforeFirstBatchMs: (firstBatch?.startedAt ?? pushEndedAt) - run.started,
    otherRequests: run.requests
      .filter((record) => record.kind === 'other')
      .map((record) => record.path),
    pullAfterPush: {
      ms: run.ended - pushEndedAt,
      pages: pullAfter.answerMs.length,
      cards: run.pulledCards,
    },
    syncMs: run.ended - run.started,
    outbox: await syncStateCounts(db),
    handedOverCards: await db.cards.where('status').equals('handed_over').count(),
  };
}

// ---------------------------------------------------------------------------------------------
// Manifest import through the app's real pipeline: the module worker reads and checks the file
// and writes each batch (importManifestCards, one strict transaction) before it reads on

/** Its own database, emptied for the step: the inventory of steps 1–6 and the sync tablet stay as they are. */
const IMPORT_DATABASE_NAME = 'tahvil-bench-import';
/** The manifest's card ids: never the inventory's (C-…) nor the registry's demo cards. */
const MANIFEST_CARD_PREFIX = 'M-';
/** Rows whose national code has a wrong check digit: reported with line and reason, not imported. */
const MANIFEST_BAD_CHECK_DIGIT_SHARE = 0.005;
/** Rows whose birth date is no Jalali date (month 13): rejected too. */
const MANIFEST_BAD_DATE_SHARE = 0.001;
/** Valid national codes in Persian digits, as spreadsheets typed in Iran hold them; stored as ASCII. */
const MANIFEST_PERSIAN_DIGIT_SHARE = 0.02;
/** Birth dates written YYYY/MM/DD rather than YYYY-MM-DD; the format accepts both. */
const MANIFEST_SLASH_DATE_SHARE = 0.3;
/** Lines per Blob part while the file is made, so it never has to be one string of many megabytes. */
const MANIFEST_LINES_PER_PART = 2000;
/** A frame later than this after the previous one is a stutter a clerk could notice. */
const JANK_FRAME_GAP_MS = 50;

interface ManifestExpectation {
  rows: number;
  /** Rows made bad on purpose (a row both of whose faults hit counts once). */
  rejected: number;
  badCheckDigit: number;
  badDate: number;
  persianDigitCodes: number;
}

/**
 * A manifest as ../../shared/formats.md describes it, written with the app's one CSV writer (BOM,
 * CRLF, header in the documented order): the inventory generator's people (Persian names with a
 * few Arabic spellings, valid national codes, Jalali birth dates, 15-digit tracking codes, boxes
 * of 250) under their own card ids, with a seeded few rows broken on purpose.
 */
function generateManifestFile(
  rows: number,
  seed: number,
): { file: File; expected: ManifestExpectation } {
  const people = generateCards(rows, seed);
  const random = seededRandom(seed + 1);
  const expected: ManifestExpectation = {
    rows,
    rejected: 0,
    badCheckDigit: 0,
    badDate: 0,
    persianDigitCodes: 0,
  };
  const parts: string[] = [CSV_BYTE_ORDER_MARK + csvLine(MANIFEST_COLUMNS)];
  let lines: string[] = [];
  people.forEach((person, i) => {
    let nationalCode = person.nationalCode;
    let birthDate = person.birthDate ?? '';
    let bad = false;
    if (random() < MANIFEST_BAD_CHECK_DIGIT_SHARE) {
      // Any other last digit is wrong: the check digit is fixed by the first nine.
      const wrongDigit = (Number(nationalCode.slice(9)) + 1 + Math.floor(random() * 9)) % 10;
      nationalCode = nationalCode.slice(0, 9) + String(wrongDigit);
      expected.badCheckDigit++;
      bad = true;
    } else if (random() < MANIFEST_PERSIAN_DIGIT_SHARE) {
      nationalCode = persianDigits(nationalCode);
      expected.persianDigitCodes++;
    }
    if (random() < MANIFEST_BAD_DATE_SHARE) {
      birthDate = `${birthDate.slice(0, 4)}-13-${birthDate.slice(8)}`;
      expected.badDate++;
      bad = true;
    } else if (random() < MANIFEST_SLASH_DATE_SHARE) {
      birthDate = birthDate.replace(/-/g, '/');
    }
    if (bad) expected.rejected++;
    const cardId = `${MANIFEST_CARD_PREFIX}${pad(i + 1, 7)}`;
    lines.push(
      csvLine([
        cardId,
        nationalCode,
        person.firstName,
        person.lastName,
        person.fatherName ?? '',
        birthDate,
        person.trackingCode ?? '',
        person.box ?? '',
      ]),
    );
    if (lines.length === MANIFEST_LINES_PER_PART) {
      parts.push(lines.join(''));
      lines = [];
    }
  });
  if (lines.length > 0) parts.push(lines.join(''));
  return { file: new File(parts, 'manifest.csv', { type: 'text/csv' }), expected };
}

function importDb(): TahvilDatabase {
  state.importDb ??= new TahvilDatabase(IMPORT_DATABASE_NAME);
  return state.importDb;
}

/**
 * The manifest steps run last: the inventory of steps 1–6 is no longer needed, and dropping it
 * leaves the page's heap as a page that imports holds it, not 100,000 generated cards larger.
 */
function releaseInventory(): void {
  state.cards = [];
  state.records = [];
}

/** Makes the manifest file (kept for both imports) and an empty import database. */
async function prepareManifestImport(rows: number) {
  const started = performance.now();
  state.manifest = generateManifestFile(rows, state.seed + 23);
  const generatedMs = performance.now() - started;
  state.importDb?.close();
  state.importDb = null;
  await deleteDatabase(IMPORT_DATABASE_NAME);
  const db = importDb();
  await db.open();
  return {
    database: IMPORT_DATABASE_NAME,
    bytes: state.manifest.file.size,
    expected: state.manifest.expected,
    generatedMs,
    cardsBefore: await db.cards.count(),
    sliceBytes: MANIFEST_SLICE_BYTES,
    batchRows: MANIFEST_BATCH_ROWS,
  };
}

/**
 * Watches the main thread while the import runs: every animation frame's time (a long gap is a
 * frame the page could not paint) and every long task (over 50 ms) the browser reports.
 */
async function watchMainThread() {
  const frames: number[] = [];
  let watching = true;
  const onFrame = () => {
    frames.push(performance.now());
    if (watching) requestAnimationFrame(onFrame);
  };
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  // Start on a frame, so the first gap measured is not the wait for the first one.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  requestAnimationFrame(onFrame);
  return {
    async stop(from: number, to: number) {
      // One more frame, so a block that ends the import shows as a gap, and time for the observer to deliver.
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await pause(100);
      longTasks.push(...observer.takeRecords());
      observer.disconnect();
      watching = false;
      const inWindow = frames.filter((time) => time > from);
      const firstAfterEnd = inWindow.findIndex((time) => time >= to);
      const times = [
        from,
        ...(firstAfterEnd === -1 ? inWindow : inWindow.slice(0, firstAfterEnd + 1)),
      ];
      const gaps = times.slice(1).map((time, i) => time - (times[i] as number));
      const sortedGaps = [...gaps].sort((a, b) => a - b);
      const tasks = longTasks.filter(
        (entry) => entry.startTime + entry.duration > from && entry.startTime < to,
      );
      return {
        frames: gaps.length,
        maxFrameGapMs: sortedGaps.at(-1) ?? null,
        p50FrameGapMs: sortedGaps[Math.floor(sortedGaps.length / 2)] ?? null,
        framesLaterThan50Ms: gaps.filter((gap) => gap > JANK_FRAME_GAP_MS).length,
        longTasks: {
          count: tasks.length,
          maxMs: tasks.reduce((max, entry) => Math.max(max, entry.duration), 0),
          totalMs: tasks.reduce((sum, entry) => sum + entry.duration, 0),
        },
      };
    },
  };
}

function countRejectedByReason(rows: readonly RejectedImportRow[]): Record<string, number> {
  const byReason: Record<string, number> = {};
  for (const row of rows) {
    for (const problem of row.problems) {
      const key = `${problem.column ?? 'row'}:${problem.reason}${problem.detail ? `:${problem.detail}` : ''}`;
      byReason[key] = (byReason[key] ?? 0) + 1;
    }
  }
  return byReason;
}

/**
 * Steps 9 and 10: one importManifestFile of the prepared file (a module worker per import that
 * reads, checks and writes), as the import screen calls it, timed from the call to its return.
 */
async function measureManifestImport(label: string) {
  const manifest = state.manifest;
  if (!manifest) throw new Error('prepareManifestImport() first');
  const db = importDb();
  const { centerId } = await readSettings(db);
  const watcher = await watchMainThread();
  // When each progress report came: the first before any row, each later one after a batch is written.
  const reportedAt: number[] = [];
  const rowsReadAt: number[] = [];
  let nextReport = 20_000;
  const started = performance.now();
  const outcome = await importManifestFile({
    db,
    file: manifest.file,
    context: { centerId, now: new Date() },
    onProgress: (progress) => {
      reportedAt.push(performance.now());
      rowsReadAt.push(progress.rowsRead);
      if (progress.rowsRead >= nextReport) {
        log(`${label}: ${progress.rowsRead} rows read`);
        nextReport += 20_000;
      }
    },
  });
  const ended = performance.now();
  const mainThread = await watcher.stop(started, ended);
  if (outcome.kind !== 'done') {
    const detail =
      outcome.kind === 'failed'
        ? `: ${String(outcome.error)} after ${JSON.stringify(outcome.counts)}`
        : outcome.kind === 'refused'
          ? `: ${JSON.stringify(outcome)}`
          : '';
    throw new Error(`${label} ended ${outcome.kind}${detail}`);
  }
  return {
    label,
    ms: ended - started,
    counts: outcome.counts,
    rejectedRows: outcome.rejectedRows.length,
    rejectedByReason: countRejectedByReason(outcome.rejectedRows),
    batches: reportedAt.length - 1,
    // Per batch, in file order: the worker's reading and checking of it (or the wait for it) and
    // its write, from the previous batch's write to its own. A trend over the file shows here.
    batchMsEach: reportedAt.slice(1).map((time, i) => time - (reportedAt[i] as number)),
    batchRowsEach: rowsReadAt.slice(1).map((rows, i) => rows - (rowsReadAt[i] as number)),
    expected: manifest.expected,
    bytes: manifest.file.size,
    storedCards: await db.cards.count(),
    readyCounter: (await readCounters(db, jalaliDayKey(new Date(), DEFAULT_TIME_ZONE))).ready,
    mainThread,
  };
}

const api = {
  generate,
  deleteDatabases,
  storeInterleaved,
  releaseRecords,
  prepareAppSettings,
  measureCodeLookup,
  measureNamePrefix,
  measureHandover,
  measureCounters,
  keystrokeSessions,
  prepareSyncTablet,
  measureInitialPull,
  queueHandovers,
  measurePush,
  releaseInventory,
  prepareManifestImport,
  measureManifestImport,
  crossOriginIsolated: () => globalThis.crossOriginIsolated,
};

declare global {
  interface Window {
    tahvilBench: typeof api;
  }
}

window.tahvilBench = api;
document.body.dataset.ready = 'true';
