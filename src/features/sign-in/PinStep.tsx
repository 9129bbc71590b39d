import { useEffect, useState } from 'react';
import { clearLockout, lockoutRemainingMs, signIn, type SignInResult } from '../../db/staff.ts';
import { parsePin } from '../../domain/pin-verifier.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { PinPad } from '../../ui/PinPad.tsx';
import { PinProblemNotice, pinProblemOf, type PinProblem } from '../../ui/PinProblemNotice.tsx';
import { ApprovalDialog } from '../../ui/ApprovalDialog.tsx';
import { useServices } from '../../services/services.tsx';
import { useSupervisorApproval } from '../../services/use-supervisor-approval.ts';

export type SignedIn = Extract<SignInResult, { ok: true }>;

/**
 * One member's PIN, checked offline (db/staff.ts's signIn). Shows a lockout at once, counting
 * down, with a supervisor's way to clear it. The PIN is held in this component's state only.
 */
export function PinStep({
  member,
  onSignedIn,
}: {
  member: { staffId: string; name: string };
  onSignedIn: (result: SignedIn) => void;
}) {
  const { t } = useI18n();
  const { db, now } = useServices();
  const approval = useSupervisorApproval();
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<PinProblem | null>(null);
  const [cleared, setCleared] = useState(false);
  const [approving, setApproving] = useState(false);
  const { staffId } = member;

  useEffect(() => {
    let current = true;
    void lockoutRemainingMs(db, staffId, now()).then((remainingMs) => {
      if (current && remainingMs > 0)
        setProblem(pinProblemOf({ problem: 'locked-out', remainingMs }, now().getTime()));
    });
    return () => {
      current = false;
    };
  }, [db, now, staffId]);

  const submit = async () => {
    if (busy) return;
    const parsed = parsePin(pin);
    setPin('');
    setCleared(false);
    // A PIN too short to be anyone's is not counted against the member.
    if (!parsed.ok) return setProblem({ problem: 'too-short' });
    setBusy(true);
    try {
      const result = await signIn(db, staffId, parsed.pin, now());
      if (result.ok) return onSignedIn(result);
      setProblem(pinProblemOf(result, now().getTime()));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pin-step">
      {problem ? (
        <PinProblemNotice
          problem={problem}
          staffId={staffId}
          now={now}
          lockoutAction={
            <button type="button" className="button" onClick={() => setApproving(true)}>
              {t('signInClearLockout')}
            </button>
          }
        />
      ) : cleared ? (
        <p className="notice notice-success" role="status">
          {t('signInLockoutCleared')}
        </p>
      ) : null}
      <PinPad
        value={pin}
        onChange={(value) => {
          setPin(value);
          if (problem && problem.problem !== 'locked-out') setProblem(null);
        }}
        onSubmit={() => void submit()}
        busy={busy}
        label={t('signInPinTitle', { name: member.name })}
        autoFocus={!approving}
      />
      {busy ? (
        <p className="muted" role="status">
          {t('signInChecking')}
        </p>
      ) : null}
      {approving ? (
        <ApprovalDialog
          action={t('approvalActionClearLockout', { name: member.name })}
          supervisors={approval.supervisors}
          approve={approval.approve}
          now={now}
          onCancel={() => setApproving(false)}
          onApproved={(approved) => {
            setApproving(false);
            // Refused only if the approver stopped being an active supervisor meanwhile: the
            // lockout then stays, as the countdown says.
            void clearLockout(db, staffId, approved).then(
              () => {
                setProblem(null);
                setCleared(true);
              },
              () => undefined,
            );
          }}
        />
      ) : null}
    </div>
  );
}
