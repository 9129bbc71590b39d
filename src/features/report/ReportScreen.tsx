import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { centerDayRecords, overdueCards } from '../../db/report.ts';
import {
  daysWaiting,
  handoverReportFileName,
  handoverReportRow,
  overdueReportFileName,
  overdueReportRow,
  summarizeDay,
  type DaySummary,
} from '../../domain/daily-report.ts';
import {
  formatClockTime,
  formatJalaliDate,
  jalaliDayKey,
  jalaliMonthNames,
  weekdayNames,
} from '../../domain/jalali.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { FigureTiles } from '../../ui/FigureTiles.tsx';
import { describeCommandError } from '../../ui/command-error.ts';
import { CSV_MIME_TYPE, saveFile, XLSX_MIME_TYPE } from '../../ui/save-file.ts';
import { JalaliDatePicker, type JalaliDatePickerLabels } from '../../ui/JalaliDatePicker.tsx';
import { useServices, useSettings, useSyncState } from '../../services/services.tsx';
import { StaffFilter, staffKey, staffOnDay } from '../../ui/StaffFilter.tsx';
import { handoverReportCsv, overdueReportCsv, xlsxLayout } from './report-files.ts';
// In the report's own chunk (the app loads the screen when first opened): a kilobyte, no second wait.
import HourlyChart from './HourlyChart.tsx';
import {
  useBacklog,
  useCenterTablets,
  useDayReport,
  useFetchedDay,
  type Backlog,
  type DayFetch,
} from './use-report.ts';

export function ReportScreen() {
  const i18n = useI18n();
  const { t, language } = i18n;
  const { db, now } = useServices();
  const { timeZone, centerId, retentionDays } = useSettings();
  const today = jalaliDayKey(now(), timeZone);
  const [chosenDay, setDay] = useState<string | null>(null);
  const dayKey = chosenDay ?? today;
  const report = useDayReport(dayKey, timeZone);
  const dayFetch = useFetchedDay(dayKey, today);
  const [staffId, setStaffId] = useState('');
  const staff = useMemo(() => staffOnDay(report?.records ?? []), [report]);
  const chosenStaff = staff.some((member) => member.staffId === staffId) ? staffId : '';
  // One member's figures on screen; the files keep the whole day, as the registry's report does.
  const summary = useMemo(
    () =>
      report && chosenStaff
        ? summarizeDay(
            report.records.filter((record) => staffKey(record.staffId) === chosenStaff),
            timeZone,
          )
        : report?.summary,
    [report, chosenStaff, timeZone],
  );
  const [exportError, setExportError] = useState<string | null>(null);

  const labels = useMemo<JalaliDatePickerLabels>(
    () => ({
      group: t('reportDay'),
      previousDay: t('pickerPreviousDay'),
      nextDay: t('pickerNextDay'),
      today: t('pickerToday'),
      calendar: t('pickerCalendar'),
      previousMonth: t('pickerPreviousMonth'),
      nextMonth: t('pickerNextMonth'),
      weekdays: weekdayNames(language, 'long') as unknown as JalaliDatePickerLabels['weekdays'],
      weekdaysShort: weekdayNames(
        language,
        'narrow',
      ) as unknown as JalaliDatePickerLabels['weekdaysShort'],
      monthNames: jalaliMonthNames(language) as unknown as JalaliDatePickerLabels['monthNames'],
    }),
    [t, language],
  );

  async function exportDay(format: 'csv' | 'xlsx') {
    setExportError(null);
    try {
      // Read again at the moment of the download: the file holds what is stored now.
      const rows = (await centerDayRecords(db, dayKey)).map((record) =>
        handoverReportRow(record, timeZone),
      );
      const fileName = handoverReportFileName(centerId, dayKey, format);
      if (format === 'csv')
        saveFile(new Blob([handoverReportCsv(rows)], { type: CSV_MIME_TYPE }), fileName);
      else {
        const { handoverReportXlsx } = await import('./report-xlsx.ts');
        const workbook = await handoverReportXlsx(rows, xlsxLayout(i18n));
        saveFile(new Blob([workbook], { type: XLSX_MIME_TYPE }), fileName);
      }
    } catch (error) {
      setExportError(t('reportExportFailed', { reason: describeCommandError(error, i18n) }));
    }
  }

  return (
    <section className="screen report-screen" aria-labelledby="report-title">
      <h1 id="report-title">{t('reportTitle')}</h1>
      <div className="report-toolbar">
        <JalaliDatePicker
          value={dayKey}
          max={today}
          onChange={setDay}
          language={language}
          labels={labels}
        />
        <div className="report-exports">
          <button
            type="button"
            className="button button-primary"
            onClick={() => void exportDay('csv')}
          >
            {t('reportDownloadCsv')}
          </button>
          <button type="button" className="button" onClick={() => void exportDay('xlsx')}>
            {t('reportDownloadXlsx')}
          </button>
        </div>
      </div>
      <p className="muted">{t('reportExportHint')}</p>
      <ErrorNotice message={exportError} />
      <p className="muted">{t('reportCenterWide')}</p>
      <AsOf dayFetch={dayFetch} timeZone={timeZone} />

      {report === undefined ? null : report.records.length === 0 ? (
        <p className="notice">{t('reportEmpty')}</p>
      ) : (
        <>
          {/* The retention rule took the names off the tablet: the figures stand, the people
              are at the registry (and the file's name and code cells are empty). */}
          {report.records.some((record) => record.detailsErasedAtMs !== undefined) ? (
            <p className="notice">{t('reportDetailsAtRegistry')}</p>
          ) : null}
          <StaffFilter staff={staff} value={chosenStaff} onChange={setStaffId} />
          {summary ? <DayFigures summary={summary} /> : null}
        </>
      )}
      <CenterTablets summary={report?.summary} timeZone={timeZone} />

      <BacklogSection
        key={today}
        retentionDays={retentionDays}
        timeZone={timeZone}
        centerId={centerId}
        today={today}
        onError={setExportError}
      />
    </section>
  );
}

