// The counter as a clerk runs it all day (issue 13): a USB scan opens the card, the card's page is
// its handover form, six taps record it, and the counter is back at a focused search with a
// confirmation, ready for the next scan. Taps, scrolling and element positions are measured, not
// eyeballed, at the two landscape tablet sizes; portrait keeps the record button in sight.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { scan as axeScan } from './axe-scan.ts';
import { switchLanguage } from './tablets.ts';
import type { Card } from '../../src/protocol/protocol.ts';

const CHECK_LABELS = [
  'هویت گیرنده با چهره و مدرک شناسایی تطبیق داده شد',
  'شناسنامه‌ی دارنده دیده شد',
  'هزینه دریافت شد',
  'تأیید زیست‌سنجی (اثر انگشت) در سامانه‌ی رسمی انجام شد',
];
/** A USB scanner: a key every millisecond or two, then Enter. */
const SCANNER_KEY_DELAY_MS = 1;

/** Taps on the screen, counted: the measure of a clerk's work per citizen. */
class Taps {
  count = 0;
  async tap(target: Locator): Promise<void> {
    this.count += 1;
    await target.click();
  }
}

async function scanWithUsbScanner(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: SCANNER_KEY_DELAY_MS });
  await page.keyboard.press('Enter');
}

async function scrollTop(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement?.scrollTop ?? 0);
}

