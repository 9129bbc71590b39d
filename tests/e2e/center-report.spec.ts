// The whole center's day (protocol 2.2, decision 023): two tablets of one center, each its own
// browser context, hand over cards; after a sync each tablet's report, and the CSV it downloads,
// hold both tablets' handovers, each once, each naming the tablet that recorded it, with this
// tablet's unsent ones merged in; the screen says when the registry last heard from each tablet,
// and offline that the figures are as of the last sync.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import Papa from 'papaparse';
import { expect, test } from './fixtures.ts';
import { LANDSCAPE, openTablet, PORTRAIT } from './tablets.ts';
import type { Card } from '../../src/protocol/protocol.ts';
import { HANDOVER_REPORT_COLUMNS } from '../../src/domain/daily-report.ts';

/** Set to a folder to keep the report screen's screenshots (fa and en, both orientations). */
const SHOTS_DIR = process.env.TAHVIL_SHOTS_DIR;

/** The figure under `label` on the report screen. */
function tile(page: Page, label: string) {
  return page
    .locator('.figure-tiles dt', { hasText: label })
    .first()
    .locator('xpath=following-sibling::dd[1]');
}

async function openReport(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'گزارش روز' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'گزارش روز' })).toBeVisible();
}

/** The day's CSV as the report downloads it, parsed by its header. */
async function downloadedRows(page: Page): Promise<Record<string, string>[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'دانلود CSV' }).click(),
  ]);
  const text = readFileSync(await download.path()).toString('utf8');
  expect(text.startsWith('\ufeff')).toBe(true);
  const parsed = Papa.parse<Record<string, string>>(text.slice(1), {
    header: true,
    skipEmptyLines: true,
  });
  expect(parsed.errors).toEqual([]);
  expect(parsed.meta.fields).toEqual([...HANDOVER_REPORT_COLUMNS]);
  return parsed.data;
}

/** The row of the tablets table for `deviceId`. */
function deviceRow(page: Page, deviceId: string) {
  return page.locator(`tr[data-device-id="${deviceId}"]`);
}

async function screenshots(page: Page, name: string): Promise<void> {
  if (!SHOTS_DIR) return;
  for (const [orientation, size] of [
    ['landscape', LANDSCAPE],
    ['portrait', PORTRAIT],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SHOTS_DIR}/${name}-${orientation}.png`, fullPage: true });
  }
  await page.setViewportSize(LANDSCAPE);
}

test('each tablet’s report and CSV hold both tablets’ handovers once, each naming its tablet; last heard, and offline the as-of sentence', async ({
  browser,
  registry,
}) => {
  const a = await openTablet(browser, registry, registry.demoStaff('clerk'));
  const b = await openTablet(browser, registry, registry.demoStaff('supervisor'));
  const [cardOfA, cardOfB, laterOfB] = (await registry.readyCards(3)) as [Card, Card, Card];

  await a.counter.findCard(cardOfA);
  await a.counter.handOverOpenCard();
  await b.counter.findCard(cardOfB);
  await b.counter.handOverOpenCard();
  await a.counter.syncNow();
  await b.counter.syncNow();
  await expect
    .poll(
      async () =>
        (await registry.acceptedEvents()).filter((event) =>
          [cardOfA.cardId, cardOfB.cardId].includes(event.cardId),
        ).length,
      { timeout: 30_000 },
    )
    .toBe(2);
  const accepted = (await registry.acceptedEvents()).filter((event) => event.type === 'handover');
  const deviceOf = new Map(accepted.map((event) => [event.cardId, event.deviceId]));
  expect(deviceOf.get(cardOfA.cardId)).toBe(a.deviceId);
  expect(deviceOf.get(cardOfB.cardId)).toBe(b.deviceId);

  // Each tablet syncs once more, after both pushes landed: its day now holds the other's too.
  for (const tablet of [a, b]) {
    await tablet.counter.syncNow();
    const { page } = tablet.counter;
    await openReport(page);
    await expect(tile(page, 'تحویل‌شده')).toHaveText('۲', { timeout: 30_000 });
    await expect(tile(page, 'در انتظار ارسال')).toHaveText('۰');
    const rows = await downloadedRows(page);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(2);
    expect(rows.map((row) => [row.card_id, row.device_id, row.sync_status]).sort()).toEqual(
      [
        [cardOfA.cardId, a.deviceId, 'synced'],
        [cardOfB.cardId, b.deviceId, 'synced'],
      ].sort(),
    );
    // Both tablets are listed, this one as itself, each with when it was last heard from.
    const other = tablet === a ? b : a;
    await expect(deviceRow(page, tablet.deviceId)).toContainText('همین دستگاه');
    await expect(deviceRow(page, other.deviceId)).toBeVisible();
    await expect(deviceRow(page, other.deviceId).locator('td').nth(1)).toHaveText('۱');
    await expect(deviceRow(page, other.deviceId).locator('td').nth(3)).toContainText('ساعت');
    await expect(deviceRow(page, tablet.deviceId).locator('td').nth(3)).toContainText('ساعت');
  }
  await screenshots(b.counter.page, 'report-fa');

  // B goes offline and hands over one more: its report merges its unsent handover with the
  // center's day, and says the figures are as of the last sync; A's still has the two.
  await b.context.setOffline(true);
  await b.counter.findCard(laterOfB);
  await b.counter.handOverOpenCard();
  await b.counter.syncNow();
  await openReport(b.counter.page);
  const bPage = b.counter.page;
  await expect(tile(bPage, 'تحویل‌شده')).toHaveText('۳');
  await expect(tile(bPage, 'در انتظار ارسال')).toHaveText('۱');
  await expect(bPage.getByText(/ارقام تا آخرین همگام‌سازی در .+ است/)).toBeVisible({
    timeout: 30_000,
  });
  const offlineRows = await downloadedRows(bPage);
  expect(offlineRows).toHaveLength(3);
  expect(new Set(offlineRows.map((row) => row.event_id)).size).toBe(3);
  expect(offlineRows.find((row) => row.card_id === laterOfB.cardId)).toMatchObject({
    device_id: b.deviceId,
    sync_status: 'pending',
  });
  await expect(deviceRow(bPage, b.deviceId).locator('td').nth(1)).toHaveText('۲');
  await screenshots(bPage, 'report-fa-offline');
  expect((await downloadedRows(a.counter.page)).length).toBe(2);

  // Back online: the unsent handover goes, and A's next sync brings it into A's day.
  await b.context.setOffline(false);
  await b.counter.syncNow();
  await expect
    .poll(
      async () =>
        (await registry.acceptedEvents()).some((event) => event.cardId === laterOfB.cardId),
      { timeout: 30_000 },
    )
    .toBe(true);
  await a.counter.syncNow();
  await openReport(a.counter.page);
  await expect(tile(a.counter.page, 'تحویل‌شده')).toHaveText('۳', { timeout: 30_000 });
  const after = await downloadedRows(a.counter.page);
  expect(after.map((row) => row.event_id).sort()).toEqual(
    offlineRows.map((row) => row.event_id).sort(),
  );

  await a.counter.page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(
    a.counter.page.getByRole('heading', { level: 1, name: 'Daily report' }),
  ).toBeVisible();
  await expect(deviceRow(a.counter.page, a.deviceId)).toContainText('this tablet');
  await screenshots(a.counter.page, 'report-en');
  await a.context.close();
  await b.context.close();
});
