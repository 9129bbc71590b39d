import { useEffect, useRef } from 'react';
import { ScanBurstDetector } from '../domain/scan-burst.ts';

/**
 * Calls `onScan` with what a USB scanner typed (a fast burst of keys and Enter) while the focus is
 * on no text field: on the card page, a saved screen, a half-ticked form. A text field takes its
 * own input (the search box opens a scanned card itself; a scan into the proxy's code field fills
 * it), so keys aimed at one are never watched. The Enter that ends a scan is swallowed: it must
 * not press the focused button ("record") or tick the focused box.
 */
export function useScanAnywhere({
  enabled,
  onScan,
}: {
  enabled: boolean;
  onScan: (scanned: string) => void;
}): void {
  const latestOnScan = useRef(onScan);
  useEffect(() => {
    latestOnScan.current = onScan;
  }, [onScan]);
  useEffect(() => {
    if (!enabled) return undefined;
    const detector = new ScanBurstDetector();
    const onKeyDown = (event: KeyboardEvent) => {
      // A modal dialog (a supervisor's PIN, a question) has the counter's whole attention.
      const dialogOpen = document.querySelector('[aria-modal="true"]') !== null;
      if (event.ctrlKey || event.metaKey || event.altKey || dialogOpen || takesText(event.target)) {
        detector.reset();
        return;
      }
      if (event.key === 'Enter') {
        const scanned = detector.enter(event.timeStamp);
        if (scanned === null) return;
        event.preventDefault();
        event.stopPropagation();
        latestOnScan.current(scanned);
      } else if (event.key.length === 1) {
        detector.key(event.key, event.timeStamp);
      } else if (event.key !== 'Shift') {
        detector.reset();
      }
    };
    const onPointerDown = () => detector.reset();
    window.addEventListener('keydown', onKeyDown, { capture: true });
    window.addEventListener('pointerdown', onPointerDown, { capture: true });
    return () => {
      window.removeEventListener('keydown', onKeyDown, { capture: true });
      window.removeEventListener('pointerdown', onPointerDown, { capture: true });
    };
  }, [enabled]);
}

const TEXTLESS_INPUT_TYPES = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'file',
  'range',
  'color',
  'image',
]);

function takesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !TEXTLESS_INPUT_TYPES.has(target.type);
}
