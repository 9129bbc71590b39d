// A stand-in for the pull's module worker, for tests: the worker's own handler (the code
// pull.worker.ts runs) behind a port that structured-clones every message both ways, transfers
// what the writer transfers and delivers each reply a turn later, as a Worker does. So what a
// test sees crossing is what would cross; only the thread is the same.
import type { PullWorkerPort } from './pull-writer.ts';
import {
  createPullWorkerHandler,
  type PullWorkerReply,
  type PullWorkerRequest,
} from './pull-worker-protocol.ts';

export interface InThreadPullWorker {
  port: PullWorkerPort & { terminated: boolean };
  /** Every request as the writer sent it. */
  sent: PullWorkerRequest[];
  /** The type of every reply, in the order the handler posted them. */
  replies: Array<PullWorkerReply['type']>;
}

export function inThreadPullWorker(): InThreadPullWorker {
  const sent: PullWorkerRequest[] = [];
  const replies: Array<PullWorkerReply['type']> = [];
  const port: InThreadPullWorker['port'] = {
    onmessage: null,
    onerror: null,
    terminated: false,
    postMessage(message, transfer) {
      sent.push(message);
      if (!port.terminated) void handle(structuredClone(message, { transfer }));
    },
    terminate() {
      port.terminated = true;
    },
  };
  const handle = createPullWorkerHandler((reply) => {
    replies.push(reply.type);
    const crossed = structuredClone(reply);
    setTimeout(() => {
      if (!port.terminated) port.onmessage?.({ data: crossed } as MessageEvent<PullWorkerReply>);
    }, 0);
  });
  return { port, sent, replies };
}
