// Walks the counter screens in Persian and English at the two tablet sizes, checking direction
// and that nothing overflows sideways, and leaves screenshots in test-results/screens/.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';

async function expectNoSidewaysOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

async function shoot(page: Page, name: string, { fullPage = false } = {}) {
  await expectNoSidewaysOverflow(page);
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage });
}

for (const viewport of [
  { name: 'portrait', width: 768, height: 1024 },
  { name: 'landscape', width: 1280, height: 800 },
]) {
  test(`counter screens in Persian and English, ${viewport.name}`, async ({ page, registry }) => {
    await page.setViewportSize(viewport);
    const counter = new CounterPage(page);
    // A fresh tablet: the enrolment screen only, in both languages.
    await counter.open(registry.url);
    await expect(page.getByRole('heading', { name: 'ثبت این دستگاه در یک مرکز' })).toBeVisible();
    await shoot(page, `${viewport.name}-fa-enrolment`);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect(
      page.getByRole('heading', { name: 'Enrol this tablet with a center' }),
    ).toBeVisible();
    await shoot(page, `${viewport.name}-en-enrolment`);
    await page.getByRole('button', { name: 'تغییر زبان به فارسی' }).click();
    await counter.enrol(await registry.enrolmentLink());
    // The supervisor: the settings screen is theirs.
    const supervisor = registry.demoStaff('supervisor');
    await counter.signIn(supervisor);
    await counter.waitForInventory(4900);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');

    await counter.searchBox().fill('زهرا');
    await expect(page.getByRole('link', { name: /زهرا محمدی/ }).first()).toBeVisible();
    await shoot(page, `${viewport.name}-fa-search`);

    await counter.search('۰۰۱۲۳۴۵۶۷۹');
    await counter.openResult(/زهرا محمدی/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('کارت زهرا محمدی');
    await shoot(page, `${viewport.name}-fa-card`);

    await page
      .getByRole('checkbox', { name: 'هویت گیرنده با چهره و مدرک شناسایی تطبیق داده شد' })
      .check();
    await page.getByRole('checkbox', { name: 'شناسنامه‌ی دارنده دیده شد' }).check();
    await shoot(page, `${viewport.name}-fa-handover`);
    await page.getByRole('checkbox', { name: 'هزینه دریافت شد' }).check();
    await page
      .getByRole('checkbox', { name: 'تأیید زیست‌سنجی (اثر انگشت) در سامانه‌ی رسمی انجام شد' })
      .check();
    await page.getByRole('radio', { name: 'تحویل گرفته شد' }).check();
    await page.getByRole('button', { name: 'ثبت تحویل' }).click();
    await expect(page.getByText('تحویل ثبت و ذخیره شد.')).toBeVisible();
    await page.getByRole('link', { name: 'تحویل‌های امروز' }).click();
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
    await shoot(page, `${viewport.name}-fa-today`);

    await page.getByRole('link', { name: 'تنظیمات' }).click();
    await expect(page.getByRole('heading', { name: 'فضای ذخیره‌سازی دستگاه' })).toBeVisible();
    await expect(page.getByText(/مگابایت استفاده شده است/)).toBeVisible();
    await shoot(page, `${viewport.name}-fa-settings`, { fullPage: true });
    await page.getByRole('link', { name: 'تحویل‌های امروز' }).click();

    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Handovers today');
    await shoot(page, `${viewport.name}-en-today`);

    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page
      .getByRole('searchbox', { name: 'National code, tracking code or name' })
      .fill('كريمي');
    await expect(page.getByRole('link', { name: /كريمي/ }).first()).toBeVisible();
    await shoot(page, `${viewport.name}-en-search`);

    await page.getByRole('searchbox').fill('1234567891');
    await page.getByRole('searchbox').press('Enter');
    await expect(page.getByRole('alert')).toContainText('This card is revoked');
    await shoot(page, `${viewport.name}-en-card-revoked`);

    await page.goto(`${registry.url}/cards/C-0000006/handover`);
    await counter.unlock(supervisor.pin, 'en');
    await expect(page.getByRole('button', { name: 'Record handover' })).toBeDisabled();
    await shoot(page, `${viewport.name}-en-handover`);

    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Storage on this device' })).toBeVisible();
    await shoot(page, `${viewport.name}-en-settings`, { fullPage: true });
    await page.goBack();

    // The language choice survives a reload.
    await page.reload();
    await counter.unlock(supervisor.pin, 'en');
    await expect(page.getByRole('button', { name: 'Record handover' })).toBeVisible();
  });
}
