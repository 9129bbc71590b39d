// Renders the committed SVG icons in public/icons/ to the PNGs that the manifest and index.html
// declare, at exact pixel sizes, in Debian's Chromium (CHROME_PATH or /usr/bin/chromium, never a
// downloaded browser). The build does not run this: the PNGs are committed. After editing an SVG:
//   node scripts/render-icons.mjs
// It refuses a maskable icon whose artwork leaves the maskable safe zone.
//
// With --screenshots it also copies the install-sheet screenshots from the screens spec's output
// into public/screenshots/ (run `node scripts/run-e2e.mjs screens` first):
//   node scripts/render-icons.mjs --screenshots
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROME_EXECUTABLE_PATH, CHROMIUM_ARGS } from './chromium.mjs';

const ICONS_DIR = new URL('../public/icons/', import.meta.url);
const SCREENSHOTS_DIR = new URL('../public/screenshots/', import.meta.url);
const SCREENS_OUTPUT_DIR = new URL('../test-results/screens/', import.meta.url);
const BRAND_RGB = [0x0f, 0x5c, 0x4d];
// Maskable icons: everything outside a centred circle of radius 40% of the size may be cut away.
const SAFE_ZONE_RADIUS_RATIO = 0.4;
const MAX_SCREENSHOT_BYTES = 300 * 1024;

const ICONS = [
  { svg: 'tahvil.svg', png: 'tahvil-192.png', size: 192 },
  { svg: 'tahvil.svg', png: 'tahvil-512.png', size: 512 },
  { svg: 'tahvil.svg', png: 'favicon-32.png', size: 32 },
  { svg: 'tahvil-maskable.svg', png: 'tahvil-maskable-512.png', size: 512, maskable: true },
  // iOS paints transparent pixels black and rounds the corners itself: full-bleed artwork.
  { svg: 'tahvil-maskable.svg', png: 'apple-touch-icon-180.png', size: 180 },
];

// The screens spec's screenshots → the manifest's screenshots (see vite.config.ts).
const SCREENSHOTS = [
  { from: 'landscape-fa-search.png', to: 'wide-search.png' },
  { from: 'landscape-fa-card.png', to: 'wide-card.png' },
  { from: 'portrait-fa-search.png', to: 'narrow-search.png' },
  { from: 'portrait-fa-handover.png', to: 'narrow-handover.png' },
];

async function renderIcons() {
  const browser = await chromium.launch({
    executablePath: CHROME_EXECUTABLE_PATH,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const icon of ICONS) {
      const svg = readFileSync(new URL(icon.svg, ICONS_DIR)).toString('base64');
      await page.setViewportSize({ width: icon.size, height: icon.size });
      await page.setContent(
        `<body style="margin:0"><img style="display:block" width="${icon.size}" height="${icon.size}" src="data:image/svg+xml;base64,${svg}"></body>`,
      );
      await page.locator('img').evaluate((img) => img.decode());
      if (icon.maskable) {
        const leaks = await page.locator('img').evaluate(countPixelsOutsideSafeZone, {
          ratio: SAFE_ZONE_RADIUS_RATIO,
          background: BRAND_RGB,
        });
        if (leaks > 0)
          throw new Error(`${icon.svg}: ${leaks} pixels of artwork outside the maskable safe zone`);
      }
      const out = new URL(icon.png, ICONS_DIR);
      await page.screenshot({
        path: out.pathname,
        omitBackground: true,
        clip: { x: 0, y: 0, width: icon.size, height: icon.size },
      });
      console.log(`public/icons/${icon.png} ${icon.size}x${icon.size} ${statSync(out).size} bytes`);
    }
  } finally {
    await browser.close();
  }
}

// Runs in the page: pixels outside the safe-zone circle that are not the background colour.
function countPixelsOutsideSafeZone(img, { ratio, background }) {
  const size = img.width;
  const canvas = img.ownerDocument.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0, size, size);
  const { data } = context.getImageData(0, 0, size, size);
  const radius = size * ratio;
  let leaks = 0;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      if (Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) <= radius) continue;
      const i = (y * size + x) * 4;
      const off = Math.max(...background.map((channel, c) => Math.abs(data[i + c] - channel)));
      if (off > 2 || data[i + 3] !== 255) leaks += 1;
    }
  }
  return leaks;
}

function copyScreenshots() {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  for (const { from, to } of SCREENSHOTS) {
    const source = new URL(from, SCREENS_OUTPUT_DIR);
    if (!existsSync(source))
      throw new Error(
        `${source.pathname} is missing: run 'node scripts/run-e2e.mjs screens' first`,
      );
    const bytes = statSync(source).size;
    if (bytes > MAX_SCREENSHOT_BYTES)
      throw new Error(
        `${from} is ${bytes} bytes; install-sheet screenshots should stay under ${MAX_SCREENSHOT_BYTES}`,
      );
    copyFileSync(source, new URL(to, SCREENSHOTS_DIR));
    console.log(`public/screenshots/${to} ← test-results/screens/${from} (${bytes} bytes)`);
  }
}

await renderIcons();
if (process.argv.includes('--screenshots')) copyScreenshots();
