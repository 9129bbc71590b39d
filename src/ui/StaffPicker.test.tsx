import { describe, expect, it } from 'vitest';
import { findStaff } from './StaffPicker.tsx';

// Sign-in and the supervisor's approval both look a typed id up with findStaff.
const ROSTER = [
  { staffId: 'S-09', name: 'فاطمه نوری' },
  { staffId: '1042', name: 'منیژه' },
];

describe('findStaff', () => {
  it.each([
    ['ASCII digits', '1042', '1042'],
    ['Persian digits', '۱۰۴۲', '1042'],
    ['Arabic-Indic digits', '\u0661\u0660\u0664\u0662', '1042'],
    ['Persian digits, lower case, spaces around', ' s-۰۹ ', 'S-09'],
  ])('finds the member whose id is typed in %s', (_name, typed, staffId) => {
    expect(findStaff(ROSTER, typed)?.staffId).toBe(staffId);
  });

  it.each(['۱۰۴', 'S-9', ''])('finds no one for %j', (typed) => {
    expect(findStaff(ROSTER, typed)).toBeUndefined();
  });
});
