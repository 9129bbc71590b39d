// Two tablets of one center, each its own browser context (its own IndexedDB, device id and
// service worker), against one mock registry: what each learns of the other's work, what the
// registry refuses, and how a revocation made while a tablet was offline reaches its counter.
import { expect, test } from './fixtures.ts';
import { openTablet } from './tablets.ts';
import type { Card } from '../../src/protocol/protocol.ts';
import type { MockRegistry } from './registry.ts';

/** A tablet held upright, as these counters run. */
const TABLET_SIZE = { width: 768, height: 1024 };

async function eventsOf(registry: MockRegistry, cardIds: string[]) {
  return (await registry.acceptedEvents()).filter((event) => cardIds.includes(event.cardId));
}

const HANDED_OVER = 'این کارت قبلاً تحویل داده شده است.';
const ELSEWHERE = 'این تحویل در باجه‌ی دیگری ثبت شده است.';

test('both tablets offline hand over different cards; after reconnecting each sees the other’s handover', async ({
  browser,
  registry,
}) => {
  const a = await openTablet(browser, registry, registry.demoStaff('clerk'), TABLET_SIZE);
  const b = await openTablet(browser, registry, registry.demoStaff('supervisor'), TABLET_SIZE);
  const [cardOfA, cardOfB] = (await registry.readyCards(2)) as [Card, Card];

  await registry.stop();
  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await a.counter.findCard(cardOfA);
  await a.counter.handOverOpenCard();
  await b.counter.findCard(cardOfB);
  await b.counter.handOverOpenCard();

  await registry.start();
  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await a.counter.syncNow();
  await b.counter.syncNow();
  await expect
    .poll(async () => (await eventsOf(registry, [cardOfA.cardId, cardOfB.cardId])).length, {
      timeout: 30_000,
    })
    .toBe(2);
  // Each tablet pulls once more after both pushes have landed.
  await a.counter.syncNow();
  await b.counter.syncNow();

  await a.counter.findCard(cardOfB);
  await expect(a.counter.page.getByText(HANDED_OVER)).toBeVisible({ timeout: 30_000 });
  await expect(a.counter.page.getByText(ELSEWHERE)).toBeVisible();
  await expect(a.counter.page.getByText(/S-201/)).toBeVisible();
  await expect(a.counter.recordButton()).toHaveCount(0);

  await b.counter.findCard(cardOfA);
  await expect(b.counter.page.getByText(HANDED_OVER)).toBeVisible({ timeout: 30_000 });
  await expect(b.counter.page.getByText(/S-101/)).toBeVisible();

  const events = await eventsOf(registry, [cardOfA.cardId, cardOfB.cardId]);
  expect(events.map((event) => event.cardId).sort()).toEqual(
    [cardOfA.cardId, cardOfB.cardId].sort(),
  );
  expect(new Set(events.map((event) => event.deviceId)).size).toBe(2);
  await a.context.close();
  await b.context.close();
});

