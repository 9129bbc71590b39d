import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useI18n, type MessageKey } from '../../ui/i18n.tsx';
import { NATIONAL_CODE_PROBLEM_MESSAGE } from '../../ui/code-problem.ts';
import { parseNationalCode } from '../../domain/national-code.ts';
import { checksComplete, recordHandover, refusalForCard } from '../../db/handovers.ts';
import { CommandRefused } from '../../domain/refusals.ts';
import type { OldCardState, RecipientKind } from '../../protocol/protocol.ts';
import { useCommandContext, useServices, useSettings } from '../../services/services.tsx';
import { useCard } from './use-card.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import type { CardScreenNotice } from './CardScreen.tsx';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import {
  EMPTY_HANDOVER_DRAFT,
  dropHandoverDraft,
  keepHandoverDraft,
  readHandoverDraft,
  type CheckName,
  type HandoverDraft,
} from './handover-draft.ts';

const CHECKS: Array<[CheckName, MessageKey]> = [
  ['identityVerified', 'handoverIdentity'],
  ['birthCertificateSeen', 'handoverBirthCertificate'],
  ['feeCollected', 'handoverFee'],
  ['biometricConfirmed', 'handoverBiometric'],
];

const OLD_CARD_CHOICES: Array<[OldCardState, MessageKey]> = [
  ['collected', 'handoverOldCardCollected'],
  ['not_presented', 'handoverOldCardNotPresented'],
  ['none', 'handoverOldCardNone'],
];

