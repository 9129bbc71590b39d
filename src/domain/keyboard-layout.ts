// A name typed with the keyboard left in English: each Latin key stands for the Persian letter
// the same key gives on the standard Persian layout (ISIRI 9147, as in xkeyboard-config's
// `ir(pes)`), base layer for lower case and shift layer for upper case and shifted symbols.
// Only keys that give something else on the Persian layout are listed; digits are left alone.

/** Every key whose Persian-layout character differs from its US-layout one, both layers. */
export const LATIN_TO_PERSIAN_LAYOUT: Readonly<Record<string, string>> = {
  // Base layer, top row.
  q: '\u0636', // ض
  w: '\u0635', // ص
  e: '\u062b', // ث
  r: '\u0642', // ق
  t: '\u0641', // ف
  y: '\u063a', // غ
  u: '\u0639', // ع
  i: '\u0647', // ه
  o: '\u062e', // خ
  p: '\u062d', // ح
  '[': '\u062c', // ج
  ']': '\u0686', // چ
  // Base layer, home row.
  a: '\u0634', // ش
  s: '\u0633', // س
  d: '\u06cc', // ی (Persian Yeh)
  f: '\u0628', // ب
  g: '\u0644', // ل
  h: '\u0627', // ا
  j: '\u062a', // ت
  k: '\u0646', // ن
  l: '\u0645', // م
  ';': '\u06a9', // ک (Keheh)
  "'": '\u06af', // گ
  // Base layer, bottom row. ISIRI 9147 puts پ on M; the older Windows layout put it on the
  // backslash, which gives no letter in ISIRI 9147, so it is read as پ too.
  z: '\u0638', // ظ
  x: '\u0637', // ط
  c: '\u0632', // ز
  v: '\u0631', // ر
  b: '\u0630', // ذ
  n: '\u062f', // د
  m: '\u067e', // پ
  ',': '\u0648', // و
  '\\': '\u067e', // پ (older Windows layout)
  '`': '\u200d', // ZWJ
  // Shift layer, top row: the short vowels and tanwin, then brackets mirrored.
  Q: '\u0652', // sukun
  W: '\u064c', // dammatan
  E: '\u064d', // kasratan
  R: '\u064b', // fathatan
  T: '\u064f', // damma
  Y: '\u0650', // kasra
  U: '\u064e', // fatha
  I: '\u0651', // shadda
  O: ']',
  P: '[',
  '{': '}',
  '}': '{',
  // Shift layer, home row.
  A: '\u0624', // ؤ
  S: '\u0626', // ئ
  D: '\u064a', // ي (Arabic Yeh)
  F: '\u0625', // إ
  G: '\u0623', // أ
  H: '\u0622', // آ
  J: '\u0629', // ة
  K: '\u00bb', // »
  L: '\u00ab', // «
  '"': '\u061b', // ؛
  // Shift layer, bottom row.
  Z: '\u0643', // ك (Arabic Kaf)
  X: '\u0653', // madda above
  C: '\u0698', // ژ
  V: '\u0670', // superscript alef
  B: '\u200c', // ZWNJ
  N: '\u0654', // hamza above
  M: '\u0621', // ء
  '<': '>',
  '>': '<',
  '?': '\u061f', // ؟
};

const LATIN_LETTER = /[A-Za-z]/;
// Arabic-script letters and marks: text holding any was typed on a Persian or Arabic layout.
const ARABIC_SCRIPT = /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/;
// A name holds no digit; a query with one is a code (`C-0000001`, a tracking number).
const ANY_DIGIT = /[0-9\u06f0-\u06f9\u0660-\u0669]/;

/**
 * The Persian text that the same keys would have typed on the Persian layout, or null when the
 * text is not a Latin-layout slip: no Latin letter, any digit, or already Persian letters.
 */
export function persianFromLatinLayout(text: string): string | null {
  if (!LATIN_LETTER.test(text) || ANY_DIGIT.test(text) || ARABIC_SCRIPT.test(text)) return null;
  let converted = '';
  for (const char of text) converted += LATIN_TO_PERSIAN_LAYOUT[char] ?? char;
  return converted;
}
