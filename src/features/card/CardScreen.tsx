import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useI18n, type I18n } from '../../ui/i18n.tsx';
import { CardStatusBadge, SyncStateBadge } from '../../ui/status.tsx';
import { formatClockTime, formatJalaliDate, jalaliDayKey } from '../../domain/jalali.ts';
import { refusalForCard } from '../../db/handovers.ts';
import { permission, voidAction } from '../../domain/staff-roles.ts';
import { voidHandover } from '../../db/handovers.ts';
import type { Approval } from '../../db/staff.ts';
import type { OutboxRecord, StoredCard, StoredEvent } from '../../db/records.ts';
import { needsAttention } from '../../db/attention.ts';
import { useCommandContext, useServices, useSettings } from '../../services/services.tsx';
import { useCard, useCardHistory } from './use-card.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { FactList } from '../../ui/FactList.tsx';
import { ApprovalDialog } from '../../ui/ApprovalDialog.tsx';
import { useSupervisorApproval } from '../../services/use-supervisor-approval.ts';
import { HandoverForm } from './HandoverForm.tsx';

export interface CardScreenNotice {
  saved?: 'void';
}

/** A handover recorded here this many minutes ago or less is "just now" on the card's page. */
export const JUST_NOW_MINUTES = 10;

export function CardScreen() {
  const { cardId = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const card = useCard(cardId);
  const history = useCardHistory(cardId);
  const location = useLocation();
  const notice = (location.state as CardScreenNotice | null)?.saved;
  const { withdrawnAt } = useSettings();

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
  const handOverHere = refusalForCard(card) === null && withdrawnAt === null;

  return (
    <section
      className={`screen card-screen${handOverHere ? ' card-screen-handover' : ''}`}
      aria-labelledby="card-title"
    >
      <h1 id="card-title">
        {t('cardTitle', {
          // Erased under the retention rule: the card id is what is left to name it by.
          name: card.detailsErasedAt ? card.cardId : `${card.firstName} ${card.lastName}`,
        })}
      </h1>
      {card.detailsErasedAt ? <p className="notice">{t('cardDetailsErased')}</p> : null}
      {notice ? (
        <p className="notice notice-success" role="status">
          {t('cardVoidSaved')}
        </p>
      ) : null}
      {refusedHere ? (
        <p className="notice notice-danger" role="alert">
          {t('cardNeedsAttention')} <Link to="/attention">{t('navAttention')}</Link>
        </p>
      ) : null}
      {handOverHere ? (
        // A ready card's details and its handover form are one screen: scan, tick, record.
        <div className="card-handover-layout">
          <CardDetails card={card} compact />
          <HandoverForm key={card.cardId} card={card} />
        </div>
      ) : (
        <>
          <CardStanding card={card} />
          <CardDetails card={card} />
          {activeLocalHandover && !activeHandoverRefused ? (
            <HandoverAftercare handover={activeLocalHandover} />
          ) : null}
          <Link className="button button-primary button-large next-citizen" to="/">
            {t('cardNextCitizen')}
          </Link>
        </>
      )}
      {history && history.length > 0 ? (
        <section aria-labelledby="history-title" className="panel">
          <h2 id="history-title">{t('cardHistory')}</h2>
          <ol className="history">
            {history.map((record) => (
              <HistoryItem key={record.eventId} record={record} />
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
}

function CardDetails({ card, compact = false }: { card: StoredCard; compact?: boolean }) {
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
  return <FactList facts={rows} className={`details panel${compact ? ' details-compact' : ''}`} />;
}

/** Where a card that cannot be handed over here stands, and since when. */
function CardStanding({ card }: { card: StoredCard }) {
  const { t, language } = useI18n();
  const { now } = useServices();
  const { timeZone, deviceId, withdrawnAt, formerDeviceIds } = useSettings();
  const recordedHere = (handoverDeviceId: string) =>
    handoverDeviceId === deviceId || formerDeviceIds.includes(handoverDeviceId);
  // A withdrawn tablet records nothing: say so where the form would be.
  if (card.status === 'ready' && withdrawnAt !== null)
    return <p className="notice notice-danger">{t('refusalDeviceWithdrawn')}</p>;
  if (card.status === 'ready') return null;
  if (card.status === 'handed_over') {
    const handover = card.handover;
    if (!handover) return <p className="notice">{t('cardCannotHandedOver')}</p>;
    const when = new Date(handover.occurredAt);
    const facts = {
      name: handover.recipient.fullName,
      kind: t(handover.recipient.kind === 'holder' ? 'recipientHolder' : 'recipientProxy'),
      date: formatJalaliDate(when, language, timeZone),
      time: formatClockTime(when, language, timeZone),
      staff: handover.staffId,
    };
    if (deviceId && recordedHere(handover.deviceId)) {
      // The clerk's own record, seen again: a fact, not a warning.
      const minutesAgo = (now().getTime() - when.getTime()) / 60_000;
      const justNow = minutesAgo >= 0 && minutesAgo <= JUST_NOW_MINUTES;
      return (
        <p className="notice notice-success" role="status">
          {t(justNow ? 'cardHandedOverJustNow' : 'cardHandedOverHere', facts)}
        </p>
      );
    }
    return (
      <div className="notice notice-warning" role="status">
        <p>{t('cardCannotHandedOver')}</p>
        <p>{t('cardHandedOverTo', facts)}</p>
        {deviceId ? <p>{t('cardHandedOverElsewhere')}</p> : null}
      </div>
    );
  }
  return (
    <p className="notice notice-danger" role="alert">
      {t(card.status === 'revoked' ? 'cardCannotRevoked' : 'cardCannotReturned')}
    </p>
  );
}

/** A handover recorded here: its receipt, and voiding it behind a button of its own. */
function HandoverAftercare({ handover }: { handover: OutboxRecord }) {
  const { t } = useI18n();
  const [voiding, setVoiding] = useState(false);
  return (
    <>
      <div className="actions">
        <Link className="button" to={`/receipts/${encodeURIComponent(handover.eventId)}`}>
          {t('cardPrintReceipt')}
        </Link>
        {!voiding ? (
          <button type="button" className="button" onClick={() => setVoiding(true)}>
            {t('voidTitle')}
          </button>
        ) : null}
      </div>
      {voiding ? <VoidForm handover={handover} onCancel={() => setVoiding(false)} /> : null}
    </>
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

function VoidForm({ handover, onCancel }: { handover: OutboxRecord; onCancel: () => void }) {
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
          autoFocus
        />
      </label>
      <ErrorNotice message={error} />
      <div className="actions">
        <button
          type="submit"
          className="button button-danger"
          disabled={saving || reason.trim() === ''}
        >
          {t(needsApproval ? 'voidNeedsSupervisor' : 'voidConfirm')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('handoverCancel')}
        </button>
      </div>
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
