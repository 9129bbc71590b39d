import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from './render-app.tsx';
import { createCard, holderHandover } from '../factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../factories/context.ts';
import { FIXED_NOW_ISO } from '../factories/time.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';
import { readSettings } from '../../src/db/settings.ts';
import { TEST_SUPERVISOR } from '../factories/staff.ts';

const zahra = () =>
  createCard({
    cardId: 'C-0000101',
    nationalCode: '0012345679',
    firstName: 'زهرا',
    lastName: 'محمدی',
    box: 'B-017',
  });
const ali = () =>
  createCard({
    cardId: 'C-0000102',
    nationalCode: '1234567891',
    firstName: 'علی',
    lastName: 'کریمی',
    fatherName: 'حسین',
  });
const arabicSpelled = () =>
  createCard({
    cardId: 'C-0000103',
    nationalCode: '2719000000',
    firstName: 'علي',
    lastName: 'كاظمي',
  });
const revoked = () =>
  createCard({
    cardId: 'C-0000104',
    nationalCode: '4445556661',
    firstName: 'رضا',
    lastName: 'رضایی',
    status: 'revoked',
  });

const toArabicIndic = (digits: string) =>
  digits.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));

async function search(text: string) {
  const user = userEvent.setup();
  const box = await screen.findByRole('searchbox', { name: 'کد ملی، کد رهگیری یا نام' });
  await user.clear(box);
  await user.type(box, text);
  return user;
}

async function resultNames(): Promise<string[]> {
  const list = await screen.findByRole('list');
  return within(list)
    .getAllByRole('link')
    .map((link) => link.querySelector('.result-name')?.textContent ?? '');
}

describe('search', () => {
  it.each([
    ['ASCII digits', '0012345679'],
    ['Persian digits', toPersianDigits('0012345679')],
    ['Arabic-Indic digits', toArabicIndic('0012345679')],
  ])('finds a card by national code typed in %s', async (_script, typed) => {
    await renderApp({ cards: [zahra(), ali()] });
    await search(typed);
    expect(await resultNames()).toEqual(['زهرا محمدی']);
  });

  it('finds an Arabic-spelled stored name when Persian Yeh and Kaf are typed', async () => {
    await renderApp({ cards: [zahra(), ali(), arabicSpelled()] });
    await search('کاظمی');
    expect(await resultNames()).toEqual(['علي كاظمي']);
  });

  it('finds a Persian-spelled stored name when Arabic Yeh and Kaf are typed', async () => {
    await renderApp({ cards: [zahra(), ali()] });
    await search('علي كريمي');
    expect(await resultNames()).toEqual(['علی کریمی']);
  });

  it('finds a name by word prefixes in either order', async () => {
    await renderApp({
      cards: [zahra(), ali(), createCard({ firstName: 'زهره', lastName: 'کریمی' })],
    });
    await search('کری زهر');
    expect(await resultNames()).toEqual(['زهره کریمی']);
  });

  it('shows holder details in each result', async () => {
    await renderApp({ cards: [ali()] });
    await search('علی');
    const result = await screen.findByRole('link', { name: /علی کریمی/ });
    expect(result).toHaveTextContent('نام پدر: حسین');
    expect(result).toHaveTextContent(`کد ملی: ${toPersianDigits('1234567891')}`);
    expect(result).toHaveTextContent('آماده‌ی تحویل');
  });

  it('keeps shown results live when a card is handed over in another tab', async () => {
    const { db } = await renderApp({ cards: [zahra()] });
    await search('زهرا');
    const result = await screen.findByRole('link', { name: /زهرا محمدی/ });
    expect(result).toHaveTextContent('آماده‌ی تحویل');
    // The other tab is the same tablet: the same member signed in (the shift is in the settings).
    await recordHandover(db, holderHandover(zahra()), testCommandContext());
    await waitFor(() =>
      expect(screen.getByRole('link', { name: /زهرا محمدی/ })).toHaveTextContent('تحویل شده'),
    );
  });

  it('explains why an invalid national code finds nothing', async () => {
    await renderApp({ cards: [zahra()] });
    await search('0012345678');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'رقم کنترل با بقیه‌ی ارقام نمی‌خواند',
    );
  });

  it('opens the card when a scanner types a code and Enter', async () => {
    await renderApp({ cards: [zahra(), ali()] });
    await search('1234567891{Enter}');
    expect(
      await screen.findByRole('heading', { level: 1, name: 'کارت علی کریمی' }),
    ).toBeInTheDocument();
  });

  it('renders a name containing markup as plain text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { container } = await renderApp({
      cards: [createCard({ nationalCode: '3612345672', firstName: hostile, lastName: 'تست' })],
    });
    await search('3612345672');
    expect(await screen.findByRole('link', { name: new RegExp('onerror') })).toHaveTextContent(
      `${hostile} تست`,
    );
    expect(container.querySelector('img[src="x"]')).toBeNull();
  });
});

