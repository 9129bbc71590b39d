import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { DATABASE_NAME, TahvilDatabase } from './database.ts';
import { toStoredCard } from './cards.ts';
import { overdueCards } from './report.ts';
import { createCard } from '../../tests/factories/cards.ts';
import { testDatabaseName } from '../../tests/factories/database.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';

describe('schema version 2', () => {
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
    const old = toStoredCard(createCard({ cardId: 'C-v1', updatedAt: '2026-01-01T00:00:00.000Z' }));
    await v1.table('cards').put(old);
    await v1.table('settings').put({ key: 'centerId', value: 'TEH-7' });
    v1.close();

    const db = new TahvilDatabase(name);
    await db.open();
    expect(db.verno).toBe(2);
    expect(await db.cards.get('C-v1')).toEqual(old);
    expect(await db.settings.get('centerId')).toEqual({ key: 'centerId', value: 'TEH-7' });
    expect((await overdueCards(db, FIXED_NOW, 60)).map((card) => card.cardId)).toEqual(['C-v1']);
    expect(DATABASE_NAME).toBe('tahvil');
  });
});
