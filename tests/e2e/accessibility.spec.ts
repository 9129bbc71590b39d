// Scans the counter's main screens with axe-core, in Persian and in English, and fails on any
// serious or critical violation. Each screen is scanned in the state a clerk sees it in: the
// search with results, a card that can be handed over, the handover form, the void form of a
// handover made here, today's list, a real "needs attention" item, the settings, the daily
// report with its calendar open, and a manifest import's summary with a rejected row.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { scan } from './axe-scan.ts';
import type { Card } from '../../src/protocol/protocol.ts';

/** A title with the holder's name in it, which may be wrapped in Unicode isolates (U+2068 … U+2069). */
function titleWithName(prefix: string, card: Card): RegExp {
  return new RegExp(`^${prefix}\u2068?${card.firstName} ${card.lastName}\u2069?$`);
}

interface Words {
  language: 'fa' | 'en';
  switchTo: string;
  signInTitle: string;
  enrolTitle: string;
  navSearch: string;
  navToday: string;
  navAttention: string;
  navSettings: string;
  cardTitle: (card: Card) => RegExp;
  record: string;
  recipientProxy: string;
  proxyCode: string;
  voidTitle: string;
  todayTitle: RegExp;
  conflict: string;
  settingsTitle: string;
  navReport: string;
  reportTitle: string;
  calendar: string;
  navImport: string;
  chooseManifest: string;
  importSummary: string;
}

const PERSIAN: Words = {
  language: 'fa',
  switchTo: 'Switch to English',
  signInTitle: 'ورود به نوبت کاری',
  enrolTitle: 'ثبت این دستگاه در یک مرکز',
  navSearch: 'جستجو',
  navToday: 'تحویل‌های امروز',
  navAttention: 'نیازمند رسیدگی',
  navSettings: 'تنظیمات',
  cardTitle: (card) => titleWithName('کارت ', card),
  record: 'ثبت تحویل',
  recipientProxy: 'وکیل یا نماینده',
  proxyCode: 'کد ملی نماینده',
  voidTitle: 'ابطال این تحویل',
  todayTitle: /^تحویل‌های امروز، /,
  conflict: 'پذیرفته نشد: کارت تغییر کرده بود',
  settingsTitle: 'تنظیمات',
  navReport: 'گزارش روز',
  reportTitle: 'گزارش روز',
  calendar: 'تقویم',
  navImport: 'ورود فهرست',
  chooseManifest: 'انتخاب فایل فهرست',
  importSummary: 'خلاصه‌ی ورود',
};

const ENGLISH: Words = {
  language: 'en',
  switchTo: 'تغییر زبان به فارسی',
  signInTitle: 'Sign in to your shift',
  enrolTitle: 'Enrol this tablet with a center',
  navSearch: 'Search',
  navToday: "Today's handovers",
  navAttention: 'Needs attention',
  navSettings: 'Settings',
  cardTitle: (card) => titleWithName('Card of ', card),
  record: 'Record handover',
  recipientProxy: 'A proxy',
  proxyCode: "Proxy's national code",
  voidTitle: 'Void this handover',
  todayTitle: /^Handovers today, /,
  conflict: 'Not accepted: the card had changed',
  settingsTitle: 'Settings',
  navReport: 'Daily report',
  reportTitle: 'Daily report',
  calendar: 'Calendar',
  navImport: 'Import manifest',
  chooseManifest: 'Choose manifest file',
  importSummary: 'Import summary',
};

// One good row and one with a wrong check digit, so the summary and the rejected-rows table show.
const SMALL_MANIFEST =
  '\ufeffcard_id,national_code,first_name,last_name\r\nA-0000001,0073104523,زهره,امینی\r\nA-0000002,0073104520,حسن,صادقی\r\n';

