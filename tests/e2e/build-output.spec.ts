// Checks the production build in dist/ (scripts/run-e2e.mjs builds it first) with no browser
// page: the web app manifest and the icon and screenshot files it names, and the generated
// service worker. The service worker is not read as text: dist/sw.js and its real workbox chunk
// run in a Node vm with a fake Cache Storage, get installed from dist/, and are then sent fetch
// events with the network down, so the precache and the navigation fallback are what workbox does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { expect, test } from '@playwright/test';
import { bundleSizes } from '../../scripts/bundle-size.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
// TAHVIL_DIST checks another build directory, e.g. dist-next.
const DIST = path.resolve(ROOT, process.env.TAHVIL_DIST ?? 'dist');
const ORIGIN = 'https://tahvil.test';

interface ManifestImage {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
  form_factor?: string;
  label?: string;
}

interface WebManifest {
  id?: string;
  name?: string;
  short_name?: string;
  description?: string;
  lang?: string;
  dir?: string;
  display?: string;
  start_url?: string;
  scope?: string;
  theme_color?: string;
  background_color?: string;
  icons?: ManifestImage[];
  screenshots?: ManifestImage[];
}

function distFile(urlPath: string): string {
  return path.join(DIST, decodeURIComponent(new URL(urlPath, `${ORIGIN}/`).pathname));
}

function readManifest(): WebManifest {
  return JSON.parse(readFileSync(path.join(DIST, 'manifest.webmanifest'), 'utf8')) as WebManifest;
}

function readIndexHtml(): string {
  return readFileSync(path.join(DIST, 'index.html'), 'utf8');
}

/** Width and height from a PNG's IHDR chunk, which the format puts first, right after the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a')
    throw new Error(`${file} is not a PNG`);
  if (bytes.subarray(12, 16).toString('latin1') !== 'IHDR')
    throw new Error(`${file} does not start with IHDR`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function declaredSize(sizes: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(sizes);
  if (!match) throw new Error(`"${sizes}" is not one WxH size`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** The value of a custom property in src/app/styles.css, e.g. --brand. */
function cssColor(property: string): string {
  const css = readFileSync(path.join(ROOT, 'src/app/styles.css'), 'utf8');
  const match = new RegExp(`${property}:\\s*(#[0-9a-fA-F]{3,8})\\s*;`).exec(css);
  if (!match?.[1]) throw new Error(`${property} not found in styles.css`);
  return match[1].toLowerCase();
}

function attribute(tag: string, name: string): string {
  const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
  if (!value) throw new Error(`${tag} has no ${name}`);
  return value;
}

/** Attribute values of the tags in `html` that match `tagPattern`, e.g. every <link rel="icon">. */
function attributes(html: string, tagPattern: RegExp, name: string): string[] {
  return [...html.matchAll(tagPattern)].map((tag) => attribute(tag[0], name));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(DIST, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    );
}

