import { describe, expect, it } from 'vitest';
import { PUSH_REASON_CODES } from '../protocol/protocol.ts';
import { createI18n } from './i18n.tsx';
import { en, fa } from './messages.ts';
import { PUSH_REASON_MESSAGES, describePushRefusal } from './push-reason.ts';

const persian = createI18n('fa');
const english = createI18n('en');

describe('every push reason code', () => {
  it.each(PUSH_REASON_CODES)('%s has its own sentence in Persian and in English', (code) => {
    const key = PUSH_REASON_MESSAGES[code];
    expect(key).toBeDefined();
    for (const catalogue of [fa, en]) {
      expect(typeof catalogue[key]).toBe('string');
      expect(catalogue[key].trim()).not.toBe('');
      expect(catalogue[key]).not.toBe(catalogue.pushReasonUnknown);
    }
    expect(fa[key]).toMatch(/[\u0600-\u06ff]/);
    expect(en[key]).not.toMatch(/[\u0600-\u06ff]/);
  });

  it('has a sentence no other code shares', () => {
    const keys = PUSH_REASON_CODES.map((code) => PUSH_REASON_MESSAGES[code]);
    expect(new Set(keys.map((key) => fa[key])).size).toBe(PUSH_REASON_CODES.length);
    expect(new Set(keys.map((key) => en[key])).size).toBe(PUSH_REASON_CODES.length);
  });

  it('lists no sentence for a code the protocol does not have', () => {
    expect(Object.keys(PUSH_REASON_MESSAGES).sort()).toEqual([...PUSH_REASON_CODES].sort());
  });
});

describe('describePushRefusal', () => {
  it('says a known code in the interface’s language, without the registry’s English', () => {
    expect(describePushRefusal('already-handed-over', 'handed over by event X', persian)).toEqual({
      sentence: fa.pushReasonAlreadyHandedOver,
      registryText: null,
    });
    expect(describePushRefusal('card-revoked', 'the card is revoked', english)).toEqual({
      sentence: en.pushReasonCardRevoked,
      registryText: null,
    });
  });

  it('says the generic sentence and the registry’s text for a code it does not know', () => {
    const described = describePushRefusal('card-lost-in-post', 'the card was lost', persian);
    expect(described.sentence).toBe(fa.pushReasonUnknown);
    expect(described.registryText).toBe('دلیل سامانه: \u2068the card was lost\u2069');
    expect(describePushRefusal('card-lost-in-post', 'the card was lost', english)).toEqual({
      sentence: en.pushReasonUnknown,
      registryText: 'Registry’s reason: the card was lost',
    });
  });

  it.each([
    ['no code', null],
    ['an empty code', ''],
    ['a name every object has', 'constructor'],
  ])('says the generic sentence for %s, and that the registry gave no reason', (_label, code) => {
    expect(describePushRefusal(code, null, english)).toEqual({
      sentence: en.pushReasonUnknown,
      registryText: en.attentionNoReason,
    });
  });
});
