// Serves the built app beside the mock registry, so the demo and the e2e tests run same-origin.
// Must stay true: index.html and sw.js are always revalidated (a new deploy must reach the
// service worker), hashed files under /assets/ are cached for a year, nothing outside the
// folder is ever served, and a missing /assets/ file is a 404, never index.html.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
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
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

const LONG_CACHE = 'public, max-age=31536000, immutable';

export type StaticHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) => Promise<void>;

async function fileStats(path: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

function notFound(res: ServerResponse): void {
  const body = JSON.stringify({ error: { code: 'not_found', message: 'no such file' } });
  res.writeHead(404, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function createStaticHandler(folder: string): StaticHandler {
  const root = resolve(folder);
  const indexPath = join(root, 'index.html');

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    stats: Stats,
    urlPath: string,
  ) => {
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const cacheControl = urlPath.startsWith('/assets/') ? LONG_CACHE : 'no-cache';
    const headers = {
      'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': cacheControl,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    };
    // no-cache means "revalidate": an ETag makes that a cheap 304 instead of a full download.
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stats.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(path);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  return async (req, res, pathname) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      notFound(res);
      return;
    }
    if (!decoded.includes('\0')) {
      const path = resolve(root, `.${decoded}`);
      if (path.startsWith(root + sep)) {
        const stats = await fileStats(path);
        if (stats) {
          send(req, res, path, stats, decoded);
          return;
        }
      }
    }
    // A stale hashed asset after a deploy must fail loudly, not parse index.html as script.
    if (decoded.startsWith('/assets/')) {
      notFound(res);
      return;
    }
    const index = await fileStats(indexPath);
    if (!index) {
      notFound(res);
      return;
    }
    // Any other path is a deep link into the single-page app.
    send(req, res, indexPath, index, '/index.html');
  };
}
