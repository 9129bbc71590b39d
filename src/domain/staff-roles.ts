// Who may do what at the counter (issue 12): the clerk's everyday work, and what needs a
// supervisor, either signed in or approving on the clerk's screen with their own PIN. One table,
// read by the screens (what the menu offers) and the commands (what they refuse).

import { STAFF_ROLES, type StaffRole } from '../protocol/protocol.ts';

export { STAFF_ROLES, type StaffRole };

export const COUNTER_ACTIONS = [
  'search',
  'hand-over',
  /** Void a handover this staff member recorded, on the day it was recorded. */
  'void-own-today',
  /** Void anyone's handover, or one of an earlier day. */
  'void-any',
  'resolve-attention',
  'import-manifest',
  /** Settings kept on the tablet (the overdue days, leaving the center); not the language. */
  'change-local-settings',
  'change-language',
  'clear-lockout',
] as const;
export type CounterAction = (typeof COUNTER_ACTIONS)[number];

export type Permission = 'allowed' | 'needs-approval';

const CLERK_MAY: ReadonlySet<CounterAction> = new Set([
  'search',
  'hand-over',
  'void-own-today',
  'change-language',
]);

/** What `role` may do with `action`: itself, or with a supervisor's approval on the same screen. */
export function permission(role: StaffRole, action: CounterAction): Permission {
  if (role === 'supervisor') return 'allowed';
  return CLERK_MAY.has(action) ? 'allowed' : 'needs-approval';
}

/** Which void a staff member asks for: their own handover of today, or any other. */
export function voidAction(
  handover: { staffId: string; dayKey: string },
  staffId: string,
  todayKey: string,
): CounterAction {
  return handover.staffId === staffId && handover.dayKey === todayKey
    ? 'void-own-today'
    : 'void-any';
}
