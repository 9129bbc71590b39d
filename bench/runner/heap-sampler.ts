// Reads V8 heap use (CDP `Runtime.getHeapUsage`: the isolate's used heap, what
// `performance.memory.usedJSHeapSize` reports, but exact without a launch flag) of the bench page
// and of each dedicated worker it starts, every HEAP_SAMPLE_MS while a window is open. Workers
// are reached through the page session's auto-attach in non-flat mode (`sendMessageToTarget`):
// Playwright's CDPSession cannot address a flat child session, and its Worker has no CDP session.
// Samples are taken between tasks, so a peak is the highest reading, not a bound on the true peak.
import type { BrowserContext, Page } from '@playwright/test';

/** How often the page's and the import worker's V8 heap are read over CDP during an import. */
export const HEAP_SAMPLE_MS = 100;
/** A reading that takes longer (a page stuck in one task, a worker gone) is given up. */
const READING_TIMEOUT_MS = 5000;

export interface HeapReading {
  at: number;
  usedBytes: number;
  totalBytes: number;
}

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

interface AttachedWorker {
  sessionId: string;
  url: string;
  attachedAt: number;
  closed: boolean;
  samples: HeapReading[];
}

interface SamplingWindow {
  open: boolean;
  page: HeapReading[];
  workers: AttachedWorker[];
  loops: Array<Promise<void>>;
}

export interface HeapSampler {
  /** The page's heap now, in bytes used. */
  pageUsedBytes(): Promise<number>;
  /** A full GC on the page, so a reading after it is what is still held, not garbage not yet collected. */
  collectPageGarbage(): Promise<void>;
  start(): void;
  stop(): Promise<{ page: HeapReading[]; workers: AttachedWorker[] }>;
  detach(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const reading = (usage: HeapUsage, at: number): HeapReading => ({
  at,
  usedBytes: usage.usedSize,
  totalBytes: usage.totalSize,
});

export async function createHeapSampler(context: BrowserContext, page: Page): Promise<HeapSampler> {
  const session = await context.newCDPSession(page);
  const workers = new Map<string, AttachedWorker>();
  const waiting = new Map<
    number,
    { sessionId: string; settle: (result: HeapUsage | null) => void }
  >();
  let lastMessageId = 0;
  let sampling: SamplingWindow | null = null;

  const askWorkerHeap = (worker: AttachedWorker) =>
    new Promise<HeapUsage | null>((resolve) => {
      const id = ++lastMessageId;
      const timer = setTimeout(() => settle(null), READING_TIMEOUT_MS);
      const settle = (result: HeapUsage | null) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(result);
      };
      waiting.set(id, { sessionId: worker.sessionId, settle });
      session
        .send('Target.sendMessageToTarget', {
          sessionId: worker.sessionId,
          message: JSON.stringify({ id, method: 'Runtime.getHeapUsage', params: {} }),
        })
        .catch(() => settle(null));
    });
  // Only getHeapUsage is sent to the worker: a Runtime.evaluate sent while the module worker was
  // starting stalled the import for good (Chromium 156), so its URL comes from the attach event.
  const pollWorker = async (worker: AttachedWorker, current: SamplingWindow) => {
    while (!worker.closed && current.open) {
      const usage = await askWorkerHeap(worker);
      if (usage) worker.samples.push(reading(usage, Date.now()));
      await sleep(HEAP_SAMPLE_MS);
    }
  };
  const pollPage = async (current: SamplingWindow) => {
    while (current.open) {
      // A page stuck in one task answers nothing: give up on that reading rather than wait.
      const usage = await Promise.race([
        session.send('Runtime.getHeapUsage').catch(() => null),
        sleep(READING_TIMEOUT_MS).then(() => null),
      ]);
      if (usage) current.page.push(reading(usage, Date.now()));
      await sleep(HEAP_SAMPLE_MS);
    }
  };

  session.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'worker') return;
    const worker: AttachedWorker = {
      sessionId,
      url: targetInfo.url || '(no URL yet when attached)',
      attachedAt: Date.now(),
      closed: false,
      samples: [],
    };
    workers.set(sessionId, worker);
    if (sampling?.open) {
      sampling.workers.push(worker);
      sampling.loops.push(pollWorker(worker, sampling));
    }
  });
  session.on('Target.detachedFromTarget', ({ sessionId }) => {
    const worker = sessionId === undefined ? undefined : workers.get(sessionId);
    if (worker) worker.closed = true;
    for (const entry of [...waiting.values()])
      if (entry.sessionId === sessionId) entry.settle(null);
  });
  session.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message) as { id?: number; result?: HeapUsage; error?: unknown };
    if (reply.id !== undefined)
      waiting.get(reply.id)?.settle(reply.error ? null : (reply.result ?? null));
  });
  await session.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });

  return {
    pageUsedBytes: async () => (await session.send('Runtime.getHeapUsage')).usedSize,
    collectPageGarbage: async () => {
      await session.send('HeapProfiler.collectGarbage');
    },
    start() {
      const current: SamplingWindow = { open: true, page: [], workers: [], loops: [] };
      sampling = current;
      current.loops.push(pollPage(current));
    },
    async stop() {
      const current = sampling;
      if (!current) throw new Error('the heap sampler was not started');
      current.open = false;
      sampling = null;
      await Promise.all(current.loops);
      return { page: current.page, workers: current.workers };
    },
    detach: () => session.detach().catch(() => undefined),
  };
}
