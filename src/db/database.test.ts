// One test per schema version ever shipped: a database built by hand as that version left it on a
// tablet, with data in it, opened with today's TahvilDatabase. Whatever the upgrade does, every
// card, event, setting and counter must still be there, and every index of today must cover them.
// A new version adds its own test here, and the older ones stay.
import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { DATABASE_NAME, TahvilDatabase, appDatabase } from './database.ts';
import { toStoredCard } from './cards.ts';
import { readCounters, handoversOnDayKey, statusCounterKey } from './counters.ts';
import { claimPendingBatch } from './outbox.ts';
import { SEARCH_RESULT_LIMIT, searchCards } from './queries.ts';
import { handoverRecordsOnDay, overdueCards } from './report.ts';
import { readSettings } from './settings.ts';
import { createCard } from '../../tests/factories/cards.ts';
import {
  EVERY_MATCH,
  V5_INVENTORY_SIZE,
  V5_STORES,
  upgradeQueries,
  v5Inventory,
  v5StoredCard,
} from '../../tests/factories/schema-v5.ts';
import V5_SEARCH_RESULTS from '../../tests/factories/schema-v5-search-results.json';
import { V6_STORES, v6StoredCard } from '../../tests/factories/schema-v6.ts';
import { nameSearchKeys, nameWords } from '../domain/persian-text.ts';
import { testDatabaseName } from '../../tests/factories/database.ts';
import { createHandoverRecord } from '../../tests/factories/events.ts';
import { FIXED_NOW, TEST_DAY_KEY } from '../../tests/factories/time.ts';

/** Opens `name` at raw IndexedDB version `version`, letting `upgrade` create its stores. */
function openByHand(
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error(`cannot open ${name}`));
  });
}

/** Writes `rows` into the stores of `db` in one transaction, as the app had written them. */
function putByHand(db: IDBDatabase, rows: Record<string, readonly object[]>): Promise<void> {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(Object.keys(rows), 'readwrite');
    for (const [store, values] of Object.entries(rows))
      for (const value of values) transaction.objectStore(store).put(value);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('write failed'));
  });
}

describe('the database', () => {
  it('is called "tahvil" on every tablet, once per page', () => {
    // Renaming it would leave every tablet's cards and unsent handovers in a database no one opens.
    expect(DATABASE_NAME).toBe('tahvil');
    expect(appDatabase().name).toBe(DATABASE_NAME);
    expect(appDatabase()).toBe(appDatabase());
  });
});

describe('schema version 1', () => {
  it('opens a version 1 database with its cards and events, and the backlog index covers them', async () => {
    const name = testDatabaseName('upgrade');
    // Version 1 exactly as shipped.
    const v1 = new Dexie(name);
    v1.version(1).stores({
      cards: 'cardId, nationalCode, trackingCode, box, status, *nameTokens, *namePairs',
      events: '++seq, &eventId, cardId, syncState, dayKey, [dayKey+type]',
      settings: 'key',
      counters: 'key',
    });
    const card = createCard({ cardId: 'C-v1', updatedAt: '2026-01-01T00:00:00.000Z' });
    const old = v5StoredCard(card);
    const handover = createHandoverRecord({ cardId: 'C-v1' });
    await v1.table('cards').put(old);
    await v1.table('events').add(handover);
    await v1.table('settings').put({ key: 'centerId', value: 'TEH-7' });
    await v1.table('counters').put({ key: statusCounterKey('ready'), value: 1 });
    v1.close();

    const db = new TahvilDatabase(name);
    await db.open();
    expect(db.verno).toBe(8);
    // v3 adds the roster and the wrong-PIN counts, and ends a shift nobody signed in to.
    expect(await db.settings.get('shift')).toBeUndefined();
    expect(await db.settings.get('recentStaff')).toBeUndefined();
    expect(await db.staff.count()).toBe(0);
    expect(await db.pinAttempts.count()).toBe(0);
    expect(await db.cards.get('C-v1')).toEqual(toStoredCard(card));
    expect(await db.settings.get('centerId')).toEqual({ key: 'centerId', value: 'TEH-7' });
    expect((await overdueCards(db, FIXED_NOW, 60)).map((card) => card.cardId)).toEqual(['C-v1']);
    expect(await db.events.toArray()).toEqual([{ ...handover, seq: 1 }]);
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(1);
  });
});