test.describe('web app manifest', () => {
  test('names, language, direction, display, colours, start URL and scope', () => {
    const manifest = readManifest();
    expect(manifest.name).toMatch(/^تحویل/);
    expect(manifest.short_name).toBe('تحویل');
    // Launchers cut short names at about 12 characters.
    expect([...(manifest.short_name ?? '')].length).toBeLessThanOrEqual(12);
    expect(manifest.description).toMatch(/[\u0600-\u06ff]/);
    expect(manifest.lang).toBe('fa');
    expect(manifest.dir).toBe('rtl');
    expect(manifest.display).toBe('standalone');
    expect(manifest.id).toBe('/');
    expect(manifest.start_url).toBe('/');
    expect(manifest.scope).toBe('/');
    expect(manifest.theme_color?.toLowerCase()).toBe(cssColor('--brand'));
    expect(manifest.background_color?.toLowerCase()).toBe(cssColor('--paper'));
    const themeMeta = attributes(
      readIndexHtml(),
      /<meta\s[^>]*name="theme-color"[^>]*>/g,
      'content',
    );
    expect(themeMeta.map((color) => color.toLowerCase())).toEqual([
      manifest.theme_color?.toLowerCase(),
    ]);
  });

  test('icons: 192 and 512 for any purpose, a maskable one, each a PNG of its declared size', () => {
    const icons = readManifest().icons ?? [];
    const purposes = (icon: ManifestImage) => (icon.purpose ?? 'any').split(/\s+/);
    const anyIcons = icons.filter((icon) => purposes(icon).includes('any'));
    expect(anyIcons.map((icon) => icon.sizes)).toEqual(
      expect.arrayContaining(['192x192', '512x512']),
    );
    const maskable = icons.filter((icon) => purposes(icon).includes('maskable'));
    expect(maskable.length).toBeGreaterThan(0);
    expect(maskable.some((icon) => declaredSize(icon.sizes).width >= 512)).toBe(true);
    for (const icon of icons) {
      const file = distFile(icon.src);
      expect(existsSync(file), `${icon.src} exists in dist/`).toBe(true);
      expect(icon.type).toBe('image/png');
      expect(pngSize(file), icon.src).toEqual(declaredSize(icon.sizes));
      const { width, height } = declaredSize(icon.sizes);
      expect(width, `${icon.src} is square`).toBe(height);
    }
  });

  test('install-sheet screenshots: wide and narrow, labelled, each a PNG of its declared size', () => {
    const screenshots = readManifest().screenshots ?? [];
    expect(screenshots.some((shot) => shot.form_factor === 'wide')).toBe(true);
    expect(screenshots.some((shot) => shot.form_factor === 'narrow')).toBe(true);
    for (const shot of screenshots) {
      const file = distFile(shot.src);
      expect(existsSync(file), `${shot.src} exists in dist/`).toBe(true);
      expect(shot.type).toBe('image/png');
      expect(shot.label ?? '', `${shot.src} has a Persian label`).toMatch(/[\u0600-\u06ff]/);
      const { width, height } = declaredSize(shot.sizes);
      expect(pngSize(file), shot.src).toEqual({ width, height });
      // Chrome's richer install UI ignores screenshots outside these bounds.
      expect(Math.min(width, height)).toBeGreaterThanOrEqual(320);
      expect(Math.max(width, height)).toBeLessThanOrEqual(3840);
      expect(Math.max(width, height) / Math.min(width, height)).toBeLessThanOrEqual(2.3);
      if (shot.form_factor === 'wide')
        expect(width, `${shot.src} is landscape`).toBeGreaterThan(height);
      else expect(height, `${shot.src} is portrait`).toBeGreaterThan(width);
      expect(readFileSync(file).length, `${shot.src} stays small`).toBeLessThan(300 * 1024);
    }
    // Chrome shows at most eight, and drops those whose aspect ratio differs from the first of
    // their form factor.
    expect(screenshots.length).toBeLessThanOrEqual(8);
    for (const formFactor of ['wide', 'narrow']) {
      const ratios = screenshots
        .filter((shot) => shot.form_factor === formFactor)
        .map((shot) => declaredSize(shot.sizes))
        .map(({ width, height }) => (width / height).toFixed(3));
      expect(new Set(ratios).size, `${formFactor} screenshots share one aspect ratio`).toBe(1);
    }
  });

  test('index.html links the manifest, an apple-touch-icon of 180 px and the favicons', () => {
    const html = readIndexHtml();
    expect(attributes(html, /<link\s[^>]*rel="manifest"[^>]*>/g, 'href')).toEqual([
      '/manifest.webmanifest',
    ]);
    const [appleIcon] = attributes(html, /<link\s[^>]*rel="apple-touch-icon"[^>]*>/g, 'href');
    expect(appleIcon).toBeDefined();
    expect(pngSize(distFile(appleIcon ?? ''))).toEqual({ width: 180, height: 180 });
    const favicons = [...html.matchAll(/<link\s[^>]*rel="icon"[^>]*>/g)].map((tag) => tag[0]);
    expect(favicons.length).toBeGreaterThan(0);
    for (const tag of favicons) {
      const href = attribute(tag, 'href');
      const file = distFile(href);
      expect(existsSync(file), `${href} exists in dist/`).toBe(true);
      if (href.endsWith('.png'))
        expect(pngSize(file), href).toEqual(declaredSize(attribute(tag, 'sizes')));
    }
  });
});