async function switchLanguage(page: Page, from: Words, to: Words): Promise<void> {
  await page.getByRole('button', { name: from.switchTo }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', to.language);
  await expect(page.locator('html')).toHaveAttribute('dir', to.language === 'fa' ? 'rtl' : 'ltr');
}

/** Opens a card from the search box by its national code, in whichever language is on. */
async function openCard(page: Page, words: Words, card: Card): Promise<void> {
  await page.getByRole('link', { name: words.navSearch, exact: true }).click();
  await page.getByRole('searchbox').fill(card.nationalCode);
  await page
    .getByRole('link', { name: new RegExp(`${card.firstName} ${card.lastName}`) })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(words.cardTitle(card));
}

test('the main screens have no serious or critical accessibility violations, in Persian and English', async ({
  page,
  context,
  registry,
}) => {
  test.setTimeout(300_000);
  const counter = new CounterPage(page);

  // Enrolment: the only screen a fresh tablet shows.
  await counter.open(registry.url);
  await expect(page.getByRole('heading', { level: 1, name: PERSIAN.enrolTitle })).toBeVisible();
  await scan(page, 'enrolment [fa]');
  await switchLanguage(page, PERSIAN, ENGLISH);
  await expect(page.getByRole('heading', { level: 1, name: ENGLISH.enrolTitle })).toBeVisible();
  await scan(page, 'enrolment [en]');
  await switchLanguage(page, ENGLISH, PERSIAN);

  // Sign-in, once enrolled.
  await counter.enrol(await registry.enrolmentLink());
  await expect(page.getByRole('heading', { level: 1, name: PERSIAN.signInTitle })).toBeVisible();
  await scan(page, 'sign-in [fa]');
  await switchLanguage(page, PERSIAN, ENGLISH);
  await expect(page.getByRole('heading', { level: 1, name: ENGLISH.signInTitle })).toBeVisible();
  await scan(page, 'sign-in [en]');
  await switchLanguage(page, ENGLISH, PERSIAN);

  // The supervisor, who may open every screen.
  const supervisor = registry.demoStaff('supervisor');
  await counter.signIn(supervisor);
  await counter.waitForInventory(4900);
  await counter.waitForServiceWorker();
  const [refusedCard, handedOverCard, readyCard] = (await registry.readyCards(3, 10)) as [
    Card,
    Card,
    Card,
  ];

  // A "needs attention" item: head office revokes a card while the tablet is offline, and the
  // clerk hands it over before the tablet hears of it (as in two-tablets.spec.ts).
  await context.setOffline(true);
  await registry.revoke(refusedCard.cardId);
  await counter.findCard(refusedCard);
  await counter.handOverOpenCard();
  await expect(page.getByText('بدون اتصال', { exact: true })).toBeVisible({ timeout: 30_000 });
  await context.setOffline(false);
  await counter.syncNow();
  await expect(page.getByRole('link', { name: 'نیازمند رسیدگی: ۱', exact: true })).toBeVisible({
    timeout: 30_000,
  });

  // A handover recorded on this device, online, so its card shows the void form.
  await counter.findCard(handedOverCard);
  await counter.handOverOpenCard();

  // The demo center's rules (the registry's) allow proxies, so the handover form shows every
  // field it has.
  await page.getByRole('link', { name: PERSIAN.navSettings, exact: true }).click();
  await expect(page.getByText('تحویل به وکیل یا نماینده مجاز است.')).toBeVisible();

  for (const words of [PERSIAN, ENGLISH]) {
    const tag = `[${words.language}]`;
    if (words === ENGLISH) await switchLanguage(page, PERSIAN, ENGLISH);

    await page.getByRole('link', { name: words.navSearch, exact: true }).click();
    await page.getByRole('searchbox').fill('زهرا');
    await expect(page.getByRole('link', { name: /زهرا محمدی/ }).first()).toBeVisible();
    await scan(page, `search with results ${tag}`);

    await openCard(page, words, readyCard);
    // A ready card's page is its handover form.
    await expect(page.getByRole('button', { name: words.record })).toBeVisible();
    await expect(page.locator('form.handover-form')).toBeVisible();
    await scan(page, `card page with its handover form ${tag}`);
    await page.getByRole('radio', { name: words.recipientProxy }).check();
    await page.getByRole('textbox', { name: words.proxyCode }).fill('123');
    await expect(page.getByRole('textbox', { name: words.proxyCode })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    await scan(page, `handover form, proxy with an invalid national code ${tag}`);

    await openCard(page, words, handedOverCard);
    await page.getByRole('button', { name: words.voidTitle }).click();
    await expect(page.getByRole('heading', { level: 2, name: words.voidTitle })).toBeVisible();
    await scan(page, `card page with the void form ${tag}`);

    await page.getByRole('link', { name: words.navToday, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(words.todayTitle);
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(3);
    await scan(page, `today's handovers ${tag}`);

    await page.getByRole('link', { name: words.navAttention, exact: true }).click();
    const entry = page.getByRole('listitem').filter({ hasText: refusedCard.cardId });
    await expect(entry.getByText(words.conflict, { exact: true })).toBeVisible();
    await scan(page, `needs attention, one refused handover ${tag}`);

    await page.getByRole('link', { name: words.navSettings, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: words.settingsTitle })).toBeVisible();
    await scan(page, `settings ${tag}`);

    await page.getByRole('link', { name: words.navReport, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: words.reportTitle })).toBeVisible();
    await expect(page.locator('.hourly-chart svg')).toBeVisible();
    await page.getByRole('button', { name: words.calendar }).click();
    await expect(page.locator('.jalali-picker-grid')).toBeVisible();
    await scan(page, `daily report with the calendar open ${tag}`);

    await page.getByRole('link', { name: words.navImport, exact: true }).click();
    await page.getByLabel(words.chooseManifest).setInputFiles({
      name: 'small.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(SMALL_MANIFEST, 'utf8'),
    });
    await expect(page.getByRole('status', { name: words.importSummary })).toBeVisible();
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
    await scan(page, `manifest import summary with a rejected row ${tag}`);
  }
});
