import { useId } from 'react';
import { ModalDialog } from './ModalDialog.tsx';

/**
 * A question with two answers. The safe answer (`cancelLabel`, staying where one is) comes first
 * and has the focus, so an Enter from a scanner or a stray tap loses nothing.
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const titleId = useId();
  const bodyId = useId();
  return (
    <ModalDialog titleId={titleId} describedBy={bodyId} role="alertdialog" onCancel={onCancel}>
      <h2 id={titleId}>{title}</h2>
      <p id={bodyId}>{body}</p>
      <div className="actions dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="button" className="button button-primary" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </ModalDialog>
  );
}
