// The module worker that reads, checks and writes the card pull's pages off the page's thread,
// through its own connection to the same database (as the manifest import does, decision 008).
// The page's live queries hear of every commit through Dexie's cross-context broadcast; the page
// itself receives only each page's header and how its write ended (pull-worker-protocol.ts).
import {
  createPullWorkerHandler,
  type PullWorkerReply,
  type PullWorkerRequest,
} from './pull-worker-protocol.ts';

const scope = self as unknown as {
  postMessage(message: PullWorkerReply): void;
  onmessage: ((event: MessageEvent<PullWorkerRequest>) => void) | null;
};

const handle = createPullWorkerHandler((reply) => scope.postMessage(reply));

scope.onmessage = (event) => void handle(event.data);
