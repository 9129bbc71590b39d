// What a barcode holds, read as the counter's search box reads a typed code: a national code, a
// tracking code or a card id (docs/formats.md), with any digit script folded to ASCII. A camera
// or USB read may be the bare code or a longer payload (a URL, `key=value;` text, a PDF417 block
// with other fields); the code is found inside it, the national code first.
import { toAsciiDigits } from './digits.ts';
import { MAX_CARD_ID_LENGTH, MAX_MANIFEST_TEXT_LENGTH } from './manifest.ts';
import { cleanCodeInput, parseNationalCode } from './national-code.ts';

/** A QR code holds at most 7,089 characters; anything past this is not read. */
export const MAX_SCAN_TEXT_LENGTH = 8192;

// Card ids as printed (`C-0001842`), sometimes read without the dash: the search box's shape.
const CARD_ID = /^([A-Z]{1,3})-?(\d+)$/;
// Inside a longer payload a short one (`v2` of a URL path) is a word, not a card id.
const MIN_EMBEDDED_CARD_ID_DIGITS = 4;
// A tracking code is longer than a national code: the search box reads 11+ digits as one.
const MIN_TRACKING_DIGITS = 11;
// Marks that come along with right-to-left text and would split a code in two.
const INVISIBLE = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad]/g;
// A word of the payload: letters and digits, with dashes only inside (`C-0000001`, `001-234567-9`).
const WORD = /[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*/g;

function cardId(word: string, minDigits: number): string | null {
  const match = CARD_ID.exec(word.toUpperCase());
  if (!match || match[2]!.length < minDigits) return null;
  const id = `${match[1]}-${match[2]}`;
  return id.length <= MAX_CARD_ID_LENGTH ? id : null;
}

function trackingCode(digits: string): string | null {
  return digits.length >= MIN_TRACKING_DIGITS && digits.length <= MAX_MANIFEST_TEXT_LENGTH
    ? digits
    : null;
}

/** The payload as one code, as if typed into the search box; null when it is not one. */
function wholeCode(text: string): string | null {
  const cleaned = cleanCodeInput(text);
  if (/^\d+$/.test(cleaned)) {
    // 8–9 digits: a national code that lost its leading zeros, as the search box pads it.
    if (cleaned.length >= 8 && cleaned.length <= 10) {
      const parsed = parseNationalCode(cleaned);
      return parsed.ok ? parsed.code : null;
    }
    return trackingCode(cleaned);
  }
  return cardId(text.trim(), 1);
}

/**
 * The national code, card id or tracking code a scanned text holds, with ASCII digits, or null
 * if it holds none. A longer payload is read word by word: the first valid national code wins,
 * then the first card id, then the first tracking code.
 */
export function codeFromScan(text: string): string | null {
  const folded = toAsciiDigits(text.slice(0, MAX_SCAN_TEXT_LENGTH)).replace(INVISIBLE, '');
  const whole = wholeCode(folded);
  if (whole !== null) return whole;

  let firstCardId: string | null = null;
  let firstTracking: string | null = null;
  for (const [word] of folded.matchAll(WORD)) {
    const digits = word.replace(/-/g, '');
    if (/^\d+$/.test(digits)) {
      if (digits.length === 10) {
        const parsed = parseNationalCode(digits);
        if (parsed.ok) return parsed.code;
      } else if (word === digits) {
        // A dashed run of digits is a date or a phone number, never a tracking code.
        firstTracking ??= trackingCode(digits);
      }
    } else {
      firstCardId ??= cardId(word, MIN_EMBEDDED_CARD_ID_DIGITS);
    }
  }
  return firstCardId ?? firstTracking;
}
