// The outbox as the sync engine sees it. An event leaves "pending" only on a registry answer:
// accepted/duplicate → synced, conflict/rejected → kept and shown to staff. Events marked
// "sending" when a tab died mid-request go back to pending; their replay is safe by eventId.
import type { TahvilDatabase } from './database.ts';
import type { OutboxRecord } from './records.ts';
import type { PushResult } from '../protocol/protocol.ts';
import { needsAttention } from '../domain/event-sync.ts';
import { assertCenter, type EnrolmentGuard } from './settings.ts';

/**
 * Marks the oldest pending events `sending` and returns them. `forCenter`: the center the batch
 * will be sent to; nothing is claimed (CenterChangedError) if the tablet belongs to another by
 * now, so no event recorded for one center is ever sent to another's endpoint.
 */
export async function claimPendingBatch(
  db: TahvilDatabase,
  maxEvents: number,
  guard: EnrolmentGuard = {},
): Promise<OutboxRecord[]> {
  return db.transaction('rw', db.events, db.settings, async () => {
    await assertCenter(db, guard);
    return claimOldestPending(db, maxEvents);
  });
}

/**
 * Inside a rw transaction over events: the oldest pending events, marked `sending`. Equal index
 * keys come back in primary-key order, so this is oldest first without a sort, and reads only
 * the batch however long the outbox has grown. The records just read are written back whole (a
 * put by primary key), not read a second time as bulkUpdate would.
 */
async function claimOldestPending(db: TahvilDatabase, maxEvents: number): Promise<OutboxRecord[]> {
  const claimed = await db.events.where('syncState').equals('pending').limit(maxEvents).toArray();
  for (const record of claimed) record.syncState = 'sending';
  await db.events.bulkPut(claimed);
  return claimed;
}

/** Puts events whose request got no answer back in line, in their original order. */
export async function releaseUnanswered(
  db: TahvilDatabase,
  eventIds?: readonly string[],
): Promise<number> {
  return db.transaction('rw', db.events, async () => {
    const sending = await db.events.where('syncState').equals('sending').toArray();
    const wanted = eventIds ? new Set(eventIds) : null;
    const released = wanted ? sending.filter((record) => wanted.has(record.eventId)) : sending;
    // Read in this transaction, so written back whole rather than read again by bulkUpdate.
    for (const record of released) record.syncState = 'pending';
    await db.events.bulkPut(released);
    return released.length;
  });
}

/**
 * Records the registry's answer for each event of the request in flight ("sending"); an answer
 * naming anything else is ignored, so a faulty registry cannot reopen a settled event.
 * `answeredAtMs`: this tablet's clock when the answer came.
 */
export async function applyPushResults(
  db: TahvilDatabase,
  results: readonly PushResult[],
  answeredAtMs: number = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.events, async () => {
    const records = await db.events
      .where('eventId')
      .anyOf(results.map((result) => result.eventId))
      .toArray();
    await writeResults(db, records, results, answeredAtMs);
  });
}

/** What the next push request carries, claimed with the answer to the one before it. */
export interface NextBatchClaim {
  maxEvents: number;
  guard: EnrolmentGuard;
}

/**
 * The registry's answer to one push request, written as applyPushResults does but with the
 * events found by primary key (`sent` is the batch as claimed; only its keys are used, the
 * records are read again here, so a void or an erasure written while it was on its way is
 * kept), and, when `next` is given, the next batch claimed as claimPendingBatch does, in the
 * same transaction (one strict flush instead of two). If the tablet belongs to another
 * enrolment by now, the answer is still recorded (it is the registry's word on events it holds)
 * but nothing is claimed, and CenterChangedError is thrown after the commit.
 */
export async function applyBatchResultsAndClaimNext(
  db: TahvilDatabase,
  sent: readonly OutboxRecord[],
  results: readonly PushResult[],
  answeredAtMs: number,
  next: NextBatchClaim | null,
): Promise<OutboxRecord[]> {
  let refused: unknown = null;
  const claimed = await db.transaction('rw', db.events, db.settings, async () => {
    await writeResults(db, await currentRecordsOf(db, sent), results, answeredAtMs);
    if (!next) return [];
    try {
      await assertCenter(db, next.guard);
    } catch (error) {
      // Caught inside the transaction so the answer above still commits.
      refused = error;
      return [];
    }
    return claimOldestPending(db, next.maxEvents);
  });
  if (refused) throw refused;
  return claimed;
}

