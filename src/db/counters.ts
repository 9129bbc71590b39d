// Counts the screens show all day (cards ready, handovers today) are kept in step with every
// write, inside the same transaction, instead of being recounted: a count() over 100,000 cards
// costs hundreds of milliseconds. Every command that changes a card's status adjusts them.
import type { TahvilDatabase } from './database.ts';
import type { CardStatus } from '../protocol/protocol.ts';

export const statusCounterKey = (status: CardStatus) => `cards:${status}`;
export const handoversOnDayKey = (dayKey: string) => `handovers:${dayKey}`;

/** Adds deltas to counters; must run inside a rw transaction that includes `counters`. */
export async function adjustCounters(
  db: TahvilDatabase,
  deltas: Map<string, number>,
): Promise<void> {
  const keys = [...deltas.keys()].filter((key) => deltas.get(key) !== 0);
  if (keys.length === 0) return;
  const current = await db.counters.bulkGet(keys);
  await db.counters.bulkPut(
    keys.map((key, i) => ({ key, value: (current[i]?.value ?? 0) + (deltas.get(key) ?? 0) })),
  );
}

export function addDelta(deltas: Map<string, number>, key: string, delta: number): void {
  deltas.set(key, (deltas.get(key) ?? 0) + delta);
}

export interface CounterSnapshot {
  ready: number;
  handedOver: number;
  revoked: number;
  returned: number;
  handoversToday: number;
}

export async function readCounters(db: TahvilDatabase, todayKey: string): Promise<CounterSnapshot> {
  const keys = [
    statusCounterKey('ready'),
    statusCounterKey('handed_over'),
    statusCounterKey('revoked'),
    statusCounterKey('returned'),
    handoversOnDayKey(todayKey),
  ];
  const [ready, handedOver, revoked, returned, today] = await db.counters.bulkGet(keys);
  return {
    ready: ready?.value ?? 0,
    handedOver: handedOver?.value ?? 0,
    revoked: revoked?.value ?? 0,
    returned: returned?.value ?? 0,
    handoversToday: today?.value ?? 0,
  };
}

/** Rebuilds the status counters from the cards table: for repair and for tests that check drift. */
export async function recountStatuses(db: TahvilDatabase): Promise<Record<CardStatus, number>> {
  const statuses: CardStatus[] = ['ready', 'handed_over', 'revoked', 'returned'];
  const counts = await Promise.all(
    statuses.map((status) => db.cards.where('status').equals(status).count()),
  );
  return Object.fromEntries(statuses.map((status, i) => [status, counts[i] ?? 0])) as Record<
    CardStatus,
    number
  >;
}
