// The tablet's IndexedDB database: one Dexie class holding every schema version ever shipped.
// A schema change adds a version (with an upgrade when data must move); a shipped version is
// never edited. Transactions are strict-durability so a handover reported "saved" is on disk.
import Dexie, { type EntityTable } from 'dexie';
import type {
  CenterEventRecord,
  CounterRecord,
  OutboxRecord,
  PinAttemptsRecord,
  SettingRecord,
  StoredCard,
  StoredStaff,
} from './records.ts';
import { nameSearchKeys, nameTokens } from '../domain/persian-text.ts';

/** The two name indexes of a card as schema v5 and older stored it, until v6 rewrites them. */
interface V5NameKeys {
  nameTokens?: string[];
  namePairs?: string[];
}

export const DATABASE_NAME = 'tahvil';

export class TahvilDatabase extends Dexie {
  cards!: EntityTable<StoredCard, 'cardId'>;
  events!: EntityTable<OutboxRecord, 'seq'>;
  settings!: EntityTable<SettingRecord, 'key'>;
  counters!: EntityTable<CounterRecord, 'key'>;
  staff!: EntityTable<StoredStaff, 'staffId'>;
  pinAttempts!: EntityTable<PinAttemptsRecord, 'staffId'>;
  centerEvents!: EntityTable<CenterEventRecord, 'eventId'>;

  constructor(
    name: string = DATABASE_NAME,
    options: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {},
  ) {
    // Strict durability for every transaction: Dexie sets it per database, and a handover is
    // the write that must never be lost. Bulk card writes are chunked, so the fsyncs stay few.
    super(name, { chromeTransactionDurability: 'strict', cache: 'disabled', ...options });
    this.version(1).stores({
      cards: 'cardId, nationalCode, trackingCode, box, status, *nameTokens, *namePairs',
      events: '++seq, &eventId, cardId, syncState, dayKey, [dayKey+type]',
      settings: 'key',
      counters: 'key',
    });
    // v2: the report's backlog age reads ready cards by how long they have waited, through an
    // index instead of a scan of the whole inventory. Adding an index needs no data upgrade.
    this.version(2).stores({
      cards:
        'cardId, nationalCode, trackingCode, box, status, *nameTokens, *namePairs, [status+updatedAt]',
    });
    // v3: the center's roster and the wrong PINs typed for each member (decision 022). A shift
    // started before v3 names someone typed in, not a member of any roster: it is ended.
    this.version(3)
      .stores({ staff: 'staffId', pinAttempts: 'staffId' })
      .upgrade(async (transaction) => {
        await transaction.table('settings').bulkDelete(['shift', 'recentStaff']);
      });
    // v4: a word written with ZWNJ is indexed as its pieces and as the pieces joined
    // (decision 025). v4 shipped an upgrade that recomputed such cards' keys; v6's rewrites every
    // card's keys from its names anyway, so a database older than v4 is left to that one.
    this.version(4).stores({});
    // v5: the center's day as the registry accepted it, from every tablet (protocol 2.2, decision
    // 023): read by day and type for the report, by the handover a void takes back, and by when
    // it arrived for the retention rule. A new table: no data moves. (The store list is v4's, which
    // is v3's, plus the new table.)
    this.version(5).stores({
      cards:
        'cardId, nationalCode, trackingCode, box, status, *nameTokens, *namePairs, [status+updatedAt]',
      events: '++seq, &eventId, cardId, syncState, dayKey, [dayKey+type]',
      settings: 'key',
      counters: 'key',
      staff: 'staffId',
      pinAttempts: 'staffId',
      centerEvents: 'eventId, [dayKey+type], handoverEventId, receivedAtMs',
    });
    // v6: a schema that costs what it must (issue 14, decision 028). The one- and two-word name
    // keys share one index (`nameKeys`, from nameSearchKeys: the words, then one key per pair of
    // words instead of v5's four), and the `status` index goes, since `[status+updatedAt]`
    // answers every question by status. Only `cards` changes; the other tables stay as v5
    // declared them. v6 shipped an upgrade that wrote each card's keys with two-letter buckets;
    // v7's rewrites them all anyway, so a v5 database is left to that one.
    this.version(6).stores({
      cards: 'cardId, nationalCode, trackingCode, box, *nameKeys, [status+updatedAt]',
    });
    // v7 and v8: a pair key keeps three letters of its smaller word, not two (decision 030), so a
    // two-word search reads only the cards it shows. Every card's keys are rewritten from its
    // names, a chunk at a time (Dexie's modify), so memory holds keys, not cards, and a v5 card
    // loses its two old key fields in the same pass. The rewrite runs with the name index
    // dropped (v7) and the index is built again from the cards (v8): Chromium leaves an
    // overwritten record's old index entries in place, to be skipped one by one by every range
    // over them, so rewriting the keys under the index would slow every two-word search.
    this.version(7)
      .stores({ cards: 'cardId, nationalCode, trackingCode, box, [status+updatedAt]' })
      .upgrade(async (transaction) => {
        await transaction
          .table<StoredCard & V5NameKeys, string>('cards')
          .toCollection()
          .modify((card) => {
            card.nameKeys = card.detailsErasedAt
              ? []
              : nameSearchKeys(nameTokens(card.firstName, card.lastName));
            delete card.nameTokens;
            delete card.namePairs;
          });
      });
    this.version(8).stores({
      cards: 'cardId, nationalCode, trackingCode, box, *nameKeys, [status+updatedAt]',
    });
  }
}

let sharedDatabase: TahvilDatabase | null = null;

/** The app's database, opened lazily once per page. Tests make their own instances. */
export function appDatabase(): TahvilDatabase {
  sharedDatabase ??= new TahvilDatabase();
  return sharedDatabase;
}
