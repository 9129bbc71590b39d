// Signing in, the lock and a supervisor's approval as staff meet them (decision 022): the roster's
// names, a PIN on the keypad or the keyboard checked offline, lockouts counting down, the lock
// screen hiding everything personal, the open handover form kept only for the same member, and
// the menu by role.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { renderApp } from './render-app.tsx';
import { createCard, holderHandover } from '../factories/cards.ts';
import { staffOnShift, testCommandContext } from '../factories/context.ts';
import { signInForTest } from '../factories/database.ts';
import { FIXED_NOW } from '../factories/time.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  type TestStaffMember,
} from '../factories/staff.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { readSettings } from '../../src/db/settings.ts';
import { DEFAULT_CENTER_RULES, type Card } from '../../src/protocol/protocol.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { fa } from '../../src/ui/messages.ts';

// Not the search box's example (زهرا محمدی, ۰۰۱۲۳۴۵۶۷۹): the page must hold no trace of her.
const narges = () =>
  createCard({
    cardId: 'C-0000501',
    nationalCode: '1234567891',
    firstName: 'نرگس',
    lastName: 'صادقی',
  });

/** A clock the test moves by hand. */
function movableClock(start: Date = FIXED_NOW) {
  let nowMs = start.getTime();
  return {
    now: () => new Date(nowMs),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

async function clickPin(user: UserEvent, pin: string, within_: HTMLElement = document.body) {
  for (const digit of pin)
    await user.click(within(within_).getByRole('button', { name: toPersianDigits(digit) }));
  await user.click(within(within_).getByRole('button', { name: fa.pinKeyOk }));
}

async function chooseMember(user: UserEvent, name: string) {
  const list = await screen.findByRole('list', { name: fa.signInRosterLabel });
  await user.click(within(list).getByRole('button', { name: new RegExp(name) }));
}

async function expectSignedIn(db: Awaited<ReturnType<typeof renderApp>>['db'], staffId: string) {
  await waitFor(async () =>
    expect((await readSettings(db)).shift).toMatchObject({ staffId, locked: false }),
  );
}

afterEach(() => vi.useRealTimers());

/**
 * `member`'s handover of `card` at this tablet, made while they were signed in (a command
 * records only as the member signed in), before the test's clerk signs in again.
 */
async function recordAs(db: TahvilDatabase, member: TestStaffMember, card: Card): Promise<void> {
  await signInForTest(db, member);
  await recordHandover(
    db,
    holderHandover(card),
    testCommandContext({ staff: staffOnShift(member) }),
  );
  await signInForTest(db, TEST_CLERK);
}

describe('sign-in', () => {
  it('signs in offline from the roster with the keypad, in Persian digits', async () => {
    const { db } = await renderApp({ signedIn: null });
    const user = userEvent.setup();
    expect(
      await screen.findByRole('heading', { level: 1, name: fa.signInTitle }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).toBeNull();
    const list = screen.getByRole('list', { name: fa.signInRosterLabel });
    expect(within(list).getByRole('button', { name: /مریم احمدی/ })).toHaveTextContent('S-۰۷');

    await chooseMember(user, TEST_CLERK.name);
    expect(
      await screen.findByRole('heading', { name: `رمز ${TEST_CLERK.name}` }),
    ).toBeInTheDocument();
    await clickPin(user, TEST_CLERK.pin);

    expect(await screen.findByRole('searchbox')).toBeInTheDocument();
    await expectSignedIn(db, TEST_CLERK.staffId);
    expect(screen.getByText(/مریم احمدی \(\u2068?S-۰۷/)).toBeInTheDocument();
  });

  it('takes a typed id and a PIN typed on the keyboard in Persian digits, with Enter', async () => {
    const { db } = await renderApp({ signedIn: null });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(fa.signInTypeId), 's-۰۳{Enter}');
    expect(
      await screen.findByRole('heading', { name: `رمز ${TEST_OTHER_CLERK.name}` }),
    ).toBeInTheDocument();
    // The keypad has the focus: the keyboard types into it.
    await user.keyboard(`${toPersianDigits(TEST_OTHER_CLERK.pin)}{Enter}`);
    expect(await screen.findByRole('searchbox')).toBeInTheDocument();
    await expectSignedIn(db, TEST_OTHER_CLERK.staffId);
  });

  it('says an unknown id in words, before any PIN', async () => {
    await renderApp({ signedIn: null });
    const user = userEvent.setup();
    const field = await screen.findByLabelText(fa.signInTypeId);
    // Nothing typed: not an error, so nothing is marked.
    expect(field).not.toHaveAttribute('aria-invalid', 'true');
    await user.type(field, 'S-99{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /^شناسه‌ی «\u2068?S-۹۹\u2069?» در فهرست کارکنان این مرکز نیست\.$/,
    );
    // The field that holds the unknown id is marked, and says why.
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/در فهرست کارکنان این مرکز نیست/);
    await user.type(field, '1');
    expect(field).toHaveAttribute('aria-invalid', 'false');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says a wrong PIN with the tries left, and deletes digits with the key', async () => {
    await renderApp({ signedIn: null });
    const user = userEvent.setup();
    await chooseMember(user, TEST_CLERK.name);
    await user.click(await screen.findByRole('button', { name: '۹' }));
    await user.click(screen.getByRole('button', { name: fa.pinKeyClear }));
    expect(screen.getByText('۰ رقم وارد شده')).toBeInTheDocument();
    await clickPin(user, '1111');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'رمز درست نیست. ۴ بار دیگر می‌توانید امتحان کنید.',
    );
  });

  it('locks a member out after five wrong PINs, counting down until the wait ends by itself', async () => {
    const clock = movableClock();
    await renderApp({ signedIn: null, clock: clock.now });
    const user = userEvent.setup();
    await chooseMember(user, TEST_CLERK.name);
    for (let attempt = 0; attempt < 5; attempt++) {
      await screen.findByRole('button', { name: fa.pinKeyOk });
      await user.keyboard('1111{Enter}');
      await waitFor(() => expect(screen.queryByText(fa.signInChecking)).toBeNull());
    }
    expect(await screen.findByText(fa.signInLockedOut)).toHaveAttribute('role', 'alert');
    expect(screen.getByRole('timer')).toHaveTextContent('زمان باقی‌مانده: ۱:۰۰');

    clock.advance(30_500);
    await waitFor(() =>
      expect(screen.getByRole('timer')).toHaveTextContent('زمان باقی‌مانده: ۰:۳۰'),
    );
    clock.advance(30_000);
    expect(await screen.findByText(fa.signInLockoutEnded)).toBeInTheDocument();
    expect(screen.queryByRole('timer')).toBeNull();
  });

  it('lets a supervisor clear a lockout in the dialog, then the member signs in', async () => {
    const { db } = await renderApp({ signedIn: null });
    const user = userEvent.setup();
    await chooseMember(user, TEST_CLERK.name);
    for (let attempt = 0; attempt < 5; attempt++) {
      await screen.findByRole('button', { name: fa.pinKeyOk });
      await user.keyboard('1111{Enter}');
      await waitFor(() => expect(screen.queryByText(fa.signInChecking)).toBeNull());
    }
    await user.click(await screen.findByRole('button', { name: fa.signInClearLockout }));

    const dialog = await screen.findByRole('dialog', { name: fa.approvalTitle });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveTextContent(`باز کردن ورود ${TEST_CLERK.name}`);
    // Only supervisors are offered.
    expect(within(dialog).queryByRole('button', { name: /مریم احمدی/ })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: /فاطمه نوری/ }));
    await user.keyboard(`${TEST_SUPERVISOR.pin}{Enter}`);

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText(fa.signInLockoutCleared)).toBeInTheDocument();
    await user.keyboard(`${TEST_CLERK.pin}{Enter}`);
    expect(await screen.findByRole('searchbox')).toBeInTheDocument();
    await expectSignedIn(db, TEST_CLERK.staffId);
  });

  it('closes the approval dialog on Escape, and a clerk cannot approve', async () => {
    await renderApp({ route: '/settings' });
    const user = userEvent.setup();
    const open = await screen.findByRole('button', { name: fa.supervisorScreenApprove });
    await user.click(open);
    let dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(fa.approvalTypeId), 'S-03{Enter}');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      /^شناسه‌ی «\u2068?S-۰۳\u2069?» در فهرست سرپرستان فعال این مرکز نیست\.$/,
    );
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(open).toHaveFocus();
    await user.click(open);
    dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('button', { name: /فاطمه نوری/ })).toHaveFocus();
  });
});

