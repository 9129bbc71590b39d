import { useLiveQuery } from 'dexie-react-hooks';
import { readHandoverReceipt, type HandoverReceipt } from '../../db/receipt.ts';
import { useServices } from '../../services/services.tsx';

/** undefined while loading, null when this tablet recorded no handover by that id. */
export function useReceipt(eventId: string): HandoverReceipt | null | undefined {
  const { db } = useServices();
  return useLiveQuery(() => readHandoverReceipt(db, eventId), [db, eventId]);
}
