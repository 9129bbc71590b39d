// The bench page (bench/index.html): puts the steps on window.tahvilBench, in the order
// bench/run.ts calls them, which times the app's real modules (imported from ../../src) here.
// The runner drives the order, since between steps it waits for storage to settle, opens the
// app in another tab (step 4), switches the registry on (steps 7–8), samples heaps (9–10) and
// opens this page on origins of their own to read their storage estimate (11).
import { deleteDatabases, prepareAppSettings } from './counter-tablet.ts';
import { generate, releaseInventory, releaseRecords } from './inventory.ts';
import { prepareSyncTablet } from './sync-tablet.ts';
import { storeInterleaved } from './steps/store-cards.ts';
import { measureCodeLookup } from './steps/code-lookup.ts';
import { measureNamePrefix } from './steps/name-search.ts';
import { keystrokeSessions } from './steps/keystrokes.ts';
import { measureHandover } from './steps/handover-commit.ts';
import { measureCounters } from './steps/counters.ts';
import { measurePinCheck } from './steps/pin-check.ts';
import { measureInitialPull } from './steps/initial-pull.ts';
import { measurePush, queueHandovers } from './steps/push-outbox.ts';
import { measureLinkPull, prepareLinkTablet } from './steps/link-pull.ts';
import { measureManifestImport, prepareManifestImport } from './steps/manifest-import.ts';
import {
  closeStorageDatabase,
  deleteStorageDatabase,
  openStorageDatabase,
  readStorageEstimate,
  reopenStorageDatabase,
  writeStorageCards,
} from './steps/storage-bytes.ts';

const api = {
  crossOriginIsolated: () => globalThis.crossOriginIsolated,
  generate,
  deleteDatabases,
  // 1
  storeInterleaved,
  releaseRecords,
  prepareAppSettings,
  // 2, 3
  measureCodeLookup,
  measureNamePrefix,
  // 4: the runner types these into the real app
  keystrokeSessions,
  // 5, 6
  measureHandover,
  measureCounters,
  measurePinCheck,
  // 7, 8
  prepareSyncTablet,
  measureInitialPull,
  queueHandovers,
  measurePush,
  // 8b: the runner slows the link around it
  prepareLinkTablet,
  measureLinkPull,
  // 9, 10
  releaseInventory,
  prepareManifestImport,
  measureManifestImport,
  // 11: in a bench page of its own origin (generate() there first); the runner reads the estimate between
  readStorageEstimate,
  openStorageDatabase,
  writeStorageCards,
  closeStorageDatabase,
  reopenStorageDatabase,
  deleteStorageDatabase,
};

export type BenchPageApi = typeof api;

declare global {
  interface Window {
    tahvilBench: BenchPageApi;
  }
}

window.tahvilBench = api;
document.body.dataset.ready = 'true';
