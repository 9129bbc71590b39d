// Camera scanning with Chromium's fake camera, fed a generated frame. Headless Chromium on Linux
// has no BarcodeDetector, so these runs read the frame with the ZXing WebAssembly ponyfill: the
// panel's data-detector says which ran. No request may leave the app's own origin (the ponyfill's
// default would fetch its .wasm from a CDN), and offline the .wasm comes from the precache.
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { scan } from './axe-scan.ts';
import { fakeCameraFile, fakeCameraLaunchOptions, showBarcode } from './fake-camera.ts';
import { DEMO_CARDS } from '../../server/demo-inventory.ts';

const SHOTS = process.env.TAHVIL_SHOTS_DIR;
const SCAN_BUTTON = { fa: 'اسکن با دوربین', en: 'Scan with camera' } as const;
const ZAHRA = 'کارت زهرا محمدی'; // DEMO_CARDS.ready
const WASM_ASSET = /^\/assets\/zxing_reader-[\w-]+\.wasm$/;

// One browser for the file, its fake camera playing this file; each group writes its barcode.
const CAMERA_FILE = fakeCameraFile();
test.use({ launchOptions: fakeCameraLaunchOptions(CAMERA_FILE), permissions: ['camera'] });

/**
 * Every URL the context's pages and workers ask for, and the page's own requests for a .wasm
 * (not the service worker's precaching), with whether the service worker answered them.
 */
function recordRequests(context: BrowserContext) {
  const urls: string[] = [];
  const pageWasm: Array<{ path: string; fromServiceWorker: boolean; status: number }> = [];
  context.on('request', (request) => urls.push(request.url()));
  context.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (pathname.endsWith('.wasm') && !response.request().serviceWorker())
      pageWasm.push({
        path: pathname,
        fromServiceWorker: response.fromServiceWorker(),
        status: response.status(),
      });
  });
  return { urls, pageWasm };
}

/**
 * Watches the camera in the page: every value the panel's data-detector takes (the panel is
 * brief), and every stream getUserMedia hands out, to ask later whether any track still runs.
 */
async function watchCamera(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    const streams: MediaStream[] = [];
    Object.assign(window, { cameraWatch: { seen, streams } });
    new MutationObserver(() => {
      const value = document.querySelector('[role="dialog"]')?.getAttribute('data-detector');
      if (value && !seen.includes(value)) seen.push(value);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      streams.push(stream);
      return stream;
    };
  });
  type Watch = { seen: string[]; streams: MediaStream[] };
  return {
    detectors: () =>
      page.evaluate(() => (window as unknown as { cameraWatch: Watch }).cameraWatch.seen),
    /** [streams opened, tracks still live] */
    tracks: () =>
      page.evaluate(() => {
        const { streams } = (window as unknown as { cameraWatch: Watch }).cameraWatch;
        const live = streams.flatMap((stream) =>
          stream.getTracks().filter((track) => track.readyState === 'live'),
        );
        return [streams.length, live.length];
      }),
  };
}

function expectOnlyOwnOrigin(urls: readonly string[], origin: string): void {
  const elsewhere = urls.filter(
    (url) => !url.startsWith(`${origin}/`) && !/^(?:blob|data|chrome-extension):/.test(url),
  );
  expect(elsewhere, 'no request left the app’s origin (no CDN)').toEqual([]);
  expect(urls.some((url) => /jsdelivr|unpkg|cdn/i.test(url))).toBe(false);
}

test.describe('a Code 128 of a demo national code', () => {
  test.beforeEach(() => showBarcode(CAMERA_FILE, 'code128', DEMO_CARDS.ready.nationalCode));

  test('the camera reads it with the wasm ponyfill and opens that card; no CDN is asked', async ({
    page,
    context,
    registry,
  }) => {
    const requests = recordRequests(context);
    const counter = new CounterPage(page);
    await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('clerk'));
    const camera = await watchCamera(page);

    await page.getByRole('button', { name: SCAN_BUTTON.fa }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ZAHRA);
    await expect(page).toHaveURL(new RegExp(`/cards/${DEMO_CARDS.ready.cardId}$`));
    await expect(page.getByRole('dialog')).toHaveCount(0);
    expect(await camera.detectors()).toEqual(['wasm']);
    expect(await camera.tracks(), 'one stream was opened, and its camera is off').toEqual([1, 0]);

    expect(requests.pageWasm).toEqual([
      { path: expect.stringMatching(WASM_ASSET), fromServiceWorker: true, status: 200 },
    ]);
    expectOnlyOwnOrigin(requests.urls, registry.url);
  });

  test('offline, with the registry stopped, a scan still opens the card: the wasm is precached', async ({
    page,
    context,
    registry,
  }) => {
    const requests = recordRequests(context);
    const counter = new CounterPage(page);
    await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('clerk'));
    expect(
      await page.evaluate(() => navigator.serviceWorker.controller !== null),
      'the service worker controls the page',
    ).toBe(true);
    // Nothing of the scanner was loaded yet: the panel's code and the wasm come after this.
    expect(requests.pageWasm).toEqual([]);

    await registry.stop();
    await context.setOffline(true);
    const camera = await watchCamera(page);
    await page.getByRole('button', { name: SCAN_BUTTON.fa }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ZAHRA);
    expect(await camera.detectors()).toEqual(['wasm']);
    expect(await camera.tracks()).toEqual([1, 0]);

    expect(requests.pageWasm).toEqual([
      { path: expect.stringMatching(WASM_ASSET), fromServiceWorker: true, status: 200 },
    ]);
    expectOnlyOwnOrigin(requests.urls, registry.url);
  });
});

