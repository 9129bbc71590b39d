// Staff who sign in (issue 12, decision 022), end to end: two tablets of one center, the
// supervisor's PIN set on the registry signing in on both (on one with no network), a clerk's
// handover, the idle lock shortened through the center's rule (with the page's clock run
// forward), unlocking with the open form as it was, a void of another clerk's handover approved
// by the supervisor in the dialog, and the registry holding each event once with its staff and
// approver. Screenshots of sign-in, the keypad, the lock and the approval dialog, in both
// languages and both orientations, each scanned with axe.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { persianDigits } from './counter-page.ts';
import { newTablet, switchLanguage } from './tablets.ts';
import { scan } from './axe-scan.ts';
import type { MockRegistry, StaffSignIn } from './registry.ts';
import type { Card, HandoverVoidEvent } from '../../src/protocol/protocol.ts';

const SUPERVISOR_PIN = '7391';
const SECOND_CLERK: StaffSignIn = { staffId: 'S-102', name: 'نرگس کاظمی', pin: '5823' };
const CHECK_LABELS = [
  'هویت گیرنده با چهره و مدرک شناسایی تطبیق داده شد',
  'شناسنامه‌ی دارنده دیده شد',
];

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

async function eventsOf(registry: MockRegistry, cardId: string) {
  return (await registry.acceptedEvents()).filter((event) => event.cardId === cardId);
}