async function tickAllChecks(user: ReturnType<typeof userEvent.setup>) {
  for (const label of [
    'هویت گیرنده با چهره و مدرک شناسایی تطبیق داده شد',
    'شناسنامه‌ی دارنده دیده شد',
    'هزینه دریافت شد',
    'تأیید زیست‌سنجی (اثر انگشت) در سامانه‌ی رسمی انجام شد',
  ]) {
    await user.click(await screen.findByRole('checkbox', { name: label }));
  }
}

describe('handover', () => {
  it('enables confirm only when every check is done, then records the handover', async () => {
    const { db } = await renderApp({ cards: [zahra()], route: '/cards/C-0000101/handover' });
    const user = userEvent.setup();
    const confirm = await screen.findByRole('button', { name: 'ثبت تحویل' });
    expect(confirm).toBeDisabled();
    // The disabled button says what it still waits for.
    expect(confirm).toHaveAccessibleDescription(
      'برای ثبت مانده است: ۴ بررسی، وضعیت کارت ملی قدیمی',
    );
    await user.click(screen.getByRole('checkbox', { name: 'هزینه دریافت شد' }));
    expect(confirm).toHaveAccessibleDescription(
      'برای ثبت مانده است: ۳ بررسی، وضعیت کارت ملی قدیمی',
    );
    await user.click(screen.getByRole('checkbox', { name: 'هزینه دریافت شد' }));
    await tickAllChecks(user);
    expect(confirm).toBeDisabled();
    expect(confirm).toHaveAccessibleDescription('برای ثبت مانده است: وضعیت کارت ملی قدیمی');
    await user.click(screen.getByRole('radio', { name: 'تحویل گرفته شد' }));
    expect(confirm).toBeEnabled();
    expect(confirm).toHaveAccessibleDescription('همه‌ی بررسی‌ها انجام شده است؛ تحویل را ثبت کنید.');
    await user.click(confirm);

    // Straight back to a focused search, with who received the card and from which box.
    expect(await screen.findByText('تحویل ثبت و ذخیره شد.')).toBeInTheDocument();
    expect(
      screen.getByText('کارت زهرا محمدی ساعت ۱۰:۳۱ به زهرا محمدی (دارنده) تحویل داده شد.'),
    ).toBeInTheDocument();
    expect(screen.getByText('B-۰۱۷')).toBeInTheDocument();
    expect(screen.getByRole('searchbox')).toHaveFocus();
    expect(screen.getByRole('link', { name: 'چاپ رسید' })).toBeInTheDocument();
    const events = await db.events.toArray();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'handover',
      cardId: 'C-0000101',
      staffId: 'S-07',
      syncState: 'pending',
      dayKey: '1405-09-04',
      event: {
        recipient: { kind: 'holder', nationalCode: '0012345679' },
        checks: {
          identityVerified: true,
          birthCertificateSeen: true,
          oldCard: 'collected',
          feeCollected: true,
          biometricConfirmed: true,
        },
        occurredAt: FIXED_NOW_ISO,
        deviceId: TEST_DEVICE_ID,
      },
    });
    expect((await db.cards.get('C-0000101'))?.status).toBe('handed_over');
  });

  it('gives way to the card as it now is when another tab hands it over while the form is open', async () => {
    const { db } = await renderApp({ cards: [zahra()], route: '/cards/C-0000101/handover' });
    const user = userEvent.setup();
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'کارت اول است (کارت قبلی ندارد)' }));
    // Another tab of the same counter (the same member signed in) hands the card over while
    // this form is open.
    await recordHandover(
      db,
      holderHandover(zahra()),
      testCommandContext({ makeEventId: () => 'other-tab-event' }),
    );
    expect(
      await screen.findByText(/همین الان \(ساعت .*\) به زهرا محمدی \(دارنده\) تحویل داده شد/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'ثبت تحویل' })).toBeNull();
    expect(await db.events.count()).toBe(1);
  });

  it('refuses a second handover in the storage command itself', async () => {
    const { db } = await renderApp({ cards: [zahra()] });
    const input = holderHandover(zahra());
    await recordHandover(db, input, testCommandContext({ makeEventId: () => 'first' }));
    await expect(
      recordHandover(db, input, testCommandContext({ makeEventId: () => 'second' })),
    ).rejects.toMatchObject({ refusal: 'card-handed-over' });
    expect((await db.events.toArray()).map((record) => record.eventId)).toEqual(['first']);
  });

  it('refuses the handover form for a card already handed over', async () => {
    await renderApp({
      cards: [createCard({ cardId: 'C-0000105', status: 'handed_over' })],
      route: '/cards/C-0000105/handover',
    });
    expect(await screen.findByText('این کارت قبلاً تحویل داده شده است.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'ثبت تحویل' })).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
  });

  it('refuses a revoked card and says why', async () => {
    const { db } = await renderApp({ cards: [revoked()], route: '/cards/C-0000104' });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'این کارت باطل شده است و نباید تحویل داده شود.',
    );
    expect(screen.queryByRole('button', { name: 'ثبت تحویل' })).toBeNull();
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(await db.events.count()).toBe(0);
  });

  it('offers proxy pickup only when the center allows it, and validates the proxy code', async () => {
    const { unmount } = await renderApp({
      cards: [zahra()],
      route: '/cards/C-0000101/handover',
      enrolment: { rules: { proxyPickupAllowed: false } },
    });
    await screen.findByRole('button', { name: 'ثبت تحویل' });
    expect(screen.queryByRole('radio', { name: 'وکیل یا نماینده' })).toBeNull();
    unmount();

    const { db } = await renderApp({
      cards: [zahra()],
      route: '/cards/C-0000101/handover',
      enrolment: { rules: { proxyPickupAllowed: true } },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('radio', { name: 'وکیل یا نماینده' }));
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'ارائه نشد' }));
    await user.type(screen.getByRole('textbox', { name: 'کد ملی نماینده' }), '1234567890');
    expect(screen.getByRole('alert')).toHaveTextContent('این کد ملی معتبر نیست');
    await user.type(
      screen.getByRole('textbox', { name: 'نام و نام خانوادگی نماینده' }),
      'حسن محمدی',
    );
    await user.type(screen.getByRole('textbox', { name: 'نسبت با دارنده‌ی کارت' }), 'پدر');
    await user.type(
      screen.getByRole('textbox', { name: 'شماره‌ی وکالت‌نامه یا مدرک' }),
      'V-1405-88',
    );
    expect(screen.getByRole('button', { name: 'ثبت تحویل' })).toBeDisabled();
    await user.clear(screen.getByRole('textbox', { name: 'کد ملی نماینده' }));
    await user.type(screen.getByRole('textbox', { name: 'کد ملی نماینده' }), '۱۲۳۴۵۶۷۸۹۱');
    await user.click(screen.getByRole('button', { name: 'ثبت تحویل' }));
    await screen.findByText('تحویل ثبت و ذخیره شد.');
    const [record] = await db.events.toArray();
    expect(record?.event).toMatchObject({
      recipient: {
        kind: 'proxy',
        nationalCode: '1234567891',
        fullName: 'حسن محمدی',
        relation: 'پدر',
        documentRef: 'V-1405-88',
      },
      checks: { oldCard: 'not_presented' },
    });
  });
});

