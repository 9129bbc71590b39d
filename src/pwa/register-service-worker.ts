// Service-worker registration in prompt mode: a new version waits until staff accept it, so
// an update never reloads the page in the middle of a handover.
import { registerSW } from 'virtual:pwa-register';

export interface UpdateHandle {
  subscribe(listener: () => void): () => void;
  updateAvailable(): boolean;
  applyUpdate(): Promise<void>;
}

export function registerServiceWorker(): UpdateHandle {
  let waiting = false;
  const listeners = new Set<() => void>();
  const updateServiceWorker = registerSW({
    immediate: true,
    onNeedRefresh() {
      waiting = true;
      for (const listener of listeners) listener();
    },
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    updateAvailable: () => waiting,
    applyUpdate: () => updateServiceWorker(true),
  };
}
