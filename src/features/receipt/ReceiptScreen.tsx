import { useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { formatClockTime, formatJalaliDate } from '../../domain/jalali.ts';
import type { HandoverReceipt } from '../../db/receipt.ts';
import type { CounterChecks, OldCardState } from '../../protocol/protocol.ts';
import { useSettings } from '../../services/services.tsx';
import { useI18n, type MessageKey } from '../../ui/i18n.tsx';
import { FactList } from '../../ui/FactList.tsx';
import { RadioChoices } from '../../ui/RadioChoices.tsx';
import { QrCode } from './QrCode.tsx';
import {
  RECEIPT_PAPERS,
  readReceiptPaper,
  storeReceiptPaper,
  type ReceiptPaper,
} from './receipt-paper.ts';
import { usePrintPage } from './use-print-page.ts';
import { useReceipt } from './use-receipt.ts';
import './receipt.css';

const CHECK_LABELS: ReadonlyArray<[keyof Omit<CounterChecks, 'oldCard'>, MessageKey]> = [
  ['identityVerified', 'receiptCheckIdentity'],
  ['birthCertificateSeen', 'receiptCheckBirthCertificate'],
  ['feeCollected', 'receiptCheckFee'],
  ['biometricConfirmed', 'receiptCheckBiometric'],
];

const OLD_CARD_LABELS: Record<OldCardState, MessageKey> = {
  collected: 'receiptOldCardCollected',
  not_presented: 'receiptOldCardNotPresented',
  none: 'receiptOldCardNone',
};

const PAPER_LABELS: Record<ReceiptPaper, MessageKey> = {
  a5: 'receiptPaperA5',
  roll: 'receiptPaperRoll',
};

/** `/receipts/:eventId`: the printable receipt of a handover recorded on this tablet. */
export function ReceiptScreen() {
  const { eventId = '' } = useParams();
  const { t } = useI18n();
  const receipt = useReceipt(eventId);
  if (receipt === undefined) return <section className="screen" aria-busy="true" />;
  if (receipt === null) {
    return (
      <section className="screen" aria-labelledby="receipt-missing-title">
        <h1 id="receipt-missing-title">{t('receiptNotFound')}</h1>
        <p className="muted">{t('receiptNotFoundHint')}</p>
        <Link className="button" to="/">
          {t('receiptBackToSearch')}
        </Link>
      </section>
    );
  }
  return <ReceiptView receipt={receipt} />;
}

function ReceiptView({ receipt }: { receipt: HandoverReceipt }) {
  const { t } = useI18n();
  const [paper, setPaper] = useState<ReceiptPaper>(readReceiptPaper);
  const receiptElement = useRef<HTMLElement>(null);
  usePrintPage(paper, receiptElement);
  const choose = (chosen: ReceiptPaper) => {
    setPaper(chosen);
    storeReceiptPaper(chosen);
  };
  return (
    <section className="screen receipt-screen" aria-label={t('receiptScreenLabel')}>
      <div className="receipt-controls">
        <Link className="button" to={`/cards/${encodeURIComponent(receipt.handover.cardId)}`}>
          {t('receiptBackToCard')}
        </Link>
        <fieldset className="receipt-paper">
          <legend>{t('receiptPaper')}</legend>
          <RadioChoices
            name="receipt-paper"
            choices={RECEIPT_PAPERS.map((option) => [option, t(PAPER_LABELS[option])] as const)}
            value={paper}
            onChange={choose}
          />
        </fieldset>
        <button type="button" className="button button-primary" onClick={() => window.print()}>
          {t('receiptPrint')}
        </button>
      </div>
      <div className="receipt-sheet" data-paper={paper}>
        <ReceiptDocument receipt={receipt} ref={receiptElement} />
      </div>
    </section>
  );
}

function ReceiptDocument({
  receipt,
  ref,
}: {
  receipt: HandoverReceipt;
  ref: React.Ref<HTMLElement>;
}) {
  const { t, digits, language } = useI18n();
  const { timeZone, centerName, centerId } = useSettings();
  const { handover, detailsErased } = receipt;
  const { recipient, checks } = handover;
  const when = new Date(receipt.occurredAtMs);
  const erased = <span className="receipt-erased">{t('receiptErasedValue')}</span>;
  const code = (value: string | null | undefined) =>
    value ? <bdi className="code">{digits(value)}</bdi> : detailsErased ? erased : t('notRecorded');
  const text = (value: string | null | undefined) =>
    value ? <bdi>{value}</bdi> : detailsErased ? erased : t('notRecorded');

  const rows: Array<[string, ReactNode]> = [
    [t('receiptCenter'), <bdi key="center">{centerName || centerId}</bdi>],
    [t('receiptDate'), formatJalaliDate(when, language, timeZone)],
    [t('receiptTime'), <bdi key="time">{formatClockTime(when, language, timeZone)}</bdi>],
    [t('receiptHolderName'), text(receipt.holderName)],
    [t('fieldNationalCode'), code(receipt.holderNationalCode)],
    [
      t('fieldCardId'),
      <bdi key="card" className="code">
        {handover.cardId}
      </bdi>,
    ],
    [t('fieldTrackingCode'), code(receipt.trackingCode)],
    [
      t('receiptRecipient'),
      t(recipient.kind === 'holder' ? 'receiptRecipientHolder' : 'receiptRecipientProxy'),
    ],
    ...(recipient.kind === 'proxy'
      ? ([
          [t('receiptProxyName'), text(recipient.fullName)],
          [t('receiptProxyCode'), code(recipient.nationalCode)],
          [t('receiptProxyRelation'), text(recipient.relation)],
          [t('receiptProxyDocument'), code(recipient.documentRef)],
        ] satisfies Array<[string, ReactNode]>)
      : []),
    [
      t('receiptClerk'),
      t('receiptClerkValue', { name: receipt.staffName, id: digits(receipt.staffId) }),
    ],
    [
      t('receiptDevice'),
      <bdi key="device" className="code">
        {handover.deviceId}
      </bdi>,
    ],
  ];

  return (
    <article
      className="receipt"
      ref={ref}
      aria-labelledby="receipt-title"
      data-voided={receipt.voidedAtMs !== null ? 'true' : undefined}
    >
      <header className="receipt-header">
        <h1 id="receipt-title">{t('receiptTitle')}</h1>
        {receipt.voidedAtMs !== null ? (
          <p className="receipt-void-stamp">{t('receiptVoidedStamp')}</p>
        ) : null}
      </header>
      {receipt.voidedAtMs !== null ? (
        <p className="receipt-note receipt-note-void">
          {t('receiptVoided', {
            date: formatJalaliDate(new Date(receipt.voidedAtMs), language, timeZone),
            time: formatClockTime(new Date(receipt.voidedAtMs), language, timeZone),
          })}
        </p>
      ) : null}
      {detailsErased ? <p className="receipt-note">{t('receiptDetailsErased')}</p> : null}
      <FactList facts={rows} className="receipt-fields" />
      <div className="receipt-bottom">
        <section className="receipt-checks" aria-labelledby="receipt-checks-title">
          <h2 id="receipt-checks-title">{t('receiptChecks')}</h2>
          <ul>
            {CHECK_LABELS.map(([check, label]) => (
              <li key={check}>
                <span aria-hidden="true" className="receipt-mark">
                  {checks[check] ? '✓' : '✗'}
                </span>
                <span>
                  {t(label)}
                  <span className="visually-hidden">
                    : {t(checks[check] ? 'receiptCheckDone' : 'receiptCheckNotDone')}
                  </span>
                </span>
              </li>
            ))}
            <li>
              <span aria-hidden="true" className="receipt-mark">
                •
              </span>
              <span>
                {t('receiptOldCard')}: <strong>{t(OLD_CARD_LABELS[checks.oldCard])}</strong>
              </span>
            </li>
          </ul>
        </section>
        <div className="receipt-event">
          <QrCode
            className="receipt-qr"
            text={handover.eventId}
            label={t('receiptQrLabel', { id: handover.eventId })}
          />
          <p>
            <span className="receipt-event-label">{t('receiptEventId')}</span>
            <bdi className="code receipt-event-id" data-testid="receipt-event-id">
              {handover.eventId}
            </bdi>
          </p>
        </div>
      </div>
      <p className="receipt-signature">{t('receiptSignature')}</p>
    </article>
  );
}
