import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from './i18n.tsx';
import type { PinCheckProblem } from '../domain/pin-lockout.ts';
import { PinPad } from './PinPad.tsx';
import { PinProblemNotice, pinProblemOf, type PinProblem } from './PinProblemNotice.tsx';
import { findStaff, StaffPicker, type PickableStaff } from './StaffPicker.tsx';

export type ApproveOutcome<A> = { ok: true; approval: A } | ({ ok: false } & PinCheckProblem);

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * A supervisor approves one action on the clerk's screen: picks their name (or types their id)
 * and enters their PIN. Modal: focus stays inside, Escape cancels, focus goes back where it was.
 * `approve` checks the PIN (the caller wires db/staff.ts's approveAsSupervisor); the approval it
 * gives is handed to `onApproved` for that one action, and the clerk stays signed in.
 */
export function ApprovalDialog<A>({
  action,
  supervisors,
  approve,
  now,
  onApproved,
  onCancel,
}: {
  /** What is being approved, in words ("voiding a handover"). */
  action: string;
  supervisors: readonly PickableStaff[];
  approve: (staffId: string, pin: string) => Promise<ApproveOutcome<A>>;
  now: () => Date;
  onApproved: (approval: A) => void;
  onCancel: () => void;
}) {
  const { t, digits } = useI18n();
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const [chosen, setChosen] = useState<PickableStaff | null>(null);
  const [typedUnknown, setTypedUnknown] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<PinProblem | null>(null);

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  useEffect(() => {
    // The PIN step focuses its keypad itself; the first step starts at its first control.
    if (!chosen) dialog.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  }, [chosen]);

  const pick = (staffId: string) => {
    const supervisor = findStaff(supervisors, staffId);
    if (!supervisor) return setTypedUnknown(staffId);
    setTypedUnknown(null);
    setProblem(null);
    setPin('');
    setChosen(supervisor);
  };

  const submit = async () => {
    if (!chosen || busy) return;
    setBusy(true);
    const typed = pin;
    setPin('');
    try {
      const result = await approve(chosen.staffId, typed);
      if (result.ok) return onApproved(result.approval);
      setProblem(pinProblemOf(result, now().getTime()));
    } finally {
      setBusy(false);
    }
  };

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

  // In a portal: the dialog may be opened from inside a form, and holds forms of its own. React
  // still bubbles its events to the opener, so they stop here.
  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className="dialog panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
        onSubmit={(event) => event.stopPropagation()}
      >
        <h2 id={titleId}>{t('approvalTitle')}</h2>
        <p className="dialog-action">{t('approvalFor', { action })}</p>
        {!chosen ? (
          <>
            <p className="muted">{t('approvalIntro')}</p>
            {supervisors.length === 0 ? (
              <p className="notice notice-warning">{t('approvalNoSupervisors')}</p>
            ) : null}
            <StaffPicker
              members={supervisors}
              listLabel={t('approvalSupervisors')}
              idLabel={t('approvalTypeId')}
              onPick={pick}
            />
            {typedUnknown !== null ? (
              <p className="notice notice-danger" role="alert">
                {t('approvalNotSupervisorId', { id: digits(typedUnknown) })}
              </p>
            ) : null}
          </>
        ) : (
          <>
            <p className="pin-who">
              {t('signedInAs', { name: chosen.name, id: digits(chosen.staffId) })}
            </p>
            {problem ? (
              <PinProblemNotice problem={problem} staffId={chosen.staffId} now={now} />
            ) : null}
            <PinPad
              value={pin}
              onChange={(value) => {
                setPin(value);
                if (problem?.problem === 'wrong-pin' || problem?.problem === 'not-supervisor')
                  setProblem(null);
              }}
              onSubmit={() => void submit()}
              busy={busy}
              label={t('signInPinTitle', { name: chosen.name })}
              autoFocus
            />
            <button type="button" className="button" onClick={() => setChosen(null)}>
              {t('signInChangeMember')}
            </button>
          </>
        )}
        <div className="actions dialog-actions">
          <button type="button" className="button" onClick={onCancel}>
            {t('approvalCancel')}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
