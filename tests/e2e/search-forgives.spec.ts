// Search that forgives (issue 13, decision 025), in the built app over the demo inventory: a name
// typed with the keyboard in English is found and the screen says how it searched; Latin text
// that finds nothing either way gets the layout hint; a name whose ZWNJ is dropped is found.
// Screenshots of both languages at both tablet sizes go to SHOTS_DIR when it is set.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { scan } from './axe-scan.ts';

const SHOTS_DIR = process.env.SHOTS_DIR;

async function shoot(page: Page, name: string) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  if (SHOTS_DIR) await page.screenshot({ path: `${SHOTS_DIR}/${name}.png` });
}

for (const viewport of [
  { name: 'landscape', width: 1280, height: 800 },
  { name: 'portrait', width: 800, height: 1280 },
]) {
  test(`search forgives the keyboard layout and a dropped ZWNJ, ${viewport.name}`, async ({
    page,
    registry,
  }) => {
    await page.setViewportSize(viewport);
    const counter = new CounterPage(page);
    await counter.open(registry.url);
    await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('clerk'));

    // «زهرا محمدی» typed with the keyboard left in English.
    await counter.searchBox().fill('civh lpln');
    await expect(page.getByRole('link', { name: /زهرا محمدی/ }).first()).toBeVisible();
    await expect(page.getByTestId('searched-as')).toHaveText(
      'جستجو شد به شکل «زهرا محمد»؛ صفحه‌کلید روی انگلیسی بود.',
    );
    await shoot(page, `${viewport.name}-fa-searched-as`);
    await scan(page, `search searched as [fa, ${viewport.name}]`);

    await counter.searchBox().fill('zahra');
    await expect(page.getByText(/^کارتی پیدا نشد، حتی به شکل «ظشاقش»\./)).toBeVisible();
    await expect(page.getByTestId('searched-as')).toHaveCount(0);
    await shoot(page, `${viewport.name}-fa-layout-hint`);
    await scan(page, `search layout hint [fa, ${viewport.name}]`);

    // «محمد‌حسین حسین‌زاده» (C-0000005, and a namesake in the generated inventory) typed without
    // either ZWNJ.
    await counter.searchBox().fill('محمدحسین حسینزاده');
    await expect(
      page.getByRole('link', { name: /محمد\u200cحسین حسین\u200cزاده/ }).first(),
    ).toBeVisible();
    await expect(page.getByTestId('searched-as')).toHaveCount(0);

    await page.getByRole('button', { name: 'Switch to English' }).click();
    const box = page.getByRole('searchbox', { name: 'National code, tracking code or name' });
    await box.fill('civh lpln');
    await expect(page.getByTestId('searched-as')).toHaveText(
      /^Searched as «\u2068?زهرا محمد\u2069?»: the keyboard was in English layout\.$/,
    );
    await shoot(page, `${viewport.name}-en-searched-as`);
    await box.fill('zahra');
    await expect(
      page.getByText(/^No card found, not even as «\u2068?ظشاقش\u2069?»\. The keyboard may be/),
    ).toBeVisible();
    await shoot(page, `${viewport.name}-en-layout-hint`);
  });
}
