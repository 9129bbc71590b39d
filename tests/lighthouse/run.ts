// Lighthouse on a returning visit (issue 14): the built app in dist/, served by the real mock
// registry, in Debian's Chromium (chrome-launcher) with an on-disk profile. A first visit enrols
// the tablet, signs a clerk in, pulls the demo inventory and installs the service worker; then
// Lighthouse loads the app again with that profile's storage kept (disableStorageReset), with
// mobile emulation and its default simulated throttling (slow 4G, CPU ÷4). The app starts locked
// whenever a shift is open, so the screen measured is the lock screen over a local inventory.
//   npm run lighthouse                     (builds first; reports in test-results/lighthouse/)
//   npm run lighthouse -- --first-visit    a fresh tablet instead: no service worker, enrolment
// Not part of npm test: a run takes about a minute and its scores move with the machine's load.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from '@playwright/test';
import { CHROME_EXECUTABLE_PATH, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { MockRegistry } from '../e2e/registry.ts';
import { CounterPage } from '../e2e/counter-page.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(ROOT, 'test-results/lighthouse');
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const FIRST_VISIT = process.argv.includes('--first-visit');
const VISIT = FIRST_VISIT ? 'first-visit' : 'returning-visit';

const registry = await MockRegistry.create();
const profile = mkdtempSync(path.join(tmpdir(), 'tahvil-lighthouse-'));
let chrome: chromeLauncher.LaunchedChrome | undefined;
try {
  await registry.start();
  chrome = await chromeLauncher.launch({
    chromePath: CHROME_EXECUTABLE_PATH,
    chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
    userDataDir: profile,
  });

  // The first visit: everything a counter does before its first working day.
  if (!FIRST_VISIT) {
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
    const context = browser.contexts()[0];
    if (!context) throw new Error('Chromium has no default context');
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await new CounterPage(page).setUp(await registry.enrolmentLink(), registry.demoStaff('clerk'));
    await page.close();
    // Lighthouse drives the browser alone from here.
    await browser.close();
  }

  const result = await lighthouse(
    `${registry.url}/`,
    { port: chrome.port, output: ['json', 'html'], logLevel: 'error' },
    {
      extends: 'lighthouse:default',
      settings: {
        formFactor: 'mobile',
        onlyCategories: [...CATEGORIES],
        // A returning visit: the tablet's database, service worker and caches stay.
        disableStorageReset: !FIRST_VISIT,
      },
    },
  );
  if (!result) throw new Error('Lighthouse returned no result');
  mkdirSync(OUT_DIR, { recursive: true });
  const [json, html] = result.report as string[];
  writeFileSync(path.join(OUT_DIR, `${VISIT}.json`), json ?? '');
  writeFileSync(path.join(OUT_DIR, `${VISIT}.html`), html ?? '');
  const { lhr } = result;
  console.log(`\nLighthouse ${lhr.lighthouseVersion}, ${lhr.configSettings.formFactor}, ${VISIT}`);
  for (const id of CATEGORIES) {
    const score = lhr.categories[id]?.score;
    console.log(
      `  ${id.padEnd(16)}${score === null || score === undefined ? '–' : Math.round(score * 100)}`,
    );
  }
  for (const id of [
    'first-contentful-paint',
    'largest-contentful-paint',
    'total-blocking-time',
    'cumulative-layout-shift',
    'speed-index',
  ])
    console.log(`  ${id.padEnd(26)}${lhr.audits[id]?.displayValue ?? '–'}`);
  const failing = CATEGORIES.flatMap((id) =>
    Object.values(lhr.categories[id]?.auditRefs ?? [])
      .map((ref) => lhr.audits[ref.id])
      .filter((audit) => audit && audit.score !== null && audit.score < 1 && ref(audit.id, id))
      .map((audit) => `  ${id}: ${audit!.id} (${audit!.score})`),
  );
  if (failing.length > 0)
    console.log(`Audits below 1 that weigh on a score:\n${failing.join('\n')}`);
  console.log(`Reports: ${path.relative(ROOT, OUT_DIR)}/${VISIT}.{html,json}`);

  /** Whether the audit counts towards the category's score (a non-zero weight). */
  function ref(auditId: string, category: string): boolean {
    return (lhr.categories[category]?.auditRefs ?? []).some(
      (entry) => entry.id === auditId && entry.weight > 0,
    );
  }
} finally {
  await chrome?.kill();
  await registry.dispose();
  rmSync(profile, { recursive: true, force: true });
}
