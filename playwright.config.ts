import { defineConfig } from '@playwright/test';
import { CHROME_EXECUTABLE_PATH, CHROMIUM_ARGS } from './scripts/chromium.mjs';

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    locale: 'fa-IR',
    timezoneId: 'Asia/Tehran',
    viewport: { width: 768, height: 1024 },
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
    // Debian's Chromium, never a downloaded browser; scripts/run-e2e.mjs checks it exists.
    launchOptions: { executablePath: CHROME_EXECUTABLE_PATH, args: [...CHROMIUM_ARGS] },
  },
});
