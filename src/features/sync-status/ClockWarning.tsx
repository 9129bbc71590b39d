import { useLiveQuery } from 'dexie-react-hooks';
import { readClockEstimate } from '../../db/settings.ts';
import { clockWarning } from '../../domain/clock-skew.ts';
import { useI18n, type I18n } from '../../ui/i18n.tsx';
import { useServices } from '../../services/services.tsx';

/** "about 10 minutes", "about 3 hours", "about 2 days": as a clerk would say how far off. */
export function describeClockAmount(minutes: number, { t }: Pick<I18n, 't'>): string {
  if (minutes < 120) return t('clockAmountMinutes', { count: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('clockAmountHours', { count: hours });
  return t('clockAmountDays', { count: Math.round(hours / 24) });
}

/**
 * In the header while the tablet's clock is more than 2 minutes off the registry's, by the
 * latest estimate the sync engine stored (decision 024): what is wrong, why it matters, and
 * where to fix it. A notice, not a control; it goes once a registry answer shows the clock right.
 */
export function ClockWarning() {
  const i18n = useI18n();
  const { db } = useServices();
  const estimate = useLiveQuery(() => readClockEstimate(db), [db]);
  const warning = clockWarning(estimate ?? null);
  if (!warning) return null;
  return (
    <p className="clock-warning" role="status">
      {i18n.t(warning.direction === 'fast' ? 'clockWarningFast' : 'clockWarningSlow', {
        amount: describeClockAmount(warning.minutes, i18n),
      })}
    </p>
  );
}
