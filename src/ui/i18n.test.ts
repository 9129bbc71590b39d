import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n.tsx';

describe('createI18n', () => {
  it.each([
    ['fa', 'syncPendingCount', { count: 12 }, '۱۲ در انتظار'],
    ['en', 'syncPendingCount', { count: 12 }, '12 pending'],
    ['en', 'shiftOnDuty', { name: 'مریم احمدی' }, 'On duty: \u2068مریم احمدی\u2069'],
    ['fa', 'shiftOnDuty', { name: 'مریم احمدی' }, 'متصدی: مریم احمدی'],
    ['fa', 'shiftOnDuty', { name: 'Maryam' }, 'متصدی: \u2068Maryam\u2069'],
    ['en', 'shiftOnDuty', { name: 'Maryam' }, 'On duty: Maryam'],
    [
      'en',
      'attentionRegistryReason',
      { reason: "fee $$5 then $& and $'" },
      "Registry’s reason: fee $$5 then $& and $'",
    ],
    [
      'en',
      'attentionRecorded',
      { date: '{time}', time: '10:31', staff: 'S-07' },
      'Recorded on {time} at 10:31 by S-07',
    ],
  ] as const)('in %s renders %s with %o as %s', (language, key, params, expected) => {
    expect(createI18n(language).t(key, params)).toBe(expected);
  });

  it('shows codes in Persian digits only in the Persian interface', () => {
    expect(createI18n('fa').digits('0012345679')).toBe('۰۰۱۲۳۴۵۶۷۹');
    expect(createI18n('en').digits('0012345679')).toBe('0012345679');
  });
});
