// Reading the JSON a client sends: a request body is untrusted bytes until it passes here.
// Must stay true: nesting deeper, or arrays and objects wider, than the route's documents ever
// are is refused by one cheap byte scan before JSON.parse runs, so a hostile body cannot make
// the parser build a huge tree while every other request waits behind it on the event loop.

/**
 * The deepest nesting a registry document has is 5 (a /__mock/ card load:
 * { cards: [ { handover: { recipient: { … } } } ] }); a push is 4.
 */
export const MAX_JSON_DEPTH = 8;
/** Entries (array elements or object members) in one array or object, unless a route says more. */
export const DEFAULT_MAX_JSON_ENTRIES = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

export type JsonBodyProblem = 'not-json' | 'too-deep' | 'too-wide';

export interface JsonShapeLimits {
  maxDepth: number;
  /** The most entries one array or object may have. */
  maxEntries: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How `bytes` nests: the deepest level and the most entries in one array or object, counting
 * only brackets and commas outside strings. Stops as soon as either passes its limit.
 */
export function jsonShape(
  bytes: Uint8Array,
  limits: JsonShapeLimits = { maxDepth: Infinity, maxEntries: Infinity },
): { depth: number; widest: number } {
  // entries[d] counts the commas seen so far in the open container at depth d + 1.
  const entries: number[] = [];
  let deepest = 0;
  let widest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      entries.push(1);
      if (entries.length > deepest) {
        deepest = entries.length;
        if (deepest > limits.maxDepth) break;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      entries.pop();
    } else if (byte === COMMA && entries.length > 0) {
      const count = ++entries[entries.length - 1]!;
      if (count > widest) {
        widest = count;
        if (widest > limits.maxEntries) break;
      }
    }
  }
  return { depth: deepest, widest: Math.max(widest, deepest > 0 ? 1 : 0) };
}

/** The body as JSON, or why not: nested too deep, too wide, or not JSON at all. */
export function parseJsonBody(
  bytes: Uint8Array,
  {
    maxDepth = MAX_JSON_DEPTH,
    maxEntries = DEFAULT_MAX_JSON_ENTRIES,
  }: Partial<JsonShapeLimits> = {},
): { ok: true; value: unknown } | { ok: false; problem: JsonBodyProblem } {
  const shape = jsonShape(bytes, { maxDepth, maxEntries });
  if (shape.depth > maxDepth) return { ok: false, problem: 'too-deep' };
  if (shape.widest > maxEntries) return { ok: false, problem: 'too-wide' };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch {
    return { ok: false, problem: 'not-json' };
  }
}
