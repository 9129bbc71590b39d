import type { CardStatus } from '../protocol/protocol.ts';
import type { SyncState } from '../domain/event-sync.ts';
import type { MessageKey } from './i18n.tsx';
import { useI18n } from './i18n.tsx';

const STATUS_LABEL: Record<CardStatus, MessageKey> = {
  ready: 'statusReady',
  handed_over: 'statusHandedOver',
  revoked: 'statusRevoked',
  returned: 'statusReturned',
};

export function CardStatusBadge({ status }: { status: CardStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(STATUS_LABEL[status])}</span>;
}

const SYNC_LABEL: Record<SyncState, MessageKey> = {
  pending: 'syncPending',
  sending: 'syncSending',
  synced: 'syncSynced',
  conflict: 'syncConflict',
  rejected: 'syncRejected',
  local: 'syncLocal',
};

export function SyncStateBadge({ state }: { state: SyncState }) {
  const { t } = useI18n();
  return <span className={`badge badge-sync-${state}`}>{t(SYNC_LABEL[state])}</span>;
}
