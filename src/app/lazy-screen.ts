// Screens loaded when first shown (React.lazy), each from a chunk the service worker precaches.
// A tab still running the old version after another tab accepted an update asks for chunks the
// new worker no longer holds and the server no longer has: it reloads into the new version
// rather than going blank. Once: a second failure soon after is thrown, never a reload loop.
import { lazy, type ComponentType } from 'react';

const RELOADED_AT_KEY = 'tahvil:reloaded-for-missing-chunk';
export const CHUNK_RELOAD_GUARD_MS = 30_000;

export interface ChunkReload {
  now(): number;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  reload(): void;
}

const browserReload: ChunkReload = {
  now: () => Date.now(),
  storage: {
    getItem: (key) => window.sessionStorage.getItem(key),
    setItem: (key, value) => window.sessionStorage.setItem(key, value),
  },
  reload: () => window.location.reload(),
};

export async function loadOrReload<T>(
  load: () => Promise<T>,
  env: ChunkReload = browserReload,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const reloadedAt = Number(env.storage.getItem(RELOADED_AT_KEY) ?? 0);
    if (env.now() - reloadedAt < CHUNK_RELOAD_GUARD_MS) throw error;
    env.storage.setItem(RELOADED_AT_KEY, String(env.now()));
    env.reload();
    // The page is going; the screen never renders in the old version.
    return new Promise<T>(() => undefined);
  }
}

export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await loadOrReload(load) }));
}
