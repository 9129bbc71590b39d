// Step 4: keystroke to painted results in the real built search screen, opened in a second tab
// of the same profile after the bench page has written the cards, a device id and a shift. The
// page chooses what to type (bench/page/steps/keystrokes.ts); bench/keystroke-probe.ts, injected
// before the app's scripts, times each character; /api stays refused (503) all along. Step 4b
// types the same sessions again in a new tab with its CPU throttled 4× (runner/cpu-throttle.ts).
import type { BrowserContext, Page } from '@playwright/test';
import type { KeystrokeResult } from '../../keystroke-probe.ts';
import type { KeystrokeSession } from '../../page/steps/keystrokes.ts';
import { BUDGETS } from '../budgets.ts';
import { withCpuThrottling, type CpuThrottle } from '../cpu-throttle.ts';
import { createHeapSampler } from '../heap-sampler.ts';
import { forwardConsole } from '../chromium.ts';
import { percentileMetric, round2, rounded, summarize } from '../metrics.ts';
import { keystrokeProbePath } from '../paths.ts';
import { progress } from '../progress.ts';
import type { BenchServer } from '../static-server.ts';
import { BENCH_STAFF_PIN } from '../../page/clerk.ts';

const SEARCH_LABEL = 'کد ملی، کد رهگیری یا نام';
const KEYSTROKES = { minimum: 130, gapMs: 80, timeoutMs: 10_000 };

type KeystrokeKind = 'warmup' | KeystrokeSession['kind'] | 'name-2-words';

async function typeAndTime(
  context: BrowserContext,
  server: BenchServer,
  sessions: KeystrokeSession[],
  cpuThrottleRate: number,
) {
  const page = await context.newPage();
  forwardConsole(page, 'app:');
  await page.addInitScript({ path: keystrokeProbePath });
  const apiBefore = server.stats.apiRequests;
  await page.goto(`${server.origin}/`);
  // The app starts locked for the clerk signed in: the clerk unlocks it on the keypad.
  const keypad = page.getByRole('group', { name: 'صفحه‌کلید رمز' });
  for (const digit of BENCH_STAFF_PIN)
    await keypad
      .getByRole('button', { name: String.fromCharCode(0x06f0 + Number(digit)), exact: true })
      .click();
  await keypad.getByRole('button', { name: 'تأیید', exact: true }).click();
  const input = page.getByLabel(SEARCH_LABEL);
  await input.waitFor({ state: 'visible', timeout: 60_000 });
  await page.waitForFunction(() => {
    const ready = document.querySelector('[data-testid="count-ready"]');
    return ready !== null && ready.textContent !== '…';
  });
  // Let the service worker install its precache and the first (refused) sync finish.
  await page.evaluate(() =>
    'serviceWorker' in navigator
      ? Promise.race([
          navigator.serviceWorker.ready,
          new Promise((resolve) => setTimeout(resolve, 5000)),
        ])
      : null,
  );
  await page.waitForTimeout(1500);
  const readyShown = await page.getByTestId('count-ready').textContent();
  progress(
    `step 4: search screen open (ready counter shows ${readyShown}); typing${cpuThrottleRate > 1 ? ` with the CPU throttled ${cpuThrottleRate}×` : ''}…`,
  );
  await input.click();
  // The search screen's own heap while the clerk types (issue 14: it never holds the inventory).
  const heap = await createHeapSampler(context, page);
  await heap.collectPageGarbage();
  const openMiB = mebibytes(await heap.pageUsedBytes());
  heap.start();
  // Throttled from the warm-up on, once the screen is open: only the typing is timed.
  const typed =
    cpuThrottleRate > 1
      ? await withCpuThrottling(page, cpuThrottleRate, () => typeSessions(page, sessions))
      : { result: await typeSessions(page, sessions), throttle: null };
  const samples = await heap.stop();
  await heap.collectPageGarbage();
  const afterMiB = mebibytes(await heap.pageUsedBytes());
  await heap.detach();
  const searchScreenHeap = {
    openMiB,
    peakWhileTypingMiB: mebibytes(Math.max(0, ...samples.page.map((reading) => reading.usedBytes))),
    afterTypingAndGcMiB: afterMiB,
    samples: samples.page.length,
  };
  const apiRequests = server.stats.apiRequests - apiBefore;
  await page.close();
  return { all: typed.result, throttle: typed.throttle, apiRequests, searchScreenHeap };
}

