// Reading the JSON a client sends: a request body is untrusted bytes until it passes here.
// Must stay true: nesting deeper than the registry's documents ever are is refused by a cheap
// scan before JSON.parse runs, so a hostile body cannot make the parser build a huge tree or
// recurse deeply while every other request waits behind it on the event loop.

/** The deepest nesting any registry document has is 4 ({ events: [ { recipient: { … } } ] }). */
export const MAX_JSON_DEPTH = 8;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

export type JsonBodyProblem = 'not-json' | 'too-deep';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How deeply `bytes` nests objects and arrays, counting only brackets outside strings. */
export function jsonNestingDepth(bytes: Uint8Array, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** The body as JSON, or why not: nested deeper than `maxDepth`, or not JSON at all. */
export function parseJsonBody(
  bytes: Uint8Array,
  maxDepth = MAX_JSON_DEPTH,
): { ok: true; value: unknown } | { ok: false; problem: JsonBodyProblem } {
  if (jsonNestingDepth(bytes, maxDepth) > maxDepth) return { ok: false, problem: 'too-deep' };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch {
    return { ok: false, problem: 'not-json' };
  }
}
