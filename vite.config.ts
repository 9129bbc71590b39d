import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA, type ManifestOptions } from 'vite-plugin-pwa';

const MOCK_ENDPOINT = process.env.TAHVIL_MOCK_URL ?? 'http://127.0.0.1:8787';
const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
).version;

const BRAND_COLOR = '#0f5c4d'; // --brand in src/app/styles.css
const PAPER_COLOR = '#f5f3ee'; // --paper: the splash screen matches the app's background

// Localized manifest members (`name_localized` …) are in the W3C manifest spec, but no browser
// ships them yet (web-features "manifest-localization": limited availability; Chromium
// crbug.com/380491647). Every browser shows the Persian name today; these are ignored until then.
interface LocalizedText {
  value: string;
  lang: string;
  dir: 'ltr' | 'rtl';
}
type TahvilManifest = Partial<ManifestOptions> & {
  name_localized: Record<string, LocalizedText>;
  short_name_localized: Record<string, LocalizedText>;
};

const manifest: TahvilManifest = {
  id: '/',
  name: 'تحویل — تحویل کارت ملی',
  short_name: 'تحویل',
  name_localized: { en: { value: 'Tahvil — national ID card handover', lang: 'en', dir: 'ltr' } },
  short_name_localized: { en: { value: 'Tahvil', lang: 'en', dir: 'ltr' } },
  description: 'تحویل کارت هوشمند ملی در باجه، حتی بدون اینترنت',
  lang: 'fa',
  dir: 'rtl',
  display: 'standalone',
  start_url: '/',
  scope: '/',
  theme_color: BRAND_COLOR,
  background_color: PAPER_COLOR,
  categories: ['government', 'productivity'],
  // PNGs rendered from the committed SVGs by scripts/render-icons.mjs.
  icons: [
    { src: '/icons/tahvil-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/tahvil-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    {
      src: '/icons/tahvil-maskable-512.png',
      sizes: '512x512',
      type: 'image/png',
      purpose: 'maskable',
    },
  ],
  // Copied from the screens e2e spec's output: `node scripts/render-icons.mjs --screenshots`.
  screenshots: [
    {
      src: '/screenshots/wide-search.png',
      sizes: '1280x800',
      type: 'image/png',
      form_factor: 'wide',
      label: 'جستجوی کارت با کد ملی، کد رهگیری یا نام',
    },
    {
      src: '/screenshots/wide-card.png',
      sizes: '1280x800',
      type: 'image/png',
      form_factor: 'wide',
      label: 'مشخصات کارت و وضعیت آن، پیش از تحویل',
    },
    {
      src: '/screenshots/narrow-search.png',
      sizes: '768x1024',
      type: 'image/png',
      form_factor: 'narrow',
      label: 'جستجوی کارت با کد ملی، کد رهگیری یا نام',
    },
    {
      src: '/screenshots/narrow-handover.png',
      sizes: '768x1024',
      type: 'image/png',
      form_factor: 'narrow',
      label: 'بررسی‌های باجه پیش از ثبت تحویل کارت',
    },
  ],
};

// @fontsource's CSS offers a .woff fallback after each .woff2. Every browser Tahvil runs in reads
// woff2, the service worker precaches only woff2, and a fallback missing from the precache could
// not load offline anyway: drop it, so the build neither emits nor references .woff files.
function woff2Only(): Plugin {
  return {
    name: 'tahvil:woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@fontsource[\\/][^?]*\.css(?:\?|$)/.test(id)) return null;
      return {
        code: code.replace(/,\s*url\([^)]*\.woff\)\s*format\(["']woff["']\)/g, ''),
        map: null,
      };
    },
  };
}

export default defineConfig({
  // The version label the settings screen shows; a second build with TAHVIL_BUILD_ID=next is
  // how the update test makes a different service worker.
  define: { __TAHVIL_BUILD_ID__: JSON.stringify(process.env.TAHVIL_BUILD_ID ?? PACKAGE_VERSION) },
  plugins: [
    react(),
    woff2Only(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest,
      // globPatterns below already lists every icon; with this on, vite-plugin-pwa adds each
      // manifest icon a second time (and no includeAssets for the same reason).
      includeManifestIcons: false,
      workbox: {
        // The shell (index.html, JS, CSS), the woff2 fonts, every icon and the camera scanner's
        // ZXing .wasm (1.1 MB), so a scan works offline and never reaches for a CDN. Not the
        // sourcemaps, nor the install-sheet screenshots, which only the browser's install UI
        // fetches, online. vite-plugin-pwa adds manifest.webmanifest itself. A file over
        // maximumFileSizeToCacheInBytes fails the build rather than being left out
        // (vite-plugin-pwa's showMaximumFileSizeToCacheInBytesWarning is off).
        globPatterns: ['**/*.{html,js,css,woff2,svg,png,wasm}'],
        // workbox's default, spelled out: the wasm is about half of it.
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
        globIgnores: ['**/node_modules/**/*', 'screenshots/**'],
        // The first service worker takes charge of the page that installed it. Without this,
        // that page stays uncontrolled all day, and an accepted update would never reload it.
        clientsClaim: true,
        // One file, its listeners added while the script first runs. Split in two, the
        // SKIP_WAITING listener was added a tick later, and a waiting worker the browser had
        // stopped and woke for that message sometimes missed it.
        inlineWorkboxRuntime: true,
        navigateFallback: '/index.html',
        // Navigations to the registry and the mock's test endpoints must reach the network, never
        // the cached shell. (fetch() calls are not navigations, and no runtime route caches them.)
        navigateFallbackDenylist: [/^\/api(?:\/|$)/, /^\/__mock(?:\/|$)/],
        // workbox-build has no hidden sourcemaps: with one, sw.js would end in a
        // sourceMappingURL comment naming a file the server refuses (decision 014). sw.js is
        // generated workbox code; the maps that matter for crash reports are the app's.
        sourcemap: false,
      },
    }),
  ],
  server: {
    proxy: { '/api': MOCK_ENDPOINT, '/__mock': MOCK_ENDPOINT },
  },
  // Maps are written for crash reports but named by no file, and the server never serves them
  // (decision 014): a stack trace is mapped offline, the source is not published with the app.
  build: { target: 'es2022', sourcemap: 'hidden' },
});
