// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createStaticHandler } from './static-files.ts';
import type { RunningRegistry } from './test-helpers.ts';
import { startRegistry } from './test-helpers.ts';

let dir: string;
let registry: RunningRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tahvil-static-'));
  const app = join(dir, 'dist');
  mkdirSync(join(app, 'assets'), { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>تحویل</title>');
  writeFileSync(join(app, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(app, 'manifest.webmanifest'), '{}');
  writeFileSync(join(app, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(app, 'assets', 'index-abc123.js.map'), '{"version":3}');
  writeFileSync(join(app, 'sw.js.map'), '{"version":3}');
  writeFileSync(join(app, 'assets', 'vazirmatn-xyz.woff2'), 'wOF2');
  writeFileSync(join(app, 'assets', 'zxing_reader-abc123.wasm'), '\0asm');
  writeFileSync(join(dir, 'secret.txt'), 'outside the app folder');
  registry = await startRegistry({ seedCards: 10, serveAppDir: app });
});

afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serving the built app', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', 'no-cache'],
    ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/manifest.webmanifest', 'application/manifest+json; charset=utf-8', 'no-cache'],
    [
      '/assets/index-abc123.js',
      'text/javascript; charset=utf-8',
      'public, max-age=31536000, immutable',
    ],
    ['/assets/vazirmatn-xyz.woff2', 'font/woff2', 'public, max-age=31536000, immutable'],
    // WebAssembly.instantiateStreaming compiles only an application/wasm answer.
    ['/assets/zxing_reader-abc123.wasm', 'application/wasm', 'public, max-age=31536000, immutable'],
  ])('serves %s as %s with Cache-Control %s', async (path, type, cache) => {
    const response = await fetch(registry.base + path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe(cache);
  });

  it('answers a deep link with index.html', async () => {
    const response = await fetch(`${registry.base}/cards/C-0000001?from=search`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<title>تحویل</title>');
  });

  it('answers a missing hashed asset with 404, not index.html', async () => {
    expect((await fetch(`${registry.base}/assets/index-old.js`)).status).toBe(404);
  });

  it.each(['/../secret.txt', '/%2e%2e%2fsecret.txt', '/assets/..%2f..%2fsecret.txt'])(
    'never serves files outside the folder (%s)',
    async (path) => {
      // fetch would normalize the dots away; a raw request sends the path as an attacker would.
      const body = await new Promise<string>((resolve, reject) => {
        const url = new URL(registry.base);
        request({ host: url.hostname, port: url.port, path }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).not.toContain('outside the app folder');
    },
  );

  it('revalidates index.html with a 304', async () => {
    const first = await fetch(registry.base + '/');
    const etag = first.headers.get('etag') ?? '';
    const second = await fetch(registry.base + '/', { headers: { 'If-None-Match': etag } });
    expect(second.status).toBe(304);
  });

  it('keeps /api/ and /__mock/ out of the fallback', async () => {
    expect((await fetch(`${registry.base}/api/v2/nothing`)).status).toBe(404);
    expect((await fetch(`${registry.base}/__mock/nothing`)).status).toBe(401);
    expect((await registry.mock('nothing')).status).toBe(404);
  });
});

const STRICT_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function expectSecurityHeaders(response: Response, policy = STRICT_POLICY): void {
  expect(response.headers.get('content-security-policy')).toBe(policy);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  const permissions = response.headers.get('permissions-policy') ?? '';
  expect(permissions.split(', ')).toContain('camera=(self)');
  expect(permissions.split(', ')).toEqual(
    expect.arrayContaining(['microphone=()', 'geolocation=()', 'payment=()', 'usb=()']),
  );
}

describe('security headers', () => {
  it.each([
    ['a file', '/assets/index-abc123.js', 200],
    ['index.html', '/', 200],
    ['the SPA fallback', '/cards/C-0000001/handover', 200],
    ['a missing hashed asset', '/assets/index-old.js', 404],
    ['a source map', '/assets/index-abc123.js.map', 404],
  ])('are on %s (%s, %i)', async (_what, path, status) => {
    const response = await fetch(registry.base + path);
    expect(response.status).toBe(status);
    expectSecurityHeaders(response);
  });

  it('are on a 304 revalidation too', async () => {
    const etag = (await fetch(`${registry.base}/sw.js`)).headers.get('etag') ?? '';
    const response = await fetch(`${registry.base}/sw.js`, { headers: { 'If-None-Match': etag } });
    expect(response.status).toBe(304);
    expectSecurityHeaders(response);
  });

  it('let the app connect to the registry origins it is given, and nowhere else', async () => {
    const handler = createStaticHandler(join(dir, 'dist'), {
      connectSources: ['https://registry.example:8443', 'http://[::1]:8787', 'http://10.0.0.5'],
    });
    const server = createServer((req, res) => void handler(req, res, req.url ?? '/'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expectSecurityHeaders(
        response,
        STRICT_POLICY.replace(
          "connect-src 'self'",
          "connect-src 'self' https://registry.example:8443 http://[::1]:8787 http://10.0.0.5",
        ),
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.each([
    ['no scheme', 'registry.example'],
    ['not http(s)', 'ftp://registry.example'],
    ['a ws: URL', 'wss://registry.example'],
    ['a path', 'https://registry.example/api'],
    ['a trailing slash', 'https://registry.example/'],
    ['a query', 'https://registry.example?x=1'],
    ['credentials', 'https://user:pw@registry.example'],
    ['a wildcard', 'https://*.example'],
    ['a semicolon, a second directive', 'https://a;script-src'],
    ['a space, a second source', "https://a 'unsafe-inline'"],
    ['a comma, a second policy', 'https://a,b'],
    ['upper case', 'https://Registry.example'],
    ['the default port spelled out', 'https://registry.example:443'],
    ['a keyword', "'unsafe-eval'"],
    ['a scheme source', 'https:'],
    ['empty', ''],
  ])('refuse a connect source with %s (%s)', (_what, source) => {
    expect(() => createStaticHandler(dir, { connectSources: [source] })).toThrow(/connect source/);
  });

  it('take the registry origins the registry is started with', async () => {
    const other = await startRegistry({
      seedCards: 0,
      serveAppDir: join(dir, 'dist'),
      connectSources: ['https://registry.example'],
    });
    try {
      const policy = (await fetch(`${other.base}/`)).headers.get('content-security-policy');
      expect(policy).toContain("connect-src 'self' https://registry.example;");
    } finally {
      await other.close();
    }
    await expect(
      startRegistry({ serveAppDir: join(dir, 'dist'), connectSources: ['https://*.example'] }),
    ).rejects.toThrow();
  });

  it('let script compile WebAssembly, and nothing looser: no eval, no inline script', () => {
    const scriptSources = /(?:^|; )script-src ([^;]*)/.exec(contentSecurityPolicy())?.[1];
    expect(scriptSources?.split(' ')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(contentSecurityPolicy()).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\*/);
  });

  it('name each connect source once, after the app itself', () => {
    expect(
      contentSecurityPolicy(['https://a.example', 'https://a.example', 'https://b.example']),
    ).toContain("connect-src 'self' https://a.example https://b.example;");
  });
});

describe('source maps', () => {
  it.each([
    '/assets/index-abc123.js.map',
    '/sw.js.map',
    '/assets/index-abc123.js.MAP',
    '/assets/index-abc123.js.map/',
    '/assets/index-abc123.js%2emap',
    '/nothing-here.map',
  ])('are never served (%s)', async (path) => {
    const response = await fetch(registry.base + path);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('version');
  });
});

describe('compressed app files (decision 027)', () => {
  let appDir: string;
  let base: string;
  let closeServer: () => Promise<void>;
  const script = `export const names = [${Array.from({ length: 400 }, (_, i) => `"name-${i}"`).join(', ')}];\n`;
  const font = Buffer.alloc(4096, 7);

  beforeAll(async () => {
    appDir = mkdtempSync(join(tmpdir(), 'tahvil-static-zip-'));
    mkdirSync(join(appDir, 'assets'));
    writeFileSync(
      join(appDir, 'index.html'),
      `<!doctype html><title>تحویل</title>${'<p>.</p>'.repeat(300)}`,
    );
    writeFileSync(join(appDir, 'assets', 'big-abc123.js'), script);
    writeFileSync(join(appDir, 'assets', 'small-abc123.js'), 'console.log(1)');
    writeFileSync(join(appDir, 'assets', 'font-abc123.woff2'), font);
    const serve = createStaticHandler(appDir);
    const server = createServer((req, res) => {
      void serve(req, res, new URL(req.url ?? '/', 'http://x').pathname);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeServer = () => new Promise((resolve) => server.close(() => resolve()));
  });

  afterAll(async () => {
    await closeServer();
    rmSync(appDir, { recursive: true, force: true });
  });

  /** A raw request: node:http sends no Accept-Encoding of its own and never decodes. */
  const raw = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        request(`${base}${path}`, { method, headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
        })
          .on('error', reject)
          .end();
      },
    );

  const decode = (coding: string | undefined, body: Buffer) =>
    coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body;

  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
  ])(
    'serves a script to %j in %s, decoding to the file, with its headers',
    async (accept, coding) => {
      const answer = await raw('/assets/big-abc123.js', { 'Accept-Encoding': accept });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe(coding);
      expect(answer.headers.vary).toBe('Accept-Encoding');
      expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(answer.headers['content-security-policy']).toBe(contentSecurityPolicy());
      expect(answer.headers.etag).toMatch(new RegExp(`-${coding}"$`));
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(answer.body.length).toBeLessThan(Buffer.byteLength(script) / 3);
      expect(decode(coding, answer.body).toString('utf8')).toBe(script);
    },
  );

  it('compresses the SPA fallback (index.html) too', async () => {
    const answer = await raw('/cards/C-1', { 'Accept-Encoding': 'br' });
    expect(answer.headers['content-encoding']).toBe('br');
    expect(decode('br', answer.body).toString('utf8')).toContain('<title>تحویل</title>');
  });

  it.each([
    ['no Accept-Encoding', '/assets/big-abc123.js', {}],
    ['only refused codings', '/assets/big-abc123.js', { 'Accept-Encoding': 'br;q=0, gzip;q=0' }],
    ['a file under 1 KiB', '/assets/small-abc123.js', { 'Accept-Encoding': 'br, gzip' }],
    ['a font', '/assets/font-abc123.woff2', { 'Accept-Encoding': 'br, gzip' }],
  ])('sends the file as it is for %s', async (_what, path, headers) => {
    const answer = await raw(path, headers);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
  });

  it('revalidates each coding by its own ETag', async () => {
    const first = await raw('/assets/big-abc123.js', { 'Accept-Encoding': 'br' });
    const etag = first.headers.etag as string;
    const again = await raw('/assets/big-abc123.js', {
      'Accept-Encoding': 'br',
      'If-None-Match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // The br representation's tag does not stand for the gzip one.
    const other = await raw('/assets/big-abc123.js', {
      'Accept-Encoding': 'gzip',
      'If-None-Match': etag,
    });
    expect(other.status).toBe(200);
    expect(other.headers['content-encoding']).toBe('gzip');
  });

  it('answers HEAD with the compressed length and no body', async () => {
    const get = await raw('/assets/big-abc123.js', { 'Accept-Encoding': 'br' });
    const head = await raw('/assets/big-abc123.js', { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.body.length).toBe(0);
  });
});
