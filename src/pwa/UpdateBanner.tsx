import { useEffect, useState, useSyncExternalStore } from 'react';
import { useI18n, type MessageKey } from '../ui/i18n.tsx';
import type { UpdateHandle } from './register-service-worker.ts';

/** What must finish before the page may reload into the new version. */
export type UpdateHold = 'handover' | 'sync' | 'import' | null;

const HOLD_MESSAGE: Record<Exclude<UpdateHold, null>, MessageKey> = {
  handover: 'updateHeldHandover',
  sync: 'updateHeldSync',
  import: 'updateHeldImport',
};

/**
 * "Update available", and the update itself once staff accept it and nothing is in the way: a
 * reload in the middle of a handover form, a sync request or a manifest import would cost the
 * clerk's input, an answer the outbox is waiting for, or the import's place in the file. IndexedDB, and with it the outbox, is untouched by an update.
 */
export function UpdateBanner({
  updates,
  hold,
  beforeUpdate,
}: {
  updates: UpdateHandle;
  hold: UpdateHold;
  beforeUpdate?: () => void;
}) {
  const { t } = useI18n();
  const available = useSyncExternalStore(updates.subscribe, updates.updateAvailable);
  const [accepted, setAccepted] = useState(false);
  const [stalled, setStalled] = useState(false);

  useEffect(() => {
    if (accepted && hold === null) {
      beforeUpdate?.();
      // Chromium now and then leaves the new worker waiting when the old one wakes mid-swap
      // (decision 007); closing every Tahvil window lets it take over on the next start.
      void updates.applyUpdate().then((reloading) => setStalled(!reloading));
    }
  }, [accepted, hold, updates, beforeUpdate]);

  if (!available) return null;
  return (
    <div className="update-banner" role="status">
      {accepted ? (
        <span>
          {hold ? t(HOLD_MESSAGE[hold]) : stalled ? t('updateNeedsRestart') : t('updateApplying')}
        </span>
      ) : (
        <>
          <span>{t('updateAvailable')}</span>
          <button type="button" className="button button-small" onClick={() => setAccepted(true)}>
            {t('updateApply')}
          </button>
        </>
      )}
    </div>
  );
}
