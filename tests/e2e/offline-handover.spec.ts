import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';

test('hands over two cards with the endpoint down and the tablet offline; the registry gets each exactly once', async ({
  page,
  context,
  registry,
}) => {
  const counter = new CounterPage(page);
  const cards = await registry.readyCards(4);
  const [first, second] = [cards[0]!, cards[3]!];

  await counter.enrol(await registry.enrolmentLink());
  const clerk = registry.demoStaff('clerk');
  await counter.signIn(clerk);
  // The demo inventory holds 5,000 cards, a few of them revoked or returned.
  await counter.waitForInventory(4900);
  await expect(page.getByText('همگام', { exact: true })).toBeVisible();
  await counter.waitForServiceWorker();

  await registry.stop();
  await context.setOffline(true);

  // First card by national code typed in Persian digits, second by name.
  await counter.search(toPersianDigits(first.nationalCode));
  await counter.openResult(new RegExp(`${first.firstName} ${first.lastName}`));
  await counter.handOverOpenCard('تحویل گرفته شد');

  await counter.search(`${second.lastName} ${second.firstName}`);
  await page
    .getByRole('link')
    .filter({ hasText: toPersianDigits(second.nationalCode) })
    .click();
  await counter.handOverOpenCard('کارت اول است (کارت قبلی ندارد)');

  // A reload starts locked: the clerk unlocks, and the counter is where it was, at the search box
  // with the last handover's confirmation.
  await page.reload();
  await counter.unlock(clerk.pin);
  await expect(counter.searchBox()).toBeVisible();
  await expect(
    page.getByText(`کارت ${second.firstName} ${second.lastName} ساعت`, { exact: false }),
  ).toBeVisible();
  for (const card of [first, second]) {
    await page.goto(`${registry.url}/cards/${card.cardId}`);
    await counter.unlock(clerk.pin);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      `کارت ${card.firstName} ${card.lastName}`,
    );
    // The clerk's own handover, seen again: a fact, not a warning.
    await expect(
      page.getByText(
        new RegExp(
          `^همین الان .* به ${card.firstName} ${card.lastName} \\(دارنده\\) تحویل داده شد\\.$`,
        ),
      ),
    ).toBeVisible();
    await expect(page.getByText('این کارت قبلاً تحویل داده شده است.')).toHaveCount(0);
  }
  await page.getByRole('link', { name: 'تحویل‌های امروز' }).click();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(3);
  await expect(page.getByText('۲ در انتظار')).toBeVisible();

  await registry.start();
  await context.setOffline(false);
  await counter.syncNow();
  await expect(page.getByText('ارسال شده')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByText(/در انتظار/)).toHaveCount(0);

  const accepted = await registry.acceptedEvents();
  const ours = accepted.filter(
    (event) => event.cardId === first.cardId || event.cardId === second.cardId,
  );
  expect(ours.map((event) => event.cardId).sort()).toEqual([first.cardId, second.cardId].sort());
  expect(new Set(accepted.map((event) => event.eventId)).size).toBe(accepted.length);

  // A second sync replays nothing: the registry still holds each event once.
  await counter.syncNow();
  await expect(page.getByText('همگام', { exact: true })).toBeVisible();
  expect(await registry.acceptedEvents()).toHaveLength(accepted.length);
});
