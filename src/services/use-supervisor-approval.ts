// What every screen that asks for a supervisor's approval needs: the roster's active supervisors
// to choose from, and the PIN check that gives the approval (db/staff.ts), at the services' clock.
import { useCallback } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { approveAsSupervisor, readRoster } from '../db/staff.ts';
import type { StoredStaff } from '../db/records.ts';
import { useServices } from './services.tsx';

/** The pulled roster, by name, live; undefined while it is read. */
export function useRoster(): StoredStaff[] | undefined {
  const { db } = useServices();
  return useLiveQuery(() => readRoster(db), [db]);
}

export function useSupervisorApproval() {
  const { db, now } = useServices();
  const roster = useRoster();
  const supervisors = (roster ?? []).filter(
    (member) => member.active && member.role === 'supervisor',
  );
  const approve = useCallback(
    (staffId: string, pin: string) => approveAsSupervisor(db, staffId, pin, now()),
    [db, now],
  );
  return { supervisors, approve, now };
}
