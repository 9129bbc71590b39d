// A tablet whose database takes long to open, as on the first start after an update that
// rewrites its cards' keys (schema v7 and v8: minutes at 756,000 cards). Here another tab holds
// the old version open, so the upgrade waits: instead of a blank screen the app says the cards
// are opening (to close the other tab), and once that tab lets go it opens. The language is a
// setting kept in the database, so the notice speaks both. Screenshots in test-results/screens/.
import { expect, test } from './fixtures.ts';

for (const viewport of [
  { name: 'portrait', width: 768, height: 1024 },
  { name: 'landscape', width: 1280, height: 800 },
]) {
  test(`a database that is slow to open says so, then opens, ${viewport.name}`, async ({
    context,
    page,
    registry,
  }) => {
    // The old tab: the database at schema v6 (IndexedDB version 60), kept open through the new
    // version's request to upgrade it. A page of the app's origin that does not run the app.
    const oldTab = await context.newPage();
    await oldTab.goto(`${registry.url}/api/v2/health`);
    await oldTab.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open('tahvil', 60);
          request.onupgradeneeded = () =>
            request.result.createObjectStore('settings', { keyPath: 'key' });
          request.onsuccess = () => {
            // Ignores the new version's request: the connection stays open until told.
            request.result.onversionchange = () => undefined;
            (globalThis as { heldDatabase?: IDBDatabase }).heldDatabase = request.result;
            resolve();
          };
          request.onerror = () => reject(request.error ?? new Error('cannot open'));
        }),
    );

    await page.setViewportSize(viewport);
    await page.goto(registry.url);
    const notice = page.getByRole('status').filter({ hasText: 'کارت‌های این تبلت باز می‌شوند…' });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('اگر برنامه در زبانه‌ی دیگری باز است، آن را ببندید.');
    await expect(notice).toContainText('If Tahvil is open in another tab, close it.');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({
      path: `test-results/screens/${viewport.name}-fa-database-opening.png`,
    });

    // The old tab lets go: the upgrade runs and the fresh tablet's first screen shows.
    await oldTab.evaluate(() =>
      (globalThis as { heldDatabase?: IDBDatabase }).heldDatabase?.close(),
    );
    await expect(page.getByRole('heading', { name: 'ثبت این دستگاه در یک مرکز' })).toBeVisible();
    await expect(notice).toHaveCount(0);
    await oldTab.close();
  });
}
