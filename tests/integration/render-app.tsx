// Renders the real app routes over a fresh fake-indexeddb database, with a fixed clock and no
// sync engine, so integration tests act as a clerk would and read what the clerk would see.
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { App } from '../../src/app/App.tsx';
import { TahvilDatabase } from '../../src/db/database.ts';
import {
  ensureDeviceIdentity,
  startShift,
  updateSettings,
  type Settings,
} from '../../src/db/settings.ts';
import { upsertCards } from '../../src/db/cards.ts';
import type { Services } from '../../src/services/services.tsx';
import type { Card } from '../../src/protocol/protocol.ts';
import type { SyncEngine } from '../../src/sync/engine.ts';
import { FIXED_NOW } from '../factories/cards.ts';

export { FIXED_NOW };

let databaseCount = 0;
let eventCount = 0;

export interface AppSetup {
  cards?: Card[];
  route?: string;
  settings?: Partial<Omit<Settings, 'deviceId'>>;
  withShift?: boolean;
  now?: Date;
  syncEngine?: SyncEngine | null;
}

export async function createTestDatabase(cards: Card[] = []): Promise<TahvilDatabase> {
  databaseCount++;
  const db = new TahvilDatabase(
    `tahvil-test-${databaseCount}-${Math.random().toString(36).slice(2)}`,
  );
  await ensureDeviceIdentity(db, () => 'device-test-0001');
  if (cards.length > 0) await upsertCards(db, cards);
  return db;
}

export async function renderApp({
  cards = [],
  route = '/',
  settings = {},
  withShift = true,
  now = FIXED_NOW,
  syncEngine = null,
}: AppSetup = {}) {
  const db = await createTestDatabase(cards);
  await updateSettings(db, settings);
  if (withShift) await startShift(db, 'S-07', 'مریم احمدی', now);
  const services: Services = {
    db,
    syncEngine,
    now: () => now,
    makeEventId: () => `00000000-0000-7000-8000-${String(++eventCount).padStart(12, '0')}`,
  };
  const view = render(
    <MemoryRouter initialEntries={[route]}>
      <App services={services} />
    </MemoryRouter>,
  );
  return { db, ...view };
}
