// Page model of the counter as a clerk uses it: by visible labels, in Persian.
import { expect, type Page } from '@playwright/test';
import type { StaffSignIn } from './registry.ts';

/** Text in the interface's Persian digits, as the screens show ids and PINs. */
export function persianDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) => String.fromCharCode(0x06f0 + Number(digit)));
}

const CHECK_LABELS = [
  'هویت گیرنده با چهره و مدرک شناسایی تطبیق داده شد',
  'شناسنامه‌ی دارنده دیده شد',
  'هزینه دریافت شد',
  'تأیید زیست‌سنجی (اثر انگشت) در سامانه‌ی رسمی انجام شد',
];

export class CounterPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /** Opens an enrolment link on this tablet and enrols: the code is in the link, one tap. */
  async enrol(link: string): Promise<void> {
    await this.page.goto(link);
    await expect(
      this.page.getByRole('heading', { name: 'ثبت این دستگاه در یک مرکز' }),
    ).toBeVisible();
    await this.page.getByRole('button', { name: 'ثبت دستگاه' }).click();
    await expect(this.signInHeading()).toBeVisible({ timeout: 30_000 });
  }

  signInHeading() {
    return this.page.getByRole('heading', { name: 'ورود به نوبت کاری' });
  }

  /** Types `pin` on the on-screen keypad, key by key, and presses OK (in `language`'s words). */
  async typePin(pin: string, language: 'fa' | 'en' = 'fa'): Promise<void> {
    const fa = language === 'fa';
    const keypad = this.page.getByRole('group', { name: fa ? 'صفحه‌کلید رمز' : 'PIN keypad' });
    for (const digit of pin)
      await keypad
        .getByRole('button', { name: fa ? persianDigits(digit) : digit, exact: true })
        .click();
    await keypad.getByRole('button', { name: fa ? 'تأیید' : 'OK', exact: true }).click();
  }

  /**
   * Signs `member` in on the sign-in screen: their name on the roster (which arrives with the
   * first sync), then the PIN on the keypad; the search screen follows.
   */
  async signIn(member: StaffSignIn): Promise<void> {
    await expect(this.signInHeading()).toBeVisible();
    await this.page
      .getByRole('button', { name: `${member.name} ${persianDigits(member.staffId)}` })
      .click({ timeout: 30_000 });
    await this.typePin(member.pin);
    await expect(this.searchBox()).toBeVisible();
  }

  /**
   * Unlocks the lock screen with the signed-in member's PIN: the app starts locked whenever a
   * shift is open (a reload, a link opened), so every page load of a signed-in tablet meets it.
   */
  async unlock(pin: string, language: 'fa' | 'en' = 'fa'): Promise<void> {
    const heading = this.page.getByRole('heading', {
      name: language === 'fa' ? 'صفحه قفل است' : 'The screen is locked',
    });
    await expect(heading).toBeVisible();
    await this.typePin(pin, language);
    await expect(heading).toHaveCount(0);
  }

  /** The signed-in member's header button, which opens "change PIN" and "end shift". */
  memberMenu() {
    return this.page.getByRole('button', { name: /^واردشده:/ });
  }

  async endShift(): Promise<void> {
    await this.memberMenu().click();
    await this.page.getByRole('button', { name: 'پایان نوبت' }).click();
    await expect(this.signInHeading()).toBeVisible();
  }

  searchBox() {
    return this.page.getByRole('searchbox', { name: 'کد ملی، کد رهگیری یا نام' });
  }

  async waitForInventory(minimumCards: number): Promise<void> {
    await expect
      .poll(
        async () =>
          Number(
            ((await this.page.getByTestId('count-ready').textContent()) ?? '')
              .replace(/[^\d۰-۹]/g, '')
              .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)),
          ),
        {
          timeout: 60_000,
        },
      )
      .toBeGreaterThanOrEqual(minimumCards);
  }

  async waitForServiceWorker(): Promise<void> {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('link', { name: 'جستجو', exact: true }).click();
    await this.searchBox().fill(text);
  }

  async openResult(namePattern: RegExp): Promise<void> {
    await this.page.getByRole('link', { name: namePattern }).first().click();
  }

  /**
   * Hands over the ready card whose page is open (its handover form is on it): the four checks,
   * the old card's fate, record; the counter goes back to a focused search.
   */
  async handOverOpenCard(
    oldCard: 'تحویل گرفته شد' | 'ارائه نشد' | 'کارت اول است (کارت قبلی ندارد)' = 'تحویل گرفته شد',
  ): Promise<void> {
    for (const label of CHECK_LABELS)
      await this.page.getByRole('checkbox', { name: label }).check();
    await this.page.getByRole('radio', { name: oldCard }).check();
    await this.page.getByRole('button', { name: 'ثبت تحویل' }).click();
    await expect(this.page.getByText('تحویل ثبت و ذخیره شد.')).toBeVisible();
    await expect(this.searchBox()).toBeFocused();
  }

  /** The record button of a ready card's handover form: absent where nothing may be handed over. */
  recordButton() {
    return this.page.getByRole('button', { name: 'ثبت تحویل' });
  }

  /** Asks for a sync; waits for the button (disabled while a sync runs) so the click is not lost. */
  async syncNow(): Promise<void> {
    const button = this.page.getByRole('button', { name: 'همگام‌سازی' });
    await expect(button).toBeEnabled({ timeout: 30_000 });
    await button.click();
  }

  /** Finds a card by national code and opens it, as a clerk at the counter would. */
  async findCard(card: {
    nationalCode: string;
    firstName: string;
    lastName: string;
  }): Promise<void> {
    await this.search(card.nationalCode);
    await this.openResult(new RegExp(`${card.firstName} ${card.lastName}`));
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText(
      `کارت ${card.firstName} ${card.lastName}`,
    );
  }

  /**
   * Enrols a fresh tablet with the link, signs `member` in and waits for the demo inventory and
   * the service worker.
   */
  async setUp(enrolmentLink: string, member: StaffSignIn): Promise<void> {
    await this.enrol(enrolmentLink);
    await this.signIn(member);
    // The demo inventory holds 5,000 cards, a few of them revoked or returned.
    await this.waitForInventory(4900);
    await this.waitForServiceWorker();
  }
}