test('both tablets offline hand over the same card: one is accepted, the other waits in "needs attention" with the reason', async ({
  browser,
  registry,
}) => {
  const a = await openTablet(browser, registry, registry.demoStaff('clerk'), TABLET_SIZE);
  const b = await openTablet(browser, registry, registry.demoStaff('supervisor'), TABLET_SIZE);
  const [card] = await registry.readyCards(1, 5);

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await a.counter.findCard(card!);
  await a.counter.handOverOpenCard();
  await b.counter.findCard(card!);
  await b.counter.handOverOpenCard();
  // Both handovers are still on the tablets only: nothing reached the registry while offline.
  await expect(a.counter.page.getByText('۱ در انتظار')).toBeVisible();
  await expect(b.counter.page.getByText('۱ در انتظار')).toBeVisible();
  expect(await eventsOf(registry, [card!.cardId])).toEqual([]);

  await a.context.setOffline(false);
  await a.counter.syncNow();
  await expect
    .poll(async () => (await eventsOf(registry, [card!.cardId])).length, { timeout: 30_000 })
    .toBe(1);
  await b.context.setOffline(false);
  await b.counter.syncNow();

  const bPage = b.counter.page;
  const attentionLink = bPage.getByRole('link', { name: 'نیازمند رسیدگی: ۱', exact: true });
  await expect(attentionLink).toBeVisible({ timeout: 30_000 });
  await attentionLink.click();
  const entry = bPage.getByRole('listitem').filter({ hasText: card!.cardId });
  await expect(entry.getByText('پذیرفته نشد: کارت تغییر کرده بود', { exact: true })).toBeVisible();
  // The registry's code in the clerk's words, not its English text.
  await expect(
    entry.getByText(
      'این کارت در باجه یا مرکز دیگری تحویل داده شده است. سرپرست را خبر کنید؛ کارت دومی تحویل ندهید.',
    ),
  ).toBeVisible();
  await expect(entry.getByText(/handed.over/i)).toHaveCount(0);
  await expect(entry.getByText(/S-101/)).toBeVisible();

  // The registry holds A's handover only, once.
  const events = await eventsOf(registry, [card!.cardId]);
  expect(events).toHaveLength(1);
  await expect(a.counter.page.getByRole('link', { name: /^نیازمند رسیدگی: / })).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('a card revoked while the tablet was offline is refused after the next sync, and its offline handover needs attention', async ({
  browser,
  registry,
}) => {
  // The supervisor, who settles "needs attention" without asking anyone.
  const tablet = await openTablet(browser, registry, registry.demoStaff('supervisor'), TABLET_SIZE);
  const [handedOverOffline, stillOnShelf] = (await registry.readyCards(2, 8)) as [Card, Card];
  const page = tablet.counter.page;

  await tablet.context.setOffline(true);
  await registry.revoke(handedOverOffline.cardId);
  await registry.revoke(stillOnShelf.cardId);
  // Offline, the tablet does not know yet: the clerk hands the first card over.
  await tablet.counter.findCard(handedOverOffline);
  await tablet.counter.handOverOpenCard();
  await expect(page.getByText('۱ در انتظار')).toBeVisible();
  await expect(page.getByText('بدون اتصال', { exact: true })).toBeVisible({ timeout: 30_000 });

  await tablet.context.setOffline(false);
  await tablet.counter.syncNow();
  const attentionLink = page.getByRole('link', { name: 'نیازمند رسیدگی: ۱', exact: true });
  await expect(attentionLink).toBeVisible({ timeout: 30_000 });

  // The card still on the shelf is now refused at the counter.
  await tablet.counter.findCard(stillOnShelf);
  await expect(page.getByText(/این کارت باطل شده است و نباید تحویل داده شود/)).toBeVisible();
  await expect(tablet.counter.recordButton()).toHaveCount(0);

  await attentionLink.click();
  const entry = page.getByRole('listitem').filter({ hasText: handedOverOffline.cardId });
  await expect(entry.getByText('پذیرفته نشد: کارت تغییر کرده بود', { exact: true })).toBeVisible();
  await expect(
    entry.getByText(/^سامانه‌ی مرکزی این کارت را باطل کرده است و نباید تحویل شود\./),
  ).toBeVisible();
  await expect(entry.getByText(/revoked/i)).toHaveCount(0);
  await expect(entry.getByText('باطل شده', { exact: true })).toBeVisible();
  expect(await eventsOf(registry, [handedOverOffline.cardId, stillOnShelf.cardId])).toEqual([]);
  await page.screenshot({ path: 'test-results/screens/attention-fa.png', fullPage: true });
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(
    entry.getByText('Not accepted: the card had changed', { exact: true }),
  ).toBeVisible();
  await expect(
    entry.getByText(/^The registry has revoked this card: it must not be handed over\./),
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/attention-en.png', fullPage: true });
  await page.getByRole('button', { name: 'تغییر زبان به فارسی' }).click();

  // A supervisor settles it; the item leaves the list and the header count goes away.
  await entry.getByLabel('یادداشت سرپرست').fill('کارت از شهروند پس گرفته شد');
  await entry.getByRole('button', { name: 'ابطال این تحویل' }).click();
  await expect(page.getByText('موردی برای رسیدگی نیست.')).toBeVisible();
  await expect(page.getByRole('link', { name: /^نیازمند رسیدگی: / })).toHaveCount(0);
  await tablet.context.close();
});
