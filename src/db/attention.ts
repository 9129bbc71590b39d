// Events the registry refused ("needs attention") and a supervisor's resolution of them. A
// refused event is never deleted or rewritten: it keeps its syncState and reason, and a local
// audit event (decision 006) records who resolved it, how and why, in the same transaction
// that takes the local handover back when the supervisor voids it.
import type { TahvilDatabase } from './database.ts';
import type { AttentionResolvedEvent, OutboxRecord, StoredCard } from './records.ts';
import { newEventRecord, type CommandContext } from './handovers.ts';
import { approverFor, assertOnShift, type Approval } from './staff.ts';
import { CommandRefused } from '../domain/refusals.ts';
import { isoWithOffset, jalaliDayKey } from '../domain/jalali.ts';
import { tidyDisplayText } from '../domain/persian-text.ts';
import { needsAttention } from '../domain/event-sync.ts';
import { addDelta, adjustCounters, handoversOnDayKey, statusCounterKey } from './counters.ts';

// The screens ask the same question of the records they list.
export { needsAttention };

export interface AttentionItem {
  record: OutboxRecord;
  /** The card as this tablet has it now (the registry's copy once the answer or a pull brought it). */
  card: StoredCard | null;
}

/** Refused events nobody has resolved yet, oldest first, each with its card's current state. */
export async function attentionItems(db: TahvilDatabase): Promise<AttentionItem[]> {
  return db.transaction('r', [db.events, db.cards], async () => {
    const refused = await db.events.where('syncState').anyOf('conflict', 'rejected').toArray();
    const open = refused.filter(needsAttention).sort((a, b) => a.seq! - b.seq!);
    const cards = await db.cards.bulkGet(open.map((record) => record.cardId));
    return open.map((record, i) => ({ record, card: cards[i] ?? null }));
  });
}

export interface ResolveInput {
  eventId: string;
  resolution: AttentionResolvedEvent['resolution'];
  note: string;
  /** The supervisor who approved it in the dialog (db/staff.ts), when a clerk resolves it. */
  approvedBy?: Approval;
}

/**
 * Records a supervisor's resolution: the supervisor signed in, or a clerk with `approvedBy`,
 * whom the resolution then names. `voided` is only for a handover: it counts no more, and the
 * card goes back to ready if this tablet still shows that handover on it (the registry's copy,
 * once known, is left as the registry has it).
 */
export async function resolveAttention(
  db: TahvilDatabase,
  input: ResolveInput,
  context: CommandContext,
): Promise<AttentionResolvedEvent> {
  const staff = context.staff;
  if (!staff) throw new CommandRefused('no-shift');
  const note = tidyDisplayText(input.note);
  if (!note) throw new CommandRefused('resolution-note-missing');
  return db.transaction(
    'rw',
    [db.cards, db.events, db.counters, db.settings, db.staff],
    async () => {
      // Judged against the shift and the roster as of this write (decision 022).
      const member = await assertOnShift(db, staff);
      const approvedBy = await approverFor(db, member, 'resolve-attention', input.approvedBy);
      const original = await db.events.where('eventId').equals(input.eventId).first();
      if (!original || !needsAttention(original)) throw new CommandRefused('attention-not-found');
      const deviceId = String((await db.settings.get('deviceId'))?.value ?? '');
      const voiding = input.resolution === 'voided';
      if (voiding && (original.event.type !== 'handover' || original.voidedByEventId))
        throw new CommandRefused('handover-not-found');
      const event: AttentionResolvedEvent = {
        eventId: context.makeEventId(),
        type: 'attention_resolved',
        resolvesEventId: original.eventId,
        cardId: original.cardId,
        resolution: input.resolution,
        note,
        occurredAt: isoWithOffset(context.now, context.timeZone),
        staffId: staff.staffId,
        deviceId,
        ...(approvedBy === undefined ? {} : { approvedBy }),
      };
      await db.events.add(
        newEventRecord(
          event,
          {
            dayKey: jalaliDayKey(context.now, context.timeZone),
            occurredAtMs: context.now.getTime(),
            staff,
            holderName: original.holderName,
            holderNationalCode: original.holderNationalCode,
          },
          'local',
        ),
      );
      await db.events.update(original.seq!, {
        resolvedByEventId: event.eventId,
        ...(voiding ? { voidedByEventId: event.eventId } : {}),
      });
      if (voiding) {
        const deltas = new Map<string, number>();
        addDelta(deltas, handoversOnDayKey(original.dayKey), -1);
        const card = await db.cards.get(original.cardId);
        if (card && card.status === 'handed_over' && card.handover?.eventId === original.eventId) {
          await db.cards.put({ ...card, status: 'ready', handover: null });
          addDelta(deltas, statusCounterKey('handed_over'), -1);
          addDelta(deltas, statusCounterKey('ready'), 1);
        }
        await adjustCounters(db, deltas);
      }
      return event;
    },
  );
}
