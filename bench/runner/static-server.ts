// The benchmark's server, one origin for everything: the app's production build at / and the
// benchmark page at /__bench/ (both through the mock registry's own static handler), and
// /api/* and /__mock/* for the in-process mock registry. The registry answers only while the
// run has switched it online (the sync steps); otherwise those paths get 503, so the real app
// opened in the keystroke step stays offline and never pulls. One origin on purpose: the bench
// page fills the app's own database, and the sync engine's relative registry URL ('' = the
// origin that served the page) reaches the registry without CORS. The exception is
// openOrigin(): the same files on another port, an origin whose storage holds only what the
// page opened there writes (the IndexedDB bytes step measures navigator.storage.estimate()).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createStaticHandler } from '../../server/static-files.ts';

export const BENCH_BASE = '/__bench/';

export interface BenchServer {
  origin: string;
  /** apiRequests: refused with 503 while offline; registryRequests: handed to the registry. */
  stats: { apiRequests: number; registryRequests: number };
  /** Lets /api/ and /__mock/ through to the registry (true) or answers them 503 (false, the start). */
  setRegistryOnline(online: boolean): void;
  /**
   * The same handler listening on another ephemeral port of 127.0.0.1: another origin, so
   * another storage bucket in the same profile. Closed by its own close() or the server's.
   */
  openOrigin(): Promise<ExtraOrigin>;
  close(): Promise<void>;
}

export interface ExtraOrigin {
  origin: string;
  port: number;
  close(): Promise<void>;
}

type RegistryListener = (req: IncomingMessage, res: ServerResponse) => void;

function registryOffline(res: ServerResponse): void {
  const body = JSON.stringify({
    error: { code: 'unavailable', message: 'benchmark: registry is offline' },
  });
  res.writeHead(503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Starts the server on 127.0.0.1 with an ephemeral port unless one is given. */
export async function startStaticServer({
  appDir,
  benchDir,
  registry,
  port = 0,
}: {
  appDir: string;
  benchDir: string;
  /** The mock registry's request handler (createRegistryHandler); without it /api/ is always 503. */
  registry?: RegistryListener;
  port?: number;
}): Promise<BenchServer> {
  const serveApp = createStaticHandler(appDir);
  const serveBench = createStaticHandler(benchDir);
  const stats = { apiRequests: 0, registryRequests: 0 };
  let registryOnline = false;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname.startsWith('/api/') || pathname.startsWith('/__mock/')) {
      if (registry && registryOnline) {
        stats.registryRequests++;
        // The registry handler answers errors itself (JSON error bodies), like server/main.ts.
        registry(req, res);
      } else {
        stats.apiRequests++;
        registryOffline(res);
      }
      return;
    }
    let handled: Promise<void>;
    if (pathname === BENCH_BASE.slice(0, -1) || pathname.startsWith(BENCH_BASE)) {
      // Cross-origin isolation gives the bench page a finer performance.now() (5 µs, not 100 µs).
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      handled = serveBench(req, res, pathname.slice(BENCH_BASE.length - 1) || '/');
    } else {
      handled = serveApp(req, res, pathname);
    }
    handled.catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(error));
    });
  };

  const main = await listen(handle, port);
  const extra = new Set<ExtraOrigin>();
  return {
    origin: main.origin,
    stats,
    setRegistryOnline: (online) => {
      registryOnline = online;
    },
    async openOrigin() {
      const listening = await listen(handle, 0);
      const origin: ExtraOrigin = {
        origin: listening.origin,
        port: listening.port,
        close: async () => {
          extra.delete(origin);
          await listening.close();
        },
      };
      extra.add(origin);
      return origin;
    },
    close: async () => {
      await Promise.all([...extra].map((origin) => origin.close()));
      await main.close();
    },
  };
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void, port: number) {
  const server = createServer(handle);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
