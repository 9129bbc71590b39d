import { useEffect } from 'react';
import { startIdleLock } from './idle-lock.ts';

/** Calls `onIdle` after `idleMinutes` without input in this visible tab, while `enabled`. */
export function useIdleLock({
  enabled,
  idleMinutes,
  now,
  onIdle,
}: {
  enabled: boolean;
  idleMinutes: number;
  now: () => Date;
  onIdle: () => void;
}) {
  useEffect(() => {
    if (!enabled) return undefined;
    return startIdleLock({
      idleMs: idleMinutes * 60_000,
      now: () => now().getTime(),
      onIdle,
      activity: window,
      page: document,
      setInterval: (callback, ms) => window.setInterval(callback, ms),
      clearInterval: (handle) => window.clearInterval(handle as number),
    });
  }, [enabled, idleMinutes, now, onIdle]);
}