export function HandoverScreen() {
  const { cardId = '' } = useParams();
  const i18n = useI18n();
  const { t, digits } = i18n;
  const { db } = useServices();
  const settings = useSettings();
  const commandContext = useCommandContext();
  const navigate = useNavigate();
  const card = useCard(cardId);
  const formId = useId();

  const staffId = settings.shift?.staffId ?? '';
  // What was ticked before a lock, if this member left it here (handover-draft.ts).
  const [draft, setDraft] = useState<HandoverDraft>(
    () => readHandoverDraft(staffId, cardId) ?? EMPTY_HANDOVER_DRAFT,
  );
  useEffect(() => {
    if (staffId) keepHandoverDraft(staffId, cardId, draft);
  }, [staffId, cardId, draft]);
  const { recipientKind, checks, oldCard, proxy } = draft;
  const setRecipientKind = (value: RecipientKind) =>
    setDraft((current) => ({ ...current, recipientKind: value }));
  const setChecks = (value: HandoverDraft['checks']) =>
    setDraft((current) => ({ ...current, checks: value }));
  const setOldCard = (value: OldCardState) =>
    setDraft((current) => ({ ...current, oldCard: value }));
  const setProxy = (value: HandoverDraft['proxy']) =>
    setDraft((current) => ({ ...current, proxy: value }));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (card === undefined) return <section className="screen" aria-busy="true" />;
  const cardPath = `/cards/${encodeURIComponent(cardId)}`;
  const refusal = refusalForCard(card ?? undefined);
  if (!card || refusal) {
    return (
      <section className="screen">
        <p className="notice notice-danger" role="alert">
          {describeCommandError(new CommandRefused(refusal ?? 'card-not-found'), i18n)}
        </p>
        <Link className="button" to={card ? cardPath : '/'}>
          {t('cardBackToSearch')}
        </Link>
      </section>
    );
  }

  const isProxy = recipientKind === 'proxy' && settings.rules.proxyPickupAllowed;
  const proxyCode =
    isProxy && proxy.nationalCode.trim() !== '' ? parseNationalCode(proxy.nationalCode) : null;
  const proxyComplete =
    !isProxy ||
    (proxyCode?.ok === true &&
      proxy.fullName.trim() !== '' &&
      proxy.relation.trim() !== '' &&
      proxy.documentRef.trim() !== '');
  const allChecks = { ...checks, oldCard: oldCard ?? 'none' };
  const ready = oldCard !== null && checksComplete(allChecks) && proxyComplete;
  const holderName = `${card.firstName} ${card.lastName}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || saving) return;
    setSaving(true);
    setError(null);
    try {
      await recordHandover(
        db,
        {
          cardId: card.cardId,
          checks: allChecks,
          recipient: isProxy
            ? { kind: 'proxy', ...proxy }
            : { kind: 'holder', nationalCode: card.nationalCode, fullName: holderName },
        },
        commandContext(),
      );
      dropHandoverDraft(staffId, card.cardId);
      const notice: CardScreenNotice = { saved: 'handover' };
      void navigate(cardPath, { replace: true, state: notice });
    } catch (failure) {
      setError(describeCommandError(failure, i18n));
      setSaving(false);
    }
  };

  return (
    <section className="screen handover-screen" aria-labelledby={`${formId}-title`}>
      <h1 id={`${formId}-title`}>{t('handoverTitle', { name: holderName })}</h1>
      {/* Separate spans, not a middle dot: in Persian text a dot reads as the digit zero. */}
      <p className="muted inline-facts">
        <span>{t('handoverHolderCode', { code: digits(card.nationalCode) })}</span>
        <span>
          {t('fieldBox')}: <bdi>{card.box ? digits(card.box) : t('notRecorded')}</bdi>
        </span>
      </p>
      <form onSubmit={submit} className="handover-form">
        {settings.rules.proxyPickupAllowed ? (
          <fieldset className="panel">
            <legend>{t('handoverRecipient')}</legend>
            {(['holder', 'proxy'] as const).map((kind) => (
              <label key={kind} className="choice">
                <input
                  type="radio"
                  name="recipient-kind"
                  value={kind}
                  checked={recipientKind === kind}
                  onChange={() => setRecipientKind(kind)}
                />
                <span>
                  {t(kind === 'holder' ? 'handoverRecipientHolder' : 'handoverRecipientProxy')}
                </span>
              </label>
            ))}
            {isProxy ? (
              <div className="proxy-fields">
                <label className="field">
                  <span>{t('handoverProxyCode')}</span>
                  <input
                    inputMode="numeric"
                    autoComplete="off"
                    value={proxy.nationalCode}
                    aria-invalid={proxyCode?.ok === false}
                    aria-describedby={`${formId}-proxy-code-error`}
                    onChange={(event) => setProxy({ ...proxy, nationalCode: event.target.value })}
                  />
                </label>
                <p
                  id={`${formId}-proxy-code-error`}
                  className="field-error"
                  role={proxyCode?.ok === false ? 'alert' : undefined}
                >
                  {proxyCode && !proxyCode.ok
                    ? t('searchInvalidCode', {
                        reason: t(NATIONAL_CODE_PROBLEM_MESSAGE[proxyCode.problem]),
                      })
                    : ''}
                </p>
                <label className="field">
                  <span>{t('handoverProxyName')}</span>
                  <input
                    autoComplete="off"
                    value={proxy.fullName}
                    onChange={(event) => setProxy({ ...proxy, fullName: event.target.value })}
                  />
                </label>
                <label className="field">
                  <span>{t('handoverProxyRelation')}</span>
                  <input
                    autoComplete="off"
                    value={proxy.relation}
                    onChange={(event) => setProxy({ ...proxy, relation: event.target.value })}
                  />
                </label>
                <label className="field">
                  <span>{t('handoverProxyDocument')}</span>
                  <input
                    autoComplete="off"
                    value={proxy.documentRef}
                    onChange={(event) => setProxy({ ...proxy, documentRef: event.target.value })}
                  />
                </label>
              </div>
            ) : null}
          </fieldset>
        ) : null}
        <fieldset className="panel">
          <legend>{t('handoverChecks')}</legend>
          {CHECKS.map(([name, label]) => (
            <label key={name} className="choice">
              <input
                type="checkbox"
                checked={checks[name]}
                onChange={(event) => setChecks({ ...checks, [name]: event.target.checked })}
              />
              <span>{t(label)}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="panel">
          <legend>{t('handoverOldCard')}</legend>
          {OLD_CARD_CHOICES.map(([value, label]) => (
            <label key={value} className="choice">
              <input
                type="radio"
                name="old-card"
                value={value}
                checked={oldCard === value}
                onChange={() => setOldCard(value)}
              />
              <span>{t(label)}</span>
            </label>
          ))}
        </fieldset>
        {!ready ? <p className="muted">{t('handoverIncomplete')}</p> : null}
        <ErrorNotice message={error} />
        <div className="actions">
          <button
            type="submit"
            className="button button-primary button-large"
            disabled={!ready || saving}
          >
            {saving ? t('handoverSaving') : t('handoverConfirm')}
          </button>
          <Link
            className="button"
            to={cardPath}
            onClick={() => dropHandoverDraft(staffId, card.cardId)}
          >
            {t('handoverCancel')}
          </Link>
        </div>
      </form>
    </section>
  );
}
