import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_CHECK_INTERVAL_MS, isIdle, startIdleLock } from './idle-lock.ts';

const IDLE_MS = 60_000;

class FakePage extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  setVisibility(state: DocumentVisibilityState) {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function watch() {
  const activity = new EventTarget();
  const page = new FakePage();
  const onIdle = vi.fn();
  const stop = startIdleLock({
    idleMs: IDLE_MS,
    now: () => Date.now(),
    onIdle,
    activity,
    page,
    setInterval: (callback, ms) => setInterval(callback, ms),
    clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  });
  return { activity, page, onIdle, stop };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-25T07:01:07Z'));
});
afterEach(() => vi.useRealTimers());

describe('isIdle', () => {
  it.each([
    [0, 59_999, false],
    [0, 60_000, true],
    [10_000, 0, false], // the clock was set back: not idle
  ])('last input at %i, now %i: %s', (last, now, expected) => {
    expect(isIdle(last, now, IDLE_MS)).toBe(expected);
  });
});

describe('the idle lock', () => {
  it('locks once the idle time has passed without input in a visible tab', () => {
    const { onIdle } = watch();
    vi.advanceTimersByTime(IDLE_MS - IDLE_CHECK_INTERVAL_MS);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(IDLE_CHECK_INTERVAL_MS);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(IDLE_MS);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it.each(['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'])(
    'starts counting again on %s',
    (type) => {
      const { activity, onIdle } = watch();
      vi.advanceTimersByTime(IDLE_MS - IDLE_CHECK_INTERVAL_MS);
      activity.dispatchEvent(new Event(type));
      vi.advanceTimersByTime(IDLE_MS - IDLE_CHECK_INTERVAL_MS);
      expect(onIdle).not.toHaveBeenCalled();
      vi.advanceTimersByTime(IDLE_CHECK_INTERVAL_MS);
      expect(onIdle).toHaveBeenCalledTimes(1);
    },
  );

  it('never locks from a hidden tab, and locks as soon as it is visible again', () => {
    const { page, onIdle } = watch();
    page.setVisibility('hidden');
    vi.advanceTimersByTime(3 * IDLE_MS);
    expect(onIdle).not.toHaveBeenCalled();
    page.setVisibility('visible');
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('locks on waking from sleep, when no timer ran meanwhile', () => {
    const { page, onIdle } = watch();
    // Asleep: the clock moves on, the timers do not.
    vi.setSystemTime(Date.now() + 10 * IDLE_MS);
    page.setVisibility('visible');
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('stops listening when stopped', () => {
    const { onIdle, stop } = watch();
    stop();
    vi.advanceTimersByTime(2 * IDLE_MS);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