/** The stores and indexes of version 2 exactly as shipped, made with the raw IndexedDB API. */
function createVersion2Stores(db: IDBDatabase): void {
  const cards = db.createObjectStore('cards', { keyPath: 'cardId' });
  for (const index of ['nationalCode', 'trackingCode', 'box', 'status'])
    cards.createIndex(index, index);
  cards.createIndex('nameTokens', 'nameTokens', { multiEntry: true });
  cards.createIndex('namePairs', 'namePairs', { multiEntry: true });
  cards.createIndex('[status+updatedAt]', ['status', 'updatedAt']);
  const events = db.createObjectStore('events', { keyPath: 'seq', autoIncrement: true });
  events.createIndex('eventId', 'eventId', { unique: true });
  for (const index of ['cardId', 'syncState', 'dayKey']) events.createIndex(index, index);
  events.createIndex('[dayKey+type]', ['dayKey', 'type']);
  db.createObjectStore('settings', { keyPath: 'key' });
  db.createObjectStore('counters', { keyPath: 'key' });
}

describe('schema version 2', () => {
  it('opens a version 2 database built with the raw IndexedDB API, every store and index in use', async () => {
    const name = testDatabaseName('v2');
    // Version 2 as shipped: Dexie keeps version n as IndexedDB version 10n.
    const raw = await openByHand(name, 20, createVersion2Stores);
    const waitingCard = createCard({
      cardId: 'C-v2-waiting',
      firstName: 'پروین',
      lastName: 'اعتصامی',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const handedOverCard = createCard({ cardId: 'C-v2-gone', status: 'handed_over' });
    const waiting = toStoredCard(waitingCard);
    const handedOver = toStoredCard(handedOverCard);
    const handover = createHandoverRecord({ cardId: handedOver.cardId });
    await putByHand(raw, {
      cards: [waitingCard, handedOverCard].map(v5StoredCard),
      events: [handover],
      settings: [
        { key: 'deviceId', value: 'device-v2' },
        { key: 'retentionDays', value: 30 },
        // A shift of before sign-in: a typed id and name, which v3 ends.
        { key: 'shift', value: { staffId: 'S-7', staffName: 'typed', startedAt: 'x' } },
        { key: 'recentStaff', value: [{ staffId: 'S-7', staffName: 'typed' }] },
      ],
      counters: [
        { key: statusCounterKey('ready'), value: 1 },
        { key: statusCounterKey('handed_over'), value: 1 },
        { key: handoversOnDayKey(TEST_DAY_KEY), value: 1 },
      ],
    });
    raw.close();

    const db = new TahvilDatabase(name);
    await db.open();
    expect(db.verno).toBe(8);
    // v3 adds the roster and the wrong-PIN counts, and ends a shift nobody signed in to.
    expect(await db.settings.get('shift')).toBeUndefined();
    expect(await db.settings.get('recentStaff')).toBeUndefined();
    expect(await db.staff.count()).toBe(0);
    expect(await db.pinAttempts.count()).toBe(0);
    expect(await db.cards.orderBy('cardId').toArray()).toEqual([handedOver, waiting]);
    expect(await readSettings(db)).toMatchObject({ deviceId: 'device-v2', retentionDays: 30 });
    expect(await readCounters(db, TEST_DAY_KEY)).toMatchObject({
      ready: 1,
      handedOver: 1,
      handoversToday: 1,
    });
    expect((await searchCards(db, 'پروین اعتصامی')).cards).toEqual([waiting]);
    expect((await overdueCards(db, FIXED_NOW, 60)).map((card) => card.cardId)).toEqual([
      waiting.cardId,
    ]);
    expect(await handoverRecordsOnDay(db, TEST_DAY_KEY)).toEqual([{ ...handover, seq: 1 }]);
    expect((await claimPendingBatch(db, 10)).map((record) => record.eventId)).toEqual([
      handover.eventId,
    ]);
  });
});

describe('schema version 4', () => {
  it('opens a version 3 database and indexes each ZWNJ word joined too (v7 rewrites every card’s keys)', async () => {
    const name = testDatabaseName('v3');
    const raw = await openByHand(name, 30, (db) => {
      createVersion2Stores(db);
      db.createObjectStore('staff', { keyPath: 'staffId' });
      db.createObjectStore('pinAttempts', { keyPath: 'staffId' });
    });
    // The keys v3 wrote: a ZWNJ split the word, and nothing held it joined.
    const compoundCard = createCard({
      cardId: 'C-v3-zwnj',
      firstName: 'مریم',
      lastName: 'پاک\u200cنژاد',
    });
    const compound = {
      ...compoundCard,
      nameTokens: ['مریم', 'پاک', 'نژاد'],
      namePairs: ['پ\u0001مریم', 'پا\u0001مریم', 'م\u0001پاک', 'مر\u0001پاک'],
    };
    const plainCard = createCard({ cardId: 'C-v3-plain', firstName: 'پروین' });
    const erasedCard = createCard({ cardId: 'C-v3-erased', firstName: '', lastName: '' });
    const erasedAt = { detailsErasedAt: '2026-01-01T00:00:00.000Z' };
    await putByHand(raw, {
      cards: [compound, v5StoredCard(plainCard), { ...v5StoredCard(erasedCard), ...erasedAt }],
      settings: [{ key: 'deviceId', value: 'device-v3' }],
      staff: [{ staffId: '1042', name: 'منیژه', role: 'clerk' }],
    });
    raw.close();

    const db = new TahvilDatabase(name);
    await db.open();
    expect(db.verno).toBe(8);
    expect(await db.cards.get('C-v3-zwnj')).toEqual(toStoredCard(compoundCard));
    expect(nameWords((await db.cards.get('C-v3-zwnj'))!.nameKeys)).toContain('پاکنژاد');
    expect(await db.cards.get('C-v3-plain')).toEqual(toStoredCard(plainCard));
    expect(await db.cards.get('C-v3-erased')).toEqual({ ...erasedCard, nameKeys: [], ...erasedAt });
    expect(await db.staff.get('1042')).toEqual({ staffId: '1042', name: 'منیژه', role: 'clerk' });
    expect((await searchCards(db, 'پاکنژاد')).cards.map((card) => card.cardId)).toEqual([
      'C-v3-zwnj',
    ]);
    expect((await searchCards(db, 'مریم پاکنژ')).cards.map((card) => card.cardId)).toEqual([
      'C-v3-zwnj',
    ]);
  });
});

describe('schema version 3', () => {
  it('opens a version 3 database with its data, and the center day table (v5) is there, empty and indexed', async () => {
    const name = testDatabaseName('upgrade-v3');
    // Version 3 exactly as shipped (its store list is v2's plus the roster and the PIN counts).
    const v3 = new Dexie(name);
    v3.version(3).stores({
      cards:
        'cardId, nationalCode, trackingCode, box, status, *nameTokens, *namePairs, [status+updatedAt]',
      events: '++seq, &eventId, cardId, syncState, dayKey, [dayKey+type]',
      settings: 'key',
      counters: 'key',
      staff: 'staffId',
      pinAttempts: 'staffId',
    });
    const handover = createHandoverRecord({ cardId: 'C-v3' });
    await v3.table('events').add(handover);
    await v3.table('settings').put({ key: 'deviceId', value: 'device-v3' });
    v3.close();

    const db = new TahvilDatabase(name);
    await db.open();
    expect(db.verno).toBe(8);
    expect(await handoverRecordsOnDay(db, TEST_DAY_KEY)).toEqual([{ ...handover, seq: 1 }]);
    expect(await readSettings(db)).toMatchObject({ deviceId: 'device-v3' });
    expect(await db.centerEvents.count()).toBe(0);
    // Every index the report and the retention rule read is there.
    expect(
      await db.centerEvents.where('[dayKey+type]').equals([TEST_DAY_KEY, 'handover']).count(),
    ).toBe(0);
    expect(await db.centerEvents.where('handoverEventId').equals('x').count()).toBe(0);
    expect(await db.centerEvents.where('receivedAtMs').below(1).count()).toBe(0);
    db.close();
  });
});

/**
 * Every query of the fixed list finds in `db` exactly the cards v5 found in the same inventory
 * (captured from v5's own searchCards), and a screenful of them.
 */
async function expectV5SearchResults(db: TahvilDatabase, stored: ReturnType<typeof v5Inventory>) {
  const queries = upgradeQueries(stored);
  expect(V5_SEARCH_RESULTS.results.map((result) => result.query)).toEqual(queries);
  for (const { query, kind, every, first } of V5_SEARCH_RESULTS.results) {
    const all = await searchCards(db, query, EVERY_MATCH);
    expect({ query, kind: all.kind, every: all.cards.map((card) => card.cardId).sort() }).toEqual({
      query,
      kind,
      every,
    });
    // A screenful: the same cards when v5's was all there was; else as many, each a match.
    const screen = (await searchCards(db, query, SEARCH_RESULT_LIMIT)).cards.map(
      (card) => card.cardId,
    );
    if (every.length <= SEARCH_RESULT_LIMIT) expect(screen.sort()).toEqual(first);
    else {
      expect(screen).toHaveLength(first.length);
      expect(screen.every((id) => every.includes(id))).toBe(true);
    }
  }
}

/**
 * Writes `cards` and a status counter into a new database of schema `version` with `stores` (as
 * that version shipped), then opens it with today's class: today's version, every card there.
 */
async function upgradedInventory(
  tag: string,
  version: number,
  stores: Record<string, string>,
  cards: readonly object[],
) {
  const name = testDatabaseName(tag);
  const old = new Dexie(name);
  old.version(version).stores(stores);
  await old.table('cards').bulkPut([...cards]);
  await old.table('counters').put({ key: statusCounterKey('ready'), value: 2 });
  old.close();
  const db = new TahvilDatabase(name);
  await db.open();
  expect(db.verno).toBe(8);
  const upgraded = await db.cards.orderBy('cardId').toArray();
  expect(upgraded).toHaveLength(cards.length);
  expect(await db.counters.get(statusCounterKey('ready'))).toEqual({
    key: statusCounterKey('ready'),
    value: 2,
  });
  return { db, cards: upgraded };
}

describe('schema version 5', () => {
  it('opens a version 5 inventory and every query of a fixed list finds the same cards as v5 did', async () => {
    const stored = v5Inventory();
    const { db, cards } = await upgradedInventory('upgrade-v5', 5, V5_STORES, stored);
    expect(cards).toHaveLength(V5_INVENTORY_SIZE);
    // Every card is there, keyed anew from its names; nothing else of it changed.
    cards.forEach((card, i) => {
      const { nameTokens, namePairs, ...v5Card } = stored[i]!;
      expect(namePairs.length > 0).toBe(nameTokens.length > 1);
      expect(card).toEqual({ ...v5Card, nameKeys: nameSearchKeys(nameTokens) });
    });
    expect(
      cards.filter((card) => card.detailsErasedAt).every((card) => card.nameKeys.length === 0),
    ).toBe(true);
    await expectV5SearchResults(db, stored);
    // The status questions v5 asked of its status index, answered by [status+updatedAt].
    expect(await db.cards.where('status').equals('returned').count()).toBe(
      stored.filter((card) => card.status === 'returned').length,
    );
    db.close();
  });
});

describe('schema version 6', () => {
  it('opens a version 6 inventory, keys every card with three-letter buckets, and every query finds the same cards', async () => {
    const stored = v5Inventory();
    const { db, cards } = await upgradedInventory(
      'upgrade-v6',
      6,
      V6_STORES,
      stored.map(v6StoredCard),
    );
    cards.forEach((card, i) => {
      const v6Card = v6StoredCard(stored[i]!);
      // A two-letter bucket is gone wherever a word was longer than two letters.
      expect(card).toEqual({ ...v6Card, nameKeys: nameSearchKeys(nameWords(v6Card.nameKeys)) });
    });
    expect(
      cards.some((card, i) => card.nameKeys.join() !== v6StoredCard(stored[i]!).nameKeys.join()),
    ).toBe(true);
    await expectV5SearchResults(db, stored);
    db.close();
  });
});