/** Every part of the handover lies wholly inside the viewport, with the page not scrolled. */
async function expectWholeHandoverInView(page: Page, label: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const parts: Array<[string, Locator]> = [
    ['recipient', page.getByRole('group', { name: 'گیرنده' })],
    ...CHECK_LABELS.map((name): [string, Locator] => [name, page.getByRole('checkbox', { name })]),
    ['old card', page.getByRole('group', { name: 'کارت ملی قدیمی' })],
    ['record', page.getByRole('button', { name: 'ثبت تحویل' })],
  ];
  expect(await scrollTop(page), `${label}: page scrolled`).toBe(0);
  for (const [name, locator] of parts) {
    // A checkbox is drawn inside its tile: the tile is what must be in view.
    const target =
      name === 'recipient' || name === 'old card' || name === 'record'
        ? locator
        : locator.locator('xpath=ancestor::label[1]');
    const box = await target.boundingBox();
    expect(box, `${label}: ${name} has a box`).not.toBeNull();
    expect(box!.y, `${label}: ${name} starts below the top`).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, `${label}: ${name} ends above the fold`).toBeLessThanOrEqual(
      viewport.height,
    );
    expect(box!.height, `${label}: ${name} is a touch target`).toBeGreaterThanOrEqual(44);
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/counter-flow-${name}.png` });
}

test('scan, six taps, record, back at a focused search: one citizen after another at 1280x800 and 1024x768', async ({
  page,
  registry,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const counter = new CounterPage(page);
  await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('clerk'));
  const cards = await registry.readyCards(6);

  const handOverByScan = async (card: Card, label: string) => {
    const taps = new Taps();
    // The search box has the focus: the scanner types into it.
    await expect(counter.searchBox()).toBeFocused();
    await scanWithUsbScanner(page, card.nationalCode);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `کارت ${card.firstName} ${card.lastName}`,
    );
    await expectWholeHandoverInView(page, label);
    const record = page.getByRole('button', { name: 'ثبت تحویل' });
    await expect(record).toBeDisabled();
    await expect(record).toHaveAccessibleDescription(
      'برای ثبت مانده است: ۴ بررسی، وضعیت کارت ملی قدیمی',
    );
    for (const name of CHECK_LABELS) await taps.tap(page.getByRole('checkbox', { name }));
    await taps.tap(page.getByRole('radio', { name: 'تحویل گرفته شد' }));
    await expect(record).toBeEnabled();
    await taps.tap(record);

    await expect(page.getByText('تحویل ثبت و ذخیره شد.')).toBeVisible();
    await expect(
      page.getByText(`کارت ${card.firstName} ${card.lastName} ساعت`, { exact: false }),
    ).toBeVisible();
    await expect(counter.searchBox()).toBeFocused();
    await expect(counter.searchBox()).toHaveValue('');
    expect(await scrollTop(page), `${label}: scrolled after saving`).toBe(0);
    expect(taps.count, `${label}: taps for one citizen`).toBeLessThanOrEqual(6);
  };

  await handOverByScan(cards[0]!, '1280x800, first citizen');
  await shoot(page, 'landscape-fa-saved');
  // The saved screen takes the next scan at once.
  await handOverByScan(cards[1]!, '1280x800, next citizen');

  await page.setViewportSize({ width: 1024, height: 768 });
  await handOverByScan(cards[2]!, '1024x768');

  // From the saved card's own page (focus on no text field), a scan opens the scanned card.
  await page.getByRole('link', { name: 'دیدن کارت' }).click();
  await expect(
    page.getByText(
      new RegExp(
        `^همین الان .* به ${cards[2]!.firstName} ${cards[2]!.lastName} \\(دارنده\\) تحویل داده شد\\.$`,
      ),
    ),
  ).toBeVisible();
  await expect(page.getByText('این کارت قبلاً تحویل داده شده است.')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'دلیل ابطال' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'ابطال این تحویل' })).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });
  await shoot(page, 'landscape-fa-handed-over');
  await page.locator('body').click({ position: { x: 5, y: 400 } });
  await scanWithUsbScanner(page, cards[3]!.nationalCode);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `کارت ${cards[3]!.firstName} ${cards[3]!.lastName}`,
  );

  // A scan during a half-filled form asks before leaving; staying keeps what was ticked.
  const firstCheck = page.getByRole('checkbox', { name: CHECK_LABELS[0] });
  await firstCheck.check();
  await shoot(page, 'landscape-fa-form');
  // Everything ticked and "record" focused: the Enter that ends the next scan must not press it.
  for (const name of CHECK_LABELS.slice(1)) await page.getByRole('checkbox', { name }).check();
  await page.getByRole('radio', { name: 'ارائه نشد' }).check();
  await page.getByRole('button', { name: 'ثبت تحویل' }).focus();
  await scanWithUsbScanner(page, cards[4]!.nationalCode);
  const question = page.getByRole('alertdialog', { name: 'کارت دیگری اسکن شد' });
  await expect(question).toBeVisible();
  // The Enter that ended the scan pressed nothing: the form is as it was, nothing recorded (the
  // registry's count below says so too).
  await expect(firstCheck).toBeChecked();
  await expect(page.getByText('تحویل ثبت و ذخیره شد.')).toHaveCount(0);
  await shoot(page, 'landscape-fa-scan-question');
  await axeScan(page, 'scan question [fa]');
  await question.getByRole('button', { name: 'ماندن در همین فرم' }).click();
  await expect(question).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `کارت ${cards[3]!.firstName} ${cards[3]!.lastName}`,
  );
  await expect(firstCheck).toBeChecked();
  await page.getByRole('checkbox', { name: CHECK_LABELS[1] }).focus();
  await scanWithUsbScanner(page, cards[4]!.nationalCode);
  await question.getByRole('button', { name: 'باز کردن کارت اسکن‌شده' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `کارت ${cards[4]!.firstName} ${cards[4]!.lastName}`,
  );
  await expect(page.getByRole('checkbox', { name: CHECK_LABELS[0] })).not.toBeChecked();
  // An untouched form asks nothing.
  await scanWithUsbScanner(page, cards[5]!.nationalCode);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    `کارت ${cards[5]!.firstName} ${cards[5]!.lastName}`,
  );
  await expect(question).toHaveCount(0);
  await axeScan(page, 'card page with its handover form [fa]');

  // Three handovers reached the outbox, none of them twice; the scans recorded nothing.
  await counter.syncNow();
  await expect.poll(async () => (await registry.acceptedEvents()).length).toBe(3);

  // English, and portrait: the record button stays in sight (sticky) above a taller form.
  await switchLanguage(page, 'en');
  await expect(page.getByRole('button', { name: 'Record handover' })).toBeVisible();
  await shoot(page, 'landscape-en-form');
  await axeScan(page, 'card page with its handover form [en]');
  await page.getByRole('radio', { name: 'A proxy' }).check();
  const recordEn = page.getByRole('button', { name: 'Record handover' });
  const landscapeBox = await recordEn.boundingBox();
  expect(landscapeBox!.y + landscapeBox!.height).toBeLessThanOrEqual(800);
  await page.setViewportSize({ width: 800, height: 1280 });
  await page.getByRole('textbox', { name: "Proxy's full name" }).focus();
  const portraitBox = await recordEn.boundingBox();
  expect(portraitBox!.y + portraitBox!.height).toBeLessThanOrEqual(1280);
  await shoot(page, 'portrait-en-form');
  await switchLanguage(page, 'fa');
  await shoot(page, 'portrait-fa-form');
});
