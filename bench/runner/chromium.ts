// Debian's Chromium (or CHROME_PATH), never a downloaded browser, launched through Playwright's
// launcher with a fresh on-disk profile: an in-memory profile would flatter IndexedDB.
import type { BrowserContext, Page } from '@playwright/test';
import { CHROME_EXECUTABLE_PATH, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { progress } from './progress.ts';

export async function launchChromium(profileDir: string): Promise<BrowserContext> {
  const { chromium } = await import('@playwright/test');
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROME_EXECUTABLE_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    // Our own handlers close the browser and then remove the profile; Playwright's would exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
  });
}

/** Prints a page's [bench] lines as progress, and its errors. */
export function forwardConsole(page: Page, label: string): void {
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith('[bench]')) progress(`${label} ${text.slice(8)}`);
    // The app's sync attempts meet the 503 on purpose; anything else is worth seeing.
    else if (message.type() === 'error' && !text.includes('status of 503'))
      progress(`${label} console error: ${text}`);
  });
  page.on('pageerror', (error) => progress(`${label} page error: ${error.message}`));
}
