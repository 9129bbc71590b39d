// A tablet belongs to one center (issue 11), end to end in Chromium against the real registry:
// a new tablet enrols with the link the registry printed, hands over offline, syncs, and the
// registry holds the event with a signature the tablet's key verifies; a second tablet needs
// its own code; a tablet re-enrolled to another center shows only that center's cards; a
// withdrawn tablet says so, refuses handovers and gives its unsent events as a file.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { CounterPage } from './counter-page.ts';
import { scan } from './axe-scan.ts';
import type { Card, DevicePublicKey, HandoverEvent } from '../../src/protocol/protocol.ts';
import { importDevicePublicKey, verifyEventSignature } from '../../src/domain/event-signature.ts';

/** The tablet's public key as its IndexedDB holds it (the private half cannot be read). */
async function tabletPublicKey(page: Page): Promise<DevicePublicKey> {
  return page.evaluate(
    () =>
      new Promise<DevicePublicKey>((resolve, reject) => {
        const open = indexedDB.open('tahvil');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('settings').objectStore('settings').get('deviceKey');
          read.onsuccess = () => {
            const key = read.result.value as { publicJwk: DevicePublicKey; privateKey: CryptoKey };
            if (key.privateKey.extractable) reject(new Error('the private key is extractable'));
            resolve(key.publicJwk);
          };
          read.onerror = () => reject(read.error);
        };
      }),
  );
}

