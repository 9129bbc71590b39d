// Above every screen of a withdrawn tablet: it says so, that nothing new can be recorded, and
// offers the unsent events file; enrolling again is in settings.
import { Link } from 'react-router';
import { useI18n } from '../../ui/i18n.tsx';
import { useSettings } from '../../services/services.tsx';
import { UnsentEventsExport, useUnsettledCount } from './UnsentEventsExport.tsx';

export function WithdrawnNotice() {
  const { t, count } = useI18n();
  const { withdrawnAt } = useSettings();
  const unsettled = useUnsettledCount();
  if (withdrawnAt === null) return null;
  return (
    <section
      className="panel withdrawn-notice notice-danger"
      role="alert"
      aria-labelledby="withdrawn-title"
    >
      <h2 id="withdrawn-title">{t('withdrawnTitle')}</h2>
      <p>
        {unsettled > 0
          ? t('withdrawnBody', { count: count(unsettled) })
          : t('withdrawnNothingUnsent')}
      </p>
      <div className="actions">
        {unsettled > 0 ? <UnsentEventsExport /> : null}
        <Link className="button" to="/settings">
          {t('settingsLeaveTitle')}
        </Link>
      </div>
    </section>
  );
}
