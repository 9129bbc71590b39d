// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  writeFileSync(join(app, 'assets', 'vazirmatn-xyz.woff2'), 'wOF2');
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
    expect((await fetch(`${registry.base}/api/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${registry.base}/__mock/nothing`)).status).toBe(401);
    expect((await registry.mock('nothing')).status).toBe(404);
  });
});
