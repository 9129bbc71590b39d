// Renders the real app routes over a fresh fake-indexeddb database, with a fixed clock and no
// sync engine, so integration tests act as a clerk would and read what the clerk would see.
import { render, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { App } from '../../src/app/App.tsx';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { updateSettings, type Settings } from '../../src/db/settings.ts';
import type { Services } from '../../src/services/services.tsx';
import type { Card } from '../../src/protocol/protocol.ts';
import type { SyncEngine } from '../../src/sync/engine.ts';
import { createTestDatabase, type TestEnrolment } from '../factories/database.ts';
import { nextTestEventId } from '../factories/context.ts';
import { TEST_CLERK, type TestStaffMember } from '../factories/staff.ts';
import { FIXED_NOW } from '../factories/time.ts';

export interface AppSetup {
  cards?: Card[];
  route?: string;
  settings?: Partial<Omit<Settings, 'deviceId'>>;
  /** Who is signed in (default TEST_CLERK); null: the sign-in screen shows. */
  signedIn?: TestStaffMember | null;
  now?: Date;
  /** Writes what the tablet held before the app started (another member's earlier handover). */
  before?: (db: TahvilDatabase) => Promise<unknown>;
  /** A clock the test moves (a lockout's countdown, the idle lock); overrides `now`. */
  clock?: () => Date;
  syncEngine?: SyncEngine | null;
  /** What enrolment asks the registry with; by default nothing answers. */
  fetch?: typeof fetch;
  /** The stored enrolment (default: the test center); null: a tablet not enrolled yet. */
  enrolment?: TestEnrolment | null;
}

const NO_NETWORK = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

export async function renderApp({
  cards = [],
  route = '/',
  settings = {},
  signedIn = TEST_CLERK,
  now = FIXED_NOW,
  clock,
  before,
  syncEngine = null,
  fetch = NO_NETWORK,
  enrolment = {},
}: AppSetup = {}) {
  const db = await createTestDatabase(cards, { enrolment, signedIn });
  await updateSettings(db, settings);
  await before?.(db);
  const services: Services = {
    db,
    syncEngine,
    now: clock ?? (() => now),
    makeEventId: nextTestEventId,
    fetch,
  };
  const view = render(
    <MemoryRouter initialEntries={[route]}>
      <App services={services} />
    </MemoryRouter>,
  );
  // The app shows no screen until it has read its settings (so none flashes up and is
  // replaced): tests start from the first screen the clerk sees.
  await waitFor(() => {
    if (!view.container.querySelector('#main > *')) throw new Error('no screen yet');
  });
  return { db, ...view };
}
