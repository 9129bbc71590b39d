// Enrolment as a center manager meets it: a fresh tablet shows only the enrolment screen; the
// printed link fills in the code; each refusal is in words, in Persian and English; enrolling
// elsewhere is refused while handovers wait; a withdrawn tablet says so and gives its unsent
// events as a file; leaving a center takes everything of it off the tablet.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordHandover } from '../../src/db/handovers.ts';
import { markDeviceWithdrawn, readDeviceKey } from '../../src/db/enrolment.ts';
import { isEnrolled, readSettings } from '../../src/db/settings.ts';
import {
  DEFAULT_CENTER_RULES,
  type EnrolmentRequest,
  type EnrolmentResponse,
} from '../../src/protocol/protocol.ts';
import { en, fa } from '../../src/ui/messages.ts';
import { createCard, holderHandover } from '../factories/cards.ts';
import { handoverAtAnotherCounter } from '../factories/events.ts';
import { staffOnShift, testCommandContext } from '../factories/context.ts';
import { FIXED_NOW } from '../factories/time.ts';
import { renderApp } from './render-app.tsx';
import { TEST_SUPERVISOR } from '../factories/staff.ts';

const CODE = '1234-5678-9015';

/** A registry answering every enrolment with `answer` (a status and error code, or success). */
function enrolmentRegistry(answer: 'enrolled' | [number, string]) {
  const requests: EnrolmentRequest[] = [];
  const fetchFn = async (_input: RequestInfo | URL, init?: RequestInit) => {
    const request = JSON.parse(String(init?.body)) as EnrolmentRequest;
    requests.push(request);
    if (answer !== 'enrolled')
      return new Response(JSON.stringify({ error: { code: answer[1], message: answer[1] } }), {
        status: answer[0],
      });
    const body: EnrolmentResponse = {
      deviceId: request.deviceId,
      deviceToken: 'token-of-this-tablet',
      enrolledAt: FIXED_NOW.toISOString(),
      center: { centerId: 'AUD-1', name: 'مرکز آزمایشی ۱', rules: DEFAULT_CENTER_RULES },
    };
    return new Response(JSON.stringify(body), { status: 200 });
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

async function typeCodeAndEnrol(words: typeof fa, code = CODE) {
  const user = userEvent.setup();
  const field = await screen.findByLabelText(words.enrolCode);
  await user.clear(field);
  if (code) await user.type(field, code);
  await user.click(screen.getByRole('button', { name: words.enrolSubmit }));
}

afterEach(() => vi.restoreAllMocks());

describe('a tablet that belongs to no center', () => {
  it('shows only the enrolment screen, whatever the address, with no navigation', async () => {
    await renderApp({ route: '/report', enrolment: null, signedIn: null });
    expect(await screen.findByRole('heading', { name: fa.enrolTitle })).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('heading', { name: fa.signInTitle })).toBeNull();
  });

  it('enrols from the printed link: the code is filled in, one tap, then the counter opens', async () => {
    const registry = enrolmentRegistry('enrolled');
    const { db } = await renderApp({
      route: '/enrol?code=123456789015',
      enrolment: null,
      signedIn: null,
      fetch: registry.fetch,
    });
    expect(await screen.findByLabelText(fa.enrolCode)).toHaveValue('123456789015');
    await userEvent.setup().click(screen.getByRole('button', { name: fa.enrolSubmit }));
    // The next screen: sign-in, under the new center, whose roster the first pull will bring.
    expect(
      await screen.findByRole('heading', { name: fa.signInTitle }, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByText(fa.signInRosterEmpty)).toHaveAttribute('role', 'status');
    const settings = await readSettings(db);
    expect(isEnrolled(settings)).toBe(true);
    expect(settings).toMatchObject({ centerId: 'AUD-1', centerName: 'مرکز آزمایشی ۱' });
    expect(registry.requests).toHaveLength(1);
    expect((await readDeviceKey(db))?.publicJwk).toEqual(registry.requests[0]?.publicKey);
  });

  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'says in %s why a code did not work, and stays on the screen',
    async (language, words) => {
      const cases: Array<['enrolled' | [number, string], string, number]> = [
        [[410, 'enrolment_code_expired'], words.enrolCodeExpired, 1],
        [[409, 'enrolment_code_used'], words.enrolCodeUsed, 1],
        [[403, 'enrolment_code_invalid'], words.enrolCodeInvalid, 1],
        [[429, 'rate_limited'], words.enrolRateLimited, 1],
      ];
      for (const [answer, message, asked] of cases) {
        const registry = enrolmentRegistry(answer);
        const { db, unmount } = await renderApp({
          route: '/',
          enrolment: null,
          signedIn: null,
          fetch: registry.fetch,
          settings: { language },
        });
        await typeCodeAndEnrol(words);
        expect(await screen.findByRole('alert')).toHaveTextContent(message);
        expect(registry.requests).toHaveLength(asked);
        expect(isEnrolled(await readSettings(db))).toBe(false);
        unmount();
      }
    },
  );

  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'in %s, catches a mistyped or short code without asking the registry',
    async (language, words) => {
      const registry = enrolmentRegistry('enrolled');
      await renderApp({
        route: '/',
        enrolment: null,
        signedIn: null,
        fetch: registry.fetch,
        settings: { language },
      });
      await typeCodeAndEnrol(words, '1234-5678-9016');
      expect(await screen.findByRole('alert')).toHaveTextContent(words.enrolCodeCheckDigit);
      await typeCodeAndEnrol(words, '1234-5678');
      expect(await screen.findByRole('alert')).toHaveTextContent(words.enrolCodeWrongLength);
      await typeCodeAndEnrol(words, '');
      expect(await screen.findByRole('alert')).toHaveTextContent(words.enrolCodeEmpty);
      expect(registry.requests).toEqual([]);
    },
  );

  it('without a network says the registry cannot be reached and that the code is unused', async () => {
    await renderApp({
      route: '/',
      enrolment: null,
      signedIn: null,
      settings: { language: 'en' },
    });
    await typeCodeAndEnrol(en);
    expect(await screen.findByRole('alert')).toHaveTextContent(en.enrolUnreachable);
  });
});

