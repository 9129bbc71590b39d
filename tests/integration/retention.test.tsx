// After the center's retention days the tablet keeps only the counter's facts: the report, the
// card page and today's list say where the details went, in Persian and English, the figures
// still stand, and the day's file has no name or code left in it.
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { recordHandover } from '../../src/db/handovers.ts';
import { applyPushResults, claimPendingBatch } from '../../src/db/outbox.ts';
import { erasePersonalDetails } from '../../src/db/retention.ts';
import { handoverRecordsOnDay } from '../../src/db/report.ts';
import { handoverReportRow } from '../../src/domain/daily-report.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { en, fa } from '../../src/ui/messages.ts';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { FIXED_NOW, TEST_DAY_KEY, TEST_TIME_ZONE } from '../factories/time.ts';
import { renderApp } from './render-app.tsx';

const card = createCard({ firstName: 'زهرا', lastName: 'محمدی', nationalCode: '0012345679' });

/** Handed over today, accepted at once, and 31 days later erased under a 30-day rule. */
async function eraseAfterHandover(db: TahvilDatabase) {
  const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
  await claimPendingBatch(db, 10);
  await applyPushResults(db, [{ eventId, status: 'accepted' }], FIXED_NOW.getTime());
  await erasePersonalDetails(db, new Date(FIXED_NOW.getTime() + 31 * 86_400_000), 30);
}

describe('a day whose personal details have left the tablet', () => {
  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'in %s the report says the details are at the registry and keeps the figures',
    async (language, words) => {
      const { db } = await renderApp({ cards: [card], route: '/report', settings: { language } });
      await eraseAfterHandover(db);
      expect(await screen.findByText(words.reportDetailsAtRegistry)).toBeInTheDocument();
      const [row] = (await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) =>
        handoverReportRow(record, TEST_TIME_ZONE),
      );
      expect(row).toMatchObject({
        card_id: card.cardId,
        national_code: '',
        holder_name: '',
        recipient_national_code: '',
        recipient_name: '',
        staff_id: 'S-07',
        sync_status: 'synced',
      });
      expect(JSON.stringify(row)).not.toContain('زهرا');
    },
  );

  it.each([
    ['fa', fa],
    ['en', en],
  ] as const)(
    'in %s the card page names the card by its id and says why',
    async (language, words) => {
      const { db } = await renderApp({
        cards: [card],
        route: `/cards/${card.cardId}`,
        settings: { language },
      });
      await eraseAfterHandover(db);
      expect(await screen.findByText(words.cardDetailsErased)).toBeInTheDocument();
      expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(card.cardId);
      expect(screen.queryByText(/زهرا/)).toBeNull();
    },
  );
});

describe('the sweep, whatever the sync does', () => {
  it('erases what is due when the app starts, with no sync engine and no network', async () => {
    const card = createCard({ updatedAt: '2026-09-01T08:00:00.000Z' });
    const { db, unmount } = await renderApp({ cards: [card], route: '/' });
    const { eventId } = await recordHandover(db, holderHandover(card), testCommandContext());
    await claimPendingBatch(db, 10);
    // Accepted 40 days before the app is opened again.
    await applyPushResults(
      db,
      [{ eventId, status: 'accepted' }],
      FIXED_NOW.getTime() - 40 * 86_400_000,
    );
    unmount();
    // Reopened over the same database (a withdrawn or long-offline tablet: nothing syncs).
    const { render } = await import('@testing-library/react');
    const { MemoryRouter } = await import('react-router');
    const { App } = await import('../../src/app/App.tsx');
    render(
      <MemoryRouter>
        <App
          services={{
            db,
            syncEngine: null,
            now: () => FIXED_NOW,
            makeEventId: () => crypto.randomUUID(),
            fetch: (async () => {
              throw new TypeError('offline');
            }) as typeof fetch,
          }}
        />
      </MemoryRouter>,
    );
    await waitFor(async () =>
      expect((await db.cards.get(card.cardId))?.detailsErasedAt).toBeDefined(),
    );
    expect((await db.events.toArray())[0]?.holderName).toBe('');
  });
});
