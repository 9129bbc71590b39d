// Telling a barcode scanner from a person at the keyboard. A USB scanner is a keyboard that types
// a whole code in a few milliseconds per key and ends it with Enter; nobody types ten digits that
// fast. Only keys that reach no text field are watched (a field takes its own input, a scanned
// proxy code included), so a burst here is a scan meant for the counter, not for a form.

/**
 * Scanners send a key every 1–20 ms; a quick typist's digits come 80 ms or more apart. A scan is a
 * run of keys averaging at most this gap…
 */
export const MAX_SCAN_AVERAGE_GAP_MS = 35;
/** …with no single gap longer than this: one key held up by a busy tablet does not break it. */
export const MAX_SCAN_KEY_GAP_MS = 150;
/** Shortest scan: a card id (`C-0000001`) is 9 characters, a national code 10. */
export const MIN_SCAN_LENGTH = 8;
/** Longest text kept: a PDF417 on an ID document holds a few hundred characters. */
export const MAX_SCAN_LENGTH = 512;

export class ScanBurstDetector {
  private text = '';
  private keys = 0;
  private firstKeyAtMs = 0;
  private lastKeyAtMs = Number.NEGATIVE_INFINITY;

  /** A printable key (`event.key` of length 1) at `atMs`. */
  key(character: string, atMs: number): void {
    if (atMs - this.lastKeyAtMs > MAX_SCAN_KEY_GAP_MS) {
      this.text = '';
      this.keys = 0;
      this.firstKeyAtMs = atMs;
    }
    this.lastKeyAtMs = atMs;
    this.keys += 1;
    if (this.text.length < MAX_SCAN_LENGTH) this.text += character;
  }

  /**
   * Enter at `atMs`: the scanned text when the keys before it came as one fast burst, else null.
   * Either way the burst is over.
   */
  enter(atMs: number): string | null {
    const { text, keys, firstKeyAtMs, lastKeyAtMs } = this;
    this.reset();
    if (text.length < MIN_SCAN_LENGTH || atMs - lastKeyAtMs > MAX_SCAN_KEY_GAP_MS) return null;
    // Enter counts as the burst's last key: a scanner sends it as fast as the rest.
    const averageGapMs = (atMs - firstKeyAtMs) / keys;
    return averageGapMs <= MAX_SCAN_AVERAGE_GAP_MS ? text : null;
  }

  /** Something else happened (a tap, a key that is not a character): no scan is under way. */
  reset(): void {
    this.text = '';
    this.keys = 0;
    this.lastKeyAtMs = Number.NEGATIVE_INFINITY;
  }
}
