// The "needs attention" screen as a supervisor uses it: refused events listed with the
// registry's reason and the card's current state, settled by a void or a note.
import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from './render-app.tsx';
import { TEST_SUPERVISOR } from '../factories/staff.ts';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { handoverAtAnotherCounter } from '../factories/events.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { readSettings } from '../../src/db/settings.ts';
import { applyPushResults, claimPendingBatch } from '../../src/db/outbox.ts';
import { upsertCards } from '../../src/db/cards.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';
import type { Card, PushReasonCode } from '../../src/protocol/protocol.ts';

async function handOverAndRefuse(
  db: TahvilDatabase,
  card: Card,
  answer: 'conflict' | 'rejected',
  reason: string,
  registryCard?: Card,
  code?: string,
) {
  // Recorded by whoever is signed in: a command refuses anyone else.
  const { shift } = await readSettings(db);
  const event = await recordHandover(
    db,
    holderHandover(card),
    testCommandContext({ staff: shift }),
  );
  await claimPendingBatch(db, 10);
  await applyPushResults(db, [
    {
      eventId: event.eventId,
      status: answer,
      reason,
      ...(code ? { code: code as PushReasonCode } : {}),
      ...(registryCard ? { card: registryCard } : {}),
    },
  ]);
  if (registryCard) await upsertCards(db, [registryCard]);
  return event;
}

const zahra = () =>
  createCard({
    cardId: 'C-0000301',
    nationalCode: '0012345679',
    firstName: 'زهرا',
    lastName: 'محمدی',
  });
const reza = () =>
  createCard({
    cardId: 'C-0000302',
    nationalCode: '4445556661',
    firstName: 'رضا',
    lastName: 'رضایی',
  });

