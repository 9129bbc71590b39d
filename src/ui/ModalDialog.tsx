import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * The frame of every modal dialog: focus moves in and stays inside (Tab wraps), Escape cancels,
 * and focus goes back where it was when it closes. `focusKey` changing moves focus to the first
 * control again (a dialog whose steps replace its controls), unless the step focuses itself.
 */
export function ModalDialog({
  titleId,
  role = 'dialog',
  describedBy,
  onCancel,
  focusFirst = true,
  focusKey,
  children,
}: {
  titleId: string;
  role?: 'dialog' | 'alertdialog';
  describedBy?: string;
  onCancel: () => void;
  /** False while the content focuses a control of its own. */
  focusFirst?: boolean;
  focusKey?: unknown;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  useEffect(() => {
    if (focusFirst) dialog.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  }, [focusFirst, focusKey]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
      return;
    }
    event.stopPropagation();
    if (event.key !== 'Tab' || !dialog.current) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const inside = dialog.current.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  };

  // In a portal: a dialog may be opened from inside a form, and hold forms of its own. React
  // still bubbles its events to the opener, so they stop here.
  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="dialog panel"
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        onKeyDown={onKeyDown}
        onSubmit={(event) => event.stopPropagation()}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}
