import { useState } from 'react';
import type { StaffOnShift } from '../../db/records.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { PinStep, type SignedIn } from './PinStep.tsx';
import { SignInScreen } from './SignInScreen.tsx';

/**
 * The locked counter: who is signed in and their PIN, nothing else (no card, no citizen). The
 * same member unlocks and goes on where they were; anyone else signing in ends the shift.
 */
export function LockScreen({
  shift,
  onSignedIn,
}: {
  shift: StaffOnShift;
  onSignedIn: (result: SignedIn) => void;
}) {
  const { t, digits } = useI18n();
  const [someoneElse, setSomeoneElse] = useState(false);
  const who = { name: shift.staffName, id: digits(shift.staffId) };

  if (someoneElse) {
    return (
      <SignInScreen onSignedIn={onSignedIn}>
        <p className="muted">{t('lockSomeoneElseHint', { name: shift.staffName })}</p>
        <button type="button" className="button" onClick={() => setSomeoneElse(false)}>
          {t('lockBackToUnlock')}
        </button>
      </SignInScreen>
    );
  }
  return (
    <section className="screen lock-screen" aria-labelledby="lock-title">
      <h1 id="lock-title">{t('lockTitle')}</h1>
      <p className="lock-who">{t('lockIntro', who)}</p>
      <PinStep member={{ staffId: shift.staffId, name: shift.staffName }} onSignedIn={onSignedIn} />
      <button type="button" className="button" onClick={() => setSomeoneElse(true)}>
        {t('lockSomeoneElse')}
      </button>
    </section>
  );
}
