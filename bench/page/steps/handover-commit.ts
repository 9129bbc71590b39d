// Step 5: one handover committed per sample, recordHandover (which signs the event with the
// device key, then writes) against a plain strict transaction doing the same writes; and the
// signing alone, timed on an event of the same shape, so its share of the commit is seen.
import { recordHandover } from '../../../src/db/handovers.ts';
import { readDeviceKey } from '../../../src/db/enrolment.ts';
import { signEvent } from '../../../src/domain/event-signature.ts';
import type { Card, HandoverEvent, UnsignedEvent } from '../../../src/protocol/protocol.ts';
import { DEFAULT_TIME_ZONE, isoWithOffset, jalaliDayKey } from '../../../src/domain/jalali.ts';
import { mulberry32, pick } from '../../../server/demo-inventory.ts';
import { holderHandover } from '../../../tests/factories/cards.ts';
import { baselineHandover } from '../baseline.ts';
import { commandContextNow } from '../clerk.ts';
import { appDb, baselineDb, counterClerk, handedOverHere } from '../counter-tablet.ts';
import { inventoryCards, inventorySeed } from '../inventory.ts';
import { alternately } from '../timing.ts';

/** Ready cards for the handover step, spread over the inventory, distinct, fixed by the seed. */
function handoverCandidates(count: number): Card[] {
  const cards = inventoryCards();
  const random = mulberry32(inventorySeed() + 5);
  const chosen = new Map<string, Card>();
  let guard = 0;
  while (chosen.size < count && guard++ < count * 50) {
    const card = pick(random, cards);
    if (card.status === 'ready' && !handedOverHere.has(card.cardId)) chosen.set(card.cardId, card);
  }
  return [...chosen.values()];
}

export async function measureHandover(samples: number, warmup: number) {
  const db = appDb();
  const baseline = await baselineDb();
  const { staff } = await counterClerk();
  const candidates = handoverCandidates(warmup + samples);
  const app: number[] = [];
  const base: number[] = [];
  const signing: number[] = [];
  const key = await readDeviceKey(db);
  if (!key) throw new Error('the bench tablet has no device key');
  for (let i = 0; i < candidates.length; i++) {
    const card = candidates[i] as Card;
    const context = commandContextNow(staff);
    const runApp = async () => {
      const started = performance.now();
      await recordHandover(db, holderHandover(card), context);
      const ms = performance.now() - started;
      if (i >= warmup) app.push(ms);
    };
    const runBaseline = async () => {
      const now = new Date();
      const occurredAt = isoWithOffset(now, DEFAULT_TIME_ZONE);
      const dayKey = jalaliDayKey(now, DEFAULT_TIME_ZONE);
      const started = performance.now();
      await baselineHandover(baseline, {
        cardId: card.cardId,
        eventId: crypto.randomUUID(),
        now,
        dayKey,
        occurredAt,
        staff,
      });
      const ms = performance.now() - started;
      if (i >= warmup) base.push(ms);
    };
    await alternately(i, runApp, runBaseline);
    handedOverHere.add(card.cardId);
    const unsigned: Partial<HandoverEvent> = { ...(await db.cards.get(card.cardId))!.handover! };
    delete unsigned.signature;
    unsigned.eventId = crypto.randomUUID();
    const started = performance.now();
    await signEvent(unsigned as UnsignedEvent<HandoverEvent>, key.privateKey);
    if (i >= warmup) signing.push(performance.now() - started);
  }
  return { app, baseline: base, signing, cards: candidates.length };
}
