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

const LOADING_SETTINGS: Settings = { ...DEFAULT_SETTINGS, deviceId: '' };

/** Live settings; defaults until the first read so screens never wait on a spinner. */
export function useSettings(): Settings {
  const { db } = useServices();
  return useLiveQuery(() => readSettings(db), [db]) ?? LOADING_SETTINGS;
}

/** The context a command needs, with the clock read at the moment of the command. */
export function useCommandContext(): () => CommandContext {
  const { now, makeEventId } = useServices();
  const settings = useSettings();
  return () => ({
    deviceId: settings.deviceId,
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
