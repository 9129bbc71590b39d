import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n.tsx';

describe('createI18n', () => {
  it.each([
    ['fa', 'syncPendingCount', { count: 12 }, '۱۲ در انتظار'],
    ['en', 'syncPendingCount', { count: 12 }, '12 pending'],
    ['en', 'myHandoversToday', { count: 12 }, 'Your handovers today: 12'],
    ['fa', 'myHandoversToday', { count: 12 }, 'تحویل‌های امروز شما: ۱۲'],
    ['en', 'signedInAs', { name: 'مریم احمدی', id: 'S-07' }, '\u2068مریم احمدی\u2069 (S-07)'],
    ['fa', 'signedInAs', { name: 'مریم احمدی', id: 'S-07' }, 'مریم احمدی (\u2068S-07\u2069)'],
    ['fa', 'signedInAs', { name: 'Maryam', id: 'S-07' }, '\u2068Maryam\u2069 (\u2068S-07\u2069)'],
    ['en', 'signedInAs', { name: 'Maryam', id: 'S-07' }, 'Maryam (S-07)'],
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
