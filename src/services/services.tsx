// What every feature needs from the running app — the database, the sync engine, the clock and
// id source — handed down through one context so tests can render real routes over a fresh
// fake-indexeddb database with a fixed clock and no network.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { v7 as uuidv7 } from 'uuid';
import type { TahvilDatabase } from '../db/database.ts';
import { DEFAULT_SETTINGS, readSettings, type Settings } from '../db/settings.ts';
import type { CommandContext } from '../db/handovers.ts';
import { IDLE_SYNC_STATE, type SyncEngine, type SyncState } from '../sync/engine.ts';

export interface Services {
  db: TahvilDatabase;
  /** Absent in tests that do not exercise sync. */
  syncEngine: SyncEngine | null;
  now: () => Date;
  makeEventId: () => string;
  /** For the one request outside the sync engine: enrolment. Tests script it. */
  fetch: typeof fetch;
}

export function createServices(db: TahvilDatabase, syncEngine: SyncEngine | null): Services {
  return {
    db,
    syncEngine,
    now: () => new Date(),
    makeEventId: () => uuidv7(),
    fetch: (...args) => window.fetch(...args),
  };
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({
  services,
  children,
}: {
  services: Services;
  children: ReactNode;
}) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside ServicesProvider');
  return services;
}

/**
 * Until the first read: no device id (the app shows no screen yet) and the most cautious rules,
 * so nothing the center may forbid is ever offered while the settings load.
 */
const LOADING_SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  deviceId: '',
  rules: { ...DEFAULT_SETTINGS.rules, proxyPickupAllowed: false },
};

const SettingsContext = createContext<Settings | null>(null);

/**
 * One live read of the settings for the whole app: a screen mounted later sees the settings
 * already read, never a moment of defaults (a proxy choice flashing up where the center forbids
 * proxies).
 */
export function SettingsProvider({ children }: { children: ReactNode }) {
  const { db } = useServices();
  const settings = useLiveQuery(() => readSettings(db), [db]) ?? LOADING_SETTINGS;
  return <SettingsContext.Provider value={settings}>{children}</SettingsContext.Provider>;
}

/** Live settings: the app's shared read, or (outside SettingsProvider) a read of its own. */
export function useSettings(): Settings {
  const shared = useContext(SettingsContext);
  const { db } = useServices();
  const isShared = shared !== null;
  const own = useLiveQuery(async () => (isShared ? null : readSettings(db)), [db, isShared]);
  return shared ?? own ?? LOADING_SETTINGS;
}

/** The context a command needs, with the clock read at the moment of the command. */
export function useCommandContext(): () => CommandContext {
  const { now, makeEventId } = useServices();
  const settings = useSettings();
  return () => ({
    staff: settings.shift,
    timeZone: settings.timeZone,
    now: now(),
    makeEventId,
  });
}

const noSubscription = () => () => undefined;

export function useSyncState(): SyncState {
  const { syncEngine } = useServices();
  return useSyncExternalStore(
    syncEngine ? (listener) => syncEngine.subscribe(listener) : noSubscription,
    () => syncEngine?.getState() ?? IDLE_SYNC_STATE,
  );
}
