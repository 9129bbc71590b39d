// The handover receipt as a clerk opens it at /receipts/<event id>: every field, in Persian and
// English, for the holder and for a proxy; erased details, a voided handover and an unknown id
// said in words; the paper choice remembered; nothing asked of the network; and, like every
// route, nothing shown while no one is signed in or the screen is locked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { recordHandover, voidHandover, type HandoverInput } from '../../src/db/handovers.ts';
import { applyPushResults, claimPendingBatch } from '../../src/db/outbox.ts';
import { erasePersonalDetails } from '../../src/db/retention.ts';
import { endShift } from '../../src/db/staff.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { formatClockTime, formatJalaliDate } from '../../src/domain/jalali.ts';
import { toPersianDigits } from '../../src/domain/digits.ts';
import { RECEIPT_PAPER_STORAGE_KEY } from '../../src/features/receipt/receipt-paper.ts';
import { en, fa } from '../../src/ui/messages.ts';
import { createCard, holderHandover, proxyHandover } from '../factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../factories/context.ts';
import { signInForTest } from '../factories/database.ts';
import { TEST_CLERK } from '../factories/staff.ts';
import { FIXED_NOW, TEST_TIME_ZONE, onTestDay } from '../factories/time.ts';
import { renderApp } from './render-app.tsx';

const EVENT_ID = '0193f000-0000-7000-8000-00000000c0de';
const card = createCard({
  cardId: 'C-0000777',
  nationalCode: '0012345679',
  firstName: 'زهرا',
  lastName: 'محمدی',
  trackingCode: '14030000777000',
});
const languages = [
  ['fa', fa],
  ['en', en],
] as const;
type Words = typeof fa;

afterEach(() => {
  window.localStorage.clear();
  vi.restoreAllMocks();
});

/** Records `input` as this tablet's handover with the id EVENT_ID. */
function handedOver(input: HandoverInput = holderHandover(card)) {
  return (db: TahvilDatabase) =>
    recordHandover(db, input, testCommandContext({ makeEventId: () => EVENT_ID }));
}

async function openReceipt(
  language: 'fa' | 'en',
  before: (db: TahvilDatabase) => Promise<unknown>,
  eventId = EVENT_ID,
) {
  const view = await renderApp({
    cards: [card],
    route: `/receipts/${encodeURIComponent(eventId)}`,
    settings: { language },
    before,
  });
  return view;
}

/** The receipt's value for `label`, as its text. */
function field(label: string): string {
  const term = within(screen.getByRole('article')).getByText(label, { selector: 'dt' });
  return term.nextElementSibling?.textContent ?? '';
}

/** Digits as the interface writes them. */
function shown(language: 'fa' | 'en', text: string): string {
  return language === 'fa' ? toPersianDigits(text) : text;
}

/** The name in an English sentence is wrapped in isolates (ui/i18n.tsx). */
function withoutIsolates(text: string): string {
  return text.replace(/[\u2068\u2069]/g, '');
}

/** The QR code's accessible name, whichever isolates the id got inside the sentence. */
function qrLabel(words: Words) {
  return (name: string) => withoutIsolates(name) === words.receiptQrLabel.replace('{id}', EVENT_ID);
}

