import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useI18n, type I18n } from '../../ui/i18n.tsx';
import { CardStatusBadge, SyncStateBadge } from '../../ui/status.tsx';
import { formatClockTime, formatJalaliDate, jalaliDayKey } from '../../domain/jalali.ts';
import { permission, voidAction } from '../../domain/staff-roles.ts';
import { voidHandover } from '../../db/handovers.ts';
import type { Approval } from '../../db/staff.ts';
import type { OutboxRecord, StoredCard, StoredEvent } from '../../db/records.ts';
import { needsAttention } from '../../db/attention.ts';
import { useCommandContext, useServices, useSettings } from '../../services/services.tsx';
import { useCard, useCardHistory } from './use-card.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { ApprovalDialog } from '../../ui/ApprovalDialog.tsx';
import { useSupervisorApproval } from '../../services/use-supervisor-approval.ts';

export interface CardScreenNotice {
  saved?: 'handover' | 'void';
}

export function CardScreen() {
  const { cardId = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const card = useCard(cardId);
  const history = useCardHistory(cardId);
  const location = useLocation();
  const notice = (location.state as CardScreenNotice | null)?.saved;

  if (card === undefined) return <section className="screen" aria-busy="true" />;
  if (card === null) {
    return (
      <section className="screen">
        <h1>{t('cardNotFound')}</h1>
        <Link className="button" to="/">
          {t('cardBackToSearch')}
        </Link>
      </section>
    );
  }
  const activeLocalHandover = history?.find(
    (record) =>
      record.type === 'handover' &&
      !record.voidedByEventId &&
      card.handover?.eventId === record.eventId,
  );
  const refusedHere = history?.some(needsAttention) ?? false;
  const activeHandoverRefused =
    activeLocalHandover !== undefined && needsAttention(activeLocalHandover);

  return (
    <section className="screen card-screen" aria-labelledby="card-title">
      <h1 id="card-title">
        {t('cardTitle', {
          // Erased under the retention rule: the card id is what is left to name it by.
          name: card.detailsErasedAt ? card.cardId : `${card.firstName} ${card.lastName}`,
        })}
      </h1>
      {card.detailsErasedAt ? <p className="notice">{t('cardDetailsErased')}</p> : null}
      {notice ? (
        <p className="notice notice-success" role="status">
          {t(notice === 'handover' ? 'cardSaved' : 'cardVoidSaved')}
        </p>
      ) : null}
      <CardDetails card={card} />
      <CardActions card={card} />
      {refusedHere ? (
        <p className="notice notice-danger" role="alert">
          {t('cardNeedsAttention')} <Link to="/attention">{t('navAttention')}</Link>
        </p>
      ) : null}
      {activeLocalHandover && !activeHandoverRefused ? (
        <VoidForm handover={activeLocalHandover} />
      ) : null}
      <section aria-labelledby="history-title" className="panel">
        <h2 id="history-title">{t('cardHistory')}</h2>
        {history && history.length > 0 ? (
          <ol className="history">
            {history.map((record) => (
              <HistoryItem key={record.eventId} record={record} />
            ))}
          </ol>
        ) : (
          <p className="muted">{t('cardNoHistory')}</p>
        )}
      </section>
    </section>
  );
}

function CardDetails({ card }: { card: StoredCard }) {
  const { t, digits } = useI18n();
  const rows: Array<[string, React.ReactNode]> = [
    [t('fieldStatus'), <CardStatusBadge key="status" status={card.status} />],
    [
      t('fieldBox'),
      <bdi key="box" className="box-label">
        {card.box ? digits(card.box) : t('notRecorded')}
      </bdi>,
    ],
    [
      t('fieldNationalCode'),
      <bdi key="nc" className="code">
        {digits(card.nationalCode)}
      </bdi>,
    ],
    [t('fieldFatherName'), card.fatherName || t('notRecorded')],
    [
      t('fieldBirthDate'),
      card.birthDate ? <bdi key="bd">{digits(card.birthDate)}</bdi> : t('notRecorded'),
    ],
    [
      t('fieldTrackingCode'),
      card.trackingCode ? (
        <bdi key="tc" className="code">
          {digits(card.trackingCode)}
        </bdi>
      ) : (
        t('notRecorded')
      ),
    ],
    [
      t('fieldCardId'),
      <bdi key="id" className="code">
        {card.cardId}
      </bdi>,
    ],
  ];
  return (
    <dl className="details panel">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function CardActions({ card }: { card: StoredCard }) {
  const { t, language } = useI18n();
  const { timeZone, deviceId, withdrawnAt, formerDeviceIds } = useSettings();
  const recordedHere = (handoverDeviceId: string) =>
    handoverDeviceId === deviceId || formerDeviceIds.includes(handoverDeviceId);
  // A withdrawn tablet records nothing: say so where the button would be.
  if (card.status === 'ready' && withdrawnAt !== null)
    return <p className="notice notice-danger">{t('refusalDeviceWithdrawn')}</p>;
  if (card.status === 'ready') {
    return (
      <Link
        className="button button-primary button-large"
        to={`/cards/${encodeURIComponent(card.cardId)}/handover`}
      >
        {t('cardHandOver')}
      </Link>
    );
  }
  if (card.status === 'handed_over') {
    const handover = card.handover;
    const when = handover ? new Date(handover.occurredAt) : null;
    return (
      <div className="notice" role="status">
        <p>{t('cardCannotHandedOver')}</p>
        {handover && when ? (
          <p>
            {t('cardHandedOverTo', {
              name: handover.recipient.fullName,
              kind: t(handover.recipient.kind === 'holder' ? 'recipientHolder' : 'recipientProxy'),
              date: formatJalaliDate(when, language, timeZone),
              time: formatClockTime(when, language, timeZone),
              staff: handover.staffId,
            })}
          </p>
        ) : null}
        {handover && deviceId && !recordedHere(handover.deviceId) ? (
          <p>{t('cardHandedOverElsewhere')}</p>
        ) : null}
      </div>
    );
  }
  return (
    <p className="notice notice-danger" role="alert">
      {t(card.status === 'revoked' ? 'cardCannotRevoked' : 'cardCannotReturned')}
    </p>
  );
}

function HistoryItem({ record }: { record: OutboxRecord }) {
  const { t, language } = useI18n();
  const { timeZone } = useSettings();
  const when = new Date(record.occurredAtMs);
  const event = record.event;
  return (
    <li className="history-item">
      <span>{describeEvent(event, t)}</span>
      <span className="muted inline-facts">
        <span>
          {formatJalaliDate(when, language, timeZone)} {formatClockTime(when, language, timeZone)}
        </span>
        <span>{t('historyBy', { staff: record.staffName })}</span>
      </span>
      <span>
        <SyncStateBadge state={record.syncState} />
        {record.voidedByEventId ? <span className="badge badge-voided">{t('voided')}</span> : null}
      </span>
    </li>
  );
}

function describeEvent(event: StoredEvent, t: I18n['t']): string {
  switch (event.type) {
    case 'handover':
      return t('historyHandover', { name: event.recipient.fullName });
    case 'handover_void':
      return t('historyVoid', { reason: event.reason });
    case 'attention_resolved':
      return t(event.resolution === 'voided' ? 'historyResolvedVoided' : 'historyResolvedNoted', {
        note: event.note,
      });
  }
}

function VoidForm({ handover }: { handover: OutboxRecord }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { db, now } = useServices();
  const { shift, timeZone } = useSettings();
  const commandContext = useCommandContext();
  const approval = useSupervisorApproval();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [approving, setApproving] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();
  // Another's handover, or one of an earlier day: the clerk voids it with a supervisor's approval.
  const needsApproval =
    shift !== null &&
    permission(shift.role, voidAction(handover, shift.staffId, jalaliDayKey(now(), timeZone))) ===
      'needs-approval';

  const record = async (approvedBy?: Approval) => {
    setSaving(true);
    setError(null);
    try {
      await voidHandover(
        db,
        { handoverEventId: handover.eventId, reason, ...(approvedBy ? { approvedBy } : {}) },
        commandContext(),
      );
      const notice: CardScreenNotice = { saved: 'void' };
      void navigate(location.pathname, { replace: true, state: notice });
    } catch (failure) {
      setError(describeCommandError(failure, i18n));
    } finally {
      setSaving(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (needsApproval) setApproving(true);
    else void record();
  };

  return (
    <form className="panel void-form" onSubmit={submit} aria-labelledby="void-title">
      <h2 id="void-title">{t('voidTitle')}</h2>
      <p className="muted">{t('voidIntro')}</p>
      {needsApproval ? (
        <p className="notice notice-warning">{t('voidNeedsSupervisorHint')}</p>
      ) : null}
      <label className="field">
        <span>{t('voidReason')}</span>
        <textarea
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          rows={2}
          required
        />
      </label>
      <ErrorNotice message={error} />
      <button
        type="submit"
        className="button button-danger"
        disabled={saving || reason.trim() === ''}
      >
        {t(needsApproval ? 'voidNeedsSupervisor' : 'voidConfirm')}
      </button>
      {approving ? (
        <ApprovalDialog
          action={t('approvalActionVoid')}
          supervisors={approval.supervisors}
          approve={approval.approve}
          now={now}
          onCancel={() => setApproving(false)}
          onApproved={(approvedBy) => {
            setApproving(false);
            void record(approvedBy);
          }}
        />
      ) : null}
    </form>
  );
}