describe('storage failures', () => {
  it('says the disk is full, records nothing, and keeps what was saved before', async () => {
    const { db } = await renderApp({ cards: [zahra(), ali()], route: '/cards/C-0000101/handover' });
    const user = userEvent.setup();
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'تحویل گرفته شد' }));
    const before = await db.cards.toArray();
    db.events.hook('creating', () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await user.click(screen.getByRole('button', { name: 'ثبت تحویل' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'فضای ذخیره‌سازی دستگاه پر است؛ چیزی ثبت نشد.',
    );
    expect(await db.events.count()).toBe(0);
    expect(await db.cards.toArray()).toEqual(before);
    expect(screen.getByRole('button', { name: 'ثبت تحویل' })).toBeEnabled();
  });
});

describe('void', () => {
  it('returns the card to ready and keeps both events', async () => {
    const { db } = await renderApp({ cards: [zahra()], route: '/cards/C-0000101/handover' });
    const user = userEvent.setup();
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'تحویل گرفته شد' }));
    await user.click(screen.getByRole('button', { name: 'ثبت تحویل' }));
    await screen.findByText('تحویل ثبت و ذخیره شد.');
    await user.click(screen.getByRole('link', { name: 'دیدن کارت' }));
    expect(
      await screen.findByText(/همین الان \(ساعت ۱۰:۳۱\) به زهرا محمدی \(دارنده\) تحویل داده شد/),
    ).toBeInTheDocument();
    // Voiding is behind a button of its own, not a form left open under "saved".
    expect(screen.queryByRole('textbox', { name: 'دلیل ابطال' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'ابطال این تحویل' }));

    const voidButton = await screen.findByRole('button', { name: 'ابطال تحویل' });
    expect(voidButton).toBeDisabled();
    await user.type(screen.getByRole('textbox', { name: 'دلیل ابطال' }), 'کارت اشتباه انتخاب شد');
    await user.click(voidButton);

    expect(
      await screen.findByText('ابطال تحویل ثبت شد؛ کارت دوباره آماده‌ی تحویل است.'),
    ).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'ثبت تحویل' })).toBeInTheDocument();
    const events = await db.events.orderBy('seq').toArray();
    expect(events.map((record) => record.type)).toEqual(['handover', 'handover_void']);
    expect(events[0]?.voidedByEventId).toBe(events[1]?.eventId);
    expect(events[1]?.event).toMatchObject({
      handoverEventId: events[0]?.eventId,
      reason: 'کارت اشتباه انتخاب شد',
    });
    expect((await db.cards.get('C-0000101'))?.status).toBe('ready');
  });
});

