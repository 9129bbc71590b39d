// A new tablet's first pull of the center's inventory, over a slow link: staff see how far it
// is, in cards, rather than a spinner.
import { expect, test } from '@playwright/test';
import { MockRegistry } from './registry.ts';

test('a new tablet shows a progress bar in cards while the inventory first arrives', async ({ page }) => {
  const registry = await MockRegistry.create();
  // 5,000 demo cards come in pages of 2,000; a slow registry keeps each page on screen.
  await registry.start(['--latency-ms', '1500']);
  try {
    await page.goto(registry.url);
    const bar = page.getByRole('progressbar', { name: /دریافت موجودی مرکز: ۲٬۰۰۰ از ۵٬۰۰۰ کارت/ });
    await expect(bar).toBeVisible({ timeout: 30_000 });
    await expect(bar).toHaveAttribute('max', '5000');
    await expect(bar).toHaveAttribute('value', '2000');
    await page.screenshot({ path: 'test-results/screens/first-pull-fa.png' });
    await expect(page.getByRole('progressbar', { name: /۴٬۰۰۰ از ۵٬۰۰۰/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('progressbar')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByText('همگام', { exact: true })).toBeVisible();
  } finally {
    await registry.dispose();
  }
});
