// What the app does about the device itself: persistent storage (asked at the first handover,
// shown with usage and advice), the install hint, and a schema upgrade made by another tab.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp } from './render-app.tsx';
import { TEST_SUPERVISOR } from '../factories/staff.ts';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext } from '../factories/context.ts';
import { recordHandover } from '../../src/db/handovers.ts';
import type { TahvilDatabase } from '../../src/db/database.ts';

function installFakeStorage({ persisted }: { persisted: boolean }) {
  const storage = {
    persisted: vi.fn(async () => persisted),
    persist: vi.fn(async () => false),
    estimate: vi.fn(async () => ({ usage: 42 * 1024 * 1024, quota: 1024 * 1024 * 1024 })),
  };
  Object.defineProperty(navigator, 'storage', { value: storage, configurable: true });
  return storage;
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'storage');
});

const handOver = (db: TahvilDatabase, card: ReturnType<typeof createCard>) =>
  recordHandover(db, holderHandover(card), testCommandContext());

describe('device storage', () => {
  it('asks for persistent storage at the first handover, once', async () => {
    const storage = installFakeStorage({ persisted: false });
    const cards = [createCard(), createCard()];
    const { db } = await renderApp({ cards });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storage.persist).not.toHaveBeenCalled();
    await handOver(db, cards[0]!);
    await waitFor(() => expect(storage.persist).toHaveBeenCalledTimes(1));
    await handOver(db, cards[1]!);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(storage.persist).toHaveBeenCalledTimes(1);
  });

  it('warns on the settings screen when storage may be cleared, says what to do, and can ask again', async () => {
    const storage = installFakeStorage({ persisted: false });
    await renderApp({
      route: '/settings',
      signedIn: TEST_SUPERVISOR,
      settings: { language: 'en' },
    });
    expect(
      await screen.findByText(
        'Not persistent: if the device runs low on space, the browser may clear this app’s data.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Install Tahvil on the home screen and press “Ask again”/),
    ).toBeInTheDocument();
    expect(screen.getByText('42 MB of 1,024 MB used.')).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Ask again' }));
    expect(storage.persist).toHaveBeenCalledTimes(1);
  });

  it('says so when storage is persistent', async () => {
    installFakeStorage({ persisted: true });
    await renderApp({ route: '/settings', signedIn: TEST_SUPERVISOR });
    expect(
      await screen.findByText('ماندگار: مرورگر داده‌های این برنامه را خودبه‌خود پاک نمی‌کند.'),
    ).toBeInTheDocument();
    expect(screen.getByText('۴۲ از ۱٬۰۲۴ مگابایت استفاده شده است.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'درخواست دوباره' })).not.toBeInTheDocument();
  });

  it('explains installing from the browser menu where no install offer came', async () => {
    await renderApp({
      route: '/settings',
      signedIn: TEST_SUPERVISOR,
      settings: { language: 'en' },
    });
    expect(
      await screen.findByText(/open the browser menu and choose “Add to Home screen”/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Install Tahvil' })).not.toBeInTheDocument();
    expect(screen.getByText('App version: test')).toBeInTheDocument();
  });
});

describe('a schema upgrade in another tab', () => {
  it('closes this tab’s database and asks for a reload instead of hanging', async () => {
    const { db } = await renderApp({ cards: [createCard()] });
    await screen.findByRole('searchbox');
    // Another tab opens the same database at a newer version, as a newer app build would.
    const newerVersion = db.verno * 10 + 10;
    const opened = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(db.name, newerVersion);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const dialog = await screen.findByRole('alertdialog', {
      name: 'برنامه در زبانه‌ی دیگری به‌روز شد',
    });
    expect(dialog).toHaveTextContent('هیچ داده‌ی ذخیره‌شده‌ای از دست نمی‌رود');
    expect(screen.getByRole('button', { name: 'بارگذاری دوباره' })).toBeInTheDocument();
    expect(db.isOpen()).toBe(false);
    expect(opened.version).toBe(newerVersion);
    opened.close();
  });
});

describe('installing', () => {
  it('offers the browser’s install sheet on the settings screen when the browser makes the offer', async () => {
    const { listenForInstallPrompt } = await import('../../src/pwa/install-prompt.ts');
    listenForInstallPrompt(window);
    await renderApp({
      route: '/settings',
      signedIn: TEST_SUPERVISOR,
      settings: { language: 'en' },
    });
    const prompt = vi.fn(async () => undefined);
    const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt,
      userChoice: Promise.resolve({ outcome: 'accepted' }),
    });
    window.dispatchEvent(offer);
    expect(offer.defaultPrevented).toBe(true);
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Install Tahvil' }));
    expect(prompt).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('appinstalled'));
    expect(
      await screen.findByText('Tahvil is installed and opens from the home screen, even offline.'),
    ).toBeInTheDocument();
  });
});