test('a new tablet enrols with the printed link, hands over offline, syncs, and the registry verifies the signature', async ({
  page,
  context,
  registry,
}) => {
  const counter = new CounterPage(page);
  const [printedLink] = registry.printedEnrolmentLinks();
  expect(printedLink).toMatch(new RegExp(`^${registry.url}/enrol\\?code=\\d{12}$`));
  await counter.setUp(printedLink!, registry.demoStaff('clerk'));
  const [card] = (await registry.readyCards(1, 3)) as [Card];

  await context.setOffline(true);
  await counter.findCard(card);
  await counter.handOverOpenCard();
  await expect(page.getByText('بدون اتصال', { exact: true })).toBeVisible({ timeout: 30_000 });
  await context.setOffline(false);
  await counter.syncNow();
  await expect
    .poll(async () => (await registry.acceptedEvents()).filter((e) => e.cardId === card.cardId))
    .toHaveLength(1);

  const [event] = (await registry.acceptedEvents()).filter(
    (accepted) => accepted.cardId === card.cardId,
  ) as [HandoverEvent];
  const [device] = await registry.devices();
  expect(event.deviceId).toBe(device?.deviceId);
  expect(event.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
  const publicKey = await importDevicePublicKey(await tabletPublicKey(page));
  expect(await verifyEventSignature(event, publicKey)).toBe(true);
  expect(await verifyEventSignature({ ...event, staffId: 'S-99' }, publicKey)).toBe(false);
});

test('a second tablet needs a code of its own: the first one’s is spent', async ({
  browser,
  page,
  registry,
}) => {
  const first = new CounterPage(page);
  const [printedLink] = registry.printedEnrolmentLinks();
  await first.enrol(printedLink!);

  const secondContext = await browser.newContext({ locale: 'fa-IR', timezoneId: 'Asia/Tehran' });
  const second = new CounterPage(await secondContext.newPage());
  await second.page.goto(printedLink!);
  await second.page.getByRole('button', { name: 'ثبت دستگاه' }).click();
  await expect(second.page.getByRole('alert')).toHaveText(
    'این کد پیش‌تر به کار رفته است؛ هر کد فقط یک بار کار می‌کند. از مدیر سامانه کد تازه بخواهید.',
  );
  await second.enrol(await registry.enrolmentLink());
  const devices = await registry.devices();
  expect(devices).toHaveLength(2);
  expect(new Set(devices.map((device) => device.deviceId)).size).toBe(2);
  expect(devices.every((device) => device.status === 'active')).toBe(true);
  await secondContext.close();
});

test('a tablet re-enrolled to another center shows only that center’s cards', async ({
  page,
  registry,
}) => {
  // Center AUD-1, with two cards of its own.
  await registry.putCenter('AUD-1', { name: 'مرکز آزمایشی ۱' });
  await registry.loadCards('AUD-1', [{ cardId: 'A-0000001' }, { cardId: 'A-0000002' }]);
  // AUD-1's own supervisor, on its roster.
  const audSupervisor = { staffId: 'A-201', name: 'پروین اعتصامی', pin: '4826' };
  await registry.addStaff({ ...audSupervisor, role: 'supervisor' }, 'AUD-1');
  const counter = new CounterPage(page);
  // Enrolling anew is a supervisor's decision: DEMO-01's supervisor is signed in.
  const supervisor = registry.demoStaff('supervisor');
  await counter.setUp(await registry.enrolmentLink('DEMO-01'), supervisor);
  const [demoCard] = (await registry.readyCards(1)) as [Card];
  await expect(page.getByText('همگام', { exact: true })).toBeVisible({ timeout: 30_000 });

  await page.goto(await registry.enrolmentLink('AUD-1'));
  await counter.unlock(supervisor.pin);
  await expect(page.getByText(/این دستگاه اکنون در «.*» ثبت است/)).toBeVisible();
  await page.getByRole('button', { name: 'ثبت دستگاه' }).click();
  // The new center's roster only: DEMO-01's staff are gone with its cards.
  await expect(page.getByRole('button', { name: new RegExp(supervisor.name) })).toHaveCount(0);
  await counter.signIn(audSupervisor);
  await expect
    .poll(async () => (await page.getByTestId('count-ready').textContent()) ?? '', {
      timeout: 30_000,
    })
    .toMatch(/^[۲2]$/);
  await counter.search(demoCard.nationalCode);
  await expect(page.getByText('کارتی با این مشخصات در موجودی این مرکز نیست.')).toBeVisible();
  await page.getByRole('link', { name: 'تنظیمات' }).click();
  await expect(page.getByText(/مرکز آزمایشی ۱ \(.*AUD-1.*\)/)).toBeVisible();
});

test('a withdrawn tablet says so, refuses handovers, and gives its unsent events as a file', async ({
  page,
  context,
  registry,
}) => {
  const counter = new CounterPage(page);
  // The supervisor: leaving the center at the end is theirs.
  const supervisor = registry.demoStaff('supervisor');
  await counter.setUp(await registry.enrolmentLink(), supervisor);
  const [sent, kept, refused] = (await registry.readyCards(3, 5)) as [Card, Card, Card];
  await counter.findCard(sent);
  await counter.handOverOpenCard();
  await expect.poll(async () => (await registry.acceptedEvents()).length).toBe(1);

  // Offline, a handover waits on the tablet; meanwhile the registry's staff withdraw it.
  await context.setOffline(true);
  await counter.findCard(kept);
  await counter.handOverOpenCard();
  const [device] = await registry.devices();
  await registry.withdraw(device!.deviceId);
  await context.setOffline(false);
  await counter.syncNow();
  await expect(
    page.getByRole('heading', { name: 'سامانه‌ی مرکزی این دستگاه را کنار گذاشته است' }),
  ).toBeVisible({ timeout: 30_000 });
  expect(await registry.acceptedEvents()).toHaveLength(1);

  // No new handover: the card page says so where the form would be, and the form's old address
  // (a bookmark) shows no form either (the command itself refuses too: src/db/handovers.test.ts).
  await counter.findCard(refused);
  await expect(counter.recordButton()).toHaveCount(0);
  await expect(
    page.getByText('سامانه‌ی مرکزی این دستگاه را کنار گذاشته است؛ ثبت تحویل تازه ممکن نیست.'),
  ).toBeVisible();
  await page.goto(`${registry.url}/cards/${refused.cardId}/handover`);
  await counter.unlock(supervisor.pin);
  await expect(
    page.getByText('سامانه‌ی مرکزی این دستگاه را کنار گذاشته است؛ ثبت تحویل تازه ممکن نیست.'),
  ).toBeVisible();
  await expect(counter.recordButton()).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/withdrawn-handover-fa.png', fullPage: true });

  // The unsent handover, as a file for the office, signed.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'ذخیره‌ی فایل رویدادهای ارسال‌نشده' }).first().click();
  const savedPath = (await (await download).path())!;
  const file = JSON.parse(readFileSync(savedPath, 'utf8')) as {
    format: string;
    publicKey: DevicePublicKey;
    events: Array<{ syncState: string; event: HandoverEvent }>;
  };
  expect(file.format).toBe('tahvil-unsent-events');
  expect(file.events.map((entry) => [entry.event.cardId, entry.syncState])).toEqual([
    [kept.cardId, 'pending'],
  ]);
  const publicKey = await importDevicePublicKey(file.publicKey);
  expect(await verifyEventSignature(file.events[0]!.event, publicKey)).toBe(true);
  // The saved file is read back before the tablet may leave: then leaving erases the center.
  await page.getByLabel('انتخاب فایل ذخیره‌شده برای بررسی').first().setInputFiles(savedPath);
  await expect(page.getByText(/فایل همه‌ی .* رویداد ارسال‌نشده را دارد/).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/withdrawn-fa.png', fullPage: true });
  await scan(page, 'withdrawn tablet, file read back [fa]');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(
    page.getByRole('heading', { name: 'The registry has withdrawn this tablet' }),
  ).toBeVisible();
  await scan(page, 'withdrawn tablet [en]');
  await page.screenshot({ path: 'test-results/screens/withdrawn-en.png', fullPage: true });
  await page.getByRole('button', { name: 'تغییر زبان به فارسی' }).click();
  await page.getByRole('link', { name: 'تنظیمات' }).click();
  await page.getByRole('button', { name: 'ترک این مرکز' }).click();
  await page.getByRole('button', { name: 'برای ترک مرکز دوباره بزنید' }).click();
  await expect(page.getByRole('heading', { name: 'ثبت این دستگاه در یک مرکز' })).toBeVisible();
  expect(await registry.acceptedEvents()).toHaveLength(1);
});