describe('the lock', () => {
  it('locks from the header: nothing personal stays in the page, and the same member unlocks where they were', async () => {
    const { db, container } = await renderApp({
      cards: [narges()],
      route: '/cards/C-0000501/handover',
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('checkbox', { name: /هویت/ }));
    await user.click(screen.getByRole('checkbox', { name: /هزینه/ }));
    await user.click(screen.getByRole('radio', { name: 'تحویل گرفته شد' }));

    await user.click(screen.getByRole('button', { name: fa.lockButtonLabel }));
    expect(await screen.findByRole('heading', { name: fa.lockTitle })).toBeInTheDocument();
    expect(screen.getByText(/مریم احمدی \(\u2068?S-۰۷/)).toBeInTheDocument();
    expect(container.innerHTML).not.toContain('نرگس');
    expect(container.innerHTML).not.toContain('1234567891');
    expect(container.innerHTML).not.toContain('۱۲۳۴۵۶۷۸۹۱');
    expect(screen.queryByRole('navigation')).toBeNull();
    // No member menu either: ending the shift is not offered while locked.
    expect(
      screen.queryByRole('button', { name: new RegExp(`^${fa.signedInAsLabel}:`) }),
    ).toBeNull();
    expect(screen.getByRole('button', { name: 'Switch to English' })).toBeInTheDocument();
    expect((await readSettings(db)).shift?.locked).toBe(true);

    await user.keyboard(`${TEST_CLERK.pin}{Enter}`);
    expect(await screen.findByRole('checkbox', { name: /هویت/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /هزینه/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /شناسنامه/ })).not.toBeChecked();
    expect(screen.getByRole('radio', { name: 'تحویل گرفته شد' })).toBeChecked();
  });

  it('drops the open form when someone else signs in, who lands on search', async () => {
    const { db, container } = await renderApp({
      cards: [narges()],
      route: '/cards/C-0000501/handover',
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('checkbox', { name: /هویت/ }));
    await user.click(screen.getByRole('button', { name: fa.lockButtonLabel }));
    await user.click(await screen.findByRole('button', { name: fa.lockSomeoneElse }));
    expect(await screen.findByText(/نوبت مریم احمدی به پایان می‌رسد/)).toBeInTheDocument();
    await chooseMember(user, TEST_OTHER_CLERK.name);
    await user.keyboard(`${TEST_OTHER_CLERK.pin}{Enter}`);

    expect(await screen.findByRole('searchbox')).toBeInTheDocument();
    await expectSignedIn(db, TEST_OTHER_CLERK.staffId);
    expect(container.innerHTML).not.toContain('نرگس');
    await user.type(screen.getByRole('searchbox'), '1234567891{Enter}');
    expect(await screen.findByRole('checkbox', { name: /هویت/ })).not.toBeChecked();
  });

  it('locks by itself after the center’s idle minutes without input, on the 5-second check', async () => {
    const clock = movableClock();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { db, container } = await renderApp({
      cards: [narges()],
      route: '/cards/C-0000501',
      clock: clock.now,
      settings: { rules: { ...DEFAULT_CENTER_RULES, idleLockMinutes: 1 } },
    });
    expect(await screen.findByRole('heading', { name: 'کارت نرگس صادقی' })).toBeInTheDocument();
    clock.advance(55_000);
    vi.advanceTimersByTime(5_000);
    expect((await readSettings(db)).shift?.locked).toBe(false);
    clock.advance(5_000);
    vi.advanceTimersByTime(5_000);
    vi.useRealTimers();
    expect(await screen.findByRole('heading', { name: fa.lockTitle })).toBeInTheDocument();
    expect(container.innerHTML).not.toContain('نرگس');
  });

  it('locks on waking when the idle time passed while the tablet slept', async () => {
    const clock = movableClock();
    await renderApp({
      cards: [narges()],
      route: '/cards/C-0000501',
      clock: clock.now,
      settings: { rules: { ...DEFAULT_CENTER_RULES, idleLockMinutes: 1 } },
    });
    await screen.findByRole('heading', { name: 'کارت نرگس صادقی' });
    clock.advance(10 * 60_000);
    document.dispatchEvent(new Event('visibilitychange'));
    expect(await screen.findByRole('heading', { name: fa.lockTitle })).toBeInTheDocument();
  });

  it('ends the shift from the header: sign-in shows', async () => {
    const { db } = await renderApp();
    const user = userEvent.setup();
    await user.click(
      await screen.findByRole('button', { name: new RegExp(`^${fa.signedInAsLabel}:`) }),
    );
    await user.click(screen.getByRole('button', { name: fa.endShiftButton }));
    expect(await screen.findByRole('heading', { name: fa.signInTitle })).toBeInTheDocument();
    expect((await readSettings(db)).shift).toBeNull();
  });
});

describe('roles', () => {
  it('shows a clerk no import or settings in the menu, and a supervisor both', async () => {
    const clerk = await renderApp();
    let nav = await screen.findByRole('navigation');
    expect(within(nav).getByRole('link', { name: 'جستجو' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'ورود فهرست' })).toBeNull();
    expect(within(nav).queryByRole('link', { name: 'تنظیمات' })).toBeNull();
    clerk.unmount();

    await renderApp({ signedIn: TEST_SUPERVISOR });
    nav = await screen.findByRole('navigation');
    expect(within(nav).getByRole('link', { name: 'ورود فهرست' })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'تنظیمات' })).toBeInTheDocument();
  });

  it('opens a supervisor’s screen for a clerk with a supervisor’s approval, for that visit only', async () => {
    const { db } = await renderApp({ route: '/import' });
    const user = userEvent.setup();
    expect(
      await screen.findByRole('heading', { name: fa.supervisorScreenTitle }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'ورود فهرست کارت‌ها' })).toBeNull();
    await user.click(screen.getByRole('button', { name: fa.supervisorScreenApprove }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /فاطمه نوری/ }));
    await clickPin(user, TEST_SUPERVISOR.pin, dialog);

    expect(await screen.findByText(/با تأیید فاطمه نوری باز شده است/)).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: fa.supervisorScreenTitle })).toBeNull();
    // The clerk is still the one signed in.
    expect((await readSettings(db)).shift?.staffId).toBe(TEST_CLERK.staffId);
  });

  it('voids another clerk’s handover with a supervisor’s approval, both named in the event', async () => {
    const card = narges();
    const { db } = await renderApp({
      cards: [card],
      route: `/cards/${card.cardId}`,
      before: (db) => recordAs(db, TEST_OTHER_CLERK, card),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'ابطال این تحویل' }));
    await user.type(await screen.findByRole('textbox', { name: 'دلیل ابطال' }), 'کارت اشتباه');
    expect(screen.queryByRole('button', { name: 'ابطال تحویل' })).toBeNull();
    await user.click(screen.getByRole('button', { name: fa.voidNeedsSupervisor }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /فاطمه نوری/ }));
    await user.keyboard('1111{Enter}');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('رمز درست نیست');
    await user.keyboard(`${TEST_SUPERVISOR.pin}{Enter}`);

    expect(
      await screen.findByText('ابطال تحویل ثبت شد؛ کارت دوباره آماده‌ی تحویل است.'),
    ).toBeInTheDocument();
    const voidRecord = (await db.events.toArray()).find(
      (record) => record.type === 'handover_void',
    );
    expect(voidRecord?.event.staffId).toBe(TEST_CLERK.staffId);
    expect(voidRecord?.event).toMatchObject({ approvedBy: TEST_SUPERVISOR.staffId });
  });
});

