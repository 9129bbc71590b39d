// The import in progress (or the last one finished) for this page, outside any component: the
// manager may leave the import screen while a 100,000-row file is read, and find its progress or
// summary on coming back. It also tells the app not to reload into an update mid-import.
import { useSyncExternalStore } from 'react';
import type { TahvilDatabase } from '../../db/database.ts';
import type { ImportOutcome, ImportProgress } from './run-manifest-import.ts';

export type ImportState =
  | { phase: 'idle' }
  | { phase: 'running'; fileName: string; progress: ImportProgress }
  | { phase: 'finished'; fileName: string; outcome: ImportOutcome };

const IDLE: ImportState = { phase: 'idle' };
// The state belongs to the database it was written into: another database (a test's) starts idle.
let current: { db: TahvilDatabase; state: ImportState } | null = null;
const listeners = new Set<() => void>();

export function setImportState(db: TahvilDatabase, state: ImportState): void {
  current = { db, state };
  for (const listener of listeners) listener();
}

/** Read at the moment of a new import, not from the last render: two quick drops start one import. */
export function importRunningNow(db: TahvilDatabase): boolean {
  return current?.db === db && current.state.phase === 'running';
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useImportState(db: TahvilDatabase): ImportState {
  return useSyncExternalStore(subscribe, () => (current?.db === db ? current.state : IDLE));
}

/** True while a manifest is being read and written. */
export function useImportRunning(db: TahvilDatabase): boolean {
  return useImportState(db).phase === 'running';
}
