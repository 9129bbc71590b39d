// Service-worker registration in prompt mode: a new version waits until staff accept it, so
// an update never reloads the page in the middle of a handover.
import { registerSW } from 'virtual:pwa-register';

export interface UpdateHandle {
  subscribe(listener: () => void): () => void;
  updateAvailable(): boolean;
  /** Resolves true when the page is about to reload into the new version, false if it stalled. */
  applyUpdate(): Promise<boolean>;
}

/** A tablet stays open all day: look for a new version now and then, not only at page load. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60_000;
const SKIP_WAITING_ATTEMPTS = 10;
const SKIP_WAITING_RETRY_MS = 1_500;

export function registerServiceWorker(): UpdateHandle {
  let waiting = false;
  let reloading = false;
  const reloadOnce = () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  };
  const listeners = new Set<() => void>();
  registerSW({
    immediate: true,
    onNeedReload: reloadOnce,
    onNeedRefresh() {
      waiting = true;
      for (const listener of listeners) listener();
    },
    onRegisteredSW(_url, registration) {
      if (registration)
        window.setInterval(
          () => void registration.update().catch(() => undefined),
          UPDATE_CHECK_INTERVAL_MS,
        );
    },
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    updateAvailable: () => waiting,
    applyUpdate: async () => {
      // Told straight to the waiting worker, and the reload done here on the controller switch:
      // the plugin's own path reloads only a page that was controlled when it loaded, and a
      // page from the tablet's first visit is taken over later (clientsClaim).
      const registration = await navigator.serviceWorker.getRegistration();
      const waitingWorker = registration?.waiting;
      if (!waitingWorker) {
        reloadOnce();
        return true;
      }
      navigator.serviceWorker.addEventListener('controllerchange', reloadOnce, { once: true });
      // A waiting worker the browser stopped is woken by the message; ask again, a few times,
      // in case one is lost (decision 007), until it takes over or the page reloads.
      for (let attempt = 0; attempt < SKIP_WAITING_ATTEMPTS && !reloading; attempt++) {
        const stillWaiting = registration.waiting;
        if (!stillWaiting) break;
        stillWaiting.postMessage({ type: 'SKIP_WAITING' });
        await new Promise((resolve) => window.setTimeout(resolve, SKIP_WAITING_RETRY_MS));
      }
      return reloading;
    },
  };
}
