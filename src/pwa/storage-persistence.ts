// Whether the browser may evict this device's data. A day's handovers live only here until they
// sync, so the app asks for persistent storage (at the first handover and on install) and shows
// the answer and the space used. Every function tolerates a browser without the Storage API.

export interface StorageStatus {
  /** The browser has navigator.storage at all. */
  supported: boolean;
  /** true: kept unless staff clear it; false: "best effort", may be evicted under pressure; null: unknown. */
  persisted: boolean | null;
  usageBytes: number | null;
  quotaBytes: number | null;
}

type StorageApi = Pick<StorageManager, 'persisted' | 'persist' | 'estimate'>;

function storageApi(): StorageApi | null {
  return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : null;
}

export async function readStorageStatus(
  storage: StorageApi | null = storageApi(),
): Promise<StorageStatus> {
  if (!storage) return { supported: false, persisted: null, usageBytes: null, quotaBytes: null };
  const [persisted, estimate] = await Promise.all([
    storage.persisted ? storage.persisted().catch(() => null) : Promise.resolve(null),
    storage.estimate ? storage.estimate().catch(() => null) : Promise.resolve(null),
  ]);
  return {
    supported: true,
    persisted,
    usageBytes: estimate?.usage ?? null,
    quotaBytes: estimate?.quota ?? null,
  };
}

/** Asks once more; resolves to whether storage is persistent now. Never throws. */
export async function requestPersistentStorage(
  storage: StorageApi | null = storageApi(),
): Promise<boolean> {
  if (!storage?.persist) return false;
  try {
    if (storage.persisted && (await storage.persisted())) return true;
    return await storage.persist();
  } catch {
    return false;
  }
}
