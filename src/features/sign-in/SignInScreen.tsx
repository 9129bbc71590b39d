import { useId, useState, type ReactNode } from 'react';
import { useI18n } from '../../ui/i18n.tsx';
import { findStaff, StaffPicker } from '../../ui/StaffPicker.tsx';
import { PinProblemNotice } from '../../ui/PinProblemNotice.tsx';
import { useServices } from '../../services/services.tsx';
import { useRoster } from '../../services/use-supervisor-approval.ts';
import { PinStep, type SignedIn } from './PinStep.tsx';

/**
 * Shown instead of the counter until a member of the roster signs in: their name from the
 * roster (or their id typed), then their PIN, checked on the tablet with no network.
 * `children`: what the lock screen adds when it offers this (the way back to unlocking).
 */
export function SignInScreen({
  onSignedIn,
  children,
}: {
  onSignedIn: (result: SignedIn) => void;
  children?: ReactNode;
}) {
  const { t, digits } = useI18n();
  const { now } = useServices();
  const roster = useRoster();
  const [chosen, setChosen] = useState<{ staffId: string; name: string } | null>(null);
  const typedProblemId = useId();
  const [typedProblem, setTypedProblem] = useState<{
    staffId: string;
    problem: 'unknown-staff' | 'inactive';
  } | null>(null);

  if (roster === undefined) return <section className="screen" aria-busy="true" />;
  const active = roster.filter((member) => member.active);

  const pick = (typed: string) => {
    const member = findStaff(roster, typed);
    if (!member || !member.active) {
      setTypedProblem({ staffId: typed, problem: member ? 'inactive' : 'unknown-staff' });
      return;
    }
    setTypedProblem(null);
    setChosen({ staffId: member.staffId, name: member.name });
  };

  return (
    <section className="screen sign-in-screen" aria-labelledby="sign-in-title">
      {chosen ? (
        <>
          <h1 id="sign-in-title">{t('signInPinTitle', { name: chosen.name })}</h1>
          <p className="muted">
            <bdi className="code">{digits(chosen.staffId)}</bdi> — {t('signInPinIntro')}
          </p>
          <PinStep key={chosen.staffId} member={chosen} onSignedIn={onSignedIn} />
          <button type="button" className="button" onClick={() => setChosen(null)}>
            {t('signInChangeMember')}
          </button>
        </>
      ) : (
        <>
          <h1 id="sign-in-title">{t('signInTitle')}</h1>
          {active.length === 0 ? (
            <p className="notice notice-warning" role="status">
              {t('signInRosterEmpty')}
            </p>
          ) : (
            <>
              <p className="muted">{t('signInIntro')}</p>
              <StaffPicker
                members={active}
                listLabel={t('signInRosterLabel')}
                idLabel={t('signInTypeId')}
                onPick={pick}
                typedProblemId={typedProblem ? typedProblemId : undefined}
                onTypedChange={() => setTypedProblem(null)}
              />
              {typedProblem ? (
                <div id={typedProblemId}>
                  <PinProblemNotice
                    problem={{ problem: typedProblem.problem }}
                    staffId={digits(typedProblem.staffId)}
                    now={now}
                  />
                </div>
              ) : null}
            </>
          )}
        </>
      )}
      {children}
    </section>
  );
}
