import { useEffect, useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useI18n, type I18n, type MessageKey } from '../../ui/i18n.tsx';
import { NATIONAL_CODE_PROBLEM_MESSAGE } from '../../ui/code-problem.ts';
import { parseNationalCode } from '../../domain/national-code.ts';
import { recordHandover } from '../../db/handovers.ts';
import type { StoredCard } from '../../db/records.ts';
import type { OldCardState, RecipientKind } from '../../protocol/protocol.ts';
import { useCommandContext, useServices, useSettings } from '../../services/services.tsx';
import { useUnsavedWork } from '../../services/unsaved-work.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { RadioChoices } from '../../ui/RadioChoices.tsx';
import { signalSaved } from '../../ui/saved-signal.ts';
import type { SavedHandover, SearchScreenState } from '../../services/counter-flow.ts';
import {
  EMPTY_HANDOVER_DRAFT,
  dropHandoverDraft,
  isEmptyHandoverDraft,
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

/**
 * The handover of a ready card, on the card's own page: recipient, the four counter checks, the
 * old card's fate and "record", in one screen. After it commits the counter goes straight back to
 * a focused search with a confirmation, ready for the next citizen.
 */
export function HandoverForm({ card }: { card: StoredCard }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { db } = useServices();
  const settings = useSettings();
  const commandContext = useCommandContext();
  const navigate = useNavigate();
  const formId = useId();
  const cardId = card.cardId;

  const staffId = settings.shift?.staffId ?? '';
  // What was ticked before a lock, if this member left it here (handover-draft.ts).
  const [draft, setDraft] = useState<HandoverDraft>(
    () => readHandoverDraft(staffId, cardId) ?? EMPTY_HANDOVER_DRAFT,
  );
  useEffect(() => {
    if (staffId) keepHandoverDraft(staffId, cardId, draft);
  }, [staffId, cardId, draft]);
  useUnsavedWork(!isEmptyHandoverDraft(draft));
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

  const isProxy = recipientKind === 'proxy' && settings.rules.proxyPickupAllowed;
  const proxyCode =
    isProxy && proxy.nationalCode.trim() !== '' ? parseNationalCode(proxy.nationalCode) : null;
  const missing = missingForHandover(draft, isProxy, proxyCode?.ok === true);
  const allChecks = { ...checks, oldCard: oldCard ?? 'none' };
  const ready = missing.length === 0;
  const holderName = `${card.firstName} ${card.lastName}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || saving) return;
    setSaving(true);
    setError(null);
    try {
      const recorded = await recordHandover(
        db,
        {
          cardId,
          checks: allChecks,
          recipient: isProxy
            ? { kind: 'proxy', ...proxy }
            : { kind: 'holder', nationalCode: card.nationalCode, fullName: holderName },
        },
        commandContext(),
      );
      dropHandoverDraft(staffId, cardId);
      signalSaved({ sound: settings.savedSound });
      const saved: SavedHandover = {
        cardId,
        eventId: recorded.eventId,
        holderName,
        recipientName: recorded.recipient.fullName,
        recipientKind: recorded.recipient.kind,
        box: card.box ?? '',
        occurredAt: recorded.occurredAt,
      };
      const state: SearchScreenState = { saved };
      void navigate('/', { state });
    } catch (failure) {
      setError(describeCommandError(failure, i18n));
      setSaving(false);
    }
  };

  const missingId = `${formId}-missing`;
  return (
    <form
      onSubmit={submit}
      className="handover-form"
      aria-labelledby={`${formId}-title`}
      data-testid="handover-form"
    >
      <h2 id={`${formId}-title`} className="visually-hidden">
        {t('handoverTitle', { name: holderName })}
      </h2>
      {settings.rules.proxyPickupAllowed ? (
        <fieldset className="panel handover-recipient">
          <legend>{t('handoverRecipient')}</legend>
          <div className="segmented">
            <RadioChoices
              name="recipient-kind"
              choices={[
                ['holder', t('handoverRecipientHolder')],
                ['proxy', t('handoverRecipientProxy')],
              ]}
              value={recipientKind}
              onChange={setRecipientKind}
              tile
            />
          </div>
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
      <fieldset className="panel handover-checks">
        <legend>{t('handoverChecks')}</legend>
        <div className="check-grid">
          {CHECKS.map(([name, label]) => (
            <label key={name} className="choice choice-tile">
              <input
                type="checkbox"
                checked={checks[name]}
                onChange={(event) => setChecks({ ...checks, [name]: event.target.checked })}
              />
              <span>{t(label)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="panel handover-old-card">
        <legend>{t('handoverOldCard')}</legend>
        <div className="segmented">
          <RadioChoices
            name="old-card"
            choices={OLD_CARD_CHOICES.map(([value, label]) => [value, t(label)] as const)}
            value={oldCard}
            onChange={setOldCard}
            tile
          />
        </div>
      </fieldset>
      <div className="record-bar" data-testid="record-bar">
        <ErrorNotice message={error} />
        <p id={missingId} className="record-missing" aria-live="polite">
          {ready ? t('handoverReadyToRecord') : describeMissing(missing, i18n)}
        </p>
        <button
          type="submit"
          className="button button-primary button-large"
          disabled={!ready || saving}
          aria-describedby={missingId}
        >
          {saving ? t('handoverSaving') : t('handoverConfirm')}
        </button>
      </div>
    </form>
  );
}

/** What the form still needs before "record", in the order a clerk fills it. */
type MissingForHandover =
  | { what: 'checks'; count: number }
  | { what: 'old-card' }
  | { what: 'proxy-code' }
  | { what: 'proxy-details' };

function missingForHandover(
  draft: HandoverDraft,
  isProxy: boolean,
  proxyCodeValid: boolean,
): MissingForHandover[] {
  const missing: MissingForHandover[] = [];
  if (isProxy && !proxyCodeValid) missing.push({ what: 'proxy-code' });
  if (
    isProxy &&
    [draft.proxy.fullName, draft.proxy.relation, draft.proxy.documentRef].some(
      (value) => value.trim() === '',
    )
  )
    missing.push({ what: 'proxy-details' });
  const unticked = Object.values(draft.checks).filter((ticked) => !ticked).length;
  if (unticked > 0) missing.push({ what: 'checks', count: unticked });
  if (draft.oldCard === null) missing.push({ what: 'old-card' });
  return missing;
}

function describeMissing(missing: readonly MissingForHandover[], { t, count }: I18n): string {
  const parts = missing.map((item) => {
    switch (item.what) {
      case 'checks':
        return t('handoverMissingChecks', { count: count(item.count) });
      case 'old-card':
        return t('handoverMissingOldCard');
      case 'proxy-code':
        return t('handoverMissingProxyCode');
      case 'proxy-details':
        return t('handoverMissingProxyDetails');
    }
  });
  return t('handoverMissing', { items: parts.join(t('listSeparator')) });
}
