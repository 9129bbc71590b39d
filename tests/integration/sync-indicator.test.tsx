// The sync indicator in the header, as staff read it: what waits and since when, what was
// refused, how far the first inventory pull is, and the registry's trouble in words.
import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { renderApp } from './render-app.tsx';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { FIXED_NOW } from '../factories/time.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { IDLE_SYNC_STATE, type SyncEngine, type SyncState } from '../../src/sync/engine.ts';

function engineShowing(state: Partial<SyncState>) {
  const current: SyncState = { ...IDLE_SYNC_STATE, ...state };
  return {
    syncSoon: () => undefined,
    syncNow: async () => undefined,
    subscribe: () => () => undefined,
    getState: () => current,
  } as unknown as SyncEngine;
}

describe('sync indicator', () => {
  it('shows the pending count and how long the oldest has waited', async () => {
    const card = createCard();
    const { db } = await renderApp({
      cards: [card],
      syncEngine: engineShowing({ status: 'offline', problem: 'unreachable' }),
    });
    await recordHandover(
      db,
      holderHandover(card),
      testCommandContext({ now: new Date(FIXED_NOW.getTime() - 25 * 60_000) }),
    );
    expect(await screen.findByText('۱ در انتظار')).toBeInTheDocument();
    expect(screen.getByText('قدیمی‌ترین: ۲۵ دقیقه پیش')).toBeInTheDocument();
    expect(screen.getByText('بدون اتصال')).toBeInTheDocument();
    expect(screen.getByText(/سرور در دسترس نیست/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'همگام‌سازی' })).toBeEnabled();
  });

  it('says "connected", not "in sync", while handovers still wait', async () => {
    const card = createCard();
    const { db } = await renderApp({
      cards: [card],
      syncEngine: engineShowing({ status: 'idle' }),
    });
    expect(await screen.findByText('همگام')).toBeInTheDocument();
    await recordHandover(db, holderHandover(card), testCommandContext());
    expect(await screen.findByText('متصل')).toBeInTheDocument();
    expect(screen.getByText('قدیمی‌ترین: همین حالا')).toBeInTheDocument();
  });

  it('shows a progress bar in cards while the first inventory arrives', async () => {
    await renderApp({
      syncEngine: engineShowing({
        status: 'syncing',
        firstPull: true,
        pulledCards: 24_000,
        pullTotal: 100_000,
      }),
    });
    const bar = await screen.findByRole('progressbar', {
      name: 'دریافت موجودی مرکز: ۲۴٬۰۰۰ از ۱۰۰٬۰۰۰ کارت',
    });
    expect(bar).toHaveAttribute('value', '24000');
    expect(bar).toHaveAttribute('max', '100000');
  });

  it('shows an indeterminate bar with the count so far when the registry gives no total', async () => {
    await renderApp({
      syncEngine: engineShowing({
        status: 'syncing',
        firstPull: true,
        pulledCards: 2_000,
        pullTotal: null,
      }),
    });
    const bar = await screen.findByRole('progressbar', {
      name: 'دریافت موجودی مرکز: ۲٬۰۰۰ کارت تا این لحظه',
    });
    expect(bar).not.toHaveAttribute('value');
  });

  it('says the first part is coming, not "0 cards so far", before the first page answers', async () => {
    await renderApp({
      syncEngine: engineShowing({
        status: 'syncing',
        firstPull: true,
        pulledCards: 0,
        pullTotal: null,
      }),
    });
    expect(
      await screen.findByRole('progressbar', { name: 'در حال دریافت نخستین بخش موجودی مرکز…' }),
    ).not.toHaveAttribute('value');
    expect(screen.queryByText(/۰ کارت/)).toBeNull();
  });

  it('asks for re-registration in words when the registry refuses the device', async () => {
    await renderApp({
      syncEngine: engineShowing({ status: 'error', problem: 'not-registered' }),
      settings: { language: 'en' },
    });
    expect(
      await screen.findByText(
        'The registry does not take this tablet’s token; enrol it again with a new code.',
      ),
    ).toBeInTheDocument();
  });
});
