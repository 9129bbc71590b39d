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
import { namePairKeys, nameTokens } from '../domain/persian-text.ts';

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
    // (decision 025). Only such cards change; the rest are read once and left as they are.
    this.version(4).upgrade(async (transaction) => {
      const cards = transaction.table<StoredCard, string>('cards');
      const changed: StoredCard[] = [];
      await cards.toCollection().each((card) => {
        if (card.detailsErasedAt) return;
        const tokens = nameTokens(card.firstName, card.lastName);
        if (tokens.join(' ') === card.nameTokens.join(' ')) return;
        changed.push({ ...card, nameTokens: tokens, namePairs: namePairKeys(tokens) });
      });
      await cards.bulkPut(changed);
    });
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
  }
}

let sharedDatabase: TahvilDatabase | null = null;

/** The app's database, opened lazily once per page. Tests make their own instances. */
export function appDatabase(): TahvilDatabase {
  sharedDatabase ??= new TahvilDatabase();
  return sharedDatabase;
}