describe('an enrolled tablet', () => {
  it('asks a clerk for a supervisor before enrolling anew, which would erase this center', async () => {
    await renderApp({ route: '/enrol' });
    expect(
      await screen.findByRole('heading', { name: fa.supervisorScreenTitle }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: fa.enrolSubmit })).toBeNull();
  });

  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'refuses in %s to enrol elsewhere while a handover waits, and spends no code',
    async (language, words) => {
      const card = createCard();
      const registry = enrolmentRegistry('enrolled');
      const { db } = await renderApp({
        cards: [card],
        route: '/enrol',
        settings: { language },
        fetch: registry.fetch,
        signedIn: TEST_SUPERVISOR,
      });
      await recordHandover(
        db,
        holderHandover(card),
        testCommandContext({ staff: staffOnShift(TEST_SUPERVISOR) }),
      );
      expect(
        await screen.findByText(words.enrolReplaceWarning.split('«')[0]!.split('“')[0]!, {
          exact: false,
        }),
      ).toBeInTheDocument();
      await typeCodeAndEnrol(words);
      expect(await screen.findByRole('alert')).toHaveTextContent(
        words.refusalCenterHasUnsentEvents,
      );
      expect(registry.requests).toEqual([]);
      expect((await readSettings(db)).centerId).toBe('DEMO-01');
      expect(await db.events.count()).toBe(1);
    },
  );

  it('shows the center and its rules from the registry in settings, with no token or proxy box to edit', async () => {
    await renderApp({
      route: '/settings',
      signedIn: TEST_SUPERVISOR,
      settings: { language: 'en' },
      enrolment: {
        centerName: 'Test center',
        rules: { proxyPickupAllowed: false, idleLockMinutes: 7, detailsRetentionDays: 14 },
      },
    });
    expect(await screen.findByText('Test center (DEMO-01)')).toBeInTheDocument();
    expect(screen.getByText(en.settingsRuleProxyForbidden)).toBeInTheDocument();
    expect(screen.getByText(en.settingsRuleIdleLock.replace('{minutes}', '7'))).toBeInTheDocument();
    expect(screen.getByText(en.settingsRuleRetention.replace('{days}', '14'))).toBeInTheDocument();
    // The one box in settings is the tablet's own saved tone; nothing of the registry's is editable.
    expect(
      screen
        .getAllByRole('checkbox')
        .map((box) => box.getAttribute('aria-label') ?? box.closest('label')?.textContent),
    ).toEqual([en.settingsSavedSound]);
    expect(screen.queryByLabelText(/token/i)).toBeNull();
  });

  it('leaves its center in two taps once everything is sent, and shows the enrolment screen', async () => {
    const { db } = await renderApp({
      cards: [createCard(), createCard()],
      route: '/settings',
      signedIn: TEST_SUPERVISOR,
      settings: { language: 'en' },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: en.settingsLeave }));
    expect(await db.cards.count()).toBe(2);
    await user.click(screen.getByRole('button', { name: en.settingsLeaveConfirm }));
    expect(await screen.findByRole('heading', { name: en.enrolTitle })).toBeInTheDocument();
    expect(await db.cards.count()).toBe(0);
    expect(await readDeviceKey(db)).toBeNull();
  });
});