test('two tablets: offline sign-in, the idle lock, unlocking, and a supervisor-approved void', async ({
  browser,
  registry,
}) => {
  test.setTimeout(180_000);
  const clerk = registry.demoStaff('clerk');
  const supervisor = { ...registry.demoStaff('supervisor'), pin: SUPERVISOR_PIN };
  // The registry's administrator sets the supervisor's PIN and adds a second clerk; the idle
  // lock is shortened to its minimum, a minute, for this center.
  await registry.setStaffPin(supervisor.staffId, SUPERVISOR_PIN);
  await registry.addStaff({ ...SECOND_CLERK, role: 'clerk' });
  await registry.putCenter('DEMO-01', {
    rules: { proxyPickupAllowed: true, idleLockMinutes: 1, detailsRetentionDays: 30 },
  });
  const [first, second] = (await registry.readyCards(2, 20)) as [Card, Card];

  // Tablet B: enrolled online (the roster arrives with its first sync), then the supervisor
  // signs in with no network at all.
  const b = await newTablet(browser, { width: 768, height: 1024 });
  await b.counter.enrol(await registry.enrolmentLink());
  await expect(
    b.page.getByRole('button', {
      name: `${supervisor.name} ${persianDigits(supervisor.staffId)}`,
    }),
  ).toBeVisible({ timeout: 30_000 });
  await b.counter.waitForServiceWorker();
  await b.context.setOffline(true);
  await b.counter.signIn(supervisor);
  await expect(b.page.getByRole('link', { name: 'ورود فهرست' })).toBeVisible();

  // Tablet A: the page's clock is ours to run forward, for the idle lock.
  const a = await newTablet(browser);
  await a.page.clock.install();
  await a.counter.enrol(await registry.enrolmentLink());
  // The supervisor's new PIN works here too, online.
  await a.counter.signIn(supervisor);
  await a.counter.endShift();

  // The second clerk hands the first card over, then ends the shift.
  await a.counter.signIn(SECOND_CLERK);
  await a.counter.waitForInventory(4900);
  // A clerk's menu has no import and no settings.
  await expect(a.page.getByRole('link', { name: 'ورود فهرست' })).toHaveCount(0);
  await expect(a.page.getByRole('link', { name: 'تنظیمات' })).toHaveCount(0);
  await a.counter.findCard(first);
  await a.counter.handOverOpenCard();
  await a.counter.endShift();

  // The demo clerk opens the second card's handover form and ticks two checks; nobody touches
  // the tablet for more than the center's idle minute: it locks, and shows no personal detail.
  await a.counter.signIn(clerk);
  await a.counter.findCard(second);
  for (const label of CHECK_LABELS) await a.page.getByRole('checkbox', { name: label }).check();
  await a.page.clock.fastForward(70_000);
  await expect(a.page.getByRole('heading', { name: 'صفحه قفل است' })).toBeVisible();
  await expect(a.page.getByText(second.lastName)).toHaveCount(0);
  await expect(a.page.getByText(second.nationalCode)).toHaveCount(0);
  await expect(a.page.getByText(persianDigits(second.nationalCode))).toHaveCount(0);
  await expect(a.page.getByRole('link', { name: 'جستجو', exact: true })).toHaveCount(0);
  await expect(a.page.getByText(clerk.name)).toBeVisible();
  await shoot(a.page, 'staff-landscape-fa-lock');
  await scan(a.page, 'lock screen [fa]');
  await switchLanguage(a.page, 'en');
  await expect(a.page.getByRole('heading', { name: 'The screen is locked' })).toBeVisible();
  await shoot(a.page, 'staff-landscape-en-lock');
  await scan(a.page, 'lock screen [en]');
  await switchLanguage(a.page, 'fa');

  // The same clerk unlocks: the form is there, with what was ticked.
  await a.counter.unlock(clerk.pin);
  for (const label of CHECK_LABELS)
    await expect(a.page.getByRole('checkbox', { name: label })).toBeChecked();

  // The clerk voids the second clerk's handover: that needs the supervisor, who approves in the
  // dialog on this screen with their id and PIN.
  await a.counter.findCard(first);
  await a.page.getByRole('button', { name: 'ابطال این تحویل' }).click();
  await a.page.getByRole('textbox', { name: 'دلیل ابطال' }).fill('کارت اشتباه تحویل شد');
  await a.page.getByRole('button', { name: 'ابطال (با تأیید سرپرست)' }).click();
  const dialog = a.page.getByRole('dialog', { name: 'تأیید سرپرست' });
  await expect(dialog).toBeVisible();
  await shoot(a.page, 'staff-landscape-fa-approval');
  await scan(a.page, 'approval dialog [fa]');
  await dialog
    .getByRole('button', { name: `${supervisor.name} ${persianDigits(supervisor.staffId)}` })
    .click();
  await shoot(a.page, 'staff-landscape-fa-approval-pin');
  for (const digit of SUPERVISOR_PIN)
    await dialog.getByRole('button', { name: persianDigits(digit), exact: true }).click();
  await dialog.getByRole('button', { name: 'تأیید', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(
    a.page.getByText('ابطال تحویل ثبت شد؛ کارت دوباره آماده‌ی تحویل است.'),
  ).toBeVisible();
  // The clerk is still the one signed in: nothing else changed hands.
  await expect(a.counter.memberMenu()).toBeVisible();

  // Synced, the registry holds each event once, with its staff and its approver.
  await a.counter.syncNow();
  await expect.poll(async () => (await eventsOf(registry, first.cardId)).length).toBe(2);
  const [handover, voided] = await eventsOf(registry, first.cardId);
  expect(handover).toMatchObject({ type: 'handover', staffId: SECOND_CLERK.staffId });
  expect(handover).not.toHaveProperty('approvedBy');
  expect(voided).toMatchObject({
    type: 'handover_void',
    staffId: clerk.staffId,
    approvedBy: supervisor.staffId,
  } satisfies Partial<HandoverVoidEvent>);
  const cards = await registry.cards();
  expect(cards.find((card) => card.cardId === first.cardId)?.status).toBe('ready');

  // Tablet B, back online, learns of it all; its offline sign-in never needed the registry.
  await b.context.setOffline(false);
  await b.counter.syncNow();
  await b.context.close();
  await a.context.close();
});

for (const viewport of [
  { name: 'portrait', width: 768, height: 1024 },
  { name: 'landscape', width: 1280, height: 800 },
]) {
  test(`sign-in and the keypad in Persian and English, ${viewport.name}`, async ({
    browser,
    registry,
  }) => {
    const clerk = registry.demoStaff('clerk');
    const tablet = await newTablet(browser, viewport);
    await tablet.counter.enrol(await registry.enrolmentLink());
    const member = tablet.page.getByRole('button', {
      name: `${clerk.name} ${persianDigits(clerk.staffId)}`,
    });
    await expect(member).toBeVisible({ timeout: 30_000 });
    for (const language of ['fa', 'en'] as const) {
      if (language === 'en') await switchLanguage(tablet.page, 'en');
      await shoot(tablet.page, `staff-${viewport.name}-${language}-sign-in`);
      await scan(tablet.page, `sign-in ${viewport.name} [${language}]`);
    }
    await switchLanguage(tablet.page, 'fa');
    await member.click();
    // A wrong PIN says how many tries are left; the keypad is the screen to look at.
    await tablet.counter.typePin('1111');
    await expect(tablet.page.getByRole('alert')).toContainText('۴');
    for (const language of ['fa', 'en'] as const) {
      if (language === 'en') await switchLanguage(tablet.page, 'en');
      await shoot(tablet.page, `staff-${viewport.name}-${language}-keypad`);
      await scan(tablet.page, `keypad ${viewport.name} [${language}]`);
    }
    await switchLanguage(tablet.page, 'fa');
    // Four more wrong PINs lock the clerk out on this tablet, with a countdown; the supervisor
    // clears it in the approval dialog.
    for (let attempt = 0; attempt < 4; attempt++) await tablet.counter.typePin('1111');
    await expect(tablet.page.getByText(/زمان باقی‌مانده: ۰?۰?:?[۰-۹]+:[۰-۹]{2}/)).toBeVisible();
    for (const language of ['fa', 'en'] as const) {
      if (language === 'en') await switchLanguage(tablet.page, 'en');
      const words =
        language === 'fa'
          ? { clear: 'باز کردن با تأیید سرپرست', title: 'تأیید سرپرست', cancel: 'انصراف' }
          : {
              clear: 'A supervisor clears the lockout',
              title: "Supervisor's approval",
              cancel: 'Cancel',
            };
      await tablet.page.getByRole('button', { name: words.clear }).click();
      const dialog = tablet.page.getByRole('dialog', { name: words.title });
      await expect(dialog).toBeVisible();
      await shoot(tablet.page, `staff-${viewport.name}-${language}-approval`);
      await scan(tablet.page, `approval dialog ${viewport.name} [${language}]`);
      if (language === 'fa') await dialog.getByRole('button', { name: words.cancel }).click();
    }
    const supervisor = registry.demoStaff('supervisor');
    const dialog = tablet.page.getByRole('dialog', { name: "Supervisor's approval" });
    await dialog.getByRole('button', { name: `${supervisor.name} ${supervisor.staffId}` }).click();
    for (const digit of supervisor.pin)
      await dialog.getByRole('button', { name: digit, exact: true }).click();
    await dialog.getByRole('button', { name: 'OK', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await tablet.counter.typePin(clerk.pin, 'en');
    await expect(
      tablet.page.getByRole('searchbox', { name: 'National code, tracking code or name' }),
    ).toBeVisible();
    await tablet.context.close();
  });
}