describe('per-staff views', () => {
  it('filters today’s handovers by staff, and shows the member their own count', async () => {
    const ali = createCard({
      cardId: 'C-0000502',
      nationalCode: '4445556661',
      firstName: 'علی',
      lastName: 'کریمی',
    });
    const { db } = await renderApp({
      cards: [narges(), ali],
      route: '/today',
      before: (db) => recordAs(db, TEST_OTHER_CLERK, ali),
    });
    await recordHandover(db, holderHandover(narges()), testCommandContext());
    const user = userEvent.setup();
    expect(await screen.findByText('تحویل‌های امروز شما: ۱')).toBeInTheDocument();
    const table = await screen.findByRole('table');
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));

    await user.selectOptions(
      screen.getByRole('combobox', { name: fa.staffFilterLabel }),
      TEST_OTHER_CLERK.staffId,
    );
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('علی کریمی');
    expect(screen.getByText('تعداد تحویل: ۱')).toBeInTheDocument();
  });
});

describe('changing one’s PIN', () => {
  it('says in words when the registry refuses the current PIN, and when the tablet is offline', async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: 'pin_wrong', message: 'wrong' } }), {
        status: 403,
        headers: { 'Content-Type': 'application/json' },
      }),
    ];
    const sent: string[] = [];
    await renderApp({
      route: '/my-pin',
      fetch: (async (_input: RequestInfo | URL, init?: RequestInit) => {
        sent.push(String(init?.body));
        const answer = answers.shift();
        if (!answer) throw new TypeError('Failed to fetch');
        return answer;
      }) as typeof fetch,
    });
    const user = userEvent.setup();
    const fill = async (current: string, next: string, again: string) => {
      await user.type(screen.getByLabelText(fa.myPinCurrent), current);
      await user.type(screen.getByLabelText(fa.myPinNew), next);
      await user.type(screen.getByLabelText(fa.myPinRepeat), again);
      await user.click(screen.getByRole('button', { name: fa.myPinSave }));
    };
    expect(await screen.findByRole('heading', { name: fa.myPinTitle })).toBeInTheDocument();
    await fill('1111', '5823', '5824');
    expect(await screen.findByRole('alert')).toHaveTextContent(fa.myPinMismatch);
    expect(sent).toEqual([]);
    await fill('۱۱۱۱', '۵۸۲۳', '5823');
    expect(await screen.findByRole('alert')).toHaveTextContent(fa.myPinWrong);
    expect(JSON.parse(sent[0]!)).toEqual({ currentPin: '1111', newPin: '5823' });
    // The fields are emptied after each try: no PIN stays on screen.
    expect(screen.getByLabelText(fa.myPinCurrent)).toHaveValue('');
    await fill(TEST_CLERK.pin, '5823', '5823');
    expect(await screen.findByRole('alert')).toHaveTextContent(fa.myPinOffline);
  });
});
