// Leaving the center, on the settings screen (the app composes it in): two taps, refused in
// words while anything is unsent unless it is all in a saved unsent-events file.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { leaveAndRetire } from '../../sync/enrolment.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useServices } from '../../services/services.tsx';
import { UnsentEventsExport, useUnsettledCount } from './UnsentEventsExport.tsx';

/**
 * Leaving is one deliberate step (two taps): refused while handovers are unsent or wait for a
 * supervisor, unless every one is in a saved unsent-events file; otherwise everything of this
 * center leaves the tablet with it, and the tablet shows the enrolment screen.
 */
export function LeaveCenterPanel() {
  const i18n = useI18n();
  const { t } = i18n;
  const { db, syncEngine, fetch } = useServices();
  const navigate = useNavigate();
  const unsettled = useUnsettledCount();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const leave = async () => {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    setProblem(null);
    try {
      // The registry is told first, if it can be reached; leaving does not wait for it otherwise.
      await leaveAndRetire(db, { fetch }, { discardExported: true });
      // Nothing to sync until the next enrolment, which starts the engine again.
      syncEngine?.stop();
      void navigate('/', { replace: true });
    } catch (error) {
      setConfirming(false);
      setProblem(describeCommandError(error, i18n));
    }
  };

  return (
    <section className="panel" aria-labelledby="leave-title">
      <h2 id="leave-title">{t('settingsLeaveTitle')}</h2>
      <p className="muted">{t('settingsLeaveBody')}</p>
      <ErrorNotice message={problem} />
      <div className="actions">
        {unsettled > 0 ? <UnsentEventsExport /> : null}
        <Link className="button" to="/enrol">
          {t('settingsEnrolElsewhere')}
        </Link>
        <button
          type="button"
          className={confirming ? 'button button-danger' : 'button'}
          onClick={() => void leave()}
        >
          {confirming ? t('settingsLeaveConfirm') : t('settingsLeave')}
        </button>
      </div>
    </section>
  );
}
