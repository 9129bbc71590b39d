// Only one tab of the app syncs at a time: two tabs pushing the same outbox would double the
// traffic and race on "sending" marks. The Web Locks API holds the lock across tabs; a tab
// that finds it taken skips this round, and Dexie's live queries show it the other tab's work.
export const SYNC_LOCK_NAME = 'tahvil-sync';

export async function withSyncLock(task: () => Promise<void>): Promise<boolean> {
  if (!('locks' in navigator)) {
    await task();
    return true;
  }
  return navigator.locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await task();
    return true;
  });
}
