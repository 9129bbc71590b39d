import { useLiveQuery } from 'dexie-react-hooks';
import { outboxSummary } from '../../db/outbox.ts';
import { formatClockTime } from '../../domain/jalali.ts';
import { useI18n, type MessageKey } from '../../ui/i18n.tsx';
import { useServices, useSettings, useSyncState } from '../../services/services.tsx';
import type { SyncProblem, SyncStatus } from '../../sync/engine.ts';

const STATUS_LABEL: Record<SyncStatus, MessageKey> = {
  idle: 'syncIdle',
  syncing: 'syncSyncing',
  offline: 'syncOffline',
  error: 'syncError',
};

const PROBLEM_LABEL: Record<SyncProblem, MessageKey> = {
  unreachable: 'syncProblemUnreachable',
  'server-error': 'syncProblemServerError',
  'rate-limited': 'syncProblemRateLimited',
  'not-registered': 'syncProblemNotRegistered',
  'bad-response': 'syncProblemBadResponse',
};

/** Always on screen: whether handovers are reaching the registry, and what waits. */
export function SyncIndicator() {
  const { t, language } = useI18n();
  const { db, syncEngine } = useServices();
  const { timeZone } = useSettings();
  const state = useSyncState();
  const summary = useLiveQuery(() => outboxSummary(db), [db]);
  const pending = summary?.pending ?? 0;

  return (
    <div className={`sync-indicator sync-${state.status}`} role="status" aria-live="polite">
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-text">
        <strong>{t(STATUS_LABEL[state.status])}</strong>
        {pending > 0 ? <span className="sync-pending">{t('syncPendingCount', { count: pending })}</span> : null}
        {state.status === 'syncing' && state.pulledCards > 0 ? <span>{t('syncPulling', { count: state.pulledCards })}</span> : null}
        <span className="sync-detail">
          {state.problem
            ? t(PROBLEM_LABEL[state.problem])
            : state.lastSuccessAt
              ? t('syncLastSuccess', { time: formatClockTime(new Date(state.lastSuccessAt), language, timeZone) })
              : t('syncNever')}
        </span>
      </span>
      {syncEngine ? (
        <button type="button" className="button button-small" onClick={() => void syncEngine.syncNow()} disabled={state.status === 'syncing'}>
          {t('syncNow')}
        </button>
      ) : null}
    </div>
  );
}
