import { describe, expect, it } from 'vitest';
import { staffKey, staffOnDay } from './StaffFilter.tsx';

describe('staffOnDay', () => {
  it('lists a member once whatever digits their id was recorded in, by name', () => {
    expect(
      staffOnDay([
        { staffId: 'S-1042', staffName: 'منیژه کاظمی' },
        { staffId: 'S-۱۰۴۲', staffName: 'منیژه کاظمی' },
        { staffId: ' S-١٠٤٢ ', staffName: 'منیژه کاظمی' },
        { staffId: 'S-07', staffName: 'اکبر احمدی' },
      ]),
    ).toEqual([
      { staffId: 'S-07', staffName: 'اکبر احمدی' },
      { staffId: 'S-1042', staffName: 'منیژه کاظمی' },
    ]);
  });

  it('keys an id by its ASCII digits', () => {
    expect(staffKey('S-۱۰۴۲')).toBe('S-1042');
    expect(staffKey('S-1042')).toBe('S-1042');
  });
});
