import { describe, expect, it } from 'vitest';
import { CENTER_RULE_LIMITS, DEFAULT_CENTER_RULES } from '../protocol/protocol.ts';
import { isCenterProfile, isCenterRules, pickCenterRules } from './center-rules.ts';

describe('isCenterRules', () => {
  it('takes rules within their limits', () => {
    expect(isCenterRules(DEFAULT_CENTER_RULES)).toBe(true);
    const { idleLockMinutes, detailsRetentionDays } = CENTER_RULE_LIMITS;
    for (const rules of [
      { proxyPickupAllowed: false, idleLockMinutes: idleLockMinutes.min, detailsRetentionDays: 0 },
      {
        proxyPickupAllowed: true,
        idleLockMinutes: idleLockMinutes.max,
        detailsRetentionDays: detailsRetentionDays.max,
      },
    ])
      expect(isCenterRules(rules)).toBe(true);
  });

  it('refuses a missing, mistyped or out-of-range rule', () => {
    for (const change of [
      { proxyPickupAllowed: 'false' },
      { proxyPickupAllowed: undefined },
      { idleLockMinutes: 0 },
      { idleLockMinutes: 241 },
      { idleLockMinutes: 1.5 },
      { detailsRetentionDays: -1 },
      { detailsRetentionDays: 3651 },
      { detailsRetentionDays: '30' },
      { detailsRetentionDays: Number.NaN },
    ])
      expect(isCenterRules({ ...DEFAULT_CENTER_RULES, ...change }), JSON.stringify(change)).toBe(
        false,
      );
    expect(isCenterRules(null)).toBe(false);
    expect(isCenterRules('rules')).toBe(false);
  });
});

describe('isCenterProfile', () => {
  const profile = { centerId: 'DEMO-01', name: 'مرکز نمونه', rules: DEFAULT_CENTER_RULES };

  it('takes a center id, a name and readable rules', () => {
    expect(isCenterProfile(profile)).toBe(true);
    expect(isCenterProfile({ ...profile, name: '' })).toBe(true);
  });

  it('refuses a profile without an id, with a runaway name, or with unreadable rules', () => {
    expect(isCenterProfile({ ...profile, centerId: '' })).toBe(false);
    expect(isCenterProfile({ ...profile, name: 'x'.repeat(201) })).toBe(false);
    expect(isCenterProfile({ ...profile, rules: {} })).toBe(false);
    expect(isCenterProfile(undefined)).toBe(false);
  });
});

describe('pickCenterRules', () => {
  it('keeps only the rules', () => {
    expect(pickCenterRules({ ...DEFAULT_CENTER_RULES, extra: 1 } as never)).toEqual(
      DEFAULT_CENTER_RULES,
    );
  });
});
