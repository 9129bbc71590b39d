// Search keys for Persian names. Names reach us typed on Persian and Arabic keyboards, with
// or without diacritics and ZWNJ; matching must not care, while the original text is kept
// for display. The same folding runs at import and at every keystroke, so both sides agree.
import { toAsciiDigits } from './digits.ts';

const LETTER_FOLDS: Record<string, string> = {
  '\u064a': '\u06cc', // Arabic Yeh ي → Persian Yeh ی
  '\u0649': '\u06cc', // Alef Maksura ى → ی
  '\u0626': '\u06cc', // Yeh with Hamza ئ → ی
  '\u0643': '\u06a9', // Arabic Kaf ك → Persian Keheh ک
  '\u0629': '\u0647', // Teh Marbuta ة → ه
  '\u06c0': '\u0647', // Heh with Yeh ۀ → ه
  '\u0623': '\u0627', // Alef with Hamza above أ → ا
  '\u0625': '\u0627', // Alef with Hamza below إ → ا
  '\u0622': '\u0627', // Alef with Madda آ → ا
  '\u0671': '\u0627', // Alef Wasla ٱ → ا
  '\u0624': '\u0648', // Waw with Hamza ؤ → و
};

const FOLDED_LETTERS = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'g');
// Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks; tatweel; lone hamza.
const DROPPED_MARKS = /[\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u0621]/g;
// ZWNJ, ZWJ, bidi marks and embeddings: invisible, never meaningful for matching.
const INVISIBLES_AS_SPACE = /[\u200c\u200d]/g;
const INVISIBLES_DROPPED = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Folds text for matching: letters unified, marks dropped, ZWNJ and spaces to one space, ASCII digits, lower case. */
export function foldForSearch(text: string): string {
  return toAsciiDigits(text.normalize('NFC'))
    .replace(INVISIBLES_DROPPED, '')
    .replace(FOLDED_LETTERS, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(DROPPED_MARKS, '')
    .replace(INVISIBLES_AS_SPACE, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The folded words of a text, each a key in the name index. */
export function searchTokens(text: string): string[] {
  const folded = foldForSearch(text);
  return folded === '' ? [] : folded.split(' ');
}

/**
 * Distinct folded words of several name parts, for a card's multiEntry index. A word written
 * with ZWNJ («پاک‌نژاد») is indexed as its pieces and as the pieces joined («پاکنژاد»), since
 * clerks type it either way (decision 025).
 */
export function nameTokens(...parts: ReadonlyArray<string | undefined | null>): string[] {
  const tokens = new Set<string>();
  for (const part of parts) {
    if (!part) continue;
    for (const word of part.split(/\s+/)) {
      const pieces = searchTokens(word);
      for (const piece of pieces) tokens.add(piece);
      if (pieces.length > 1) tokens.add(pieces.join(''));
    }
  }
  return [...tokens];
}

/**
 * The query words with one pair of neighbours joined, for each pair: «پاک نژاد» also tries
 * «پاکنژاد», the way a name stored without its ZWNJ is indexed (decision 025).
 */
export function joinedNeighbourVariants(words: readonly string[]): string[][] {
  const variants: string[][] = [];
  for (let i = 0; i + 1 < words.length; i++) {
    variants.push([...words.slice(0, i), words[i]! + words[i + 1]!, ...words.slice(i + 2)]);
  }
  return variants;
}

/** Trims and collapses spaces for display, keeping letters, marks and ZWNJ as written. */
export function tidyDisplayText(text: string): string {
  return text
    .replace(INVISIBLES_DROPPED, '')
    .replace(/[^\S\u200c]+/g, ' ')
    .trim();
}

/** Starts a two-word key and separates its halves; never part of folded text. */
export const NAME_PAIR_SEPARATOR = '\u0001';

/** How much of the smaller word of a pair its key keeps (its bucket; schema v8, decision 030). */
export const NAME_PAIR_BUCKET_LENGTH = 3;

/**
 * A card's one name index (schema v8, decisions 028 and 030): its folded words, for a one-word
 * prefix search, then one key for every two distinct words, the greater a and the smaller b (in
 * the order IndexedDB sorts strings): SEP + b's first three letters (its bucket) + SEP + a.
 * Typed words that start with different letters keep that order in every name they start, so a
 * two-word search is one range, or a few buckets' ranges when the smaller typed word is shorter
 * than a bucket (namePairSearch). The leading SEP sorts before every letter, so a one-word range
 * never meets a pair key. Words come first, in order: nameWords reads them back.
 */
export function nameSearchKeys(words: readonly string[]): string[] {
  const keys = [...words];
  const pairs = new Set<string>();
  words.forEach((a, i) => {
    words.forEach((b, j) => {
      if (i !== j && b < a) pairs.add(pairKeyFor(b, a));
    });
  });
  keys.push(...pairs);
  return keys;
}

/** The folded words of a name from its search keys (nameSearchKeys): the keys before the first pair. */
export function nameWords(keys: readonly string[]): string[] {
  const firstPair = keys.findIndex((key) => key.startsWith(NAME_PAIR_SEPARATOR));
  return firstPair === -1 ? [...keys] : keys.slice(0, firstPair);
}

/**
 * Where the names with two distinct words starting with `x` and with `y` are among the pair
 * keys:
 * - `range`: one range of keys, and whether being in it is the whole match (so no card need be
 *   read to be checked). When neither typed word starts the other, the name's word for the
 *   greater one is its greater word, so the range is the smaller one's bucket and then the
 *   greater one; it is the whole match when the smaller fills its bucket exactly. When one
 *   starts the other, either word of the name may be the greater, and both ranges lie in the
 *   shorter word's own, whose candidates are checked.
 * - `buckets`: the smaller typed word is shorter than a bucket, so its names lie in every
 *   bucket that starts with it («کریمی م»: م, مح, محم, مر, …); in each, the range of `greater`
 *   is the whole match (pairBuckets walks them).
 * - null: one typed word starts the other and the shorter is shorter than a bucket; no key
 *   fixes either word's bucket.
 */
export type NamePairSearch =
  | { kind: 'range'; prefix: string; exact: boolean }
  | { kind: 'buckets'; smaller: string; greater: string };

export function namePairSearch(x: string, y: string): NamePairSearch | null {
  const [shorter, longer] = x.length <= y.length ? [x, y] : [y, x];
  if (longer.startsWith(shorter))
    return shorter.length < NAME_PAIR_BUCKET_LENGTH
      ? null
      : { kind: 'range', prefix: pairKeyFor(shorter, shorter), exact: false };
  const [smaller, greater] = x < y ? [x, y] : [y, x];
  if (smaller.length < NAME_PAIR_BUCKET_LENGTH) return { kind: 'buckets', smaller, greater };
  return {
    kind: 'range',
    prefix: pairKeyFor(smaller, greater),
    exact: smaller.length === NAME_PAIR_BUCKET_LENGTH,
  };
}

/**
 * The pair keys' bucket arithmetic for a key cursor that walks the buckets starting with a
 * typed word shorter than a bucket: the range where those buckets' keys lie, a key's bucket,
 * the least key past every key of a bucket (SEP, U+0001, sorts before U+0002 and every letter,
 * so a longer bucket that extends this one comes after it), and a bucket's range of a greater
 * word.
 */
export const pairBuckets = {
  startingWith: (smaller: string): [lower: string, upper: string] => [
    `${NAME_PAIR_SEPARATOR}${smaller}`,
    `${NAME_PAIR_SEPARATOR}${smaller}\uffff`,
  ],
  bucketOf: (key: string) => key.slice(1, key.indexOf(NAME_PAIR_SEPARATOR, 1)),
  after: (bucket: string) => `${NAME_PAIR_SEPARATOR}${bucket}\u0002`,
  withGreater: (bucket: string, greater: string) => pairKeyPrefix(bucket, greater),
};

function pairKeyPrefix(bucket: string, greater: string): string {
  return `${NAME_PAIR_SEPARATOR}${bucket}${NAME_PAIR_SEPARATOR}${greater}`;
}

/** The pair key of a smaller word (its bucket kept) and a greater one, or a prefix of such keys. */
function pairKeyFor(smaller: string, greater: string): string {
  return pairKeyPrefix(smaller.slice(0, NAME_PAIR_BUCKET_LENGTH), greater);
}

/** Whether each query word starts a different word of the name (any order). */
export function wordsMatchName(
  queryWords: readonly string[],
  nameWords: readonly string[],
): boolean {
  if (queryWords.length > nameWords.length) return false;
  const used = new Array<boolean>(nameWords.length).fill(false);
  const assign = (index: number): boolean => {
    if (index === queryWords.length) return true;
    const word = queryWords[index]!;
    for (let i = 0; i < nameWords.length; i++) {
      if (!used[i] && nameWords[i]!.startsWith(word)) {
        used[i] = true;
        if (assign(index + 1)) return true;
        used[i] = false;
      }
    }
    return false;
  };
  return assign(0);
}
