import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { outboxSummary } from '../../db/outbox.ts';
import { readSyncMeta } from '../../db/settings.ts';
import { formatClockTime } from '../../domain/jalali.ts';
import { useI18n, type I18n, type MessageKey } from '../../ui/i18n.tsx';
import { useServices, useSettings, useSyncState } from '../../services/services.tsx';
import type { SyncProblem, SyncState, SyncStatus } from '../../sync/engine.ts';

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
  'not-enrolled': 'syncProblemNotEnrolled',
  'not-registered': 'syncProblemNotRegistered',
  'device-withdrawn': 'syncProblemDeviceWithdrawn',
  'bad-response': 'syncProblemBadResponse',
};

const AGE_TICK_MS = 30_000;

/** "12 min ago": how long the oldest unsent handover has waited. */
export function describeAge(ageMs: number, { t }: Pick<I18n, 't'>): string {
  const minutes = Math.floor(ageMs / 60_000);
  if (minutes < 1) return t('ageJustNow');
  if (minutes < 60) return t('ageMinutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('ageHours', { count: hours });
  return t('ageDays', { count: Math.floor(hours / 24) });
}

/** The services' clock, read again every half minute so ages on screen move on their own. */
function useTickingNow(): number {
  const { now } = useServices();
  const [current, setCurrent] = useState(() => now().getTime());
  useEffect(() => {
    const timer = window.setInterval(() => setCurrent(now().getTime()), AGE_TICK_MS);
    return () => window.clearInterval(timer);
  }, [now]);
  return current;
}

/** Always on screen: whether handovers are reaching the registry, what waits, and what was refused. */
export function SyncIndicator() {
  const i18n = useI18n();
  const { t, language } = i18n;
  const { db, syncEngine } = useServices();
  const { timeZone } = useSettings();
  const state = useSyncState();
  const summary = useLiveQuery(() => outboxSummary(db), [db]);
  // Another tab may be the one syncing (Web Lock): the stored time is shared, the engine's is not.
  const storedLastSync = useLiveQuery(async () => (await readSyncMeta(db)).lastSyncAt, [db]);
  const nowMs = useTickingNow();
  const pending = summary?.pending ?? 0;
  const lastSuccessAt =
    Math.max(state.lastSuccessAt ?? 0, storedLastSync ? Date.parse(storedLastSync) : 0) || null;

  return (
    <div
      className={`sync-indicator sync-${state.status}`}
      role="region"
      aria-label={t('syncRegionLabel')}
    >
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-text">
        {/* Only the state and its problem are announced: ages and progress change too often. */}
        {/* "In sync" would be untrue while handovers wait: idle with a queue is only "connected". */}
        <strong role="status">
          {t(state.status === 'idle' && pending > 0 ? 'syncConnected' : STATUS_LABEL[state.status])}
        </strong>
        {pending > 0 ? (
          <span className="sync-pending">{t('syncPendingCount', { count: pending })}</span>
        ) : null}
        {pending > 0 && summary?.oldestPendingAtMs != null ? (
          <span>
            {t('syncOldestPending', { age: describeAge(nowMs - summary.oldestPendingAtMs, i18n) })}
          </span>
        ) : null}
        {summary && summary.needsAttention > 0 ? (
          <Link className="sync-attention" to="/attention">
            {t('syncAttentionCount', { count: summary.needsAttention })}
          </Link>
        ) : null}
        {state.status === 'syncing' && state.pulledCards > 0 && !state.firstPull ? (
          <span>{t('syncPulling', { count: state.pulledCards })}</span>
        ) : null}
        <span className="sync-detail" aria-live="polite">
          {state.problem
            ? t(PROBLEM_LABEL[state.problem])
            : lastSuccessAt
              ? t('syncLastSuccess', {
                  time: formatClockTime(new Date(lastSuccessAt), language, timeZone),
                })
              : t('syncNever')}
        </span>
      </span>
      {syncEngine ? (
        <button
          type="button"
          className="button button-small"
          onClick={() => void syncEngine.syncNow()}
          disabled={state.status === 'syncing'}
        >
          {t('syncNow')}
        </button>
      ) : null}
      {state.status === 'syncing' && state.firstPull ? <FirstPullProgress state={state} /> : null}
    </div>
  );
}

/** The first pull of a large inventory takes a while: show how far it is, in cards. */
function FirstPullProgress({ state }: { state: SyncState }) {
  const { t, count } = useI18n();
  // Before the first page there is no count to give: "0 cards so far" reads as an empty center.
  const label =
    state.pullTotal !== null
      ? t('syncFirstPull', { received: count(state.pulledCards), total: count(state.pullTotal) })
      : state.pulledCards === 0
        ? t('syncFirstPullStarting')
        : t('syncFirstPullUnknownTotal', { received: count(state.pulledCards) });
  return (
    <div className="first-pull">
      <span id="first-pull-label">{label}</span>
      {/* Without a total (a registry that sends no hint) the bar is indeterminate. */}
      <progress
        aria-labelledby="first-pull-label"
        max={state.pullTotal ?? undefined}
        value={state.pullTotal !== null ? state.pulledCards : undefined}
      />
    </div>
  );
}
