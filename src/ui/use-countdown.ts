import { useEffect, useState } from 'react';

/** How often a countdown on screen is brought up to date. */
export const COUNTDOWN_TICK_MS = 250;

/**
 * Milliseconds left until `untilMs` by `now`, brought up to date every COUNTDOWN_TICK_MS; 0
 * once it is over (and no more ticks). Null `untilMs`: nothing is counted.
 */
export function useRemainingMs(untilMs: number | null, now: () => Date): number {
  const remaining = () => (untilMs === null ? 0 : Math.max(0, untilMs - now().getTime()));
  const [left, setLeft] = useState(remaining);
  useEffect(() => {
    if (untilMs === null) {
      setLeft(0);
      return undefined;
    }
    const update = () => {
      const next = Math.max(0, untilMs - now().getTime());
      setLeft(next);
      return next;
    };
    if (update() === 0) return undefined;
    const timer = window.setInterval(() => {
      if (update() === 0) window.clearInterval(timer);
    }, COUNTDOWN_TICK_MS);
    return () => window.clearInterval(timer);
  }, [untilMs, now]);
  return untilMs === null ? 0 : left;
}

/** `ms` as m:ss (1:05), rounded up: the screen never shows 0:00 while there is still a wait. */
export function formatMinutesSeconds(ms: number): string {
  const seconds = Math.ceil(Math.max(0, ms) / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
