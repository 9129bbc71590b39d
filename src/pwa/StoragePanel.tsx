import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../ui/i18n.tsx';
import {
  readStorageStatus,
  requestPersistentStorage,
  type StorageStatus,
} from './storage-persistence.ts';

const BYTES_PER_MB = 1024 * 1024;

/** Whether the browser keeps this device's data, how much it holds, and what to do if it may not. */
export function StoragePanel() {
  const { t, count } = useI18n();
  const [status, setStatus] = useState<StorageStatus | null>(null);
  const refresh = useCallback(() => void readStorageStatus().then(setStatus), []);
  useEffect(refresh, [refresh]);

  const askAgain = async () => {
    await requestPersistentStorage();
    refresh();
  };
  const megabytes = (bytes: number) =>
    count(
      Math.max(bytes / BYTES_PER_MB, 0.1) < 10
        ? Math.round((bytes / BYTES_PER_MB) * 10) / 10
        : Math.round(bytes / BYTES_PER_MB),
    );

  return (
    <section className="panel device-panel" aria-labelledby="storage-title">
      <h2 id="storage-title">{t('storageTitle')}</h2>
      {status === null ? null : !status.supported || status.persisted === null ? (
        <p>{t('storageUnknown')}</p>
      ) : status.persisted ? (
        <p className="notice notice-success">{t('storagePersisted')}</p>
      ) : (
        <div className="notice notice-warning" role="alert">
          <p>{t('storageNotPersisted')}</p>
          <p>{t('storageWhatToDo')}</p>
        </div>
      )}
      {status?.usageBytes != null && status.quotaBytes != null ? (
        <p>
          {t('storageUsage', {
            used: megabytes(status.usageBytes),
            quota: megabytes(status.quotaBytes),
          })}
        </p>
      ) : null}
      {status?.supported && !status.persisted ? (
        <button type="button" className="button" onClick={() => void askAgain()}>
          {t('storageAskAgain')}
        </button>
      ) : null}
    </section>
  );
}
