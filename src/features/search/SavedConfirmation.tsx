import { Link } from 'react-router';
import { useI18n } from '../../ui/i18n.tsx';
import { formatClockTime } from '../../domain/jalali.ts';
import { useSettings } from '../../services/services.tsx';
import { cardPath, type SavedHandover } from '../../services/counter-flow.ts';

/**
 * What the clerk just did, still readable while the next citizen steps up: who received which
 * card, from which box, and when; the receipt and the card are one tap away.
 */
export function SavedConfirmation({ saved }: { saved: SavedHandover }) {
  const { t, digits, language } = useI18n();
  const { timeZone } = useSettings();
  return (
    <div className="notice notice-success saved-confirmation" role="status">
      <p className="saved-headline">{t('cardSaved')}</p>
      <p>
        {t('savedHandoverLine', {
          holder: saved.holderName,
          name: saved.recipientName,
          kind: t(saved.recipientKind === 'holder' ? 'recipientHolder' : 'recipientProxy'),
          time: formatClockTime(new Date(saved.occurredAt), language, timeZone),
        })}
      </p>
      <p className="saved-box">
        {t('fieldBox')}:{' '}
        <bdi className="box-label">{saved.box ? digits(saved.box) : t('notRecorded')}</bdi>
      </p>
      <p className="actions">
        <Link className="button" to={`/receipts/${encodeURIComponent(saved.eventId)}`}>
          {t('cardPrintReceipt')}
        </Link>
        <Link className="button" to={cardPath(saved.cardId)}>
          {t('savedOpenCard')}
        </Link>
      </p>
    </div>
  );
}
