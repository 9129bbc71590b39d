// The tablet's clock against the registry's (protocol 2.2, decision 024), end to end: a tablet
// whose clock runs 10 minutes fast (the page's clock, set by Playwright) warns in the header once
// it has synced, in both languages and orientations, and the warning goes once the clock is set
// right and the tablet syncs again. On the same tablet, a handover of a card the registry revoked
// meanwhile is refused, and the attention screen says the registry's code in the clerk's words.
// Screenshots of both screens, each scanned with axe.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { LANDSCAPE, newTablet, PORTRAIT } from './tablets.ts';
import { scan } from './axe-scan.ts';
import type { Card } from '../../src/protocol/protocol.ts';

const TEN_MINUTES_MS = 10 * 60_000;
const WARNING_FA =
  'ساعت این دستگاه حدود ۱۰ دقیقه جلوتر از ساعت سامانه‌ی مرکزی است. زمان هر تحویل سند متصدی و شهروند است: تاریخ و ساعت را در تنظیمات دستگاه درست کنید.';
const WARNING_EN =
  "This tablet's clock is about 10 minutes ahead of the registry's. A handover's time is the clerk's and the citizen's record: set the date and time right in the tablet's settings.";

async function switchTo(page: Page, language: 'en' | 'fa'): Promise<void> {
  const name = language === 'en' ? 'Switch to English' : 'تغییر زبان به فارسی';
  await page.getByRole('button', { name }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** The screen in both languages and both orientations, each looked at and scanned. */
async function shootAll(page: Page, name: string, check: (language: 'fa' | 'en') => Promise<void>) {
  for (const [orientation, viewport] of [
    ['landscape', LANDSCAPE],
    ['portrait', PORTRAIT],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const language of ['fa', 'en'] as const) {
      if ((await page.locator('html').getAttribute('lang')) !== language)
        await switchTo(page, language);
      await check(language);
      await page.screenshot({
        path: `test-results/screens/${name}-${orientation}-${language}.png`,
      });
      await scan(page, `${name} ${orientation} [${language}]`);
    }
  }
  await switchTo(page, 'fa');
}

test('a tablet 10 minutes fast warns in the header until its clock is set right; a refused handover says its code in words', async ({
  browser,
  registry,
}) => {
  test.setTimeout(180_000);
  const { context, page, counter } = await newTablet(browser, LANDSCAPE);
  await page.clock.install({ time: new Date(Date.now() + TEN_MINUTES_MS) });
  await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('supervisor'));

  const header = page.getByRole('banner');
  await expect(header.getByText(WARNING_FA)).toBeVisible({ timeout: 30_000 });
  await shootAll(page, 'clock-warning', async (language) => {
    await expect(header.getByText(language === 'fa' ? WARNING_FA : WARNING_EN)).toBeVisible();
  });

  // Handed over here after the registry revoked it, unknown to the tablet: refused by code.
  const [card] = (await registry.readyCards(1, 30)) as [Card];
  await registry.revoke(card.cardId);
  await counter.findCard(card);
  await counter.handOverOpenCard();
  const attentionLink = page.getByRole('link', { name: 'نیازمند رسیدگی: ۱', exact: true });
  await expect(attentionLink).toBeVisible({ timeout: 30_000 });
  await attentionLink.click();
  const entry = page.getByRole('listitem').filter({ hasText: card.cardId });
  await shootAll(page, 'attention-refused', async (language) => {
    await expect(
      entry.getByText(
        language === 'fa'
          ? 'پذیرفته نشد: کارت تغییر کرده بود'
          : 'Not accepted: the card had changed',
        { exact: true },
      ),
    ).toBeVisible();
    await expect(
      entry.getByText(
        language === 'fa'
          ? /^سامانه‌ی مرکزی این کارت را باطل کرده است و نباید تحویل شود\./
          : /^The registry has revoked this card: it must not be handed over\./,
      ),
    ).toBeVisible();
  });

  // The clerk sets the tablet's clock right: the next sync's answers clear the warning.
  await page.clock.setSystemTime(new Date());
  await counter.syncNow();
  await expect(header.getByText(WARNING_FA)).toHaveCount(0, { timeout: 30_000 });
  await context.close();
});
