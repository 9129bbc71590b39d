// A fresh database per test over fake-indexeddb (tests/setup.ts), each under its own name, with
// the test tablet's device id stored as on a tablet's first start.
import { TahvilDatabase } from '../../src/db/database.ts';
import { upsertCards } from '../../src/db/cards.ts';
import { ensureDeviceIdentity } from '../../src/db/settings.ts';
import type { Card } from '../../src/protocol/protocol.ts';
import { TEST_DEVICE_ID } from './context.ts';

let databaseCount = 0;

/** A database name no other test of this run uses. */
export function testDatabaseName(purpose = 'test'): string {
  return `tahvil-${purpose}-${++databaseCount}-${Math.random().toString(36).slice(2)}`;
}

export interface TestDatabaseOptions {
  /** The stored device id; null leaves the database as before the app's first start. */
  deviceId?: string | null;
}

export async function createTestDatabase(
  cards: readonly Card[] = [],
  { deviceId = TEST_DEVICE_ID }: TestDatabaseOptions = {},
): Promise<TahvilDatabase> {
  const db = new TahvilDatabase(testDatabaseName());
  if (deviceId !== null) await ensureDeviceIdentity(db, () => deviceId);
  if (cards.length > 0) await upsertCards(db, cards);
  return db;
}
