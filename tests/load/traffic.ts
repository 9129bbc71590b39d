// The load's timed phase: every simulated tablet pushing its written-out batches to the
// registry over real loopback HTTP (fetch, keep-alive) and, one request in `pullEvery` across
// the run, pulling its center from its cursor. It runs on a thread of its own
// (traffic-worker.ts), so the registry's main thread does the registry's work only and the
// tablets' CPU is counted apart. Must stay true: no more than `maxInFlight` requests are on the
// wire at once, none starts after the deadline or once stopped, and a tablet pushes each batch
// once (bounded in requests); every answer's results are counted by status, and every request
// that fails or times out is counted as an error, never retried out of sight.
import { Worker } from 'node:worker_threads';
import type { PullResponse, PushResponse } from '../../src/protocol/protocol.ts';
import { cardsPath, eventsPath } from '../../src/protocol/protocol.ts';
import type { LatencySummary } from './measures.ts';
import { Slots, summarize } from './measures.ts';

/** A request that takes longer is counted as an error: a stuck registry must not hang the run. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A tablet ready to run, as plain data: who it is and its pushes written out. */
export interface LoadTablet {
  deviceId: string;
  centerId: string;
  /** Authorization, X-Device-Id and Content-Type, as the tablet sends them. */
  headers: Record<string, string>;
  /** Request bodies, each `{"events":[…]}` of exactly `batch` signed handovers. */
  bodies: string[];
  /** Events in each body. */
  batch: number;
}

export interface TrafficOptions {
  base: string;
  tablets: readonly LoadTablet[];
  seconds: number;
  maxInFlight: number;
  /** One request in this many, counted over the whole run, is a pull. */
  pullEvery: number;
  pullLimit: number;
}

export interface TrafficResult {
  /** From the first request's start to the last answer's end. */
  windowSeconds: number;
  stoppedBy: 'time' | 'cards' | 'interrupted';
  pushes: LatencySummary;
  pulls: LatencySummary;
  eventsSent: number;
  /** Results by status, and by `status/code` for anything but accepted. */
  statuses: Record<string, number>;
  refusals: Record<string, number>;
  pulledCards: number;
  /** Batches no tablet got to push before the deadline. */
  batchesLeft: number;
  requestErrors: number;
  /** The first few errors, for the report. */
  errorSamples: string[];
}

/** Answers status and text, or throws on a network error or a timeout. */
async function send(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: response.status, text: await response.text() };
}

/**
 * Every tablet pushing its batches in turn, all at once, under one cap on requests in flight,
 * until the deadline or until every tablet has pushed all it has.
 */
export async function runTraffic(
  options: TrafficOptions,
  interrupted: () => boolean,
): Promise<TrafficResult> {
  const { base, tablets, maxInFlight, pullEvery, pullLimit } = options;
  const slots = new Slots(maxInFlight);
  const pushLatencies: number[] = [];
  const pullLatencies: number[] = [];
  const statuses: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  const errorSamples: string[] = [];
  let requestErrors = 0;
  let requests = 0;
  let eventsSent = 0;
  let pulledCards = 0;
  let lastAnswer = 0;
  let timeUp = false;
  /** Each tablet's next body, and the cursor of its next pull (null: from the beginning). */
  const next = tablets.map(() => 0);
  const cursors: Array<string | null> = tablets.map(() => null);

  const failed = (what: string) => {
    requestErrors++;
    if (errorSamples.length < 5) errorSamples.push(what);
  };

  const push = async (tablet: LoadTablet, index: number) => {
    const body = tablet.bodies[next[index]!++]!;
    const sent = tablet.batch;
    eventsSent += sent;
    const started = performance.now();
    const { status, text } = await send(base + eventsPath(tablet.centerId), {
      method: 'POST',
      headers: tablet.headers,
      body,
    });
    pushLatencies.push(performance.now() - started);
    if (status !== 200) return failed(`push ${tablet.deviceId}: ${status} ${text.slice(0, 300)}`);
    const { results } = JSON.parse(text) as PushResponse;
    if (results.length !== sent)
      failed(`push ${tablet.deviceId}: ${results.length} results for ${sent} events`);
    for (const result of results) {
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (result.status !== 'accepted') {
        const key = `${result.status}/${result.code ?? '?'}`;
        refusals[key] = (refusals[key] ?? 0) + 1;
      }
    }
  };

  const pull = async (tablet: LoadTablet, index: number) => {
    const query = new URLSearchParams({ limit: String(pullLimit) });
    const cursor = cursors[index];
    if (cursor !== null && cursor !== undefined) query.set('cursor', cursor);
    const started = performance.now();
    const { status, text } = await send(`${base}${cardsPath(tablet.centerId)}?${query}`, {
      headers: tablet.headers,
    });
    pullLatencies.push(performance.now() - started);
    if (status !== 200) return failed(`pull ${tablet.deviceId}: ${status} ${text.slice(0, 300)}`);
    const page = JSON.parse(text) as PullResponse;
    pulledCards += page.items.length;
    cursors[index] = page.cursor;
  };

  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const run = async (tablet: LoadTablet, index: number) => {
    while (next[index]! < tablet.bodies.length) {
      await slots.take();
      try {
        if (interrupted()) return;
        if (performance.now() >= deadline) {
          timeUp = true;
          return;
        }
        const pulling = requests++ % pullEvery === pullEvery - 1;
        try {
          await (pulling ? pull(tablet, index) : push(tablet, index));
        } catch (error) {
          failed(`${pulling ? 'pull' : 'push'} ${tablet.deviceId}: ${(error as Error).message}`);
        }
        lastAnswer = performance.now();
      } finally {
        slots.give();
      }
    }
  };
  await Promise.all(tablets.map(run));
  return {
    windowSeconds: ((lastAnswer || performance.now()) - started) / 1000,
    stoppedBy: interrupted() ? 'interrupted' : timeUp ? 'time' : 'cards',
    pushes: summarize(pushLatencies),
    pulls: summarize(pullLatencies),
    eventsSent,
    statuses,
    refusals,
    pulledCards,
    batchesLeft: tablets.reduce((sum, { bodies }, index) => sum + bodies.length - next[index]!, 0),
    requestErrors,
    errorSamples,
  };
}

/** What the traffic's thread sends back: its figures and the CPU it used itself. */
export interface WorkerAnswer {
  result: TrafficResult;
  /** CPU seconds of the traffic's own thread: the simulated tablets' share of the machine. */
  threadCpuSeconds: number;
}

/**
 * runTraffic on a thread of its own (traffic-worker.ts, TypeScript through tsx's loader, as
 * this process runs). `stop()` of the answer ends it early: no request starts after.
 */
export function runTrafficOnThread(options: TrafficOptions): {
  done: Promise<WorkerAnswer>;
  stop: () => void;
} {
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./traffic-worker.ts', import.meta.url).href;
  // An eval'd entry registers tsx first: a worker does not inherit the loader it was started with.
  const worker = new Worker(
    `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData: options },
  );
  const done = new Promise<WorkerAnswer>((resolve, reject) => {
    worker.once('message', (answer: WorkerAnswer) => {
      resolve(answer);
      // Its idle keep-alive sockets would hold it open: the figures are all it had to give.
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the traffic's thread ended (exit ${code}) without its figures`)),
    );
  });
  return { done, stop: () => worker.postMessage('stop') };
}
