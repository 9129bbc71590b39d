import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nProvider } from '../ui/i18n.tsx';
import { UpdateBanner, type UpdateHold } from './UpdateBanner.tsx';
import type { UpdateHandle } from './register-service-worker.ts';

function fakeUpdates(available: boolean) {
  const listeners = new Set<() => void>();
  let waiting = available;
  const handle: UpdateHandle = {
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    updateAvailable: () => waiting,
    applyUpdate: vi.fn(async () => true),
  };
  const arrive = () => {
    waiting = true;
    for (const listener of listeners) listener();
  };
  return { handle, arrive };
}

function renderBanner(handle: UpdateHandle, hold: UpdateHold) {
  const view = render(
    <I18nProvider language="en">
      <UpdateBanner updates={handle} hold={hold} />
    </I18nProvider>,
  );
  return {
    ...view,
    setHold: (next: UpdateHold) =>
      view.rerender(
        <I18nProvider language="en">
          <UpdateBanner updates={handle} hold={next} />
        </I18nProvider>,
      ),
  };
}

describe('UpdateBanner', () => {
  it('shows nothing until a new version is waiting, then offers it', async () => {
    const { handle, arrive } = fakeUpdates(false);
    renderBanner(handle, null);
    expect(screen.queryByText('A new version of the app is ready.')).not.toBeInTheDocument();
    act(arrive);
    expect(await screen.findByText('A new version of the app is ready.')).toBeInTheDocument();
  });

  it('updates at once when nothing is in the way', async () => {
    const { handle } = fakeUpdates(true);
    renderBanner(handle, null);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Update' }));
    expect(handle.applyUpdate).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['handover', 'The update will be installed when this handover is finished.'],
    ['sync', 'The update will be installed when the sync in progress ends.'],
  ] as const)(
    'waits while a %s is open, says so, and updates once it ends',
    async (hold, message) => {
      const { handle } = fakeUpdates(true);
      const { setHold } = renderBanner(handle, hold);
      await userEvent.setup().click(screen.getByRole('button', { name: 'Update' }));
      expect(screen.getByText(message)).toBeInTheDocument();
      expect(handle.applyUpdate).not.toHaveBeenCalled();
      setHold(null);
      expect(handle.applyUpdate).toHaveBeenCalledTimes(1);
    },
  );

  it('tells staff to close and reopen the app when the new version does not take over', async () => {
    const { handle } = fakeUpdates(true);
    handle.applyUpdate = vi.fn(async () => false);
    renderBanner(handle, null);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Update' }));
    expect(
      await screen.findByText(
        'The update will finish when Tahvil is closed and opened again. Saved data stays as it is.',
      ),
    ).toBeInTheDocument();
  });

  it('stops new sync requests just before updating', async () => {
    const { handle } = fakeUpdates(true);
    const beforeUpdate = vi.fn();
    render(
      <I18nProvider language="en">
        <UpdateBanner updates={handle} hold={null} beforeUpdate={beforeUpdate} />
      </I18nProvider>,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: 'Update' }));
    expect(beforeUpdate).toHaveBeenCalledTimes(1);
    expect(handle.applyUpdate).toHaveBeenCalledTimes(1);
  });

  it('never updates on its own, without staff accepting', () => {
    const { handle } = fakeUpdates(true);
    const { setHold } = renderBanner(handle, 'handover');
    setHold(null);
    expect(handle.applyUpdate).not.toHaveBeenCalled();
  });
});