const mebibytes = (bytes: number) => round2(bytes / 1024 / 1024);

async function typeSessions(page: Page, sessions: KeystrokeSession[]) {
  const input = page.getByLabel(SEARCH_LABEL);
  const all: Array<KeystrokeResult & { kind: KeystrokeKind }> = [];
  let count = 0;
  const first = sessions[0];
  if (!first) throw new Error('keystrokes: the page gave nothing to type');
  // The first session warms the page up and is not counted.
  const warmup = { kind: 'warmup' as const, text: first.text };
  for (const session of [warmup, ...sessions]) {
    await page.evaluate(() => {
      window.__keystrokeProbe.enabled = false;
    });
    await input.fill('');
    await page.waitForFunction(
      () => document.querySelector('.search-results')?.getAttribute('data-query') === '',
    );
    await page.waitForTimeout(200);
    await page.evaluate(() => {
      window.__keystrokeProbe.enabled = true;
    });
    for (const character of [...session.text]) {
      count++;
      await page.keyboard.type(character);
      const result = await page.evaluate(
        ([n, timeoutMs]) => window.__keystrokeProbe.waitFor(n, timeoutMs),
        [count, KEYSTROKES.timeoutMs] as const,
      );
      // A name keystroke after the space searches two words: a different (index + filter) path.
      const kind: KeystrokeKind =
        session.kind === 'name' && result.value.trim().includes(' ')
          ? 'name-2-words'
          : session.kind;
      all.push({ ...result, kind });
      await page.waitForTimeout(KEYSTROKES.gapMs);
    }
  }
  return all;
}

/** Step 4, or with `cpuThrottleRate` 4 step 4b: the same sessions typed on a tablet-class CPU. */
export async function measureKeystrokes(
  context: BrowserContext,
  bench: Page,
  server: BenchServer,
  { cpuThrottleRate = 1 }: { cpuThrottleRate?: number } = {},
) {
  const throttled = cpuThrottleRate > 1;
  progress(
    `step 4${throttled ? 'b' : ''}: keystroke to painted results in the real search screen${throttled ? `, CPU ${cpuThrottleRate}×` : ''}…`,
  );
  const sessions = await bench.evaluate(
    (minimum) => window.tahvilBench.keystrokeSessions(minimum),
    KEYSTROKES.minimum,
  );
  const { all, throttle, apiRequests, searchScreenHeap } = await typeAndTime(
    context,
    server,
    sessions,
    cpuThrottleRate,
  );
  await bench.bringToFront();
  const measured = all.filter((result) => result.kind !== 'warmup');
  const byKind = (...kinds: KeystrokeKind[]) =>
    rounded(
      summarize(
        measured.filter((result) => kinds.includes(result.kind)).map((result) => result.ms),
      ),
    );
  const slowest = [...measured]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8)
    .map((result) => ({ ...result, ms: round2(result.ms) }));
  const kinds = {
    name: byKind('name', 'name-2-words'),
    nameOneWord: byKind('name'),
    nameTwoWords: byKind('name-2-words'),
    code: byKind('code'),
  };
  const cpuThrottle: CpuThrottle | null = throttle;
  progress(
    `step 4${throttled ? 'b' : ''}: the search screen's JS heap ${searchScreenHeap.openMiB} MiB open, peak ${searchScreenHeap.peakWhileTypingMiB} MiB while typing, ${searchScreenHeap.afterTypingAndGcMiB} MiB after it and a GC`,
  );
  return {
    ...percentileMetric(
      throttled ? `keystroke-to-paint-cpu${cpuThrottleRate}x` : 'keystroke-to-paint',
      throttled
        ? `keystroke to results painted (CPU ${cpuThrottleRate}×)`
        : 'keystroke to results painted',
      measured.map((result) => result.ms),
      [],
      throttled ? BUDGETS.keystrokeCpu4xP95Ms : BUDGETS.keystrokeP95Ms,
    ),
    byKind: kinds,
    slowestKeystrokes: slowest,
    apiRequestsDuringStep: apiRequests,
    searchScreenHeap,
    cpuThrottle,
  };
}
