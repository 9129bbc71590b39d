// The report screen and the center's day (decision 023): a day that is not today is asked of the
// registry when the screen shows it, and what comes back joins the figures and the tablets table;
// a day that could not be fetched says so. The engine is a stand-in that stores what a registry
// would have answered: the engine's own paging is src/sync/engine.test.ts's.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { storeCenterDayPage } from '../../src/db/center-day.ts';
import { upsertCards } from '../../src/db/cards.ts';
import { addJalaliDays, isoWithOffset } from '../../src/domain/jalali.ts';
import { IDLE_SYNC_STATE, type SyncEngine } from '../../src/sync/engine.ts';
import { createCard } from '../factories/cards.ts';
import { handoverAtAnotherCounter } from '../factories/events.ts';
import { FIXED_NOW, TEST_DAY_KEY, TEST_TIME_ZONE, onTestDay } from '../factories/time.ts';
import { renderApp } from './render-app.tsx';

const YESTERDAY = addJalaliDays(TEST_DAY_KEY, -1);

/** A sync engine whose registry holds one handover of tablet-2 yesterday, or cannot be reached. */
function engineServing(reachable: boolean) {
  const asked: string[] = [];
  let db: TahvilDatabase | null = null;
  const card = createCard();
  const engine = {
    getState: () => IDLE_SYNC_STATE,
    subscribe: () => () => undefined,
    fetchCenterDay: async (dayKey: string) => {
      asked.push(dayKey);
      if (!reachable || !db) return false;
      const handover = handoverAtAnotherCounter(card, {
        occurredAt: isoWithOffset(onTestDay('12:00:00', -1), TEST_TIME_ZONE),
      });
      const devices = [
        {
          deviceId: 'tablet-2',
          status: 'active' as const,
          enrolledAt: '2026-11-20T06:00:00.000Z',
          withdrawnAt: null,
          lastHeardAt: FIXED_NOW.toISOString(),
        },
      ];
      await storeCenterDayPage(
        db,
        dayKey,
        { items: dayKey === YESTERDAY ? [handover] : [], cursor: 'c', devices },
        { receivedAtMs: FIXED_NOW.getTime() },
      );
      return true;
    },
  } as unknown as SyncEngine;
  const before = async (opened: TahvilDatabase) => {
    db = opened;
    await upsertCards(opened, [card]);
  };
  return { engine, asked, before };
}

describe('the report and the center’s day', () => {
  it('asks the registry for a past day and shows the other tablet’s handover with the tablet', async () => {
    const user = userEvent.setup();
    const { engine, asked, before } = engineServing(true);
    await renderApp({ route: '/report', syncEngine: engine, before });
    // Today's day comes with every sync: the screen does not ask for it.
    expect(asked).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'روز قبل' }));
    await waitFor(() => expect(asked).toEqual([YESTERDAY]));
    const figure = (label: string) =>
      screen.getAllByText(label)[0]!.nextElementSibling?.textContent;
    await waitFor(() => expect(figure('تحویل‌شده')).toBe('۱'));
    const tablets = within(screen.getByRole('region', { name: 'دستگاه‌های مرکز' }));
    const row = tablets.getByRole('row', { name: /tablet-2/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['tablet-2', '۱', '۰', expect.stringMatching(/۱۴۰۵، ساعت/) as unknown as string]);
  });

  it('says when a past day could not be fetched', async () => {
    const user = userEvent.setup();
    const { engine, asked, before } = engineServing(false);
    await renderApp({ route: '/report', syncEngine: engine, before });
    await user.click(screen.getByRole('button', { name: 'روز قبل' }));
    expect(
      await screen.findByText(
        'این روز از سامانه‌ی مرکزی گرفته نشد؛ ارقام همان است که این دستگاه از قبل دارد.',
      ),
    ).toBeInTheDocument();
    expect(asked).toEqual([YESTERDAY]);
  });
});
