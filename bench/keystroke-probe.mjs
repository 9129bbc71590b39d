// Injected into the real app page (page.addInitScript) before its own scripts: times each
// keystroke in the search box from its first event (keydown, or beforeinput when text is
// inserted without a key) to just after the first frame in which .search-results carries
// data-query equal to the box's current value, i.e. the frame that paints that query's answer.
// Must stay self-contained: Playwright serializes the function and runs it in the page.

export function installKeystrokeProbe() {
  const probe = { enabled: false, pending: null, results: [] };
  const waiters = [];
  const channel = new MessageChannel();
  let afterPaint = [];
  channel.port1.onmessage = () => {
    const now = performance.now();
    const callbacks = afterPaint;
    afterPaint = [];
    for (const callback of callbacks) callback(now);
  };
  const release = () => {
    for (const waiter of [...waiters]) {
      if (probe.results.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(probe.results[waiter.count - 1]);
      }
    }
  };
  const watch = (pending, input) => {
    let frames = 0;
    const onFrame = () => {
      if (probe.pending !== pending) return;
      frames++;
      const container = document.querySelector('.search-results');
      if (container && container.getAttribute('data-query') === input.value) {
        // This frame paints the answer; the message task runs once the frame is done.
        afterPaint.push((t1) => {
          probe.results.push({
            value: input.value,
            ms: t1 - pending.t0,
            startedBy: pending.startedBy,
            frames,
          });
          probe.pending = null;
          release();
        });
        channel.port2.postMessage(null);
        return;
      }
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
  };
  const onEvent = (event) => {
    const input = event.target;
    if (!probe.enabled || !(input instanceof HTMLInputElement) || input.id !== 'card-search')
      return;
    // keydown when a key is pressed; beforeinput when text is inserted without a key (IME).
    if (!probe.pending)
      probe.pending = { t0: performance.now(), startedBy: event.type, watching: false };
    if (event.type === 'input' && !probe.pending.watching) {
      probe.pending.watching = true;
      watch(probe.pending, input);
    }
  };
  for (const type of ['keydown', 'beforeinput', 'input'])
    window.addEventListener(type, onEvent, true);
  probe.waitFor = (count, timeoutMs) =>
    new Promise((resolve, reject) => {
      if (probe.results.length >= count) return resolve(probe.results[count - 1]);
      const waiter = { count, resolve };
      waiters.push(waiter);
      setTimeout(() => {
        const index = waiters.indexOf(waiter);
        if (index < 0) return;
        waiters.splice(index, 1);
        probe.pending = null;
        reject(new Error(`no painted results for keystroke ${count} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  window.__keystrokeProbe = probe;
}