describe('today and shift', () => {
  it("lists today's handovers newest first with time and clerk", async () => {
    const { db } = await renderApp({ cards: [zahra(), ali()], route: '/cards/C-0000101/handover' });
    const user = userEvent.setup();
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'تحویل گرفته شد' }));
    await user.click(screen.getByRole('button', { name: 'ثبت تحویل' }));
    await screen.findByText('تحویل ثبت و ذخیره شد.');
    // The search box has the focus already: the next code goes straight in.
    await user.keyboard('1234567891{Enter}');
    await screen.findByRole('heading', { name: 'کارت علی کریمی' });
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'کارت اول است (کارت قبلی ندارد)' }));
    await user.click(screen.getByRole('button', { name: 'ثبت تحویل' }));
    await screen.findByText('تحویل ثبت و ذخیره شد.');

    await user.click(screen.getByRole('link', { name: 'تحویل‌های امروز' }));
    expect(
      await screen.findByRole('heading', { name: 'تحویل‌های امروز، ۴ آذر ۱۴۰۵' }),
    ).toBeInTheDocument();
    const rows = within(await screen.findByRole('table'))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((row) => within(row).getByRole('link').textContent)).toEqual([
      'علی کریمی',
      'زهرا محمدی',
    ]);
    expect(rows[0]).toHaveTextContent('۱۰:۳۱');
    expect(rows[0]).toHaveTextContent('مریم احمدی');
    expect(await db.events.count()).toBe(2);
  });

  it('switches to English and keeps the choice', async () => {
    const { db } = await renderApp({ cards: [zahra()] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Switch to English' }));
    expect(
      await screen.findByRole('searchbox', { name: 'National code, tracking code or name' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(document.documentElement.dir).toBe('ltr'));
    expect((await db.settings.get('language'))?.value).toBe('en');
  });
});

/** A USB scanner: the whole code and Enter at once, to whatever has the focus. */
function scanWithUsbScanner(text: string) {
  for (const key of [...text, 'Enter'])
    fireEvent.keyDown(document.activeElement ?? document.body, { key });
}

describe('a scan from anywhere', () => {
  it('opens the card whose code a scan into the search box holds inside a longer payload', async () => {
    await renderApp({ cards: [zahra(), ali()] });
    await search('NID=1234567891;NAME=ALI{Enter}');
    expect(await screen.findByRole('heading', { name: 'کارت علی کریمی' })).toBeInTheDocument();
  });

  it('puts the code of a payload that names no card in the box, with its results', async () => {
    await renderApp({ cards: [zahra(), ali()] });
    await search('https://id.example/v2?nid=9990001111{Enter}');
    expect(await screen.findByRole('searchbox')).toHaveValue('9990001111');
    expect(
      await screen.findByText('کارتی با این مشخصات در موجودی این مرکز نیست.'),
    ).toBeInTheDocument();
  });

  it('opens the scanned card from the page of a card just handed over', async () => {
    await renderApp({
      cards: [zahra(), ali()],
      route: '/cards/C-0000101',
      before: (db) => recordHandover(db, holderHandover(zahra()), testCommandContext()),
    });
    await screen.findByText(/همین الان/);
    scanWithUsbScanner('۱۲۳۴۵۶۷۸۹۱');
    expect(await screen.findByRole('heading', { name: 'کارت علی کریمی' })).toBeInTheDocument();
    // A document's barcode holds more than the code: the code inside it is what opens the card.
    scanWithUsbScanner('NID=0012345679;NAME=ZAHRA;ISSUED=1403-09-22');
    expect(await screen.findByRole('heading', { name: 'کارت زهرا محمدی' })).toBeInTheDocument();
  });

  it('asks before leaving a half-ticked form, and its Enter presses nothing', async () => {
    const { db } = await renderApp({ cards: [zahra(), ali()], route: '/cards/C-0000102' });
    const user = userEvent.setup();
    await tickAllChecks(user);
    await user.click(screen.getByRole('radio', { name: 'تحویل گرفته شد' }));
    // The record button has the focus, ready: the scan's Enter must not press it.
    screen.getByRole('button', { name: 'ثبت تحویل' }).focus();
    scanWithUsbScanner('0012345679');
    const question = await screen.findByRole('alertdialog', { name: 'کارت دیگری اسکن شد' });
    expect(await db.events.count()).toBe(0);
    await user.click(within(question).getByRole('button', { name: 'ماندن در همین فرم' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('heading', { name: 'کارت علی کریمی' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'تحویل گرفته شد' })).toBeChecked();

    scanWithUsbScanner('0012345679');
    await user.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', {
        name: 'باز کردن کارت اسکن‌شده',
      }),
    );
    expect(await screen.findByRole('heading', { name: 'کارت زهرا محمدی' })).toBeInTheDocument();
    expect(await db.events.count()).toBe(0);
  });

  it('leaves an untouched form without asking, and shows a code that names no card in search', async () => {
    await renderApp({ cards: [zahra(), ali()], route: '/cards/C-0000102' });
    await screen.findByRole('button', { name: 'ثبت تحویل' });
    scanWithUsbScanner('0012345679');
    expect(await screen.findByRole('heading', { name: 'کارت زهرا محمدی' })).toBeInTheDocument();
    expect(screen.queryByRole('alertdialog')).toBeNull();

    scanWithUsbScanner('9990001111');
    expect(await screen.findByRole('searchbox')).toHaveValue('9990001111');
    expect(
      await screen.findByText('کارتی با این مشخصات در موجودی این مرکز نیست.'),
    ).toBeInTheDocument();
  });

  it('leaves a scan typed into a text field to that field', async () => {
    await renderApp({
      cards: [zahra(), ali()],
      route: '/cards/C-0000102',
      enrolment: { rules: { proxyPickupAllowed: true } },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('radio', { name: 'وکیل یا نماینده' }));
    const proxyCode = screen.getByRole('textbox', { name: 'کد ملی نماینده' });
    proxyCode.focus();
    scanWithUsbScanner('0012345679');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('heading', { name: 'کارت علی کریمی' })).toBeInTheDocument();
  });
});

describe('the saved signal', () => {
  it('is a setting of the tablet: the tone can be turned off', async () => {
    const { db } = await renderApp({ signedIn: TEST_SUPERVISOR, route: '/settings' });
    const user = userEvent.setup();
    const tone = await screen.findByRole('checkbox', { name: 'پخش صدای کوتاه پس از ثبت هر تحویل' });
    expect(tone).toBeChecked();
    await user.click(tone);
    await waitFor(async () => expect((await readSettings(db)).savedSound).toBe(false));
  });
});
