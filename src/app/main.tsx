import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import '@fontsource/vazirmatn/400.css';
import '@fontsource/vazirmatn/700.css';
import './styles.css';
import { appDatabase } from '../db/database.ts';
import { ensureDeviceIdentity } from '../db/settings.ts';
import { lockShift } from '../db/staff.ts';
import { SyncEngine } from '../sync/engine.ts';
import { createPullWriter } from '../sync/pull-writer.ts';
import { withSyncLock } from '../sync/tab-lock.ts';
import { createServices } from '../services/services.tsx';
import { registerServiceWorker } from '../pwa/register-service-worker.ts';
import { listenForInstallPrompt } from '../pwa/install-prompt.ts';
import { App } from './App.tsx';
import { DatabaseOpening } from './DatabaseOpening.tsx';

async function boot() {
  listenForInstallPrompt();
  const root = createRoot(document.getElementById('root')!);
  const db = appDatabase();
  // Says so if opening takes long (an upgrade of a large inventory, or one waiting on a tab).
  root.render(<DatabaseOpening />);
  try {
    await ensureDeviceIdentity(db);
    // A reload or a restart never skips the PIN (decision 022): a shift still open starts
    // locked, before anything of it is on screen. Here, not in App, which tests render unlocked.
    await lockShift(db);
  } catch (error) {
    root.render(<StorageUnavailable error={error} />);
    return;
  }
  const syncEngine = new SyncEngine({
    db,
    fetch: (...args) => window.fetch(...args),
    clock: {
      now: () => Date.now(),
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
    },
    withLock: withSyncLock,
    connectivity: window,
    // The pull's pages are read and written in a module worker: the screens stay live meanwhile.
    pullWriter: createPullWriter(db),
  });
  const updates = 'serviceWorker' in navigator ? registerServiceWorker() : undefined;
  root.render(
    <StrictMode>
      <BrowserRouter>
        <App services={createServices(db, syncEngine)} updates={updates} />
      </BrowserRouter>
    </StrictMode>,
  );
  void syncEngine.start();
}

function StorageUnavailable({ error }: { error: unknown }) {
  const name = error instanceof Error ? error.name : String(error);
  return (
    <main className="screen storage-error" role="alert">
      <h1>پایگاه داده‌ی دستگاه باز نشد</h1>
      <p>
        اطلاعات ذخیره‌شده پاک نشده است. برنامه را در زبانه‌های دیگر ببندید و صفحه را دوباره باز
        کنید. ({name})
      </p>
      <h2 lang="en" dir="ltr">
        The device database could not be opened
      </h2>
      <p lang="en" dir="ltr">
        Nothing stored has been deleted. Close the app in other tabs and open it again. ({name})
      </p>
    </main>
  );
}

void boot();
