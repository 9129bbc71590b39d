import { describe, expect, it } from 'vitest';
import { codeFromScan, MAX_SCAN_TEXT_LENGTH } from './scanned-code.ts';

// 0012345679 and 1234567891 pass the check digit (worked in national-code.test.ts);
// 0012345678 and 1234567890 do not.
describe('codeFromScan: the whole text is one code', () => {
  it.each([
    ['0012345679', '0012345679'],
    ['۰۰۱۲۳۴۵۶۷۹', '0012345679'],
    ['٠٠١٢٣٤٥٦٧٩', '0012345679'],
    ['۰۰12345٦٧٩', '0012345679'],
    [' 0012345679\r\n', '0012345679'],
    ['001-234567-9', '0012345679'],
    ['\u200f۰۰۱۲۳۴۵۶۷۹\u200e', '0012345679'],
    ['12345679', '0012345679'],
    ['012345679', '0012345679'],
  ])('%j is the national code %s', (text, code) => {
    expect(codeFromScan(text)).toBe(code);
  });

  it.each([
    ['140309221234567', '140309221234567'],
    ['۱۴۰۳۰۹۲۲۱۲۳۴۵۶۷', '140309221234567'],
    ['14030922123', '14030922123'],
    // As the search box reads it typed: dashes and spaces between the digits are dropped.
    ['1403-0922-1234567', '140309221234567'],
  ])('%j is the tracking code %s', (text, code) => {
    expect(codeFromScan(text)).toBe(code);
  });

  it.each([
    ['C-0000001', 'C-0000001'],
    ['c-0000001', 'C-0000001'],
    ['C0000001', 'C-0000001'],
    ['C-۰۰۰۰۰۰۱', 'C-0000001'],
    ['ABC-12', 'ABC-12'],
  ])('%j is the card id %s', (text, code) => {
    expect(codeFromScan(text)).toBe(code);
  });
});

describe('codeFromScan: a code inside a longer payload', () => {
  it.each([
    [
      'a URL with the national code',
      'https://registry.example/verify?nc=0012345679&v=2',
      '0012345679',
    ],
    [
      'key=value; text',
      'type=card;nationalCode=0012345679;tracking=140309221234567;',
      '0012345679',
    ],
    ['Persian labels and digits', 'کد ملی: ۰۰۱۲۳۴۵۶۷۹\nکد رهگیری: ۱۴۰۳۰۹۲۲۱۲۳۴۵۶۷', '0012345679'],
    [
      'a PDF417 block with other fields first',
      'IRN\x1dCARD\x1dC-0000001\x1d1368-04-21\x1d140309221234567\x1d0012345679\x1dزهرا\x1dمحمدی',
      '0012345679',
    ],
    ['JSON', '{"id":"C-0000001","nationalCode":"0012345679"}', '0012345679'],
    ['a dashed national code', 'holder: 001-234567-9 (Zahra)', '0012345679'],
    ['a card id only', 'https://registry.example/cards/C-0000001', 'C-0000001'],
    ['a card id and a tracking code', 'track=140309221234567&card=C-0000001', 'C-0000001'],
    ['a tracking code only', 'tracking: 140309221234567; box 12', '140309221234567'],
    ['an invisible mark inside the code', 'nc=00123\u200e45679', '0012345679'],
  ])('%s', (_, text, code) => {
    expect(codeFromScan(text)).toBe(code);
  });

  it('prefers a valid national code over an earlier card id and tracking code', () => {
    expect(codeFromScan('card=C-0000001 tracking=140309221234567 holder=1234567891')).toBe(
      '1234567891',
    );
  });

  it('skips a ten-digit number that fails the check digit and takes the next valid one', () => {
    expect(codeFromScan('phone=0012345678 holder=1234567891')).toBe('1234567891');
  });

  it('takes the first of two valid national codes', () => {
    expect(codeFromScan('holder=0012345679;father=1234567891')).toBe('0012345679');
  });

  it('falls back to the tracking code when the only ten digits fail the check digit', () => {
    expect(codeFromScan('nc=0012345678;t=140309221234567')).toBe('140309221234567');
  });

  it('reads a code within the first MAX_SCAN_TEXT_LENGTH characters, and nothing past them', () => {
    const filler = 'x'.repeat(MAX_SCAN_TEXT_LENGTH - 20);
    expect(codeFromScan(`${filler} nc=0012345679`)).toBe('0012345679');
    expect(codeFromScan(`${'x '.repeat(MAX_SCAN_TEXT_LENGTH)} nc=0012345679`)).toBeNull();
  });

  it('reads a megabyte of text quickly and without throwing', () => {
    const started = performance.now();
    expect(codeFromScan('7'.repeat(1_000_000))).toBeNull();
    expect(codeFromScan('a1-'.repeat(400_000))).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('codeFromScan: nothing recognisable', () => {
  it.each([
    ['empty', ''],
    ['blank', '  \n\t'],
    ['a word', 'hello'],
    ['Persian text', 'سلام دنیا'],
    ['a national code with a wrong check digit', '0012345678'],
    ['ten zeros in the middle', '0010000000'],
    ['seven digits', '1234567'],
    ['a date', '1403-09-22'],
    ['an embedded dashed run of digits is no tracking code', 'issued 2026-12-01-15-30-00 at desk'],
    ['a short embedded card id', 'https://registry.example/api/v2/x1'],
    ['a tracking code over 200 digits', '1'.repeat(201)],
    ['a URL with no code', 'https://registry.example/?lang=fa'],
    ['only separators', '---...___'],
    ['control characters', '\x00\x1d\x1e\x04'],
    ['a lone surrogate', '\ud800'],
  ])('%s', (_, text) => {
    expect(codeFromScan(text)).toBeNull();
  });
});
