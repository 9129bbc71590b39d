// Lays out what the built manifest gives an install sheet and a home screen: the name and short
// name, the icons (the maskable one cut to a circle and a squircle, as Android launchers do), the
// apple-touch-icon with iOS's rounded corners, and the screenshots with their labels. It checks
// the images load at their declared sizes, that the maskable artwork stays in the safe zone on a
// full-bleed background, and that the iOS icon is opaque; then leaves
// test-results/screens/install-sheet.png for a person to look at.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
// TAHVIL_DIST checks another build directory, e.g. dist-next.
const DIST = path.resolve(ROOT, process.env.TAHVIL_DIST ?? 'dist');
// A made-up https origin, served from dist/ by page.route: nothing listens on it.
const ORIGIN = 'https://tahvil.test';
const SAFE_ZONE_RADIUS_RATIO = 0.4;

interface ManifestImage {
  src: string;
  sizes: string;
  purpose?: string;
  form_factor?: string;
  label?: string;
}

interface WebManifest {
  name: string;
  short_name: string;
  description?: string;
  lang?: string;
  dir?: string;
  theme_color?: string;
  background_color?: string;
  icons: ManifestImage[];
  screenshots: ManifestImage[];
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function sheetHtml(manifest: WebManifest, appleIcon: string, fontFaces: string): string {
  const purposes = (icon: ManifestImage) => (icon.purpose ?? 'any').split(/\s+/);
  const maskable = manifest.icons.find((icon) => purposes(icon).includes('maskable'));
  const anyIcons = manifest.icons.filter((icon) => purposes(icon).includes('any'));
  const largestAny = [...anyIcons].sort((a, b) => parseInt(b.sizes, 10) - parseInt(a.sizes, 10))[0];
  if (!maskable || !largestAny)
    throw new Error('the manifest needs an "any" and a "maskable" icon');
  const text = { lang: manifest.lang ?? 'fa', dir: manifest.dir ?? 'rtl' };
  const name = escapeHtml(manifest.name);
  const shortName = escapeHtml(manifest.short_name);
  const shots = (formFactor: string) =>
    manifest.screenshots
      .filter((shot) => shot.form_factor === formFactor)
      .map(
        (shot) =>
          `<figure><img class="shot" data-sizes="${shot.sizes}" src="${shot.src}" alt=""><figcaption lang="${text.lang}" dir="${text.dir}">${escapeHtml(shot.label ?? '')}</figcaption></figure>`,
      )
      .join('');
  const iconTile = (icon: ManifestImage) =>
    `<figure><img class="icon" data-sizes="${icon.sizes}" src="${icon.src}" alt=""><figcaption>${escapeHtml(icon.src)}<br>${icon.sizes} · ${icon.purpose ?? 'any'}</figcaption></figure>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>install sheet</title><style>
${fontFaces}
body { margin: 0; padding: 16px; font: 14px/1.5 Vazirmatn, sans-serif; background: #dfe3e1; color: #1d2521; display: grid; gap: 16px; grid-template-columns: 420px 1fr; }
h2 { grid-column: 1 / -1; margin: 0; font-size: 13px; color: #5b6660; }
.panel { background: #fff; border-radius: 16px; padding: 16px; box-shadow: 0 1px 3px rgb(0 0 0 / .2); }
.app-row { display: flex; gap: 12px; align-items: center; }
.app-row .name { font-weight: 700; font-size: 16px; }
.app-row .origin { color: #5b6660; font-size: 12px; direction: ltr; }
.carousel { display: flex; gap: 8px; overflow: hidden; margin-block: 12px; }
figure { margin: 0; text-align: center; font-size: 11px; color: #5b6660; }
.narrow .shot { height: 300px; border-radius: 8px; border: 1px solid #ccc; }
.wide .shot { height: 230px; border-radius: 8px; border: 1px solid #ccc; }
.install { background: ${manifest.theme_color ?? '#000'}; color: #fff; border-radius: 20px; padding: 8px 24px; display: inline-block; font-weight: 700; }
.icon { width: 96px; height: 96px; }
.icons { display: flex; flex-wrap: wrap; gap: 16px; align-items: end; }
.circle { border-radius: 50%; }
.squircle { border-radius: 30%; }
.ios { border-radius: 22.37%; }
.safe { position: relative; width: 96px; height: 96px; }
.safe::after { content: ''; position: absolute; inset: ${(0.5 - SAFE_ZONE_RADIUS_RATIO) * 96}px; border: 1px dashed #ff3b30; border-radius: 50%; }
.home { background: linear-gradient(160deg, #3a4a6b, #1c2333); border-radius: 16px; padding: 20px; display: flex; gap: 28px; color: #fff; }
.home figure { color: #fff; font-size: 12px; width: 72px; }
.home img { width: 60px; height: 60px; display: block; margin: 0 auto 4px; }
.small img { image-rendering: auto; }
</style></head><body>
<h2>Android install sheet (maskable icon in a circle, narrow screenshots) · desktop install dialog (wide screenshots)</h2>
<section class="panel narrow" aria-label="android sheet">
  <div class="app-row" lang="${text.lang}" dir="${text.dir}">
    <img class="circle" src="${maskable.src}" width="56" height="56" alt="">
    <div><div class="name" id="name">${name}</div><div class="origin">tahvil.test</div></div>
  </div>
  <div class="carousel">${shots('narrow')}</div>
  <p lang="${text.lang}" dir="${text.dir}">${escapeHtml(manifest.description ?? '')}</p>
  <div dir="${text.dir}"><span class="install" lang="${text.lang}">نصب</span></div>
</section>
<section class="panel wide" aria-label="desktop dialog">
  <div class="app-row" lang="${text.lang}" dir="${text.dir}">
    <img src="${largestAny.src}" width="48" height="48" alt="">
    <div><div class="name">${name}</div><div class="origin">tahvil.test</div></div>
  </div>
  <div class="carousel">${shots('wide')}</div>
</section>
<h2>Manifest icons at 96 px · the maskable one unmasked (safe zone dashed), in a circle and a squircle · apple-touch-icon as iOS rounds it · small sizes</h2>
<section class="panel icons" style="grid-column: 1 / -1">
  ${manifest.icons.map(iconTile).join('')}
  <figure><div class="safe"><img class="icon" src="${maskable.src}" alt=""></div><figcaption>maskable, unmasked</figcaption></figure>
  <figure><img class="icon circle" src="${maskable.src}" alt=""><figcaption>maskable · circle</figcaption></figure>
  <figure><img class="icon squircle" src="${maskable.src}" alt=""><figcaption>maskable · squircle</figcaption></figure>
  <figure><img class="icon ios" id="apple" src="${appleIcon}" alt=""><figcaption>${escapeHtml(appleIcon)} · iOS</figcaption></figure>
  <figure class="small"><img src="${largestAny.src}" width="48" height="48" alt=""> <img src="${maskable.src}" class="circle" width="48" height="48" alt=""> <img src="/icons/favicon-32.png" width="32" height="32" alt=""> <img src="/icons/tahvil.svg" width="16" height="16" alt=""><figcaption>48 · 48 · 32 · 16 px</figcaption></figure>
  <div class="home" lang="${text.lang}" dir="${text.dir}">
    <figure><img class="circle" src="${maskable.src}" alt=""><span id="short-name">${shortName}</span></figure>
    <figure><img class="squircle" src="${maskable.src}" alt="">${shortName}</figure>
    <figure><img class="ios" src="${appleIcon}" alt="">${shortName}</figure>
  </div>
</section>
</body></html>`;
}

test('install sheet: name, icons and screenshots from the built manifest', async ({ page }) => {
  const manifest = JSON.parse(
    readFileSync(path.join(DIST, 'manifest.webmanifest'), 'utf8'),
  ) as WebManifest;
  const indexHtml = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const appleIcon = /<link\s[^>]*rel="apple-touch-icon"[^>]*href="([^"]+)"/.exec(indexHtml)?.[1];
  expect(appleIcon).toBeDefined();
  const stylesheet = /<link\s[^>]*rel="stylesheet"[^>]*href="([^"]+)"/.exec(indexHtml)?.[1] ?? '';
  // The app's own @font-face rules, so the Persian text is set in Vazirmatn as in the app.
  const fontFaces = (
    readFileSync(path.join(DIST, stylesheet), 'utf8').match(/@font-face\s*\{[^}]*\}/g) ?? []
  ).join('\n');

  await page.route(`${ORIGIN}/**`, async (route) => {
    const { pathname } = new URL(route.request().url());
    if (pathname === '/__install-sheet') {
      await route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: sheetHtml(manifest, appleIcon ?? '', fontFaces),
      });
      return;
    }
    const file = path.join(DIST, decodeURIComponent(pathname));
    if (existsSync(file)) await route.fulfill({ path: file });
    else await route.fulfill({ status: 404, body: 'not in dist/' });
  });
  await page.setViewportSize({ width: 1380, height: 1000 });
  await page.goto(`${ORIGIN}/__install-sheet`);
  await page.evaluate(() => document.fonts.ready);

  await expect(page.locator('#name')).toHaveText(manifest.name);
  await expect(page.locator('#short-name')).toHaveText(manifest.short_name);

  // Every image loaded, and the sized ones at the size the manifest declares.
  const images = await page.locator('img').evaluateAll((elements) =>
    (elements as HTMLImageElement[]).map((img) => ({
      src: img.getAttribute('src'),
      sizes: img.dataset.sizes,
      complete: img.complete,
      width: img.naturalWidth,
      height: img.naturalHeight,
    })),
  );
  for (const image of images) {
    expect(image.width, `${image.src} loaded`).toBeGreaterThan(0);
    if (image.sizes) expect(`${image.width}x${image.height}`, String(image.src)).toBe(image.sizes);
  }
  expect(
    images.filter((image) => image.sizes && image.src?.startsWith('/screenshots/')).length,
  ).toBe(manifest.screenshots.length);

  // Decodes a PNG in the page and reports the pixels a launcher's mask or iOS would spoil.
  const inspect = (src: string) =>
    page.evaluate(
      async ({ src, ratio }) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const size = img.naturalWidth;
        const canvas = document.createElement('canvas');
        canvas.width = size;
        canvas.height = img.naturalHeight;
        const context = canvas.getContext('2d');
        if (!context) throw new Error('no 2d context');
        context.drawImage(img, 0, 0);
        const { data } = context.getImageData(0, 0, size, img.naturalHeight);
        const corner = [data[0], data[1], data[2]];
        let transparent = 0;
        let artworkOutsideSafeZone = 0;
        for (let y = 0; y < img.naturalHeight; y += 1) {
          for (let x = 0; x < size; x += 1) {
            const i = (y * size + x) * 4;
            if (data[i + 3] !== 255) transparent += 1;
            if (Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) <= size * ratio) continue;
            const off = Math.max(
              ...corner.map((channel, c) => Math.abs((data[i + c] ?? 0) - (channel ?? 0))),
            );
            if (off > 2) artworkOutsideSafeZone += 1;
          }
        }
        return { transparent, artworkOutsideSafeZone };
      },
      { src, ratio: SAFE_ZONE_RADIUS_RATIO },
    );
  for (const icon of manifest.icons.filter((icon) =>
    (icon.purpose ?? 'any').split(/\s+/).includes('maskable'),
  )) {
    expect(
      await inspect(icon.src),
      `${icon.src}: full-bleed, artwork inside the safe zone`,
    ).toEqual({ transparent: 0, artworkOutsideSafeZone: 0 });
  }
  expect((await inspect(appleIcon ?? '')).transparent, 'iOS paints transparent pixels black').toBe(
    0,
  );

  await page.screenshot({ path: 'test-results/screens/install-sheet.png', fullPage: true });
});
