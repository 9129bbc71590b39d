// The manager's evening, offline: a shipment manifest imported through the file picker, two of
// its cards handed over, and the day downloaded as CSV and xlsx through the report screen. The
// downloads are checked byte by byte (BOM, header, CRLF) and the workbook is unzipped to see
// that code cells are text. Leaves screenshots of both screens in test-results/screens/.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { HANDOVER_REPORT_COLUMNS } from '../../src/domain/daily-report.ts';
import { jalaliDayKey } from '../../src/domain/jalali.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';
import { completeNationalCode } from '../../src/domain/national-code.ts';
import { createCard } from '../factories/cards.ts';

// Codes the demo inventory does not use, each with leading zeros a spreadsheet would drop.
const MANIFEST_ROWS = [
  createCard({
    cardId: 'M-0000001',
    nationalCode: completeNationalCode('007310452'),
    firstName: 'زهره',
    lastName: 'امینی',
  }),
  createCard({
    cardId: 'M-0000002',
    nationalCode: completeNationalCode('008820173'),
    firstName: 'کاوه',
    lastName: 'رستمی',
  }),
  createCard({
    cardId: 'M-0000003',
    nationalCode: completeNationalCode('009140068'),
    firstName: 'نسرین',
    lastName: 'توکلی',
  }),
  createCard({
    cardId: 'M-0000004',
    nationalCode: completeNationalCode('006655210'),
    firstName: 'بهرام',
    lastName: 'شریفی',
  }),
];

type ManifestRow = (typeof MANIFEST_ROWS)[number];

// BOM, CRLF, columns out of order, Persian digits, a slash date, and two bad rows.
const MANIFEST = [
  '\ufeffbox,card_id,last_name,first_name,national_code,birth_date,notes',
  `B-01,${MANIFEST_ROWS[0]!.cardId},${MANIFEST_ROWS[0]!.lastName},${MANIFEST_ROWS[0]!.firstName},${toPersianDigits(MANIFEST_ROWS[0]!.nationalCode)},1368/04/21,`,
  `B-01,${MANIFEST_ROWS[1]!.cardId},${MANIFEST_ROWS[1]!.lastName},${MANIFEST_ROWS[1]!.firstName},${MANIFEST_ROWS[1]!.nationalCode},,`,
  `B-02,${MANIFEST_ROWS[2]!.cardId},${MANIFEST_ROWS[2]!.lastName},${MANIFEST_ROWS[2]!.firstName},${MANIFEST_ROWS[2]!.nationalCode.slice(1)},,"cut to 9 digits"`,
  `B-02,${MANIFEST_ROWS[3]!.cardId},${MANIFEST_ROWS[3]!.lastName},${MANIFEST_ROWS[3]!.firstName},${MANIFEST_ROWS[3]!.nationalCode},1370-02-30,`,
  'B-03,M-0000005,صادقی,حسن,0073104520,,wrong check digit',
  `B-03,M-0000006,,سارا,${completeNationalCode('005512397')},,no last name`,
  '',
].join('\r\n');

async function downloadBytes(
  page: Page,
  click: () => Promise<void>,
): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { download, bytes: readFileSync(path) };
}

