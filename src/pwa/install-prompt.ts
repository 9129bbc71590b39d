// The browser's install offer (Chromium's beforeinstallprompt), caught as early as the page
// loads because it fires once, and kept until staff press "Install" on the settings screen.
// Browsers without the event (Safari, Firefox) install from their own menu instead.
import { useSyncExternalStore } from 'react';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export interface InstallState {
  /** The browser offered installation and it has not been used yet. */
  canPrompt: boolean;
  /** Running as an installed app (standalone window) or installed during this visit. */
  installed: boolean;
}

let offered: BeforeInstallPromptEvent | null = null;
let state: InstallState = { canPrompt: false, installed: false };
const listeners = new Set<() => void>();
const installedHandlers = new Set<() => void>();

function setState(changes: Partial<InstallState>) {
  state = { ...state, ...changes };
  for (const listener of listeners) listener();
}

/** Starts listening; call once at boot. `onInstalled` runs when the app gets installed. */
export function listenForInstallPrompt(target: Window = window): void {
  const standalone = target.matchMedia?.('(display-mode: standalone)').matches ?? false;
  setState({ installed: standalone });
  target.addEventListener('beforeinstallprompt', (event) => {
    // Keep the offer for the settings screen instead of the browser's own mini bar.
    event.preventDefault();
    offered = event as BeforeInstallPromptEvent;
    setState({ canPrompt: true });
  });
  target.addEventListener('appinstalled', () => {
    offered = null;
    setState({ canPrompt: false, installed: true });
    for (const handler of installedHandlers) handler();
  });
}

export function onAppInstalled(handler: () => void): () => void {
  installedHandlers.add(handler);
  return () => installedHandlers.delete(handler);
}

/** Shows the browser's install sheet; resolves to whether staff accepted. */
export async function promptInstall(): Promise<boolean> {
  const event = offered;
  if (!event) return false;
  offered = null;
  setState({ canPrompt: false });
  await event.prompt();
  const { outcome } = await event.userChoice;
  return outcome === 'accepted';
}

export function useInstallState(): InstallState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
