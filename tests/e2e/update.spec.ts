// A new version reaching an open tablet: "update available" appears, nothing reloads while a
// handover form is open, and after the update the outbox recorded before it is still there and
// syncs. The registry serves a second build (dist-next, version label "next-e2e") made by
// scripts/run-e2e.mjs; the page asks its service worker to look for it.
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';

const NEXT_VERSION = 'next-e2e';

// About one run in ten, Chromium wakes the old service worker in the middle of the swap and
// leaves the new one waiting (decision 007; the app then asks staff to reopen it). One retry
// keeps that browser race from failing the suite; the assertions themselves are unchanged.
test.describe.configure({ retries: 1 });

test('an update waits for the open handover form, then keeps the outbox, which syncs', async ({
  page,
  registry,
}) => {
  const counter = new CounterPage(page);
  const [pendingCard, formCard] = await registry.readyCards(2, 3);
  // The supervisor: the version is on the settings screen, which is theirs.
  const supervisor = registry.demoStaff('supervisor');
  await counter.setUp(await registry.enrolmentLink(), supervisor);
  await page.getByRole('link', { name: 'تنظیمات' }).click();
  await expect(page.getByText(/نسخه‌ی برنامه:/)).not.toContainText(NEXT_VERSION);

  // The new build goes live; the registry refuses every push for now, so a handover recorded
  // before the update is still in the outbox when the update happens.
  await registry.stop();
  await registry.start(['--fail-rate', '1'], { appDir: 'dist-next' });
  await counter.findCard(pendingCard!);
  await counter.handOverOpenCard();
  await expect(page.getByText('۱ در انتظار')).toBeVisible();

  // A clerk is in the middle of the next handover when the update arrives.
  await counter.findCard(formCard!);
  const firstCheck = page.getByRole('checkbox', {
    name: 'هویت گیرنده با چهره و مدرک شناسایی تطبیق داده شد',
  });
  await firstCheck.check();
  await page.evaluate(() => {
    (window as unknown as { pageBeforeUpdate: boolean }).pageBeforeUpdate = true;
  });
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.update();
  });
  await expect(page.getByText('نسخه‌ی تازه‌ی برنامه آماده است.')).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screens/update-available-fa.png' });

  await page.getByRole('button', { name: 'به‌روزرسانی', exact: true }).click();
  await expect(page.getByText('به‌روزرسانی پس از پایان همین تحویل انجام می‌شود.')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/update-held-fa.png' });
  // Give a reload every chance to happen: it must not.
  await page.waitForTimeout(3_000);
  expect(
    await page.evaluate(
      () => (window as unknown as { pageBeforeUpdate?: boolean }).pageBeforeUpdate,
    ),
  ).toBe(true);
  await expect(firstCheck).toBeChecked();

  // Leaving the form lets the update go ahead: the page reloads into the new version.
  await page.getByRole('link', { name: 'جستجو', exact: true }).click();
  await expect
    .poll(
      () =>
        page
          .evaluate(
            () =>
              (window as unknown as { pageBeforeUpdate?: boolean }).pageBeforeUpdate ?? 'reloaded',
          )
          .catch(() => 'reloading'),
      { timeout: 30_000 },
    )
    .toBe('reloaded');
  // The new version starts locked, as every start does: the same member unlocks.
  await counter.unlock(supervisor.pin);
  await expect(page.getByRole('searchbox')).toBeVisible();
  await page.getByRole('link', { name: 'تنظیمات' }).click();
  await expect(page.getByText(/نسخه‌ی برنامه:/)).toContainText(NEXT_VERSION);

  // The handover recorded before the update is still waiting, and syncs once the registry is well.
  await expect(page.getByText('۱ در انتظار')).toBeVisible();
  await page.getByRole('link', { name: 'تحویل‌های امروز' }).click();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await registry.stop();
  await registry.start([], { appDir: 'dist-next' });
  await counter.syncNow();
  await expect(page.getByText('ارسال شده')).toHaveCount(1, { timeout: 30_000 });
  const accepted = (await registry.acceptedEvents()).filter(
    (event) => event.cardId === pendingCard!.cardId,
  );
  expect(accepted).toHaveLength(1);
});