describe.each(languages)('the receipt in %s', (language, words: Words) => {
  it('shows every field of a handover to the holder', async () => {
    await openReceipt(language, handedOver());
    expect(
      await screen.findByRole('heading', { level: 1, name: words.receiptTitle }),
    ).toBeVisible();
    expect(field(words.receiptCenter)).toBe('مرکز آزمون');
    expect(field(words.receiptDate)).toBe(formatJalaliDate(FIXED_NOW, language, TEST_TIME_ZONE));
    expect(field(words.receiptTime)).toBe(formatClockTime(FIXED_NOW, language, TEST_TIME_ZONE));
    expect(field(words.receiptHolderName)).toBe('زهرا محمدی');
    expect(field(words.fieldNationalCode)).toBe(shown(language, '0012345679'));
    expect(field(words.fieldCardId)).toBe('C-0000777');
    expect(field(words.fieldTrackingCode)).toBe(shown(language, '14030000777000'));
    expect(field(words.receiptRecipient)).toBe(words.receiptRecipientHolder);
    expect(screen.queryByText(words.receiptProxyName)).toBeNull();
    expect(withoutIsolates(field(words.receiptClerk))).toBe(
      words.receiptClerkValue
        .replace('{name}', TEST_CLERK.name)
        .replace('{id}', shown(language, TEST_CLERK.staffId)),
    );
    expect(field(words.receiptDevice)).toBe(TEST_DEVICE_ID);

    const checks = within(screen.getByRole('region', { name: words.receiptChecks }));
    for (const check of [
      words.receiptCheckIdentity,
      words.receiptCheckBirthCertificate,
      words.receiptCheckFee,
      words.receiptCheckBiometric,
    ])
      expect(checks.getByText(`${check}`, { exact: false })).toHaveTextContent(
        `${check}: ${words.receiptCheckDone}`,
      );
    expect(checks.getByText(words.receiptOldCardCollected)).toBeVisible();

    expect(screen.getByTestId('receipt-event-id')).toHaveTextContent(EVENT_ID);
    const qr = screen.getByRole('img', { name: qrLabel(words) });
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M4 4h1v1h-1z/);
    expect(screen.getByText(words.receiptSignature)).toBeVisible();
    expect(screen.queryByText(words.receiptVoidedStamp)).toBeNull();
    expect(screen.queryByText(words.receiptDetailsErased)).toBeNull();
  });

  it("shows a proxy's name, code, relation and document, and the old card's fate", async () => {
    await openReceipt(language, handedOver(proxyHandover(card)));
    await screen.findByRole('heading', { level: 1, name: words.receiptTitle });
    expect(field(words.receiptRecipient)).toBe(words.receiptRecipientProxy);
    expect(field(words.receiptProxyName)).toBe('حسن رضایی');
    expect(field(words.receiptProxyCode)).toBe(shown(language, '1234567891'));
    expect(field(words.receiptProxyRelation)).toBe('پدر');
    expect(field(words.receiptProxyDocument)).toBe(shown(language, 'V-1405-88'));
    // The holder is still the card's, not the proxy.
    expect(field(words.receiptHolderName)).toBe('زهرا محمدی');
    expect(screen.getByText(words.receiptOldCardNotPresented)).toBeVisible();
  });

  it('says the personal details were erased instead of showing blanks', async () => {
    await openReceipt(language, async (db) => {
      await handedOver(proxyHandover(card))(db);
      await claimPendingBatch(db, 10);
      await applyPushResults(db, [{ eventId: EVENT_ID, status: 'accepted' }], FIXED_NOW.getTime());
      await erasePersonalDetails(db, new Date(FIXED_NOW.getTime() + 31 * 86_400_000), 30);
    });
    expect(await screen.findByText(words.receiptDetailsErased)).toBeVisible();
    for (const label of [
      words.receiptHolderName,
      words.fieldNationalCode,
      words.fieldTrackingCode,
      words.receiptProxyName,
      words.receiptProxyCode,
      words.receiptProxyRelation,
      words.receiptProxyDocument,
    ])
      expect(field(label), label).toBe(words.receiptErasedValue);
    expect(field(words.fieldCardId)).toBe('C-0000777');
    expect(screen.getByTestId('receipt-event-id')).toHaveTextContent(EVENT_ID);
    expect(screen.queryByText(/زهرا|حسن|پدر/)).toBeNull();
  });

  it('marks a voided handover void, with when it was voided', async () => {
    const voidedAt = onTestDay('10:45:00');
    await openReceipt(language, async (db) => {
      await handedOver()(db);
      await voidHandover(
        db,
        { handoverEventId: EVENT_ID, reason: 'کارت اشتباه' },
        testCommandContext({ now: voidedAt }),
      );
    });
    expect(await screen.findByText(words.receiptVoidedStamp)).toBeVisible();
    expect(
      screen.getByText(
        words.receiptVoided
          .replace('{date}', formatJalaliDate(voidedAt, language, TEST_TIME_ZONE))
          .replace('{time}', formatClockTime(voidedAt, language, TEST_TIME_ZONE)),
      ),
    ).toBeVisible();
    expect(screen.getByRole('article')).toHaveAttribute('data-voided', 'true');
  });

  it.each([
    ['an id no handover has', '0193f000-0000-7000-8000-999999999999'],
    ['a malformed, overlong id', `${'%'.repeat(300)}<script>`],
  ])('says so for %s', async (_, eventId) => {
    await openReceipt(language, handedOver(), eventId);
    expect(
      await screen.findByRole('heading', { level: 1, name: words.receiptNotFound }),
    ).toBeVisible();
    expect(screen.getByRole('link', { name: words.receiptBackToSearch })).toHaveAttribute(
      'href',
      '/',
    );
    expect(screen.queryByRole('article')).toBeNull();
  });
});

