import { useLiveQuery } from 'dexie-react-hooks';
import { cardHistory, getCard } from '../../db/queries.ts';
import type { OutboxRecord, StoredCard } from '../../db/records.ts';
import { useServices } from '../../services/services.tsx';

/** undefined while loading, null when the card is not stored on this device. */
export function useCard(cardId: string): StoredCard | null | undefined {
  const { db } = useServices();
  return useLiveQuery(async () => (await getCard(db, cardId)) ?? null, [db, cardId]);
}

export function useCardHistory(cardId: string): OutboxRecord[] | undefined {
  const { db } = useServices();
  return useLiveQuery(() => cardHistory(db, cardId), [db, cardId]);
}
