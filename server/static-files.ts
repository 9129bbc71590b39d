// Serves the built app beside the mock registry, so the demo and the e2e tests run same-origin.
// Must stay true: index.html and sw.js are always revalidated (a new deploy must reach the
// service worker), hashed files under /assets/ are cached for a year, nothing outside the
// folder is ever served, and a missing /assets/ file is a 404, never index.html. Every answer,
// 404s included, carries the security headers (decision 014), and source maps are never served.
// A text file (script, style, page, JSON, SVG, WebAssembly) of 1 KiB or more goes in br or gzip
// when Accept-Encoding allows it (decision 027), compressed once per file version and coding.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { ContentCoding } from './http.ts';
import { COMPRESS_MIN_BYTES, chooseContentCoding } from './http.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
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

/** The files worth compressing; fonts (woff2 is compressed already) and images are not. */
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.wasm',
  '.svg',
  '.txt',
  '.csv',
]);

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Done once per file version, off the event loop: quality 9 is near brotli's best for script.
function compressFile(bytes: Buffer, coding: Exclude<ContentCoding, 'identity'>): Promise<Buffer> {
  return coding === 'br'
    ? brotliAsync(bytes, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    : gzipAsync(bytes, { level: 9 });
}

export interface StaticHandlerOptions {
  /**
   * Registry origins the app may fetch from besides its own (`https://registry.example:8443`),
   * for a registry URL set on the settings screen that is not the app's origin.
   */
  connectSources?: readonly string[];
}

// Each is a whole origin, written as the browser serializes it: a path, a wildcard, or a `;` in a
// host name (which URL allows) would change what the policy says.
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])$/;

function connectSource(source: string): string {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new Error(`connect source ${JSON.stringify(source)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`connect source ${JSON.stringify(source)} is not http(s)`);
  if (!HOST.test(url.hostname) || url.origin !== source)
    throw new Error(
      `connect source ${JSON.stringify(source)} is not an origin like ${JSON.stringify(url.origin)}`,
    );
  return source;
}

/** The Content-Security-Policy of the app: its own files only, no inline script, never framed. */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  const connect = [...new Set(["'self'", ...connectSources.map(connectSource)])];
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets the camera scanner compile its ZXing WebAssembly (from 'self'):
    // it allows WebAssembly compilation only, never eval() or inline script.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    // blob: for fflate, which write-excel-file uses to zip the report workbook: a sheet over
    // 160 kB is deflated in a worker it builds from a blob. Only script already running here
    // can make a blob: URL, so this lets no injected markup run.
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// Features the app never uses are off for it and anything it might embed; the camera stays
// allowed for the app itself, for the camera scanner on the search screen. Each name is one Chromium knows: an
// unknown one is a console warning on every page load (bluetooth, for one, is not a policy).
const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=()',
  'display-capture=()',
  'geolocation=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
  'xr-spatial-tracking=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'clipboard-read=()',
  'local-fonts=()',
  'window-management=()',
  'idle-detection=()',
  'screen-wake-lock=()',
  'encrypted-media=()',
  'picture-in-picture=()',
  'sync-xhr=()',
  'browsing-topics=()',
].join(', ');

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': PERMISSIONS_POLICY,
  };
}

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

function notFound(res: ServerResponse, security: Record<string, string>): void {
  const body = JSON.stringify({ error: { code: 'not_found', message: 'no such file' } });
  res.writeHead(404, {
    ...security,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function createStaticHandler(
  folder: string,
  { connectSources = [] }: StaticHandlerOptions = {},
): StaticHandler {
  const root = resolve(folder);
  const indexPath = join(root, 'index.html');
  const security = securityHeaders(contentSecurityPolicy(connectSources));
  // Keyed by path, version and coding; a rebuilt file has a new version (size and mtime).
  const compressed = new Map<string, Promise<Buffer>>();

  const send = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    stats: Stats,
    urlPath: string,
  ) => {
    const version = `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`;
    const cacheControl = urlPath.startsWith('/assets/') ? LONG_CACHE : 'no-cache';
    const compressible = COMPRESSIBLE.has(extname(path).toLowerCase());
    const offered = compressible ? chooseContentCoding(req.headers['accept-encoding']) : 'identity';
    const coding = stats.size >= COMPRESS_MIN_BYTES ? offered : 'identity';
    // Each coding is its own representation, so its own strong ETag.
    const etag = coding === 'identity' ? `"${version}"` : `"${version}-${coding}"`;
    const headers = {
      ...security,
      'Content-Type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': cacheControl,
      ETag: etag,
      ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
    };
    // no-cache means "revalidate": an ETag makes that a cheap 304 instead of a full download.
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (coding !== 'identity') {
      const key = `${path}\0${version}\0${coding}`;
      let body = compressed.get(key);
      if (!body) {
        body = readFile(path).then((bytes) => compressFile(bytes, coding));
        compressed.set(key, body);
        // A failed read is not kept: the next request tries again.
        body.catch(() => compressed.delete(key));
      }
      const bytes = await body;
      res.writeHead(200, {
        ...headers,
        'Content-Encoding': coding,
        'Content-Length': bytes.length,
      });
      res.end(req.method === 'HEAD' ? undefined : bytes);
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
      notFound(res, security);
      return;
    }
    const path = resolve(root, `.${decoded}`);
    // Source maps are built for crash reports (decision 014), never published with the app.
    // Checked on the resolved path, which has lost any trailing slash (/x.js.map/).
    if (extname(path).toLowerCase() === '.map') {
      notFound(res, security);
      return;
    }
    if (!decoded.includes('\0') && path.startsWith(root + sep)) {
      const stats = await fileStats(path);
      if (stats) {
        await send(req, res, path, stats, decoded);
        return;
      }
    }
    // A stale hashed asset after a deploy must fail loudly, not parse index.html as script.
    if (decoded.startsWith('/assets/')) {
      notFound(res, security);
      return;
    }
    const index = await fileStats(indexPath);
    if (!index) {
      notFound(res, security);
      return;
    }
    // Any other path is a deep link into the single-page app.
    await send(req, res, indexPath, index, '/index.html');
  };
}
