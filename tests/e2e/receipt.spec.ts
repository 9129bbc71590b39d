// The handover receipt as printed: a handover recorded at the counter, its receipt opened with
// the registry stopped and the tablet offline, in Persian and English, on A5 and on an 80 mm
// roll. Print-media screenshots go to test-results/screens/receipt-*.png; each size's PDF has one
// page of the chosen size; the QR code read back from the page is the event id; axe finds
// nothing on the screen.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { scan } from './axe-scan.ts';
import { readQrCode } from './qr-reader.ts';
import { en, fa } from '../../src/ui/messages.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';

const PAPERS = [
  // A5 at 96 px per inch; its page 148 × 210 mm is 419.5 × 595.3 pt in the PDF.
  { paper: 'a5', viewport: { width: 559, height: 794 }, widthPt: 419.53, heightPt: 595.28 },
  // An 80 mm roll, as long as the receipt.
  { paper: 'roll', viewport: { width: 302, height: 600 }, widthPt: 226.77, heightPt: null },
] as const;

const MM_TO_PT = 72 / 25.4;
const PX_PER_MM = 96 / 25.4;

/** The event id of the handover of `cardId` this tablet recorded, read from its IndexedDB. */
async function handoverEventId(page: Page, cardId: string): Promise<string> {
  return page.evaluate(
    (wanted) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('tahvil');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('events').objectStore('events').getAll();
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const records = request.result as Array<{
              eventId: string;
              cardId: string;
              type: string;
            }>;
            const found = records.find(
              (record) => record.cardId === wanted && record.type === 'handover',
            );
            open.result.close();
            if (found) resolve(found.eventId);
            else reject(new Error(`no handover of ${wanted}`));
          };
        };
      }),
    cardId,
  );
}

/** The PDF's pages: how many, and each one's size in points. */
function pdfPages(pdf: Buffer): Array<{ width: number; height: number }> {
  const text = pdf.toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-z])/g) ?? [];
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map(
    (match) => ({ width: Number(match[1]), height: Number(match[2]) }),
  );
  expect(boxes, 'one media box per page').toHaveLength(pages.length);
  return boxes;
}

test('the receipt of a handover prints on one page of A5 or an 80 mm roll, offline, in Persian and English', async ({
  page,
  context,
  registry,
}) => {
  const counter = new CounterPage(page);
  const [card] = await registry.readyCards(1);
  const clerk = registry.demoStaff('clerk');
  await counter.setUp(await registry.enrolmentLink(), clerk);
  await counter.findCard(card!);
  await counter.handOverOpenCard();
  const eventId = await handoverEventId(page, card!.cardId);

  // No network from here on: the receipt is made from what the tablet holds.
  await registry.stop();
  await context.setOffline(true);
  await page.goto(`${registry.url}/receipts/${encodeURIComponent(eventId)}`);
  await counter.unlock(clerk.pin);

  for (const [language, words] of [
    ['fa', fa],
    ['en', en],
  ] as const) {
    const receipt = page.getByRole('article');
    await expect(page.getByRole('heading', { level: 1, name: words.receiptTitle })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('dir', language === 'fa' ? 'rtl' : 'ltr');
    await expect(receipt).toContainText(`${card!.firstName} ${card!.lastName}`);
    await expect(receipt).toContainText(
      language === 'fa' ? toPersianDigits(card!.nationalCode) : card!.nationalCode,
    );
    await expect(receipt).toContainText(card!.cardId);
    await expect(receipt).toContainText(clerk.name);
    await expect(page.getByTestId('receipt-event-id')).toHaveText(eventId);
    await scan(page, `receipt (${language})`);

    for (const { paper, viewport, widthPt, heightPt } of PAPERS) {
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page
        .getByRole('radio', {
          name: paper === 'a5' ? words.receiptPaperA5 : words.receiptPaperRoll,
        })
        .check();
      // On screen the sheet is at the paper's printed width: a roll's page is as long as this.
      const screenHeightPx = (await receipt.boundingBox())!.height;
      await page.setViewportSize(viewport);
      await page.emulateMedia({ media: 'print' });
      // Only the receipt: no header, navigation, banner or the screen's own buttons.
      await expect(page.locator('.app-header')).toBeHidden();
      await expect(page.getByRole('button', { name: words.receiptPrint })).toBeHidden();
      await expect(receipt).toBeVisible();
      const box = (await receipt.boundingBox())!;
      expect(box.x, 'nothing cut at the start').toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, 'nothing cut at the end').toBeLessThanOrEqual(viewport.width + 0.5);
      await page.screenshot({
        path: `test-results/screens/receipt-${paper === 'a5' ? 'a5' : '80mm'}-${language}.png`,
        fullPage: true,
      });

      const qr = await page.locator('.receipt-qr').screenshot();
      expect(readQrCode(qr), `the ${paper} QR code reads back as the event id`).toBe(eventId);

      // page.pdf prints with the print media emulated above, as a browser's print does.
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      const pages = pdfPages(pdf);
      expect(pages, `one ${paper} page`).toHaveLength(1);
      expect(pdf.toString('latin1')).toMatch(/\/Count 1\b/);
      expect(pages[0]!.width).toBeCloseTo(widthPt, 0);
      if (heightPt !== null) expect(pages[0]!.height).toBeCloseTo(heightPt, 0);
      // The roll is cut under the receipt: its height, the margins (2 × 4 mm) and 6 mm to spare.
      else
        expect(
          Math.abs(pages[0]!.height - (Math.ceil(screenHeightPx / PX_PER_MM) + 14) * MM_TO_PT),
        ).toBeLessThan(1);
    }

    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 800 });
    if (language === 'fa') await page.getByRole('button', { name: 'Switch to English' }).click();
  }
});
