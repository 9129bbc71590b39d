import { useState } from 'react';
import { Link } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { handoverRecordsOnDay } from '../../db/report.ts';
import { formatClockTime, formatJalaliDate, jalaliDayKey } from '../../domain/jalali.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { SyncStateBadge } from '../../ui/status.tsx';
import { useServices, useSettings } from '../../services/services.tsx';
import { StaffFilter, staffKey, staffOnDay } from '../../ui/StaffFilter.tsx';

export function TodayScreen() {
  const { t, digits, language } = useI18n();
  const { db, now } = useServices();
  const { timeZone } = useSettings();
  const today = now();
  const dayKey = jalaliDayKey(today, timeZone);
  // Newest first: the clerk looks for the handover just made.
  const handovers = useLiveQuery(
    async () => (await handoverRecordsOnDay(db, dayKey)).reverse(),
    [db, dayKey],
  );
  const [staffId, setStaffId] = useState('');
  const staff = staffOnDay(handovers ?? []);
  // A member who no longer appears (the day changed, their handover was erased) shows everyone.
  const chosenStaff = staff.some((member) => member.staffId === staffId) ? staffId : '';
  const shown = handovers?.filter(
    (record) => !chosenStaff || staffKey(record.staffId) === chosenStaff,
  );
  const active = shown?.filter((record) => !record.voidedByEventId).length ?? 0;

  return (
    <section className="screen today-screen" aria-labelledby="today-title">
      <h1 id="today-title">
        {t('todayTitle', { date: formatJalaliDate(today, language, timeZone) })}
      </h1>
      {handovers === undefined || shown === undefined ? null : handovers.length === 0 ? (
        <p className="muted">{t('todayEmpty')}</p>
      ) : (
        <>
          <div className="toolbar">
            <StaffFilter staff={staff} value={chosenStaff} onChange={setStaffId} />
            <p className="muted">{t('todayCount', { count: active })}</p>
          </div>
          <table className="today-table">
            <thead>
              <tr>
                <th scope="col">{t('todayTime')}</th>
                <th scope="col">{t('todayHolder')}</th>
                <th scope="col">{t('fieldNationalCode')}</th>
                <th scope="col">{t('todayRecipient')}</th>
                <th scope="col">{t('todayStaff')}</th>
                <th scope="col">{t('todaySync')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((record) => (
                <tr key={record.eventId} className={record.voidedByEventId ? 'voided' : undefined}>
                  <td>
                    <bdi>{formatClockTime(new Date(record.occurredAtMs), language, timeZone)}</bdi>
                  </td>
                  <td>
                    {/* The link covers its whole row: the row is the target, not the name. */}
                    <Link className="row-link" to={`/cards/${encodeURIComponent(record.cardId)}`}>
                      {record.detailsErasedAtMs !== undefined ? record.cardId : record.holderName}
                    </Link>
                  </td>
                  <td>
                    <bdi className="code">{digits(record.holderNationalCode)}</bdi>
                  </td>
                  <td>
                    {record.event.type === 'handover'
                      ? t(
                          record.event.recipient.kind === 'holder'
                            ? 'recipientHolder'
                            : 'recipientProxy',
                        )
                      : null}
                  </td>
                  <td>{record.staffName}</td>
                  <td>
                    <SyncStateBadge state={record.syncState} />
                    {record.voidedByEventId ? (
                      <span className="badge badge-voided">{t('voided')}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
