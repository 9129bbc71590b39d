import { describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { renderApp } from './render-app.tsx';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import { claimPendingBatch, releaseUnanswered } from '../../src/db/outbox.ts';
import { IDLE_SYNC_STATE, type SyncEngine, type SyncState } from '../../src/sync/engine.ts';

function fakeEngine() {
  const state: SyncState = { ...IDLE_SYNC_STATE, status: 'offline', problem: 'unreachable' };
  return {
    syncSoon: vi.fn(),
    syncNow: vi.fn(async () => undefined),
    subscribe: () => () => undefined,
    getState: () => state,
  };
}

describe('sync triggers', () => {
  it('asks for a sync after a new event, but not when a failed push returns events to pending', async () => {
    const engine = fakeEngine();
    const card = createCard();
    const { db } = await renderApp({ cards: [card], syncEngine: engine as unknown as SyncEngine });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(engine.syncSoon).not.toHaveBeenCalled();

    await recordHandover(db, holderHandover(card), testCommandContext());
    await waitFor(() => expect(engine.syncSoon).toHaveBeenCalledTimes(1));

    await claimPendingBatch(db, 10);
    await releaseUnanswered(db);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(engine.syncSoon).toHaveBeenCalledTimes(1);
  });
});
