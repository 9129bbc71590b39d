import { useLiveQuery } from 'dexie-react-hooks';
import { handoverRecordsOnDay } from '../../db/report.ts';
import { jalaliDayKey } from '../../domain/jalali.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useServices, useSettings } from '../../services/services.tsx';

/** The signed-in member's handovers of today on this tablet, voided ones not counted. */
export function MyHandoversToday({ staffId }: { staffId: string }) {
  const { t } = useI18n();
  const { db, now } = useServices();
  const { timeZone } = useSettings();
  const dayKey = jalaliDayKey(now(), timeZone);
  const count = useLiveQuery(
    async () =>
      (await handoverRecordsOnDay(db, dayKey)).filter(
        (record) => record.staffId === staffId && !record.voidedByEventId,
      ).length,
    [db, dayKey, staffId],
  );
  if (count === undefined) return null;
  return <span className="my-count">{t('myHandoversToday', { count })}</span>;
}
