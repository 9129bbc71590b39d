import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_LOCK_NAME, withSyncLock } from './tab-lock.ts';

/** The Web Locks API as two tabs share it: one holder per name, `ifAvailable` never waits. */
function installFakeLocks() {
  const held = new Set<string>();
  const requested: Array<{ name: string; ifAvailable: boolean }> = [];
  const locks = {
    async request(
      name: string,
      options: { ifAvailable?: boolean },
      callback: (lock: { name: string } | null) => Promise<unknown>,
    ) {
      requested.push({ name, ifAvailable: Boolean(options.ifAvailable) });
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
  return { requested };
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'locks');
});

describe('withSyncLock', () => {
  it('lets only one tab sync at a time; the other skips its round instead of queueing', async () => {
    const { requested } = installFakeLocks();
    let release: () => void = () => undefined;
    const firstTabSyncing = new Promise<void>((resolve) => (release = resolve));
    const firstTab = withSyncLock(() => firstTabSyncing);
    let secondTabRan = false;
    const secondTab = await withSyncLock(async () => {
      secondTabRan = true;
    });
    expect(secondTab).toBe(false);
    expect(secondTabRan).toBe(false);
    release();
    expect(await firstTab).toBe(true);
    expect(await withSyncLock(async () => undefined)).toBe(true);
    expect(
      requested.every((request) => request.name === SYNC_LOCK_NAME && request.ifAvailable),
    ).toBe(true);
  });

  it('still syncs in a browser without Web Locks', async () => {
    let ran = false;
    expect(await withSyncLock(async () => void (ran = true))).toBe(true);
    expect(ran).toBe(true);
  });
});