function DayFigures({ summary }: { summary: DaySummary }) {
  const { t, count } = useI18n();
  const warnWhen = (value: number, tone: 'warning' | 'danger') => (value > 0 ? tone : undefined);
  return (
    <>
      <FigureTiles
        figures={[
          { label: t('reportHandedOver'), value: count(summary.handedOver), tone: 'main' },
          { label: t('reportToHolder'), value: count(summary.toHolder) },
          { label: t('reportToProxy'), value: count(summary.toProxy) },
          { label: t('reportVoided'), value: count(summary.voided) },
          {
            label: t('reportPendingSync'),
            value: count(summary.pendingSync),
            tone: warnWhen(summary.pendingSync, 'warning'),
          },
          {
            label: t('reportNeedsAttention'),
            value: count(summary.needsAttention),
            tone: warnWhen(summary.needsAttention, 'danger'),
          },
        ]}
      />
      <p className="muted">{t('reportRecorded', { count: count(summary.recorded) })}</p>
      {summary.needsAttention > 0 ? (
        <p>
          <Link to="/attention">{t('navAttention')}</Link>
        </p>
      ) : null}
      <section className="report-section" aria-labelledby="report-hours-title">
        <h2 id="report-hours-title">{t('reportByHour')}</h2>
        <HourlyChart byHour={summary.byHour} />
      </section>
      <section className="report-section" aria-labelledby="report-staff-title">
        <h2 id="report-staff-title">{t('reportByStaff')}</h2>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">{t('reportStaff')}</th>
              <th scope="col">{t('reportHandedOver')}</th>
              <th scope="col">{t('reportVoided')}</th>
            </tr>
          </thead>
          <tbody>
            {summary.byStaff.map((staff) => (
              <tr key={staff.staffId}>
                <td>
                  {staff.staffName} <bdi className="code muted">({staff.staffId})</bdi>
                </td>
                <td>{count(staff.handovers)}</td>
                <td>{count(staff.voided)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** Offline: the figures are the last sync's; another day asked of the registry: how that went. */
function AsOf({ dayFetch, timeZone }: { dayFetch: DayFetch; timeZone: string }) {
  const { t, language } = useI18n();
  const { status } = useSyncState();
  const tablets = useCenterTablets();
  if (status === 'offline' && tablets) {
    const at = tablets.lastSyncAtMs;
    return (
      <p className="notice" role="status">
        {at === null
          ? t('reportAsOfNeverSynced')
          : t('reportAsOfLastSync', { time: dateTime(new Date(at), language, timeZone, t) })}
      </p>
    );
  }
  if (dayFetch === 'fetching')
    return (
      <p className="muted" role="status">
        {t('reportFetchingDay')}
      </p>
    );
  if (dayFetch === 'failed') return <p className="notice">{t('reportFetchDayFailed')}</p>;
  return null;
}

function dateTime(
  at: Date,
  language: ReturnType<typeof useI18n>['language'],
  timeZone: string,
  t: ReturnType<typeof useI18n>['t'],
): string {
  return t('reportDateTime', {
    date: formatJalaliDate(at, language, timeZone),
    time: formatClockTime(at, language, timeZone),
  });
}

/**
 * The center's tablets: what each recorded that day and when the registry last heard from it;
 * this tablet's own line says when it last synced.
 */
function CenterTablets({ summary, timeZone }: { summary?: DaySummary; timeZone: string }) {
  const { t, count, language } = useI18n();
  const { deviceId } = useSettings();
  const tablets = useCenterTablets();
  if (!tablets) return null;
  const listed = tablets.listed?.devices ?? [];
  const byDevice = new Map((summary?.byDevice ?? []).map((totals) => [totals.deviceId, totals]));
  const ids = [deviceId, ...listed.map((device) => device.deviceId), ...byDevice.keys()].filter(
    (id, index, all) => id !== '' && all.indexOf(id) === index,
  );
  const heard = (at: number | null, never: string) =>
    at === null ? never : dateTime(new Date(at), language, timeZone, t);
  return (
    <section className="report-section" aria-labelledby="report-devices-title">
      <h2 id="report-devices-title">{t('reportDevices')}</h2>
      <table className="report-table">
        <thead>
          <tr>
            <th scope="col">{t('reportDevice')}</th>
            <th scope="col">{t('reportHandedOver')}</th>
            <th scope="col">{t('reportVoided')}</th>
            <th scope="col">{t('reportDeviceLastHeard')}</th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => {
            const device = listed.find((candidate) => candidate.deviceId === id);
            const totals = byDevice.get(id);
            // A device id is a name, not a number: its digits stay as the CSV has them.
            const short = id.slice(0, 8);
            const label =
              id === deviceId
                ? t('reportDeviceThis', { id: short })
                : device?.status === 'withdrawn'
                  ? t('reportDeviceWithdrawn', { id: short })
                  : short;
            return (
              <tr key={id} data-device-id={id}>
                <td title={id}>
                  <bdi className="code">{label}</bdi>
                </td>
                <td>{count(totals?.handovers ?? 0)}</td>
                <td>{count(totals?.voided ?? 0)}</td>
                <td>
                  {id === deviceId
                    ? heard(tablets.lastSyncAtMs, t('reportDeviceNotSynced'))
                    : heard(
                        device?.lastHeardAt ? Date.parse(device.lastHeardAt) : null,
                        t('reportDeviceNeverHeard'),
                      )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

interface BacklogSectionProps {
  retentionDays: number;
  timeZone: string;
  centerId: string;
  today: string;
  onError: (message: string | null) => void;
}

function BacklogSection({
  retentionDays,
  timeZone,
  centerId,
  today,
  onError,
}: BacklogSectionProps) {
  const i18n = useI18n();
  const { t, count, language } = i18n;
  const { db, now } = useServices();
  // Taken when the section mounts; the screen remounts it when the center's day turns (its key),
  // so a screen left open overnight counts against the new day, as the overdue file's name does.
  const [asOf] = useState(now);
  const backlog = useBacklog(asOf, retentionDays);

  async function exportOverdue(at: Date) {
    onError(null);
    try {
      const rows = (await overdueCards(db, at, retentionDays)).map((card) =>
        overdueReportRow(card, at, timeZone),
      );
      saveFile(
        new Blob([overdueReportCsv(rows)], { type: CSV_MIME_TYPE }),
        overdueReportFileName(centerId, today),
      );
    } catch (error) {
      onError(t('reportExportFailed', { reason: describeCommandError(error, i18n) }));
    }
  }

  if (!backlog) return null;
  return (
    <section className="report-section" aria-labelledby="report-backlog-title">
      <h2 id="report-backlog-title">{t('reportBacklog')}</h2>
      <FigureTiles
        figures={[
          { label: t('reportBacklogReady'), value: count(backlog.ready) },
          {
            label: t('reportBacklogOverdue', { days: retentionDays }),
            value: count(backlog.overdue),
            tone: backlog.overdue > 0 ? 'warning' : undefined,
          },
        ]}
      />
      {backlog.oldestWaitingSince ? (
        <p className="muted">
          {t('reportBacklogOldest', {
            date: formatJalaliDate(new Date(backlog.oldestWaitingSince), language, timeZone),
          })}
        </p>
      ) : null}
      <p className="muted">
        {t('reportBacklogRetention', { days: retentionDays })}{' '}
        <Link to="/settings">{t('navSettings')}</Link>
      </p>
      <OverdueList
        backlog={backlog}
        timeZone={timeZone}
        onExport={() => void exportOverdue(backlog.at)}
      />
    </section>
  );
}

function OverdueList({
  backlog,
  timeZone,
  onExport,
}: {
  backlog: Backlog;
  timeZone: string;
  onExport: () => void;
}) {
  const { t, count, digits, language } = useI18n();
  if (backlog.overdue === 0)
    return <p className="notice notice-success">{t('reportOverdueNone')}</p>;
  return (
    <section aria-labelledby="report-overdue-title">
      <div className="section-heading">
        <h3 id="report-overdue-title">{t('reportOverdueTitle')}</h3>
        <button type="button" className="button" onClick={onExport}>
          {t('reportDownloadOverdue')}
        </button>
      </div>
      {backlog.overdue > backlog.overdueShown.length ? (
        <p className="muted">
          {t('reportOverdueShown', {
            shown: count(backlog.overdueShown.length),
            total: count(backlog.overdue),
          })}
        </p>
      ) : null}
      <table className="report-table">
        <thead>
          <tr>
            <th scope="col">{t('importCardId')}</th>
            <th scope="col">{t('todayHolder')}</th>
            <th scope="col">{t('fieldNationalCode')}</th>
            <th scope="col">{t('reportBox')}</th>
            <th scope="col">{t('reportWaitingSince')}</th>
            <th scope="col">{t('reportDaysWaiting')}</th>
          </tr>
        </thead>
        <tbody>
          {backlog.overdueShown.map((card) => {
            const since = new Date(card.updatedAt);
            return (
              <tr key={card.cardId}>
                <td>
                  <Link to={`/cards/${encodeURIComponent(card.cardId)}`}>
                    <bdi className="code">{digits(card.cardId)}</bdi>
                  </Link>
                </td>
                <td>
                  {card.firstName} {card.lastName}
                </td>
                <td>
                  <bdi className="code">{digits(card.nationalCode)}</bdi>
                </td>
                <td>
                  <bdi className="code">{card.box ? digits(card.box) : '—'}</bdi>
                </td>
                <td>{formatJalaliDate(since, language, timeZone)}</td>
                <td>{count(daysWaiting(card, backlog.at))}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
