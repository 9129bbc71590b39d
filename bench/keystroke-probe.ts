// Injected into the real app page (page.addInitScript) before its own scripts: times each
// keystroke in the search box from its first event (keydown, or beforeinput when text is
// inserted without a key) to just after the first frame in which .search-results carries
// data-query equal to the box's current value, i.e. the frame that paints that query's answer.
// Built by bench/vite.config.ts into dist-bench/page/keystroke-probe.js, a plain script with no
// imports, which Playwright injects as it is. Not handed to addInitScript as a function: that is
// serialized from its source text, and tsx (which runs run.ts) compiles with esbuild's keepNames,
// which wraps inner functions in a __name() helper that the app page does not have.

export interface KeystrokeResult {
  /** The box's value once its answer was painted. */
  value: string;
  ms: number;
  startedBy: string;
  /** Animation frames from the input event to the painted answer. */
  frames: number;
}

export interface KeystrokeProbe {
  /** Off while the runner clears the box between sessions. */
  enabled: boolean;
  /** The result of the `count`-th keystroke timed since the page loaded, once it is painted. */
  waitFor(count: number, timeoutMs: number): Promise<KeystrokeResult>;
}

declare global {
  interface Window {
    __keystrokeProbe: KeystrokeProbe;
  }
}

interface Pending {
  t0: number;
  startedBy: string;
  watching: boolean;
}

// Called at once, so the script adds nothing to the app page's globals but window.__keystrokeProbe.
(function installKeystrokeProbe(): void {
  let pending: Pending | null = null;
  const results: KeystrokeResult[] = [];
  const waiters: Array<{ count: number; resolve: (result: KeystrokeResult) => void }> = [];
  const channel = new MessageChannel();
  let afterPaint: Array<(t1: number) => void> = [];
  channel.port1.onmessage = () => {
    const now = performance.now();
    const callbacks = afterPaint;
    afterPaint = [];
    for (const callback of callbacks) callback(now);
  };
  const release = () => {
    for (const waiter of [...waiters]) {
      if (results.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(results[waiter.count - 1] as KeystrokeResult);
      }
    }
  };
  const watch = (current: Pending, input: HTMLInputElement) => {
    let frames = 0;
    const onFrame = () => {
      if (pending !== current) return;
      frames++;
      const container = document.querySelector('.search-results');
      if (container && container.getAttribute('data-query') === input.value) {
        // This frame paints the answer; the message task runs once the frame is done.
        afterPaint.push((t1) => {
          results.push({
            value: input.value,
            ms: t1 - current.t0,
            startedBy: current.startedBy,
            frames,
          });
          pending = null;
          release();
        });
        channel.port2.postMessage(null);
        return;
      }
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
  };
  const probe: KeystrokeProbe = {
    enabled: false,
    waitFor: (count, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = results[count - 1];
        if (done) return resolve(done);
        const waiter = { count, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index < 0) return;
          waiters.splice(index, 1);
          pending = null;
          reject(new Error(`no painted results for keystroke ${count} within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
  };
  const onEvent = (event: Event) => {
    const input = event.target;
    if (!probe.enabled || !(input instanceof HTMLInputElement) || input.id !== 'card-search')
      return;
    // keydown when a key is pressed; beforeinput when text is inserted without a key (IME).
    pending ??= { t0: performance.now(), startedBy: event.type, watching: false };
    if (event.type === 'input' && !pending.watching) {
      pending.watching = true;
      watch(pending, input);
    }
  };
  for (const type of ['keydown', 'beforeinput', 'input'])
    window.addEventListener(type, onEvent, true);
  window.__keystrokeProbe = probe;
})();
