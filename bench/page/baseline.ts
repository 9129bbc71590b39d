// The plain-IndexedDB baseline that the app's storage code is timed against, in a database of
// its own (tahvil-bench-baseline). Must stay true: its stores, key paths and indexes are read
// from TahvilDatabase's own Dexie schema, its writes use strict durability, and it is given
// records already folded by the app's toStoredCard, so the difference measured is the app's
// overhead; each operation here does what the app's command or query does, with the plain API.
import { TahvilDatabase } from '../../src/db/database.ts';
import { pendingOutboxRecord } from '../../src/db/handovers.ts';
import type { StaffOnShift, StoredCard } from '../../src/db/records.ts';
import type { HandoverEvent } from '../../src/protocol/protocol.ts';
import { nameWords, searchTokens, wordsMatchName } from '../../src/domain/persian-text.ts';
import { ALL_CHECKS } from '../../tests/factories/cards.ts';

export const BASELINE_DATABASE_NAME = 'tahvil-bench-baseline';
const STRICT: IDBTransactionOptions = { durability: 'strict' };

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

/** Deletes any database of this origin (the app's, the baseline's, the sync or import tablet's). */
export function deleteDatabase(name: string): Promise<void> {
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
export function describeSchema(): string {
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
export function openBaselineDatabase(): Promise<IDBDatabase> {
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

/**
 * The two plain-IndexedDB yardsticks of step 1 beside the same-schema baseline (issue 14): the
 * "searchable minimum", a cards store with only what a searchable inventory needs (the two
 * codes, status, box and one multiEntry index of folded name tokens), and the "floor", the
 * object store alone. Both store the same records: the card and its folded name tokens.
 */
export const SEARCHABLE_MINIMUM_DATABASE_NAME = 'tahvil-bench-searchable-minimum';
export const FLOOR_DATABASE_NAME = 'tahvil-bench-floor';
const SEARCHABLE_MINIMUM_INDEXES: ReadonlyArray<{ name: string; multiEntry: boolean }> = [
  { name: 'nationalCode', multiEntry: false },
  { name: 'trackingCode', multiEntry: false },
  { name: 'status', multiEntry: false },
  { name: 'box', multiEntry: false },
  { name: 'nameTokens', multiEntry: true },
];

/** What the searchable minimum and the floor store: the card and its folded name tokens. */
export type MinimumRecord = Omit<StoredCard, 'nameKeys'> & { nameTokens: string[] };

export function minimumRecord({ nameKeys, ...record }: StoredCard): MinimumRecord {
  return { ...record, nameTokens: nameWords(nameKeys) };
}

/** e.g. `cards(cardId; nationalCode, …, *nameTokens)` for the searchable minimum and the floor. */
export function describeMinimumSchemas(): { searchableMinimum: string; floor: string } {
  const indexes = SEARCHABLE_MINIMUM_INDEXES.map(
    (index) => `${index.multiEntry ? '*' : ''}${index.name}`,
  );
  return { searchableMinimum: `cards(cardId; ${indexes.join(', ')})`, floor: 'cards(cardId)' };
}

/** The searchable minimum (with indexes) or the floor (without), a cards store made with the plain API. */
export function openMinimumDatabase(withIndexes: boolean): Promise<IDBDatabase> {
  const name = withIndexes ? SEARCHABLE_MINIMUM_DATABASE_NAME : FLOOR_DATABASE_NAME;
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore('cards', { keyPath: 'cardId' });
      if (withIndexes)
        for (const index of SEARCHABLE_MINIMUM_INDEXES)
          store.createIndex(index.name, index.name, {
            unique: false,
            multiEntry: index.multiEntry,
          });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Step 1: one chunk of already folded records, put in one strict transaction (all three baselines). */
export async function baselinePutChunk(
  db: IDBDatabase,
  records: readonly StoredCard[] | readonly MinimumRecord[],
): Promise<void> {
  const tx = db.transaction('cards', 'readwrite', STRICT);
  const store = tx.objectStore('cards');
  for (const record of records) store.put(record);
  await transactionDone(tx);
}

/** Step 2: the card with this national code, by its index. */
export function baselineGetByNationalCode(
  db: IDBDatabase,
  code: string,
): Promise<StoredCard | undefined> {
  const tx = db.transaction('cards', 'readonly');
  return requestResult(
    tx.objectStore('cards').index('nationalCode').get(code) as IDBRequest<StoredCard | undefined>,
  );
}

/** Step 3, the name search as a plain cursor: longest word as the index range, the app's word match as the filter. */
export function baselineNameSearch(
  db: IDBDatabase,
  query: string,
  limit: number,
): Promise<StoredCard[]> {
  const words = searchTokens(query);
  const anchor = words.reduce((longest, word) => (word.length > longest.length ? word : longest));
  return new Promise((resolve, reject) => {
    const tx = db.transaction('cards', 'readonly');
    const request = tx
      .objectStore('cards')
      .index('nameKeys')
      .openCursor(IDBKeyRange.bound(anchor, anchor + '\uffff', false, false));
    const seen = new Set<string>();
    const found: StoredCard[] = [];
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve(found);
      const card = cursor.value as StoredCard;
      if (!seen.has(card.cardId) && wordsMatchName(words, nameWords(card.nameKeys))) {
        seen.add(card.cardId);
        found.push(card);
        if (found.length >= limit) return resolve(found);
      }
      cursor.continue();
    };
    request.onerror = () => reject(request.error);
  });
}

export interface BaselineHandover {
  cardId: string;
  eventId: string;
  now: Date;
  dayKey: string;
  occurredAt: string;
  staff: StaffOnShift;
}

/** Step 5: card → handed_over and an outbox record, in one strict read-write transaction. */
/** 86 characters, the length of a base64url P-256 signature. */
const BASELINE_SIGNATURE = 'b'.repeat(86);

export function baselineHandover(
  db: IDBDatabase,
  { cardId, eventId, now, dayKey, occurredAt, staff }: BaselineHandover,
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
      staffId: staff.staffId,
      deviceId: 'baseline-device',
      recipient: {
        kind: 'holder',
        nationalCode: card.nationalCode,
        fullName: `${card.firstName} ${card.lastName}`,
      },
      checks: { ...ALL_CHECKS },
      // As long as a real signature, so the rows weigh the same; signing itself is timed apart.
      signature: BASELINE_SIGNATURE,
    };
    const record = pendingOutboxRecord(event, {
      dayKey,
      occurredAtMs: now.getTime(),
      staff: { staffId: staff.staffId, staffName: staff.staffName },
      holderName: `${card.firstName} ${card.lastName}`,
      holderNationalCode: card.nationalCode,
    });
    tx.objectStore('events').add(record);
    cards.put({ ...card, status: 'handed_over', handover: event });
  };
  return transactionDone(tx);
}

/** Step 6: the ready cards counted by an index on their status. */
export function baselineCountReady(db: IDBDatabase): Promise<number> {
  const tx = db.transaction('cards', 'readonly');
  // v6 has no status index: its [status+updatedAt] counts them, as Dexie does for the app.
  return requestResult(
    tx
      .objectStore('cards')
      .index('[status+updatedAt]')
      .count(IDBKeyRange.bound(['ready'], ['ready', []])),
  );
}
