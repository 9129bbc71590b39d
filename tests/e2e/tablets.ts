// Tablets for the end-to-end tests: each a browser context as a counter tablet in Tehran is
// (Persian locale, the center's zone, a service worker), at a tablet's size.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import type { MockRegistry, StaffSignIn } from './registry.ts';

export const LANDSCAPE = { width: 1280, height: 800 };
export const PORTRAIT = { width: 800, height: 1280 };

export interface Tablet {
  context: BrowserContext;
  page: Page;
  counter: CounterPage;
}

/** A fresh tablet, not yet enrolled. */
export async function newTablet(browser: Browser, viewport = LANDSCAPE): Promise<Tablet> {
  const context = await browser.newContext({
    locale: 'fa-IR',
    timezoneId: 'Asia/Tehran',
    viewport,
    serviceWorkers: 'allow',
  });
  const page = await context.newPage();
  return { context, page, counter: new CounterPage(page) };
}

/**
 * A tablet enrolled with its own code, `member` signed in, the demo inventory pulled; with the
 * device id the registry gave it.
 */
export async function openTablet(
  browser: Browser,
  registry: MockRegistry,
  member: StaffSignIn,
  viewport = LANDSCAPE,
): Promise<Tablet & { deviceId: string }> {
  const tablet = await newTablet(browser, viewport);
  const before = new Set((await registry.devices()).map((device) => device.deviceId));
  await tablet.counter.setUp(await registry.enrolmentLink(), member);
  const enrolled = (await registry.devices()).find((device) => !before.has(device.deviceId));
  if (!enrolled) throw new Error('the tablet did not enrol');
  return { ...tablet, deviceId: enrolled.deviceId };
}

/** The header's language switch, and the page turned to `language`. */
export async function switchLanguage(page: Page, language: 'fa' | 'en'): Promise<void> {
  const name = language === 'en' ? 'Switch to English' : 'تغییر زبان به فارسی';
  await page.getByRole('button', { name }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}