test.describe('a barcode that holds no code', () => {
  test.beforeEach(() => showBarcode(CAMERA_FILE, 'code128', 'HELLO-COUNTER'));

  test('the panel says so and keeps scanning; it closes with the camera off; in fa and en, both orientations', async ({
    page,
    registry,
  }) => {
    const counter = new CounterPage(page);
    await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('clerk'));
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    const camera = await watchCamera(page);
    let opened = 0;

    for (const language of ['fa', 'en'] as const) {
      if (language === 'en') {
        await page.getByRole('button', { name: 'Switch to English' }).click();
        await expect(page.getByRole('button', { name: SCAN_BUTTON.en })).toBeVisible();
      }
      for (const viewport of [
        { name: 'landscape', width: 1280, height: 800 },
        { name: 'portrait', width: 800, height: 1280 },
      ]) {
        await page.setViewportSize(viewport);
        const scanButton = page.getByRole('button', { name: SCAN_BUTTON[language] });
        await expect(scanButton).toBeVisible();
        expect((await scanButton.boundingBox())!.height).toBeGreaterThanOrEqual(56);
        if (SHOTS)
          await page.screenshot({ path: `${SHOTS}/search-${language}-${viewport.name}.png` });
        await scanButton.click();
        const dialog = page.getByRole('dialog');
        await expect(dialog).toHaveAttribute('data-state', 'scanning');
        await expect(dialog).toHaveAttribute('data-detector', 'wasm');
        await expect(dialog.getByRole('alert')).toHaveText(
          language === 'fa'
            ? /بارکدی خوانده شد، اما کد ملی، کد رهگیری یا شناسه‌ی کارتی در آن نیست/
            : /A barcode was read, but it holds no national code/,
        );
        // The video plays the fake camera, and the whole panel is on the screen.
        await expect
          .poll(() => dialog.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth))
          .toBe(640);
        const box = await dialog.boundingBox();
        expect(box, 'the panel fits the screen').not.toBeNull();
        expect(box!.y).toBeGreaterThanOrEqual(0);
        expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
        const close = dialog.getByRole('button', {
          name: language === 'fa' ? 'بستن دوربین' : 'Close camera',
        });
        const closeBox = await close.boundingBox();
        expect(closeBox!.height).toBeGreaterThanOrEqual(56);
        expect(closeBox!.width).toBeGreaterThanOrEqual(56);
        if (SHOTS)
          await page.screenshot({ path: `${SHOTS}/camera-${language}-${viewport.name}.png` });

        expect((await camera.tracks())[1], 'the camera runs while the panel is open').toBe(1);
        if (language === 'fa' && viewport.name === 'landscape') await scan(page, 'camera panel');

        await close.click();
        await expect(dialog).toHaveCount(0);
        opened += 1;
        expect(await camera.tracks(), 'closing turned the camera off').toEqual([opened, 0]);
      }
    }
    // Refused (as a browser does when the clerk says no): the message, and typing still works.
    await page.evaluate(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await page.getByRole('button', { name: SCAN_BUTTON.en }).click();
    await expect(page.getByRole('alert')).toHaveText(/^Camera access was refused\./);
    await expect(page.getByRole('dialog')).toHaveCount(0);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/camera-refused-en-portrait.png` });
    await page.getByRole('searchbox').fill(DEMO_CARDS.ready.nationalCode);
    await page.getByRole('searchbox').press('Enter');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Card of \u2068زهرا محمدی\u2069',
    );
  });
});
