import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  RECEIPT_PAPER_STORAGE_KEY,
  ROLL_FALLBACK_HEIGHT_MM,
  pageRule,
  readReceiptPaper,
  storeReceiptPaper,
} from './receipt-paper.ts';

afterEach(() => {
  window.localStorage.clear();
  vi.restoreAllMocks();
});

describe('the receipt paper', () => {
  it('is A5 until the tablet chose, then what it chose', () => {
    expect(readReceiptPaper()).toBe('a5');
    storeReceiptPaper('roll');
    expect(window.localStorage.getItem(RECEIPT_PAPER_STORAGE_KEY)).toBe('roll');
    expect(readReceiptPaper()).toBe('roll');
  });

  it('reads anything else stored as A5', () => {
    window.localStorage.setItem(RECEIPT_PAPER_STORAGE_KEY, '<script>');
    expect(readReceiptPaper()).toBe('a5');
  });

  it('falls back to A5 when storage refuses', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => storeReceiptPaper('roll')).not.toThrow();
    expect(readReceiptPaper()).toBe('a5');
  });
});

describe('pageRule', () => {
  it.each([
    ['a5', null, '@page { size: A5 portrait; margin: 10mm; }'],
    ['a5', 500, '@page { size: A5 portrait; margin: 10mm; }'],
    // 378 px = 100.01 mm → 101 mm, plus 2 × 4 mm margins and 6 mm slack.
    ['roll', 378, '@page { size: 80mm 115mm; margin: 4mm; }'],
    ['roll', null, `@page { size: 80mm ${ROLL_FALLBACK_HEIGHT_MM}mm; margin: 4mm; }`],
    ['roll', 0, `@page { size: 80mm ${ROLL_FALLBACK_HEIGHT_MM}mm; margin: 4mm; }`],
  ] as const)('%s with %s px of receipt → %s', (paper, height, rule) => {
    expect(pageRule(paper, height)).toBe(rule);
  });
});
