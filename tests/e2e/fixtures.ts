// A fresh mock registry per test: its own port, data file and demo inventory, stopped after.
// And in every test, automatically: any Content-Security-Policy violation, or a Permissions-Policy
// the browser could not read, in any page, worker or service worker of the test's browser
// contexts (its own and those it opens) fails the test (decision 014).
import { test as base, expect } from '@playwright/test';
import type { BrowserContext, Page, Worker } from '@playwright/test';
import { MockRegistry } from './registry.ts';

// Chromium logs each violation in a document to its console ("Refused to …", "… violates the
// following Content Security Policy directive …"), which Playwright reports. It logs nothing that
// Playwright sees for a worker, so each worker gets a listener of its own that does.
const POLICY_PROBLEM = /Content Security Policy|Permissions-Policy/i;

async function reportViolationsOf(worker: Worker): Promise<void> {
  try {
    await worker.evaluate(() =>
      self.addEventListener('securitypolicyviolation', (event) =>
        console.error(
          `Content Security Policy violation in ${self.location.href}: ${event.effectiveDirective} refused ${event.blockedURI}`,
        ),
      ),
    );
  } catch {
    // The worker ended before it could be asked; it has nothing left to break.
  }
}

export const test = base.extend<{ registry: MockRegistry; policyViolations: string[] }>({
  registry: async ({}, provide) => {
    const registry = await MockRegistry.create();
    await registry.start();
    await provide(registry);
    await registry.dispose();
  },
  policyViolations: [
    async ({ browser, context }, provide) => {
      const violations: string[] = [];
      const watchPage = (page: Page) =>
        page.on('worker', (worker) => void reportViolationsOf(worker));
      const watch = (watched: BrowserContext) => {
        watched.on('console', (message) => {
          if (!POLICY_PROBLEM.test(message.text())) return;
          const where = message.location().url || message.page()?.url() || message.worker()?.url();
          violations.push(`${message.text()} (${where ?? 'unknown'})`);
        });
        watched.on('serviceworker', (worker) => void reportViolationsOf(worker));
        watched.on('page', watchPage);
        watched.pages().forEach(watchPage);
      };
      watch(context);
      browser.on('context', watch);
      await provide(violations);
      browser.off('context', watch);
      expect(violations, 'no page, worker or service worker broke the served policies').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
