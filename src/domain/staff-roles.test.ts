import { describe, expect, it } from 'vitest';
import { COUNTER_ACTIONS, STAFF_ROLES, permission, voidAction } from './staff-roles.ts';

describe('permission', () => {
  // role × action → allowed / needs approval, as issue 12 sets it out.
  const TABLE = {
    search: ['allowed', 'allowed'],
    'hand-over': ['allowed', 'allowed'],
    'void-own-today': ['allowed', 'allowed'],
    'void-any': ['needs-approval', 'allowed'],
    'resolve-attention': ['needs-approval', 'allowed'],
    'import-manifest': ['needs-approval', 'allowed'],
    'change-local-settings': ['needs-approval', 'allowed'],
    'change-language': ['allowed', 'allowed'],
    'clear-lockout': ['needs-approval', 'allowed'],
  } as const;

  it.each(COUNTER_ACTIONS.flatMap((action) => STAFF_ROLES.map((role) => [role, action] as const)))(
    '%s × %s',
    (role, action) => {
      expect(permission(role, action)).toBe(TABLE[action][role === 'clerk' ? 0 : 1]);
    },
  );

  it('covers every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...COUNTER_ACTIONS].sort());
  });
});

describe('voidAction', () => {
  it('is void-own-today only for one’s own handover of today', () => {
    expect(voidAction({ staffId: 'S-07', dayKey: '1405-09-10' }, 'S-07', '1405-09-10')).toBe(
      'void-own-today',
    );
    expect(voidAction({ staffId: 'S-02', dayKey: '1405-09-10' }, 'S-07', '1405-09-10')).toBe(
      'void-any',
    );
    expect(voidAction({ staffId: 'S-07', dayKey: '1405-09-09' }, 'S-07', '1405-09-10')).toBe(
      'void-any',
    );
  });
});
