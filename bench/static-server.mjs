// A tiny static server for the benchmark: the app's production build with SPA fallback at /,
// the benchmark page at /__bench/, and 503 for /api/* so the app stays offline and never pulls.
// Both are served from one origin on purpose: the bench page fills the app's own database.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export const BENCH_BASE = '/__bench/';

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Resolves a URL path inside `root`, or null when it would escape it. */
function inside(root, urlPath) {
  const path = resolve(root, `.${urlPath}`);
  return path === root || path.startsWith(root + sep) ? path : null;
}

/**
 * Starts the server on 127.0.0.1 with an ephemeral port.
 * @param {{ appDir: string, benchDir: string, port?: number }} options
 */
export async function startStaticServer({ appDir, benchDir, port: requestedPort = 0 }) {
  const appRoot = resolve(appDir);
  const benchRoot = resolve(benchDir);
  const stats = { apiRequests: 0, files: 0 };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let pathname = decodeURIComponent(url.pathname);
      if (pathname.startsWith('/api/') || pathname.startsWith('/__mock/')) {
        stats.apiRequests++;
        const body = JSON.stringify({ error: { code: 'unavailable', message: 'benchmark: registry is offline' } });
        res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      let root = appRoot;
      const headers = { 'Cache-Control': 'no-cache' };
      if (pathname === BENCH_BASE.slice(0, -1) || pathname.startsWith(BENCH_BASE)) {
        root = benchRoot;
        pathname = pathname.slice(BENCH_BASE.length - 1) || '/';
        // Cross-origin isolation gives the bench page a finer performance.now() (5 µs, not 100 µs).
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      if (pathname.endsWith('/')) pathname += 'index.html';
      let path = inside(root, pathname);
      if (!path) {
        res.writeHead(403).end();
        return;
      }
      if (!(await isFile(path))) {
        // SPA fallback for routes; a missing asset (a path with an extension) stays a 404.
        if (root === appRoot && extname(pathname) === '') path = join(appRoot, 'index.html');
        else {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
          return;
        }
      }
      stats.files++;
      res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(path).pipe(res);
    } catch (error) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(String(error));
    }
  });

  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, '127.0.0.1', resolveListen);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
