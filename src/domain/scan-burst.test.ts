import { describe, expect, it } from 'vitest';
import {
  MAX_SCAN_AVERAGE_GAP_MS,
  MAX_SCAN_KEY_GAP_MS,
  MAX_SCAN_LENGTH,
  MIN_SCAN_LENGTH,
  ScanBurstDetector,
} from './scan-burst.ts';

function typeAt(detector: ScanBurstDetector, text: string, startMs: number, gapMs: number) {
  [...text].forEach((character, index) => detector.key(character, startMs + index * gapMs));
  return startMs + (text.length - 1) * gapMs;
}

describe('ScanBurstDetector', () => {
  it('reads a national code typed by a scanner and ended with Enter', () => {
    const detector = new ScanBurstDetector();
    const last = typeAt(detector, '0012345679', 1_000, 8);
    expect(detector.enter(last + 8)).toBe('0012345679');
  });

  it('keeps the digits as the scanner typed them (Persian digits are folded later)', () => {
    const detector = new ScanBurstDetector();
    const last = typeAt(detector, '۰۰۱۲۳۴۵۶۷۹', 0, 5);
    expect(detector.enter(last + 5)).toBe('۰۰۱۲۳۴۵۶۷۹');
  });

  it('is not fooled by a person typing at human speed', () => {
    const detector = new ScanBurstDetector();
    const last = typeAt(detector, '0012345679', 0, 120);
    expect(detector.enter(last + 120)).toBeNull();
  });

  it('accepts an average gap up to the limit and no more', () => {
    const atLimit = new ScanBurstDetector();
    const last = typeAt(atLimit, '0012345679', 0, MAX_SCAN_AVERAGE_GAP_MS);
    expect(atLimit.enter(last + MAX_SCAN_AVERAGE_GAP_MS)).toBe('0012345679');

    const overLimit = new ScanBurstDetector();
    const lastOver = typeAt(overLimit, '0012345679', 0, MAX_SCAN_AVERAGE_GAP_MS + 1);
    expect(overLimit.enter(lastOver + MAX_SCAN_AVERAGE_GAP_MS + 1)).toBeNull();
  });

  it('forgives one key held up by a busy tablet inside a fast burst', () => {
    const detector = new ScanBurstDetector();
    detector.key('0', 0);
    // 90 ms late, then the rest at scanner speed.
    const last = typeAt(detector, '012345679', 90, 6);
    expect(detector.enter(last + 6)).toBe('0012345679');
  });

  it('breaks the burst at a gap longer than any scanner leaves', () => {
    const detector = new ScanBurstDetector();
    typeAt(detector, '00123', 0, 5);
    const last = typeAt(detector, '45679', 20 + MAX_SCAN_KEY_GAP_MS + 1, 5);
    // Only the five keys after the gap are left: too short for a code.
    expect(detector.enter(last + 5)).toBeNull();
  });

  it('starts a new burst after a pause: slow keys before a scan are not part of it', () => {
    const detector = new ScanBurstDetector();
    typeAt(detector, 'ab', 0, 300);
    const last = typeAt(detector, 'C-0000001', 2_000, 4);
    expect(detector.enter(last + 4)).toBe('C-0000001');
  });

  it('refuses an Enter that comes long after the burst', () => {
    const detector = new ScanBurstDetector();
    const last = typeAt(detector, '0012345679', 0, 5);
    expect(detector.enter(last + MAX_SCAN_KEY_GAP_MS + 1)).toBeNull();
  });

  it('ignores bursts shorter than any code', () => {
    const detector = new ScanBurstDetector();
    const short = 'x'.repeat(MIN_SCAN_LENGTH - 1);
    const last = typeAt(detector, short, 0, 5);
    expect(detector.enter(last + 5)).toBeNull();
  });

  it('is over after Enter, read or not, and after a reset', () => {
    const detector = new ScanBurstDetector();
    const last = typeAt(detector, '0012345679', 0, 5);
    expect(detector.enter(last + 5)).toBe('0012345679');
    expect(detector.enter(last + 10)).toBeNull();

    const lastAgain = typeAt(detector, '0012345679', 100, 5);
    detector.reset();
    expect(detector.enter(lastAgain + 5)).toBeNull();
  });

  it('keeps at most MAX_SCAN_LENGTH characters of an endless burst', () => {
    const detector = new ScanBurstDetector();
    const last = typeAt(detector, '7'.repeat(MAX_SCAN_LENGTH + 100), 0, 1);
    expect(detector.enter(last + 1)).toHaveLength(MAX_SCAN_LENGTH);
  });
});