describe('a withdrawn tablet', () => {
  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'says so in %s on every screen, refuses handovers and gives its unsent events as a file, then may leave',
    async (language, words) => {
      const cards = [createCard(), createCard()];
      const saved: Blob[] = [];
      vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
        saved.push(blob as Blob);
        return 'blob:unsent';
      });
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
      const { db } = await renderApp({
        cards,
        route: '/settings',
        signedIn: TEST_SUPERVISOR,
        settings: { language },
      });
      const supervisorContext = () => testCommandContext({ staff: staffOnShift(TEST_SUPERVISOR) });
      await recordHandover(db, holderHandover(cards[0]!), supervisorContext());
      await markDeviceWithdrawn(db, FIXED_NOW);
      expect(
        await screen.findByRole('heading', { name: words.withdrawnTitle }),
      ).toBeInTheDocument();
      await expect(
        recordHandover(db, holderHandover(cards[1]!), supervisorContext()),
      ).rejects.toMatchObject({ refusal: 'device-withdrawn' });

      const user = userEvent.setup();
      // Leaving before the file is saved would lose the handover: refused.
      await user.click(screen.getByRole('button', { name: words.settingsLeave }));
      await user.click(screen.getByRole('button', { name: words.settingsLeaveConfirm }));
      expect(await screen.findByText(words.refusalCenterHasUnsentEvents)).toBeInTheDocument();

      await user.click(screen.getAllByRole('button', { name: words.unsentExport })[0]!);
      await waitFor(() => expect(saved).toHaveLength(1));
      const text = new TextDecoder().decode(await saved[0]!.arrayBuffer());
      const file = JSON.parse(text) as { events: Array<{ event: { cardId: string } }> };
      expect(file.events.map((entry) => entry.event.cardId)).toEqual([cards[0]!.cardId]);

      // Saved is not yet kept (the download may have been cancelled): still refused.
      await user.click(screen.getByRole('button', { name: words.settingsLeave }));
      await user.click(screen.getByRole('button', { name: words.settingsLeaveConfirm }));
      expect(await screen.findByText(words.refusalCenterHasUnsentEvents)).toBeInTheDocument();
      expect(await db.events.count()).toBe(1);

      // Read back and found whole: now the tablet may leave.
      await user.upload(
        screen.getAllByLabelText(words.unsentConfirmLabel)[0]!,
        new File([text], 'tahvil-unsent.json', { type: 'application/json' }),
      );
      expect(
        (
          await screen.findAllByText(
            new RegExp(words.unsentConfirmed.split('{count}')[1]!.slice(0, 20)),
          )
        ).length,
      ).toBeGreaterThan(0);

      await user.click(screen.getByRole('button', { name: words.settingsLeave }));
      await user.click(screen.getByRole('button', { name: words.settingsLeaveConfirm }));
      expect(await screen.findByRole('heading', { name: words.enrolTitle })).toBeInTheDocument();
      expect(await db.events.count()).toBe(0);
    },
  );
});

describe('handovers of an earlier enrolment with the same center', () => {
  it('are shown as this tablet’s, not another counter’s', async () => {
    const mine = createCard({ status: 'handed_over' });
    const theirs = createCard({ status: 'handed_over' });
    const cards = [
      { ...mine, handover: handoverAtAnotherCounter(mine, { deviceId: 'this-tablet-before' }) },
      { ...theirs, handover: handoverAtAnotherCounter(theirs, { deviceId: 'tablet-2' }) },
    ];
    const { unmount } = await renderApp({
      cards,
      route: `/cards/${mine.cardId}`,
      settings: { language: 'en', formerDeviceIds: ['this-tablet-before'] },
    });
    // This tablet's own handover, stated as a fact ("handed over on this device …").
    await screen.findByText(/^Handed over on this device on /);
    expect(screen.queryByText(en.cardCannotHandedOver)).toBeNull();
    expect(screen.queryByText(en.cardHandedOverElsewhere)).toBeNull();
    unmount();
    await renderApp({
      cards,
      route: `/cards/${theirs.cardId}`,
      settings: { language: 'en', formerDeviceIds: ['this-tablet-before'] },
    });
    expect(await screen.findByText(en.cardHandedOverElsewhere)).toBeInTheDocument();
    expect(screen.getByText(en.cardCannotHandedOver)).toBeInTheDocument();
  });
});
