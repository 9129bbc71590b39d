import { describe, expect, it, vi } from 'vitest';
import { readStorageStatus, requestPersistentStorage } from './storage-persistence.ts';

const fakeStorage = (persisted: boolean, grant = false) => ({
  persisted: vi.fn(async () => persisted),
  persist: vi.fn(async () => grant),
  estimate: vi.fn(async () => ({ usage: 12 * 1024 * 1024, quota: 2048 * 1024 * 1024 })),
});

describe('storage persistence', () => {
  it('reads persistence and usage', async () => {
    expect(await readStorageStatus(fakeStorage(false))).toEqual({
      supported: true,
      persisted: false,
      usageBytes: 12 * 1024 * 1024,
      quotaBytes: 2048 * 1024 * 1024,
    });
  });

  it('says "unknown" without the Storage API instead of failing', async () => {
    expect(await readStorageStatus(null)).toEqual({
      supported: false,
      persisted: null,
      usageBytes: null,
      quotaBytes: null,
    });
    expect(await requestPersistentStorage(null)).toBe(false);
  });

  it('asks only when storage is not persistent yet', async () => {
    const already = fakeStorage(true);
    expect(await requestPersistentStorage(already)).toBe(true);
    expect(already.persist).not.toHaveBeenCalled();
    const notYet = fakeStorage(false, true);
    expect(await requestPersistentStorage(notYet)).toBe(true);
    expect(notYet.persist).toHaveBeenCalledTimes(1);
  });

  it('treats a browser error as "not granted"', async () => {
    const failing = {
      ...fakeStorage(false),
      persist: vi.fn(async () => Promise.reject(new Error('denied'))),
    };
    expect(await requestPersistentStorage(failing)).toBe(false);
  });
});
