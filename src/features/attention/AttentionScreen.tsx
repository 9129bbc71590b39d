import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { attentionItems, resolveAttention, type AttentionItem } from '../../db/attention.ts';
import type { AttentionResolvedEvent } from '../../db/records.ts';
import { formatClockTime, formatJalaliDate } from '../../domain/jalali.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { CardStatusBadge, SyncStateBadge } from '../../ui/status.tsx';
import { describeCommandError } from '../../ui/command-error.ts';
import { describePushRefusal } from '../../ui/push-reason.ts';
import { useCommandContext, useServices, useSettings } from '../../services/services.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { ApprovalDialog } from '../../ui/ApprovalDialog.tsx';
import { permission } from '../../domain/staff-roles.ts';
import type { Approval } from '../../db/staff.ts';
import { useSupervisorApproval } from '../../services/use-supervisor-approval.ts';

/** Events the registry refused, kept in front of staff until a supervisor settles each one. */
export function AttentionScreen() {
  const { t } = useI18n();
  const { db } = useServices();
  const items = useLiveQuery(() => attentionItems(db), [db]);
  const [lastSaved, setLastSaved] = useState<string | null>(null);

  return (
    <section className="screen attention-screen" aria-labelledby="attention-title">
      <h1 id="attention-title">{t('attentionTitle')}</h1>
      <p className="muted">{t('attentionIntro')}</p>
      {lastSaved ? (
        <p className="notice notice-success" role="status">
          {t('attentionSaved')}
        </p>
      ) : null}
      {items === undefined ? null : items.length === 0 ? (
        <p className="notice">{t('attentionEmpty')}</p>
      ) : (
        <ol className="attention-list">
          {items.map((item) => (
            <AttentionEntry key={item.record.eventId} item={item} onResolved={setLastSaved} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AttentionEntry({
  item,
  onResolved,
}: {
  item: AttentionItem;
  onResolved: (eventId: string) => void;
}) {
  const i18n = useI18n();
  const { t, language } = i18n;
  const { db, now } = useServices();
  const { timeZone, shift } = useSettings();
  const commandContext = useCommandContext();
  const approval = useSupervisorApproval();
  const [note, setNote] = useState('');
  // A clerk settles an item with a supervisor's approval: the chosen resolution waits for it.
  const [awaitingApproval, setAwaitingApproval] = useState<
    AttentionResolvedEvent['resolution'] | null
  >(null);
  const needsApproval =
    shift !== null && permission(shift.role, 'resolve-attention') === 'needs-approval';
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { record, card } = item;
  const event = record.event;
  const when = new Date(record.occurredAtMs);
  const titleId = `attention-${record.eventId}`;
  const canVoid = event.type === 'handover' && !record.voidedByEventId;
  const refusal = describePushRefusal(record.serverCode, record.serverReason, i18n);

  const resolve = async (
    resolution: AttentionResolvedEvent['resolution'],
    approvedBy?: Approval,
  ) => {
    setSaving(true);
    setError(null);
    try {
      const saved = await resolveAttention(
        db,
        { eventId: record.eventId, resolution, note, ...(approvedBy ? { approvedBy } : {}) },
        commandContext(),
      );
      onResolved(saved.eventId);
    } catch (failure) {
      setError(describeCommandError(failure, i18n));
      setSaving(false);
    }
  };
  const choose = (resolution: AttentionResolvedEvent['resolution']) => {
    if (needsApproval) setAwaitingApproval(resolution);
    else void resolve(resolution);
  };
  // Enter in the note must not pick a resolution: each choice is its own button.
  const submit = (formEvent: FormEvent<HTMLFormElement>) => formEvent.preventDefault();

  return (
    <li className="panel attention-entry" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {record.holderName} <bdi className="code muted">{record.cardId}</bdi>
      </h2>
      <p className="inline-facts">
        <SyncStateBadge state={record.syncState} />
        <span>
          {event.type === 'handover'
            ? t('historyHandover', { name: event.recipient.fullName })
            : event.type === 'handover_void'
              ? t('historyVoid', { reason: event.reason })
              : null}
        </span>
      </p>
      <p className="muted">
        {t('attentionRecorded', {
          date: formatJalaliDate(when, language, timeZone),
          time: formatClockTime(when, language, timeZone),
          staff: record.staffName,
        })}
      </p>
      <p className="attention-reason">{refusal.sentence}</p>
      {refusal.registryText ? (
        <p className="muted attention-registry-text">{refusal.registryText}</p>
      ) : null}
      <div className="attention-card-now">
        <h3>{t('attentionCardNow')}</h3>
        {card ? (
          <>
            <CardStatusBadge status={card.status} />
            {card.status === 'handed_over' &&
            card.handover &&
            card.handover.eventId !== record.eventId ? (
              <p>
                {t('cardHandedOverTo', {
                  name: card.handover.recipient.fullName,
                  kind: t(
                    card.handover.recipient.kind === 'holder'
                      ? 'recipientHolder'
                      : 'recipientProxy',
                  ),
                  date: formatJalaliDate(new Date(card.handover.occurredAt), language, timeZone),
                  time: formatClockTime(new Date(card.handover.occurredAt), language, timeZone),
                  staff: card.handover.staffId,
                })}
              </p>
            ) : null}
            <Link className="button" to={`/cards/${encodeURIComponent(card.cardId)}`}>
              {t('attentionOpenCard')}
            </Link>
          </>
        ) : (
          <p>{t('attentionCardUnknown')}</p>
        )}
      </div>
      <form className="attention-form" onSubmit={submit}>
        <label className="field">
          <span>{t('attentionNoteLabel')}</span>
          <textarea
            value={note}
            onChange={(change) => setNote(change.target.value)}
            rows={2}
            placeholder={t('attentionNoteHint')}
            required
          />
        </label>
        {needsApproval ? <p className="muted">{t('attentionNeedsSupervisor')}</p> : null}
        <ErrorNotice message={error} />
        <div className="actions">
          {canVoid ? (
            <button
              type="button"
              className="button button-danger"
              onClick={() => choose('voided')}
              disabled={saving || note.trim() === ''}
            >
              {t('attentionVoid')}
            </button>
          ) : null}
          <button
            type="button"
            className="button"
            onClick={() => choose('noted')}
            disabled={saving || note.trim() === ''}
          >
            {t('attentionMarkResolved')}
          </button>
        </div>
      </form>
      {awaitingApproval ? (
        <ApprovalDialog
          action={t('approvalActionResolve')}
          supervisors={approval.supervisors}
          approve={approval.approve}
          now={now}
          onCancel={() => setAwaitingApproval(null)}
          onApproved={(approvedBy) => {
            const resolution = awaitingApproval;
            setAwaitingApproval(null);
            void resolve(resolution, approvedBy);
          }}
        />
      ) : null}
    </li>
  );
}