// ---- What the served Content-Security-Policy needs of the build (decision 014) ----

test.describe('built files under the served policy', () => {
  test('index.html has no inline script, event handler or style: script-src and style-src are self', () => {
    const html = readIndexHtml();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, attributes = '', body = ''] of scripts) {
      expect(body.trim(), `${tag} has no inline body`).toBe('');
      expect(attributes, `${tag} loads a file`).toMatch(/\ssrc="\/[^"]+"/);
    }
    const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((match) => match[0]);
    for (const tag of tags) {
      expect(tag, 'no on…= event-handler attribute').not.toMatch(/\son[a-z-]*\s*=/i);
      expect(tag, 'no style= attribute').not.toMatch(/\sstyle\s*=/i);
      expect(tag, 'no javascript: URL').not.toMatch(/=\s*["']?\s*javascript:/i);
    }
    expect(html, 'no <style> element').not.toMatch(/<style\b/i);
  });

  test('no center is built in: no device token, no center id the app would use by itself (decision 017)', () => {
    const scripts = filesUnder(DIST).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const text = readFileSync(path.join(DIST, file), 'utf8');
      expect(text, `${file} holds no demo token`).not.toMatch(/demo-token/i);
      // The old built-in registration: a center id as the default of the settings.
      expect(text, `${file} names no default center`).not.toMatch(/centerId:\s*["']DEMO-01["']/);
    }
  });

  test('source maps are built for every script, and no built file names one', () => {
    const files = filesUnder(DIST);
    const scripts = files.filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    // sourcemap: 'hidden' writes the maps (crash reports are mapped with them) without the
    // comment that would send a browser's devtools to a path the server answers 404. Looked for
    // anywhere, not only at a line start: minified code may end in it on its last line.
    for (const file of files.filter((name) => /\.(?:js|css|html)$/.test(name)))
      expect(
        readFileSync(path.join(DIST, file), 'utf8'),
        `${file} has no sourceMappingURL comment`,
      ).not.toMatch(/(?:\/\/|\/\*)\s*[#@]\s*sourceMappingURL=/);
    const appScripts = scripts.filter((file) => file.startsWith('assets/'));
    expect(appScripts.length).toBeGreaterThan(0);
    for (const file of appScripts)
      expect(files, `${file} has its map for crash reports`).toContain(`${file}.map`);
  });
});

// ---- What a cold start loads (issue 14) ----

/**
 * Screens the counter needs at first paint, and a fresh tablet's first screen (enrolment: lazy, it
 * showed 240 ms later on a slow link): in the main chunk, never a chunk of their own.
 */
const HOT_PATH_SCREENS = [
  'SearchScreen',
  'CardScreen',
  'SignInScreen',
  'LockScreen',
  'EnrolmentScreen',
];
/** Screens loaded when first opened, each from a chunk of its own that the first screen does not fetch. */
const LAZY_SCREENS = [
  'TodayScreen',
  'ReceiptScreen',
  'ChangePinScreen',
  'AttentionScreen',
  'ReportScreen',
  'ImportScreen',
  'SettingsScreen',
];

test.describe('bundle sizes', () => {
  test('the main chunk and the report chart stay within their gzipped budgets', () => {
    const sizes = bundleSizes(DIST);
    const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
    // Printed with the test's output, so a run shows the figures and not only a pass.
    console.log(
      `main chunk ${kB(sizes.main.gzipBytes)} gzip (budget ${kB(sizes.main.maxGzipBytes)}); ` +
        `before the first screen ${kB(sizes.initial.gzipBytes)} in ${sizes.initial.files.length} files; ` +
        `report with its chart ${kB(sizes.chart.gzipBytes)} (budget ${kB(sizes.chart.maxGzipBytes)})`,
    );
    expect(sizes.main.files[0]).toMatch(/^assets\/index-[\w-]+\.js$/);
    expect(sizes.main.gzipBytes).toBeLessThanOrEqual(sizes.main.maxGzipBytes);
    expect(sizes.chart.files.length).toBeGreaterThan(0);
    expect(sizes.chart.gzipBytes).toBeLessThanOrEqual(sizes.chart.maxGzipBytes);
  });

  test('the hot path is in the main chunk; the other screens are chunks the first screen does not load', () => {
    const assets = readdirSync(path.join(DIST, 'assets'));
    const { initial } = bundleSizes(DIST);
    for (const screen of HOT_PATH_SCREENS)
      expect(
        assets.filter((name) => name.startsWith(`${screen}-`)),
        `${screen} has no chunk of its own`,
      ).toEqual([]);
    for (const screen of LAZY_SCREENS) {
      const chunks = assets.filter((name) => new RegExp(`^${screen}-[\\w-]+\\.js$`).test(name));
      expect(chunks, `${screen} is a chunk of its own`).toHaveLength(1);
      expect(initial.files, `the first screen does not load ${screen}`).not.toContain(
        `assets/${chunks[0]}`,
      );
    }
  });
});

// ---- The service worker, run in a Node vm ----

interface StoredResponse {
  body: ArrayBuffer;
  status: number;
  headers: [string, string][];
}

/** Enough of the Cache Storage API for workbox-precaching: named caches keyed by exact URL. */
class FakeCacheStorage {
  readonly caches = new Map<string, Map<string, StoredResponse>>();

  async open(name: string) {
    let entries = this.caches.get(name);
    if (!entries) {
      entries = new Map();
      this.caches.set(name, entries);
    }
    const store = entries;
    return {
      async put(request: Request | string, response: Response) {
        const body = await response.arrayBuffer();
        store.set(typeof request === 'string' ? request : request.url, {
          body,
          status: response.status,
          headers: [...response.headers],
        });
      },
      async match(request: Request | string) {
        const stored = store.get(typeof request === 'string' ? request : request.url);
        return stored
          ? new Response(stored.body.slice(0), { status: stored.status, headers: stored.headers })
          : undefined;
      },
      async keys() {
        return [...store.keys()].map((url) => new Request(url));
      },
      async delete(request: Request | string) {
        return store.delete(typeof request === 'string' ? request : request.url);
      },
    };
  }

  async match(request: Request | string, options: { cacheName?: string } = {}) {
    for (const name of options.cacheName ? [options.cacheName] : [...this.caches.keys()]) {
      if (!this.caches.has(name)) continue;
      const found = await (await this.open(name)).match(request);
      if (found) return found;
    }
    return undefined;
  }

  async has(name: string) {
    return this.caches.has(name);
  }

  async delete(name: string) {
    return this.caches.delete(name);
  }

  async keys() {
    return [...this.caches.keys()];
  }

  /** Every cached URL path, without workbox's __WB_REVISION__ cache-key parameter. */
  cachedPaths(): string[] {
    return [...this.caches.values()].flatMap((store) =>
      [...store.keys()].map((url) => new URL(url).pathname),
    );
  }
}

type Listener = (event: unknown) => void;

interface FakeRequest {
  url: string;
  method: string;
  mode: string;
  destination: string;
  headers: Headers;
}

class ServiceWorkerHarness {
  readonly caches = new FakeCacheStorage();
  readonly fetchedPaths: string[] = [];
  online = true;
  private readonly listeners = new Map<string, Listener[]>();

  constructor() {
    // Workbox passes relative URLs to Request (createHandlerBoundToURL('/index.html')); in a
    // worker they resolve against its location, in Node they need the base spelled out.
    class WorkerRequest extends Request {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        super(typeof input === 'string' ? new URL(input, `${ORIGIN}/sw.js`).href : input, init);
      }
    }
    const scope: Record<string, unknown> = {
      location: new URL(`${ORIGIN}/sw.js`),
      registration: { scope: `${ORIGIN}/` },
      caches: this.caches,
      fetch: (input: Request | string) => this.fetchFromDist(input),
      addEventListener: (type: string, listener: Listener) => {
        this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
      },
      skipWaiting: () => Promise.resolve(),
      clients: { claim: () => Promise.resolve() },
      Request: WorkerRequest,
      Response,
      Headers,
      URL,
      FetchEvent: class FetchEvent {},
      console,
      setTimeout,
      clearTimeout,
    };
    scope.self = scope;
    const context = vm.createContext(scope);
    // The classic-worker loader at the top of sw.js fetches its workbox chunk with importScripts.
    scope.importScripts = (...urls: string[]) => {
      for (const url of urls) {
        const file = distFile(url);
        vm.runInContext(readFileSync(file, 'utf8'), context, { filename: file });
      }
    };
    vm.runInContext(readFileSync(path.join(DIST, 'sw.js'), 'utf8'), context, { filename: 'sw.js' });
  }

  private async fetchFromDist(input: Request | string): Promise<Response> {
    const url = new URL(typeof input === 'string' ? input : input.url, ORIGIN);
    if (!this.online) throw new TypeError('Failed to fetch');
    this.fetchedPaths.push(url.pathname);
    const file = distFile(url.pathname);
    if (url.origin !== ORIGIN || !existsSync(file))
      return new Response('not found', { status: 404 });
    return new Response(readFileSync(file), { status: 200 });
  }

  /** Waits for the sw.js loader's promise chain to have run the module body. */
  async ready(): Promise<void> {
    for (let i = 0; i < 20 && !this.listeners.has('fetch'); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    if (!this.listeners.has('fetch')) throw new Error('sw.js registered no fetch listener');
  }

  /** Dispatches an extendable event and waits for everything passed to waitUntil. */
  async lifecycle(type: 'install' | 'activate'): Promise<void> {
    const pending: Promise<unknown>[] = [];
    const event = { type, waitUntil: (promise: Promise<unknown>) => pending.push(promise) };
    for (const listener of this.listeners.get(type) ?? []) listener(event);
    for (let settled = 0; settled < pending.length; settled = pending.length)
      await Promise.all(pending);
  }

  /** Sends a fetch event; undefined when the service worker leaves the request to the network. */
  async fetch(urlPath: string, mode: 'navigate' | 'cors'): Promise<Response | undefined> {
    const request: FakeRequest = {
      url: new URL(urlPath, ORIGIN).href,
      method: 'GET',
      mode,
      destination: mode === 'navigate' ? 'document' : '',
      headers: new Headers({ accept: mode === 'navigate' ? 'text/html' : 'application/json' }),
    };
    let answer: Promise<Response> | undefined;
    const waits: Promise<unknown>[] = [];
    const event = {
      type: 'fetch',
      request,
      respondWith: (response: Promise<Response>) => {
        answer = Promise.resolve(response);
      },
      waitUntil: (promise: Promise<unknown>) => waits.push(promise),
    };
    for (const listener of this.listeners.get('fetch') ?? []) listener(event);
    const response = await answer;
    await Promise.allSettled(waits);
    return response;
  }
}

test.describe('service worker', () => {
  let worker: ServiceWorkerHarness;

  test.beforeEach(async () => {
    worker = new ServiceWorkerHarness();
    await worker.ready();
    await worker.lifecycle('install');
    await worker.lifecycle('activate');
    worker.online = false;
  });

  test('installing precaches the shell, the woff2 fonts the CSS uses, the icons and the manifest', () => {
    const cached = new Set(worker.caches.cachedPaths());
    const html = readIndexHtml();
    const scripts = attributes(html, /<script\s[^>]*type="module"[^>]*>/g, 'src');
    const styles = attributes(html, /<link\s[^>]*rel="stylesheet"[^>]*>/g, 'href');
    const preloads = attributes(html, /<link\s[^>]*rel="modulepreload"[^>]*>/g, 'href');
    expect(scripts.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);
    const shell = ['/index.html', '/manifest.webmanifest', ...scripts, ...styles, ...preloads];
    for (const entry of shell) expect(cached, `shell file ${entry} is precached`).toContain(entry);

    const fontUrls = styles.flatMap((href) =>
      [
        ...readFileSync(distFile(href), 'utf8').matchAll(
          /url\(\s*["']?([^"')]+\.(?:woff2?|ttf|otf|eot))["']?\s*\)/g,
        ),
      ].map((m) => m[1] ?? ''),
    );
    const woff2 = fontUrls.filter((url) => url.endsWith('.woff2'));
    // Vazirmatn: arabic, latin and latin-ext subsets, 400 and 700.
    expect(woff2.length).toBeGreaterThanOrEqual(6);
    // Every font file the CSS names, fallbacks included, must be there offline.
    for (const url of fontUrls)
      expect(cached, `font ${url} is precached`).toContain(new URL(url, `${ORIGIN}/`).pathname);

    const icons = [
      ...(readManifest().icons ?? []).map((icon) => icon.src),
      ...attributes(html, /<link\s[^>]*rel="(?:icon|apple-touch-icon)"[^>]*>/g, 'href'),
    ];
    for (const icon of icons)
      expect(cached, `icon ${icon} is precached`).toContain(new URL(icon, `${ORIGIN}/`).pathname);
  });

  test('nothing in dist/ is silently left out of the precache, and nothing it lists is missing', () => {
    const cached = new Set(worker.caches.cachedPaths());
    // Sourcemaps, the service worker itself, and the screenshots only the install UI fetches.
    const notPrecached = (file: string) =>
      file.endsWith('.map') ||
      file === 'sw.js' ||
      /^workbox-[\w-]+\.js$/.test(file) ||
      file.startsWith('screenshots/');
    const expected = filesUnder(DIST)
      .filter((file) => !notPrecached(file))
      .map((file) => `/${file}`);
    expect([...cached].sort()).toEqual(expected.sort());
    // Install fetched each entry once, and each answered from dist/ (a 404 would have failed install).
    expect(worker.fetchedPaths.sort()).toEqual(expected.sort());
  });

  test('offline, every script chunk is answered from the precache: each screen opens offline', async () => {
    const chunks = filesUnder(DIST).filter(
      (file) => file.startsWith('assets/') && file.endsWith('.js'),
    );
    expect(chunks.some((file) => file.startsWith('assets/ReportScreen-'))).toBe(true);
    for (const file of chunks) {
      const response = await worker.fetch(`/${file}`, 'cors');
      expect(response?.status, `/${file} offline`).toBe(200);
      expect(await response?.text()).toBe(readFileSync(path.join(DIST, file), 'utf8'));
    }
  });

  test('offline, app routes get the cached shell; /api/ and /__mock/ are left to the network', async () => {
    const shell = readIndexHtml();
    for (const route of ['/', '/cards/C-0000001/handover', '/today', '/settings?tab=device']) {
      const response = await worker.fetch(route, 'navigate');
      expect(response, `navigation to ${route} is answered from the cache`).toBeDefined();
      expect(await response?.text()).toBe(shell);
    }
    for (const route of [
      '/api',
      '/api/',
      '/api/v2/health',
      '/api/v2/centers/DEMO-01/cards?cursor=0',
      '/__mock/',
      '/__mock/events',
    ]) {
      expect(
        await worker.fetch(route, 'navigate'),
        `navigation to ${route} goes to the network`,
      ).toBeUndefined();
      expect(
        await worker.fetch(route, 'cors'),
        `fetch of ${route} goes to the network`,
      ).toBeUndefined();
    }
  });
});
