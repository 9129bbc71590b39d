import { describe, expect, it } from 'vitest';
import { CHUNK_RELOAD_GUARD_MS, loadOrReload, type ChunkReload } from './lazy-screen.ts';

interface FakeTab {
  clock: number;
  reloads: number;
  env: ChunkReload;
}

function fakeTab(startMs: number): FakeTab {
  const stored = new Map<string, string>();
  const tab: FakeTab = {
    clock: startMs,
    reloads: 0,
    env: {
      now: () => tab.clock,
      storage: {
        getItem: (key) => stored.get(key) ?? null,
        setItem: (key, value) => void stored.set(key, value),
      },
      reload: () => {
        tab.reloads += 1;
      },
    },
  };
  return tab;
}

const missingChunk = () =>
  Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
const settled = (promise: Promise<unknown>) =>
  Promise.race([
    promise.then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((resolve) => setTimeout(() => resolve('pending'), 20)),
  ]);

describe('loadOrReload', () => {
  it('gives the screen when its chunk loads, and never reloads', async () => {
    const tab = fakeTab(1_000_000);
    await expect(loadOrReload(() => Promise.resolve('screen'), tab.env)).resolves.toBe('screen');
    expect(tab.reloads).toBe(0);
  });

  it('reloads into the new version when a chunk is gone, and renders nothing meanwhile', async () => {
    const tab = fakeTab(1_000_000);
    expect(await settled(loadOrReload(missingChunk, tab.env))).toBe('pending');
    expect(tab.reloads).toBe(1);
  });

  it('throws instead of reloading again soon after, and reloads again once the guard is past', async () => {
    const tab = fakeTab(1_000_000);
    void loadOrReload(missingChunk, tab.env);
    await Promise.resolve();
    tab.clock += CHUNK_RELOAD_GUARD_MS - 1;
    expect(await settled(loadOrReload(missingChunk, tab.env))).toBe('rejected');
    expect(tab.reloads).toBe(1);
    tab.clock += 1;
    expect(await settled(loadOrReload(missingChunk, tab.env))).toBe('pending');
    expect(tab.reloads).toBe(2);
  });
});
