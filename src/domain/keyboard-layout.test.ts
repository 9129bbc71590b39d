import { describe, expect, it } from 'vitest';
import { LATIN_TO_PERSIAN_LAYOUT, persianFromLatinLayout } from './keyboard-layout.ts';

// The keyboard rows as ISIRI 9147 draws them (xkeyboard-config `ir(pes)`), written out a second
// time, row by row, so a slip in the table shows as a key that disagrees with its row.
const ROWS: Array<[string, string, string]> = [
  ['base top row', 'qwertyuiop[]', 'ضصثقفغعهخحجچ'],
  ['base home row', "asdfghjkl;'", 'شس\u06ccبلاتنم\u06a9گ'],
  ['base bottom row', 'zxcvbnm,', 'ظطزرذدپو'],
  ['base extra keys', '\\`', 'پ\u200d'],
  ['shift top row', 'QWERTYUIOP{}', '\u0652\u064c\u064d\u064b\u064f\u0650\u064e\u0651][}{'],
  ['shift home row', 'ASDFGHJKL"', 'ؤئ\u064aإأآة»«؛'],
  ['shift bottom row', 'ZXCVBNM<>?', '\u0643\u0653ژ\u0670\u200c\u0654ء><؟'],
];

describe('LATIN_TO_PERSIAN_LAYOUT', () => {
  it.each(ROWS)('%s', (_name, keys, persian) => {
    expect([...keys].map((key) => LATIN_TO_PERSIAN_LAYOUT[key])).toEqual([...persian]);
  });

  it('lists exactly the keys of the rows, so no key is missing or extra', () => {
    const allKeys = ROWS.map(([, keys]) => keys).join('');
    expect(Object.keys(LATIN_TO_PERSIAN_LAYOUT).sort()).toEqual([...allKeys].sort());
  });

  it('covers every Latin letter in both layers', () => {
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') {
      expect(LATIN_TO_PERSIAN_LAYOUT[letter], letter).toBeDefined();
      expect(LATIN_TO_PERSIAN_LAYOUT[letter.toUpperCase()], letter.toUpperCase()).toBeDefined();
    }
  });
});

describe('persianFromLatinLayout', () => {
  it.each([
    ['سلام', 'sghl', 'سلام'],
    ['علی', 'ugd', 'عل\u06cc'],
    ['زهرا', 'civh', 'زهرا'],
    ['محمد رضایی: the space stays', 'lpln vqhdd', 'محمد رضا\u06cc\u06cc'],
    ['ژاله: shift-C', 'Chgi', 'ژاله'],
    ['کریمی: semicolon is Keheh', ';vdld', '\u06a9ر\u06ccم\u06cc'],
    ['گلچین: quote and bracket', "'g]dk", 'گلچ\u06ccن'],
    ['جواد: bracket and comma', '[,hn', 'جواد'],
    ['پاک‌نژاد: shift-B is ZWNJ', 'mh;BkChn', 'پا\u06a9\u200cنژاد'],
    ['پری on the older layout: backslash', '\\vd', 'پر\u06cc'],
  ])('%s', (_name, typed, expected) => {
    expect(persianFromLatinLayout(typed)).toBe(expected);
  });

  it.each([
    ['digits only', '1042'],
    ['Persian digits only', '۱۰۴۲'],
    ['a card id', 'C-0000001'],
    ['a card id without the dash', 'c0000001'],
    ['a tracking code with letters', 'TR12345678901'],
    ['Persian already', 'سلام'],
    ['mixed Persian and Latin', 'علی zahra'],
    ['no letters at all', '  -. '],
    ['empty', ''],
  ])('leaves %s alone', (_name, typed) => {
    expect(persianFromLatinLayout(typed)).toBeNull();
  });
});