test('imports a manifest through the file picker, hands over two of its cards, and downloads the day as CSV and xlsx, offline', async ({
  page,
  context,
  registry,
}) => {
  const counter = new CounterPage(page);
  // The supervisor: importing a manifest is theirs.
  await counter.setUp(await registry.enrolmentLink(), registry.demoStaff('supervisor'));
  await registry.stop();
  await context.setOffline(true);

  // Import, through the file picker.
  await page.getByRole('link', { name: 'ورود فهرست' }).click();
  await page.getByLabel('انتخاب فایل فهرست').setInputFiles({
    name: 'shipment-0904.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(MANIFEST, 'utf8'),
  });
  const summary = page.getByRole('status', { name: 'خلاصه‌ی ورود' });
  await expect(summary).toContainText('۶ ردیف خوانده شد');
  const figure = (label: string) =>
    summary.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  await expect(figure('کارت تازه')).toHaveText('۴');
  await expect(figure('ردیف ردشده')).toHaveText('۲');
  const rejected = page.getByRole('table');
  await expect(rejected.getByRole('row')).toHaveCount(3);
  await expect(rejected.getByRole('row').nth(1)).toContainText('M-0000005');
  await expect(rejected.getByRole('row').nth(1)).toContainText('رقم کنترل');
  await expect(rejected.getByRole('row').nth(2)).toContainText('last_name');
  await page.screenshot({ path: 'test-results/screens/import-summary-fa.png', fullPage: true });

  const rejectedFile = await downloadBytes(page, () =>
    page.getByRole('button', { name: 'دانلود ردیف‌های ردشده (CSV)' }).click(),
  );
  expect(rejectedFile.download.suggestedFilename()).toBe('shipment-0904-rejected.csv');
  expect(rejectedFile.bytes.toString('utf8')).toMatch(
    /^\ufeffline,card_id,column,reason,detail,message\r\n6,M-0000005,national_code,invalid-national-code,check-digit,/,
  );

  // The imported cards are found and handed over like any other.
  for (const card of [MANIFEST_ROWS[0]!, MANIFEST_ROWS[2]!]) {
    await counter.findCard(card);
    await counter.handOverOpenCard();
  }

  // The report shows the day and downloads it, still offline.
  await page.getByRole('link', { name: 'گزارش روز' }).click();
  const tile = (label: string) =>
    page
      .locator('.figure-tiles dt', { hasText: label })
      .first()
      .locator('xpath=following-sibling::dd[1]');
  await expect(tile('تحویل‌شده')).toHaveText('۲');
  await expect(tile('در انتظار ارسال')).toHaveText('۲');
  await expect(page.getByRole('img', { name: /شلوغ‌ترین ساعت/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/report-fa.png', fullPage: true });

  const dayKey = jalaliDayKey(new Date(), 'Asia/Tehran');
  const csv = await downloadBytes(page, () =>
    page.getByRole('button', { name: 'دانلود CSV' }).click(),
  );
  expect(csv.download.suggestedFilename()).toBe(`handovers-DEMO-01-${dayKey}.csv`);
  expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = csv.bytes.toString('utf8').slice(1);
  const lines = text.split('\r\n');
  expect(lines[0]).toBe(HANDOVER_REPORT_COLUMNS.join(','));
  expect(lines).toHaveLength(4);
  expect(lines[3]).toBe('');
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const [first, , third] = MANIFEST_ROWS as [ManifestRow, ManifestRow, ManifestRow];
  expect(lines[1]).toMatch(
    new RegExp(
      `^[0-9a-f-]{36},M-0000001,${first.nationalCode},زهره امینی,holder,${first.nationalCode},`,
    ),
  );
  expect(lines[2]).toMatch(
    new RegExp(
      `^[0-9a-f-]{36},M-0000003,${third.nationalCode},نسرین توکلی,holder,${third.nationalCode},`,
    ),
  );
  expect(lines[1]).toMatch(
    new RegExp(
      `,S-201,[^,]+,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+03:30,${dayKey} \\d\\d:\\d\\d:\\d\\d,pending,no$`,
    ),
  );

  const xlsx = await downloadBytes(page, () =>
    page.getByRole('button', { name: 'دانلود اکسل (xlsx)' }).click(),
  );
  expect(xlsx.download.suggestedFilename()).toBe(`handovers-DEMO-01-${dayKey}.xlsx`);
  const files = unzipSync(new Uint8Array(xlsx.bytes));
  const sheet = strFromU8(files['xl/worksheets/sheet1.xml']!);
  const shared = [
    ...strFromU8(files['xl/sharedStrings.xml'] ?? new Uint8Array()).matchAll(
      /<si>[\s\S]*?<t[^>]*>([\s\S]*?)<\/t>[\s\S]*?<\/si>/g,
    ),
  ].map((m) => m[1]);
  // national_code is column C: its cells on rows 2 and 3 are strings holding the codes with their zeros.
  for (const [row, code] of [
    [2, first.nationalCode],
    [3, third.nationalCode],
  ] as const) {
    const cell = new RegExp(`<c r="C${row}"([^>]*)>([\\s\\S]*?)</c>`).exec(sheet);
    expect(cell, `cell C${row}`).not.toBeNull();
    const type = /\st="([^"]+)"/.exec(cell![1]!)?.[1];
    expect(['s', 'inlineStr']).toContain(type);
    const value =
      /<v>([\s\S]*?)<\/v>/.exec(cell![2]!)?.[1] ?? /<t[^>]*>([\s\S]*?)<\/t>/.exec(cell![2]!)?.[1];
    expect(type === 's' ? shared[Number(value)] : value).toBe(code);
  }

  // The same two screens in English.
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Daily report' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/report-en.png', fullPage: true });
  await page.getByRole('link', { name: 'Import manifest' }).click();
  await page.getByLabel('Choose manifest file').setInputFiles({
    name: 'shipment-0904.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(MANIFEST, 'utf8'),
  });
  const again = page.getByRole('status', { name: 'Import summary' });
  await expect(again).toContainText('6 rows read');
  // Imported again: nothing new, the two handed-over cards left as they are.
  await expect(
    again.locator('dt', { hasText: 'New cards' }).locator('xpath=following-sibling::dd[1]'),
  ).toHaveText('0');
  await expect(
    again
      .locator('dt', { hasText: 'Handed over or revoked' })
      .locator('xpath=following-sibling::dd[1]'),
  ).toHaveText('2');
  await page.screenshot({ path: 'test-results/screens/import-summary-en.png', fullPage: true });
});
