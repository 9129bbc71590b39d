// Renders the real app routes over a fresh fake-indexeddb database, with a fixed clock and no
// sync engine, so integration tests act as a clerk would and read what the clerk would see.
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { App } from '../../src/app/App.tsx';
import { startShift, updateSettings, type Settings } from '../../src/db/settings.ts';
import type { Services } from '../../src/services/services.tsx';
import type { Card } from '../../src/protocol/protocol.ts';
import type { SyncEngine } from '../../src/sync/engine.ts';
import { createTestDatabase } from '../factories/database.ts';
import { nextTestEventId, testStaff } from '../factories/context.ts';
import { FIXED_NOW } from '../factories/time.ts';

export interface AppSetup {
  cards?: Card[];
  route?: string;
  settings?: Partial<Omit<Settings, 'deviceId'>>;
  withShift?: boolean;
  now?: Date;
  syncEngine?: SyncEngine | null;
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
  const clerk = testStaff();
  if (withShift) await startShift(db, clerk.staffId, clerk.staffName, now);
  const services: Services = {
    db,
    syncEngine,
    now: () => now,
    makeEventId: nextTestEventId,
  };
  const view = render(
    <MemoryRouter initialEntries={[route]}>
      <App services={services} />
    </MemoryRouter>,
  );
  return { db, ...view };
}
