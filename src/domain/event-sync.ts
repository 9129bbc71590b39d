// How an event recorded on this tablet stands with the registry: the state each outbox row keeps
// (db/records.ts), and the rule the outbox, the attention screen and the report share for a
// refused event nobody has settled yet. Pure: no storage here.

/**
 * pending: waiting to be sent; sending: a request carrying it is in flight (or was, when the
 * tab closed); synced: the registry answered accepted or duplicate; conflict / rejected: the
 * registry refused it and staff must see it; local: an audit event that never goes on the
 * wire (decision 006).
 */
export type SyncState = 'pending' | 'sending' | 'synced' | 'conflict' | 'rejected' | 'local';

export interface EventStanding {
  syncState: SyncState;
  /** For refused events: the supervisor's resolution, once recorded. Absent on older rows. */
  resolvedByEventId?: string | null;
}

/** Refused by the registry and not yet resolved by a supervisor. */
export function needsAttention(record: EventStanding): boolean {
  return (
    (record.syncState === 'conflict' || record.syncState === 'rejected') &&
    !record.resolvedByEventId
  );
}

/**
 * Not yet settled with the registry: unsent, on its way, or refused and waiting for a supervisor.
 * What the unsent events file holds, and what keeps a tablet in its center.
 */
export function isUnsettled(record: EventStanding): boolean {
  return record.syncState === 'pending' || record.syncState === 'sending' || needsAttention(record);
}
