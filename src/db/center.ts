// Moving the tablet to another center: one deliberate command. Must stay true: it is refused
// while any event of the current center is unsent or waits for a supervisor, and otherwise the
// current center's cards, events, counters and sync position are erased in the same transaction
// that names the new center, so nothing of one center is ever shown as, or sent to, another's.
import type { TahvilDatabase } from './database.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { outboxSummary } from './outbox.ts';
import { currentCenterId, resetSyncMeta, updateSettings } from './settings.ts';

export interface CenterRegistration {
  centerId: string;
  deviceToken: string;
}

/**
 * Registers the tablet with `next`. The same center only takes the new token. Another center is
 * refused with `center-has-unsent-events` or `center-has-attention`; when allowed, it returns
 * 'switched' after erasing what the tablet held of the old one.
 */
export async function switchCenter(
  db: TahvilDatabase,
  next: CenterRegistration,
): Promise<'token-changed' | 'switched'> {
  const centerId = next.centerId.trim();
  const deviceToken = next.deviceToken.trim();
  return db.transaction('rw', [db.cards, db.events, db.counters, db.settings], async () => {
    if ((await currentCenterId(db)) === centerId) {
      await updateSettings(db, { deviceToken });
      return 'token-changed';
    }
    const { pending, needsAttention } = await outboxSummary(db);
    if (pending > 0) throw new CommandRefused('center-has-unsent-events');
    if (needsAttention > 0) throw new CommandRefused('center-has-attention');
    await Promise.all([db.cards.clear(), db.events.clear(), db.counters.clear()]);
    await resetSyncMeta(db);
    await updateSettings(db, { centerId, deviceToken });
    return 'switched';
  });
}
