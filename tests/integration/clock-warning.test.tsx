// The header's clock warning as a clerk meets it: the sync engine reads the registry's clock
// from its answers (protocol 2.2), and the header says how far off the tablet is until an
// answer shows the clock set right.
import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from './render-app.tsx';
import { FakeClock } from '../factories/fake-clock.ts';
import { FIXED_NOW } from '../factories/time.ts';
import { readSettings, updateSettings } from '../../src/db/settings.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import {
  DEFAULT_CENTER_RULES,
  type DayEventsResponse,
  type HealthResponse,
  type PullResponse,
  type StaffPullResponse,
} from '../../src/protocol/protocol.ts';

const MINUTE_MS = 60_000;

/**
 * A sync engine over the app's database whose registry's clock is `tabletAheadMs()` behind the
 * tablet's, answering health, an empty cards page and an unchanged roster.
 */
async function engineWithRegistryClock(db: TahvilDatabase, tabletAheadMs: () => number) {
  await updateSettings(db, { registryUrl: 'http://registry.test' });
  const { centerId, centerName } = await readSettings(db);
  const clock = new FakeClock(FIXED_NOW.getTime());
  const answer = (body: unknown) =>
    new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
  const fetchFn = async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname;
    clock.nowMs += 100;
    const serverTime = new Date(clock.nowMs - tabletAheadMs()).toISOString();
    clock.nowMs += 100;
    if (path.endsWith('/health')) return answer({ ok: true, serverTime } satisfies HealthResponse);
    if (path.endsWith('/staff'))
      return answer({ items: [], cursor: '', hasMore: false } satisfies StaffPullResponse);
    if (path.endsWith('/day-events')) {
      const day = new URL(String(input)).searchParams.get('day') ?? '';
      return answer({
        centerId,
        day,
        items: [],
        cursor: 'd0',
        hasMore: false,
        devices: [],
      } satisfies DayEventsResponse);
    }
    return answer({
      center: { centerId, name: centerName, rules: DEFAULT_CENTER_RULES },
      items: [],
      cursor: 'c0',
      hasMore: false,
      remaining: 0,
      serverTime,
    } satisfies PullResponse);
  };
  return new SyncEngine({ db, fetch: fetchFn as typeof fetch, clock });
}

describe('the clock warning', () => {
  it('appears in the header when the registry’s clock is 10 minutes behind, and goes once an answer shows the clock right', async () => {
    const { db } = await renderApp();
    let ahead = 10 * MINUTE_MS;
    const engine = await engineWithRegistryClock(db, () => ahead);
    expect(screen.queryByText(/ساعت این دستگاه/)).toBeNull();

    await engine.syncNow();
    expect(engine.getState().status).toBe('idle');
    const warning = await screen.findByText(
      'ساعت این دستگاه حدود ۱۰ دقیقه جلوتر از ساعت سامانه‌ی مرکزی است. زمان هر تحویل سند متصدی و شهروند است: تاریخ و ساعت را در تنظیمات دستگاه درست کنید.',
    );
    expect(warning.closest('header')).not.toBeNull();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Switch to English' }));
    expect(
      await screen.findByText(
        "This tablet's clock is about 10 minutes ahead of the registry's. A handover's time is the clerk's and the citizen's record: set the date and time right in the tablet's settings.",
      ),
    ).toBeInTheDocument();

    // Two minutes off is within what the warning allows.
    ahead = 2 * MINUTE_MS;
    await engine.syncNow();
    await waitFor(() => expect(screen.queryByText(/This tablet's clock/)).toBeNull());
  });

  it('says "behind" in hours for a tablet three hours slow', async () => {
    const { db } = await renderApp({ settings: { language: 'en' } });
    const engine = await engineWithRegistryClock(db, () => -3 * 60 * MINUTE_MS);
    await engine.syncNow();
    expect(
      await screen.findByText(/^This tablet's clock is about 3 hours behind the registry's\./),
    ).toBeInTheDocument();
  });
});