describe('needs attention', () => {
  it('lists a conflict in plain Persian words for its code, who handed the card over at the other counter, and says it in English after the switch', async () => {
    const card = zahra();
    const { db } = await renderApp({
      cards: [card],
      route: '/attention',
      signedIn: TEST_SUPERVISOR,
    });
    await handOverAndRefuse(
      db,
      card,
      'conflict',
      'card C-0000301 is handed_over',
      {
        ...card,
        status: 'handed_over',
        version: card.version + 3,
        handover: handoverAtAnotherCounter(card),
      },
      'already-handed-over',
    );

    const entry = await screen.findByRole('listitem', { name: /زهرا محمدی/ });
    expect(within(entry).getByText('پذیرفته نشد: کارت تغییر کرده بود')).toBeInTheDocument();
    expect(
      within(entry).getByText(
        'این کارت در باجه یا مرکز دیگری تحویل داده شده است. سرپرست را خبر کنید؛ کارت دومی تحویل ندهید.',
      ),
    ).toBeInTheDocument();
    // The registry's English stays out of the Persian screen when its code is known.
    expect(within(entry).queryByText(/handed_over/)).toBeNull();
    expect(screen.queryByText(/تعارض/)).toBeNull();
    expect(await within(entry).findByText(/S-03/)).toBeInTheDocument();
    expect(within(entry).getByText('تحویل شده')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: /نیازمند رسیدگی: ۱/ })).toBeInTheDocument();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Switch to English' }));
    const english = await screen.findByRole('listitem', { name: /زهرا محمدی/ });
    expect(
      await within(english).findByText(
        'This card was handed over at another counter or center. Call the supervisor; do not hand over a second card.',
      ),
    ).toBeInTheDocument();
    expect(within(english).getByText('Not accepted: the card had changed')).toBeInTheDocument();
    expect(screen.queryByText(/conflict/i)).toBeNull();
  });

  it('says a code this version does not know with a generic sentence and the registry’s own words', async () => {
    const card = zahra();
    const { db } = await renderApp({
      cards: [card],
      route: '/attention',
      signedIn: TEST_SUPERVISOR,
    });
    await handOverAndRefuse(
      db,
      card,
      'rejected',
      'the card was lost in the post',
      undefined,
      'card-lost-in-post',
    );
    const entry = await screen.findByRole('listitem', { name: /زهرا محمدی/ });
    expect(
      within(entry).getByText(
        'سامانه‌ی مرکزی این رویداد را به دلیلی نپذیرفت که این نسخه‌ی برنامه نمی‌شناسد. سرپرست را خبر کنید.',
      ),
    ).toBeInTheDocument();
    expect(
      within(entry).getByText(/دلیل سامانه: .*the card was lost in the post/),
    ).toBeInTheDocument();
    expect(within(entry).getByText('پذیرفته نشد')).toBeInTheDocument();
  });

  it('voids a rejected handover with the supervisor’s note: the card is ready again and the list empties', async () => {
    const card = reza();
    const { db } = await renderApp({
      cards: [card],
      route: '/attention',
      signedIn: TEST_SUPERVISOR,
    });
    await handOverAndRefuse(
      db,
      card,
      'rejected',
      'recipient national code does not match the card',
    );
    const user = userEvent.setup();
    const entry = await screen.findByRole('listitem', { name: /رضا رضایی/ });
    const voidButton = within(entry).getByRole('button', { name: 'ابطال این تحویل' });
    expect(voidButton).toBeDisabled();
    await user.type(within(entry).getByLabelText('یادداشت سرپرست'), 'کارت اشتباه انتخاب شده بود');
    await user.click(voidButton);

    expect(await screen.findByText('رسیدگی ثبت شد.')).toBeInTheDocument();
    expect(await screen.findByText('موردی برای رسیدگی نیست.')).toBeInTheDocument();
    expect(await db.cards.get(card.cardId)).toMatchObject({ status: 'ready', handover: null });
    const resolution = (await db.events.toArray()).find(
      (record) => record.type === 'attention_resolved',
    );
    expect(resolution).toMatchObject({
      syncState: 'local',
      staffId: TEST_SUPERVISOR.staffId,
      event: { resolution: 'voided', note: 'کارت اشتباه انتخاب شده بود' },
    });
  });

  it('lets a clerk settle an item with a supervisor’s approval in the dialog, the clerk staying signed in', async () => {
    const card = reza();
    const { db } = await renderApp({ cards: [card], route: '/attention' });
    await handOverAndRefuse(
      db,
      card,
      'rejected',
      'recipient national code does not match the card',
    );
    const user = userEvent.setup();
    const entry = await screen.findByRole('listitem', { name: /رضا رضایی/ });
    expect(within(entry).getByText(/تأیید سرپرست می‌خواهد/)).toBeInTheDocument();
    await user.type(within(entry).getByLabelText('یادداشت سرپرست'), 'کارت اشتباه انتخاب شده بود');
    await user.click(within(entry).getByRole('button', { name: 'ابطال این تحویل' }));
    const dialog = await screen.findByRole('dialog', { name: 'تأیید سرپرست' });
    expect(dialog).toHaveTextContent('رسیدگی به مورد');
    await user.click(
      within(dialog).getByRole('button', { name: new RegExp(TEST_SUPERVISOR.name) }),
    );
    await user.keyboard(`${TEST_SUPERVISOR.pin}{Enter}`);

    expect(await screen.findByText('موردی برای رسیدگی نیست.')).toBeInTheDocument();
    const resolution = (await db.events.toArray()).find(
      (record) => record.type === 'attention_resolved',
    );
    expect(resolution).toMatchObject({
      staffId: 'S-07',
      event: { resolution: 'voided', note: 'کارت اشتباه انتخاب شده بود' },
    });
  });

  it('marks a conflict resolved with a note, reached from the card, and the card’s history shows it', async () => {
    const card = zahra();
    const { db } = await renderApp({
      cards: [card],
      route: `/cards/${card.cardId}`,
      signedIn: TEST_SUPERVISOR,
    });
    await handOverAndRefuse(db, card, 'conflict', 'card is revoked', {
      ...card,
      status: 'revoked',
      version: card.version + 1,
    });
    const user = userEvent.setup();
    const alert = await screen.findByText(
      /سامانه‌ی مرکزی رویدادی از این کارت را که در این دستگاه ثبت شده بود نپذیرفت/,
    );
    await user.click(within(alert).getByRole('link', { name: 'نیازمند رسیدگی' }));

    const entry = await screen.findByRole('listitem', { name: /زهرا محمدی/ });
    expect(await within(entry).findByText('باطل شده')).toBeInTheDocument();
    await user.type(within(entry).getByLabelText('یادداشت سرپرست'), 'با شهروند تماس گرفته شد');
    await user.click(within(entry).getByRole('button', { name: 'ثبت رسیدگی' }));
    expect(await screen.findByText('موردی برای رسیدگی نیست.')).toBeInTheDocument();
    expect((await db.cards.get(card.cardId))?.status).toBe('revoked');

    await user.click(screen.getByRole('link', { name: 'جستجو' }));
    await user.type(await screen.findByRole('searchbox'), card.nationalCode);
    await user.click(await screen.findByRole('link', { name: /زهرا محمدی/ }));
    expect(await screen.findByText(/رسیدگی سرپرست: .*با شهروند تماس گرفته شد/)).toBeInTheDocument();
    expect(
      screen.queryByText(
        /سامانه‌ی مرکزی رویدادی از این کارت را که در این دستگاه ثبت شده بود نپذیرفت/,
      ),
    ).not.toBeInTheDocument();
  });

  it('sends staff from the card screen to "needs attention" instead of offering a plain void', async () => {
    const card = reza();
    const { db } = await renderApp({ cards: [card], route: `/cards/${card.cardId}` });
    await handOverAndRefuse(db, card, 'rejected', 'bad recipient');
    const alert = await screen.findByText(
      /سامانه‌ی مرکزی رویدادی از این کارت را که در این دستگاه ثبت شده بود نپذیرفت/,
    );
    expect(within(alert).getByRole('link', { name: 'نیازمند رسیدگی' })).toHaveAttribute(
      'href',
      '/attention',
    );
    expect(screen.queryByRole('button', { name: /ابطال/ })).not.toBeInTheDocument();
  });

  it('says on the card screen when the handover was recorded at another counter', async () => {
    const card = zahra();
    const handedElsewhere = {
      ...card,
      status: 'handed_over' as const,
      handover: handoverAtAnotherCounter(card),
    };
    await renderApp({ cards: [handedElsewhere], route: `/cards/${card.cardId}` });
    expect(await screen.findByText('این تحویل در باجه‌ی دیگری ثبت شده است.')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText(/S-03/)).toBeInTheDocument());
  });
});
