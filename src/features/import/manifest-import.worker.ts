// The web worker that reads a manifest file off the page's thread (manifest-parse.ts). The page
// answers each batch with `written` once it is stored; only then is the next slice read.
import { parseManifestFile, type ManifestBatch, type ManifestParseEnd } from './manifest-parse.ts';

export type WorkerRequest = { type: 'parse'; file: Blob } | { type: 'written' };
export type WorkerReply = { type: 'batch'; batch: ManifestBatch } | { type: 'end'; end: ManifestParseEnd } | { type: 'crashed'; message: string };

const scope = self as unknown as { postMessage(message: WorkerReply): void; onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null };
let batchWritten: (() => void) | null = null;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'written') {
    batchWritten?.();
    return;
  }
  parseManifestFile(request.file, (batch) => {
    const written = new Promise<void>((resolve) => (batchWritten = resolve));
    scope.postMessage({ type: 'batch', batch });
    return written;
  }).then(
    (end) => scope.postMessage({ type: 'end', end }),
    (error: unknown) => scope.postMessage({ type: 'crashed', message: String(error) }),
  );
};