describe('the receipt screen', () => {
  it('needs no network: neither the services nor the page fetch anything', async () => {
    const servicesFetch = vi.fn<typeof fetch>(() => Promise.reject(new TypeError('offline')));
    const pageFetch = vi.spyOn(globalThis, 'fetch');
    await renderApp({
      cards: [card],
      route: `/receipts/${EVENT_ID}`,
      before: handedOver(),
      fetch: servicesFetch,
    });
    expect(await screen.findByRole('heading', { level: 1, name: fa.receiptTitle })).toBeVisible();
    expect(screen.getByRole('img', { name: qrLabel(fa) })).toBeVisible();
    expect(servicesFetch).not.toHaveBeenCalled();
    expect(pageFetch).not.toHaveBeenCalled();
  });

  it('prints with the browser, goes back to the card, and remembers the paper per tablet', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    const user = userEvent.setup();
    const { unmount } = await renderApp({
      cards: [card],
      route: `/receipts/${EVENT_ID}`,
      before: handedOver(),
    });
    const sheet = () => screen.getByRole('article').parentElement!;
    await screen.findByRole('article');
    expect(screen.getByRole('radio', { name: fa.receiptPaperA5 })).toBeChecked();
    expect(sheet()).toHaveAttribute('data-paper', 'a5');

    await user.click(screen.getByRole('radio', { name: fa.receiptPaperRoll }));
    expect(sheet()).toHaveAttribute('data-paper', 'roll');
    expect(window.localStorage.getItem(RECEIPT_PAPER_STORAGE_KEY)).toBe('roll');

    await user.click(screen.getByRole('button', { name: fa.receiptPrint }));
    expect(print).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('link', { name: fa.receiptBackToCard })).toHaveAttribute(
      'href',
      '/cards/C-0000777',
    );
    unmount();

    // The next receipt on this tablet opens on the roll.
    await renderApp({ cards: [card], route: `/receipts/${EVENT_ID}`, before: handedOver() });
    await screen.findByRole('article');
    expect(screen.getByRole('radio', { name: fa.receiptPaperRoll })).toBeChecked();
    expect(sheet()).toHaveAttribute('data-paper', 'roll');
  });

  it('is not shown while no one is signed in', async () => {
    await renderApp({
      cards: [card],
      route: `/receipts/${EVENT_ID}`,
      before: async (db) => {
        await handedOver()(db);
        await endShift(db);
      },
    });
    expect(await screen.findByRole('heading', { name: fa.signInTitle })).toBeVisible();
    expect(screen.queryByText('زهرا محمدی')).toBeNull();
    expect(screen.queryByRole('article')).toBeNull();
  });

  it('is not shown while the screen is locked', async () => {
    await renderApp({
      cards: [card],
      route: `/receipts/${EVENT_ID}`,
      before: async (db) => {
        await handedOver()(db);
        await signInForTest(db, TEST_CLERK, { locked: true });
      },
    });
    expect(await screen.findByRole('heading', { name: fa.lockTitle })).toBeVisible();
    await waitFor(() => expect(screen.queryByRole('article')).toBeNull());
    expect(screen.queryByText('زهرا محمدی')).toBeNull();
  });
});
