// A clock for the sync engine that only moves when a test says so: scheduled syncs and request
// timeouts are inspected (nextDelay) or fired (advance), never slept.
import type { SyncClock } from '../../src/sync/engine.ts';

export class FakeClock implements SyncClock {
  timers: Array<{ id: number; at: number; callback: () => void }> = [];
  private nextId = 1;

  constructor(public nowMs: number) {}

  now() {
    return this.nowMs;
  }

  setTimeout(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.timers.push({ id, at: this.nowMs + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown) {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Moves the clock on and fires every timer that falls due, as the browser would. */
  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.timers.filter((timer) => timer.at <= this.nowMs);
    this.timers = this.timers.filter((timer) => timer.at > this.nowMs);
    for (const timer of due) timer.callback();
  }

  /** The delay of the next scheduled sync (request timeouts are cleared as requests finish). */
  nextDelay(): number | null {
    const next = this.timers.reduce<number | null>(
      (min, timer) => (min === null || timer.at < min ? timer.at : min),
      null,
    );
    return next === null ? null : next - this.nowMs;
  }
}