/**
 * The stored records of a claimed batch. A batch is usually a run of consecutive seqs: then one
 * range read returns exactly it, instead of one get per event; otherwise each is read by key.
 */
async function currentRecordsOf(
  db: TahvilDatabase,
  sent: readonly OutboxRecord[],
): Promise<OutboxRecord[]> {
  const seqs = sent.map((record) => record.seq!);
  if (seqs.length === 0) return [];
  const low = Math.min(...seqs);
  const high = Math.max(...seqs);
  const wanted = new Set(seqs);
  if (high - low + 1 === seqs.length && wanted.size === seqs.length)
    return db.events.where(':id').between(low, high, true, true).toArray();
  return (await db.events.bulkGet(seqs)).filter((record) => record !== undefined);
}

/**
 * Inside a rw transaction over events: `results` written onto the `records` they name that are
 * still `sending`, those records being read in this transaction (so put back whole, not read again).
 */
async function writeResults(
  db: TahvilDatabase,
  records: readonly OutboxRecord[],
  results: readonly PushResult[],
  answeredAtMs: number,
): Promise<void> {
  const sendingByEventId = new Map(
    records
      .filter((record) => record.syncState === 'sending')
      .map((record) => [record.eventId, record]),
  );
  // A faulty registry answering one event twice: its last answer counts, written once.
  const lastResults = new Map(results.map((result) => [result.eventId, result]));
  const answered: OutboxRecord[] = [];
  for (const result of lastResults.values()) {
    const record = sendingByEventId.get(result.eventId);
    if (!record) continue;
    const synced = result.status === 'accepted' || result.status === 'duplicate';
    record.syncState = synced ? 'synced' : result.status === 'conflict' ? 'conflict' : 'rejected';
    record.serverReason = synced ? null : boundedText(result.reason, MAX_SERVER_REASON_LENGTH);
    record.serverCode = synced ? null : boundedText(result.code, MAX_SERVER_CODE_LENGTH);
    // When the registry took it: the retention rule counts its days from here.
    if (synced) record.syncedAtMs = answeredAtMs;
    answered.push(record);
  }
  await db.events.bulkPut(answered);
}

/** A registry's words kept for staff: longer is a fault, and is cut rather than stored whole. */
export const MAX_SERVER_REASON_LENGTH = 1_000;
/** The protocol's codes are a few words; an unknown one is kept only to be shown as unknown. */
export const MAX_SERVER_CODE_LENGTH = 64;

function boundedText(value: unknown, maxLength: number): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, maxLength) : null;
}

export interface OutboxSummary {
  pending: number;
  needsAttention: number;
  oldestPendingAtMs: number | null;
}

export async function outboxSummary(db: TahvilDatabase): Promise<OutboxSummary> {
  // Counts and the first of each state, not the records: this runs on every outbox change, and a
  // day offline queues thousands. Within a state the index yields events in recording order.
  const [unsent, oldestPending, oldestSending, needingAttention] = await Promise.all([
    db.events.where('syncState').anyOf('pending', 'sending').count(),
    db.events.where('syncState').equals('pending').first(),
    db.events.where('syncState').equals('sending').first(),
    db.events.where('syncState').anyOf('conflict', 'rejected').filter(needsAttention).count(),
  ]);
  const oldestTimes = [oldestPending, oldestSending].flatMap((record) =>
    record ? [record.occurredAtMs] : [],
  );
  return {
    pending: unsent,
    needsAttention: needingAttention,
    oldestPendingAtMs: oldestTimes.length > 0 ? Math.min(...oldestTimes) : null,
  };
}

/**
 * The seq of the newest event recorded here, 0 with none. It grows with every event recorded,
 * in this tab or another, and never with a change of sync state: watched live, it says "a new
 * event to send" without reacting to a failed push putting events back to pending.
 */
export async function newestEventSeq(db: TahvilDatabase): Promise<number> {
  const newest = await db.events.orderBy('seq').lastKey();
  return typeof newest === 'number' ? newest : 0;
}
