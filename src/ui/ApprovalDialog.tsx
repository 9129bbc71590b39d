import { useId, useState } from 'react';
import { ModalDialog } from './ModalDialog.tsx';
import { useI18n } from './i18n.tsx';
import type { PinCheckProblem } from '../domain/pin-lockout.ts';
import { PinPad } from './PinPad.tsx';
import { PinProblemNotice, pinProblemOf, type PinProblem } from './PinProblemNotice.tsx';
import { findStaff, StaffPicker, type PickableStaff } from './StaffPicker.tsx';

export type ApproveOutcome<A> = { ok: true; approval: A } | ({ ok: false } & PinCheckProblem);

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
  const [chosen, setChosen] = useState<PickableStaff | null>(null);
  const [typedUnknown, setTypedUnknown] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<PinProblem | null>(null);

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

  // The PIN step focuses its keypad itself; the first step starts at its first control.
  return (
    <ModalDialog titleId={titleId} onCancel={onCancel} focusFirst={!chosen} focusKey={chosen}>
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
    </ModalDialog>
  );
}
