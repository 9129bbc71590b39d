// The idle lock (decision 022): the screen locks after the center's idleLockMinutes without
// input in a visible tab. Judged by timestamps, checked every IDLE_CHECK_INTERVAL_MS and when the
// tab becomes visible again, so a tablet that slept (timers paused) locks the moment it wakes.
// A hidden tab never locks: another tab of the same tablet may be in use.

export const IDLE_CHECK_INTERVAL_MS = 5_000;

/** What counts as someone at the counter. */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;

type Listening = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface IdleLockOptions {
  idleMs: number;
  now: () => number;
  onIdle: () => void;
  /** Where input is heard (the window). */
  activity: Listening;
  /** The document: its visibility, and its visibilitychange. */
  page: Listening & { readonly visibilityState: DocumentVisibilityState };
  setInterval: (callback: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

/** Whether `idleMs` have passed since `lastActivityMs` at `nowMs` (a clock set back: not idle). */
export function isIdle(lastActivityMs: number, nowMs: number, idleMs: number): boolean {
  return nowMs - lastActivityMs >= idleMs;
}

/** Starts watching; `onIdle` is called (once per idle spell) when it is time to lock. Returns stop. */
export function startIdleLock(options: IdleLockOptions): () => void {
  const { idleMs, now, onIdle, activity, page } = options;
  let lastActivityMs = now();
  let fired = false;
  const noteActivity = () => {
    lastActivityMs = now();
    fired = false;
  };
  const check = () => {
    if (fired || page.visibilityState !== 'visible') return;
    if (!isIdle(lastActivityMs, now(), idleMs)) return;
    fired = true;
    onIdle();
  };
  const onVisibility = () => check();
  for (const type of ACTIVITY_EVENTS)
    activity.addEventListener(type, noteActivity, { capture: true, passive: true });
  page.addEventListener('visibilitychange', onVisibility);
  const timer = options.setInterval(check, IDLE_CHECK_INTERVAL_MS);
  return () => {
    for (const type of ACTIVITY_EVENTS)
      activity.removeEventListener(type, noteActivity, { capture: true });
    page.removeEventListener('visibilitychange', onVisibility);
    options.clearInterval(timer);
  };
}
