import { describe, expect, it } from 'vitest';
import {
  foldForSearch,
  joinedNeighbourVariants,
  NAME_PAIR_SEPARATOR,
  nameSearchKeys,
  namePairSearch,
  pairBuckets,
  nameWords,
  nameTokens,
  searchTokens,
  tidyDisplayText,
  wordsMatchName,
} from './persian-text.ts';

// Look-alike letters are written as escapes: in source, ي and ی (or ك and ک) cannot be told apart.
const FA_YEH = '\u06cc'; // ی
const AR_YEH = '\u064a'; // ي
const ALEF_MAKSURA = '\u0649'; // ى
const YEH_HAMZA = '\u0626'; // ئ
const FA_KAF = '\u06a9'; // ک
const AR_KAF = '\u0643'; // ك
const HEH = '\u0647'; // ه
const TEH_MARBUTA = '\u0629'; // ة
const HEH_YEH = '\u06c0'; // ۀ
const ALEF = '\u0627'; // ا
const ALEF_HAMZA_ABOVE = '\u0623'; // أ
const ALEF_HAMZA_BELOW = '\u0625'; // إ
const ALEF_MADDA = '\u0622'; // آ
const TATWEEL = '\u0640'; // ـ
const ZWNJ = '\u200c';

describe('foldForSearch: one row per character class', () => {
  it.each([
    ['Arabic Yeh ي → ی', `عل${AR_YEH}`, `عل${FA_YEH}`],
    ['Alef Maksura ى → ی', `مصطف${ALEF_MAKSURA}`, `مصطف${FA_YEH}`],
    ['Yeh with Hamza ئ → ی', `ر${YEH_HAMZA}وف`, `ر${FA_YEH}وف`],
    ['Arabic Kaf ك → ک', `${AR_KAF}امران`, `${FA_KAF}امران`],
    ['Teh Marbuta ة → ه', `فاطم${TEH_MARBUTA}`, `فاطم${HEH}`],
    ['Heh with Yeh ۀ → ه', `خان${HEH_YEH}`, `خان${HEH}`],
    ['Alef with Hamza above أ → ا', `${ALEF_HAMZA_ABOVE}حمد`, `${ALEF}حمد`],
    ['Alef with Hamza below إ → ا', `${ALEF_HAMZA_BELOW}براه${FA_YEH}م`, `${ALEF}براه${FA_YEH}م`],
    ['Alef with Madda آ → ا', `${ALEF_MADDA}رش`, `${ALEF}رش`],
    ['Alef with Madda written as alef + combining madda → ا', `${ALEF}\u0653رش`, `${ALEF}رش`],
    ['Arabic Yeh + combining hamza (decomposed ئ) → ی', `ر${AR_YEH}\u0654وف`, `ر${FA_YEH}وف`],
    ['Heh + combining hamza (typed ۀ) → ه', `خان${HEH}\u0654`, `خان${HEH}`],
    ['decomposed ۀ (ae + combining hamza, composed by NFC) → ه', `خان\u06d5\u0654`, `خان${HEH}`],
    ['tatweel dropped', `عل${TATWEEL}${TATWEEL}${TATWEEL}${FA_YEH}`, `عل${FA_YEH}`],
    ['ZWNJ becomes a space', `محمد${ZWNJ}حس${FA_YEH}ن`, `محمد حس${FA_YEH}ن`],
    ['ZWJ becomes a space', `محمد\u200dحس${FA_YEH}ن`, `محمد حس${FA_YEH}ن`],
    ['run of spaces collapses', `عل${FA_YEH}    رضا`, `عل${FA_YEH} رضا`],
    ['tab, newline and no-break space collapse', `عل${FA_YEH}\t\n\u00a0رضا`, `عل${FA_YEH} رضا`],
    ['spaces around a ZWNJ collapse into one', `عل${FA_YEH} ${ZWNJ} رضا`, `عل${FA_YEH} رضا`],
    ['leading and trailing spaces trimmed', `  رضا${ZWNJ} `, 'رضا'],
    ['Persian digits → ASCII', '۱۲۳۴۵۶۷۸۹۰', '1234567890'],
    ['Arabic-Indic digits → ASCII', '١٢٣٤٥٦٧٨٩٠', '1234567890'],
    ['Latin lower-cased', 'ALI Rezaei', 'ali rezaei'],
    ['byte-order mark dropped', `\ufeffرضا`, 'رضا'],
    ['empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(foldForSearch(input)).toBe(expected);
  });

  it.each([
    ['fatha', '\u064e'],
    ['kasra', '\u0650'],
    ['damma', '\u064f'],
    ['fathatan (tanwin)', '\u064b'],
    ['kasratan (tanwin)', '\u064d'],
    ['dammatan (tanwin)', '\u064c'],
    ['shadda', '\u0651'],
    ['sukun', '\u0652'],
    ['superscript alef', '\u0670'],
  ])('drops %s', (_name, mark) => {
    expect(foldForSearch(`مح${mark}مد`)).toBe('محمد');
  });

  it('drops a whole vocalised name down to its letters', () => {
    expect(foldForSearch('مُحَمَّدْ')).toBe('محمد');
  });

  it.each([
    ['LRM', '\u200e'],
    ['RLM', '\u200f'],
    ['Arabic letter mark', '\u061c'],
    ['LRE', '\u202a'],
    ['RLE', '\u202b'],
    ['PDF', '\u202c'],
    ['LRO', '\u202d'],
    ['RLO', '\u202e'],
    ['LRI', '\u2066'],
    ['RLI', '\u2067'],
    ['FSI', '\u2068'],
    ['PDI', '\u2069'],
  ])('drops bidi mark %s without splitting the word', (_name, mark) => {
    expect(foldForSearch(`رض${mark}ا`)).toBe('رضا');
  });

  it('folds a name typed on an Arabic keyboard to the same key as the Persian spelling', () => {
    const arabicKeyboard = `عل${AR_YEH}رضا ${AR_KAF}ر${AR_YEH}م${AR_YEH}`;
    const persianKeyboard = `عل${FA_YEH}رضا ${FA_KAF}ر${FA_YEH}م${FA_YEH}`;
    expect(foldForSearch(arabicKeyboard)).toBe(persianKeyboard);
  });
});

describe('searchTokens', () => {
  it.each<[string, string, string[]]>([
    ['ZWNJ splits a compound name', `محمد${ZWNJ}حس${FA_YEH}ن`, ['محمد', `حس${FA_YEH}ن`]],
    ['spaces split words', `  عل${FA_YEH}   رضا `, [`عل${FA_YEH}`, 'رضا']],
    [
      'tokens are folded',
      `عل${AR_YEH} ${AR_KAF}ر${AR_YEH}م${AR_YEH}`,
      [`عل${FA_YEH}`, `${FA_KAF}ر${FA_YEH}م${FA_YEH}`],
    ],
    [
      'a mark standing alone leaves no empty token',
      `رضا ${TATWEEL} عل${FA_YEH}`,
      ['رضا', `عل${FA_YEH}`],
    ],
    ['digits become ASCII tokens', 'جعبه ۱۲', ['جعبه', '12']],
    ['empty string', '', []],
    ['only spaces', '   ', []],
    ['only ZWNJ and marks', `${ZWNJ}${TATWEEL}\u064e`, []],
  ])('%s', (_name, input, expected) => {
    expect(searchTokens(input)).toEqual(expected);
  });
});

describe('nameTokens', () => {
  it.each<[string, ReadonlyArray<string | undefined | null>, string[]]>([
    ['first and last name', [`عل${FA_YEH}`, 'رضا'], [`عل${FA_YEH}`, 'رضا']],
    [
      'compound first name: its pieces and the pieces joined',
      [`محمد${ZWNJ}حس${FA_YEH}ن`, `${FA_KAF}ر${FA_YEH}م${FA_YEH}`],
      ['محمد', `حس${FA_YEH}ن`, `محمدحس${FA_YEH}ن`, `${FA_KAF}ر${FA_YEH}م${FA_YEH}`],
    ],
    [
      'compound last name joined the same whichever ZWNJ-like joiner it uses',
      [`پا${FA_KAF}\u200dنژاد`],
      [`پا${FA_KAF}`, 'نژاد', `پا${FA_KAF}نژاد`],
    ],
    ['a word stored without its ZWNJ stays one word', [`پا${FA_KAF}نژاد`], [`پا${FA_KAF}نژاد`]],
    [
      'a space, not a ZWNJ, separates two words that are not joined',
      [`عل${FA_YEH} رضا`],
      [`عل${FA_YEH}`, 'رضا'],
    ],
    ['a token repeated across parts is kept once', [`عل${FA_YEH}`, `عل${FA_YEH}`], [`عل${FA_YEH}`]],
    ['spellings that fold alike are kept once', [`عل${FA_YEH}`, `عل${AR_YEH}`], [`عل${FA_YEH}`]],
    [
      'a token repeated within a part is kept once',
      [`محمد محمد${ZWNJ}رضا`],
      ['محمد', 'رضا', 'محمدرضا'],
    ],
    ['undefined part skipped', [`عل${FA_YEH}`, undefined, 'رضا'], [`عل${FA_YEH}`, 'رضا']],
    ['null part skipped', [null, 'رضا'], ['رضا']],
    ['empty and blank parts skipped', ['', '   ', 'رضا'], ['رضا']],
    ['no parts', [], []],
  ])('%s', (_name, parts, expected) => {
    expect(nameTokens(...parts)).toEqual(expected);
  });
});

describe('joinedNeighbourVariants', () => {
  it.each<[string, string[], string[][]]>([
    ['one word has no neighbours', ['پا'], []],
    ['two words join into one', ['پا', 'نژ'], [['پانژ']]],
    [
      'three words: each pair of neighbours in turn',
      ['عل', 'پا', 'نژ'],
      [
        ['علپا', 'نژ'],
        ['عل', 'پانژ'],
      ],
    ],
    ['no words', [], []],
  ])('%s', (_name, words, expected) => {
    expect(joinedNeighbourVariants(words)).toEqual(expected);
  });
});

describe('tidyDisplayText', () => {
  it.each([
    ['keeps Arabic Yeh as written', `عل${AR_YEH}`, `عل${AR_YEH}`],
    ['keeps Arabic Kaf as written', `${AR_KAF}امران`, `${AR_KAF}امران`],
    ['keeps ZWNJ as written', `محمد${ZWNJ}حس${FA_YEH}ن`, `محمد${ZWNJ}حس${FA_YEH}ن`],
    ['keeps harakat', 'مُحَمَّد', 'مُحَمَّد'],
    ['keeps tatweel', `عل${TATWEEL}${FA_YEH}`, `عل${TATWEEL}${FA_YEH}`],
    ['keeps Persian digits', 'جعبه ۱۲', 'جعبه ۱۲'],
    ['keeps Latin case', 'ALI Rezaei', 'ALI Rezaei'],
    ['trims', `  عل${FA_YEH}  `, `عل${FA_YEH}`],
    ['collapses a run of spaces', `عل${FA_YEH}    رضا`, `عل${FA_YEH} رضا`],
    ['collapses tab, newline and no-break space', `عل${FA_YEH}\t\n\u00a0رضا`, `عل${FA_YEH} رضا`],
    ['drops bidi marks', `\u202bعل${FA_YEH}\u200f\u202c`, `عل${FA_YEH}`],
    ['empty string', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(tidyDisplayText(input)).toBe(expected);
  });
});

describe('nameSearchKeys', () => {
  const SEP = NAME_PAIR_SEPARATOR;

  it('lists the words, then one key a pair: the smaller word’s first three letters, then the greater word', () => {
    expect(nameSearchKeys(['زهرا', 'محمدی'])).toEqual(['زهرا', 'محمدی', `${SEP}زهر${SEP}محمدی`]);
    expect(nameSearchKeys(['محمدی', 'زهرا'])).toEqual(['محمدی', 'زهرا', `${SEP}زهر${SEP}محمدی`]);
  });

  it('keeps a word shorter than a bucket whole in its keys', () => {
    expect(nameSearchKeys(['ب', 'کریمی'])).toEqual(['ب', 'کریمی', `${SEP}ب${SEP}کریمی`]);
    expect(nameSearchKeys(['مه', 'کریمی'])).toEqual(['مه', 'کریمی', `${SEP}مه${SEP}کریمی`]);
  });

  it('makes no pair of a word with itself, and none for a one-word name', () => {
    expect(nameSearchKeys(['علی'])).toEqual(['علی']);
    expect(nameSearchKeys([])).toEqual([]);
  });

  it('keys each two words once: three words, three pairs', () => {
    const keys = nameSearchKeys(['محمد', 'مهدی', 'مرادی']);
    expect(keys).toHaveLength(3 + 3);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sorts every pair key before every word, so a one-word range never meets one', () => {
    const keys = nameSearchKeys(['آ', 'ء', 'a', '0']);
    const pairs = keys.filter((key) => key.startsWith(SEP));
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) for (const word of ['آ', 'a', '0']) expect(pair < word).toBe(true);
  });

  it('gives the words back, in order, through nameWords', () => {
    const words = ['علی', 'اکبر', 'علیاکبر', 'کریمی'];
    expect(nameWords(nameSearchKeys(words))).toEqual(words);
    expect(nameWords(['علی'])).toEqual(['علی']);
    expect(nameWords([])).toEqual([]);
  });
});

describe('namePairSearch', () => {
  const SEP = NAME_PAIR_SEPARATOR;
  /** Whether the name's keys put it where the search for the two typed words looks. */
  const found = (words: string[], x: string, y: string) => {
    const search = namePairSearch(x, y);
    if (!search) throw new Error('no pair search');
    const keys = nameSearchKeys(words);
    if (search.kind === 'range') return keys.some((key) => key.startsWith(search.prefix));
    const [lower, upper] = pairBuckets.startingWith(search.smaller);
    return keys.some((key) => {
      if (key < lower || key > upper) return false;
      return key.startsWith(pairBuckets.withGreater(pairBuckets.bucketOf(key), search.greater));
    });
  };

  it('is the smaller word’s bucket, then the greater word, whatever the order typed', () => {
    const range = { kind: 'range', prefix: `${SEP}زهر${SEP}محم`, exact: true };
    expect(namePairSearch('محم', 'زهر')).toEqual(range);
    expect(namePairSearch('زهر', 'محم')).toEqual(range);
    expect(namePairSearch('زهرا', 'مح')).toEqual({
      kind: 'range',
      prefix: `${SEP}زهر${SEP}مح`,
      exact: false,
    });
  });

  it('holds every name whose two words each start with one of the typed words', () => {
    expect(found(['زهرا', 'محمدی'], 'محم', 'زهر')).toBe(true);
    expect(found(['زهرا', 'محمدی'], 'زهرا', 'محمدی')).toBe(true);
    expect(found(['کریمی', 'ابوالفضل'], 'ابوالفضل', 'کری')).toBe(true);
    expect(found(['مریم', 'محمدی'], 'محم', 'زهر')).toBe(false);
    expect(found(['زهرا', 'مرادی'], 'محم', 'زهر')).toBe(false);
  });

  it('takes the shorter word’s own range when one typed word starts the other: either may be the greater', () => {
    expect(namePairSearch('محم', 'محمدی')).toEqual({
      kind: 'range',
      prefix: `${SEP}محم${SEP}محم`,
      exact: false,
    });
    expect(found(['محمد', 'محمدی'], 'محم', 'محمدی')).toBe(true);
    expect(found(['محمدرضا', 'محمدی'], 'محم', 'محمدی')).toBe(true);
    expect(found(['محمدی', 'مهسا'], 'محمد', 'محمدی')).toBe(false);
    expect(found(['محمد', 'محمدی'], 'محمد', 'محمد')).toBe(true);
  });

  it('takes a greater word shorter than a bucket as it is typed: only the smaller word is bucketed', () => {
    // «م» sorts before «ک»: the name's ک-word is its greater word, whatever follows the letter.
    expect(namePairSearch('محمد', 'ک')).toEqual({
      kind: 'range',
      prefix: `${SEP}محم${SEP}ک`,
      exact: false,
    });
    expect(found(['محمد', 'کریمی'], 'محمد', 'ک')).toBe(true);
    expect(found(['محمد', 'مرادی'], 'محمد', 'ک')).toBe(false);
  });

  it('walks the buckets that start with a smaller word shorter than a bucket', () => {
    expect(namePairSearch('کریمی', 'م')).toEqual({
      kind: 'buckets',
      smaller: 'م',
      greater: 'کریمی',
    });
    expect(namePairSearch('م', 'کریمی')).toEqual({
      kind: 'buckets',
      smaller: 'م',
      greater: 'کریمی',
    });
    expect(namePairSearch('زه', 'محمدی')).toEqual({
      kind: 'buckets',
      smaller: 'زه',
      greater: 'محمدی',
    });
    expect(found(['زهرا', 'محمدی'], 'زه', 'محمدی')).toBe(true);
    expect(found(['زهره', 'محمدی'], 'محمدی', 'زه')).toBe(true);
    expect(found(['زینب', 'محمدی'], 'زه', 'محمدی')).toBe(false);
    expect(found(['ز', 'محمدی'], 'زه', 'محمدی')).toBe(false);
    expect(found(['زه', 'محمدی'], 'زه', 'محم')).toBe(true);
    expect(found(['علی', 'کریمی'], 'ع', 'کر')).toBe(true);
    expect(found(['عباس', 'کریمی'], 'ع', 'ک')).toBe(true);
    expect(found(['کاظم', 'کریمی'], 'ع', 'ک')).toBe(false);
  });

  it('has no search when one typed word starts the other and the shorter is shorter than a bucket', () => {
    expect(namePairSearch('م', 'محمد')).toBeNull();
    expect(namePairSearch('مح', 'محمدی')).toBeNull();
  });
});

describe('pairBuckets', () => {
  const SEP = NAME_PAIR_SEPARATOR;

  it('reads a key’s bucket, however long the bucket', () => {
    expect(pairBuckets.bucketOf(`${SEP}زهر${SEP}محمدی`)).toBe('زهر');
    expect(pairBuckets.bucketOf(`${SEP}ب${SEP}کریمی`)).toBe('ب');
  });

  it('skips past every key of a bucket and to the next, a longer bucket that extends it included', () => {
    const sorted = [
      `${SEP}م${SEP}کریمی`,
      `${SEP}م${SEP}یزدی`,
      `${SEP}مح${SEP}کریمی`,
      `${SEP}محم${SEP}کریمی`,
      `${SEP}محم${SEP}\uffff`,
      `${SEP}مر${SEP}کریمی`,
    ];
    const after = pairBuckets.after('م');
    expect(sorted.filter((key) => key < after)).toEqual(sorted.slice(0, 2));
    expect(sorted.filter((key) => key < pairBuckets.after('محم'))).toEqual(sorted.slice(0, 5));
  });

  it('bounds the buckets that start with a typed word', () => {
    const [lower, upper] = pairBuckets.startingWith('مح');
    const inside = (key: string) => key >= lower && key <= upper;
    expect(inside(`${SEP}مح${SEP}کریمی`)).toBe(true);
    expect(inside(`${SEP}محم${SEP}کریمی`)).toBe(true);
    expect(inside(`${SEP}م${SEP}کریمی`)).toBe(false);
    expect(inside(`${SEP}مر${SEP}کریمی`)).toBe(false);
    expect(inside('محمد')).toBe(false);
  });
});

describe('wordsMatchName', () => {
  it.each([
    [['زه', 'مح'], ['زهرا', 'محمدی'], true],
    [['مح', 'زه'], ['زهرا', 'محمدی'], true],
    [['مح', 'محمد'], ['محمد', 'رضایی'], false],
    [['مح', 'محمد'], ['محمد', 'محمدی'], true],
    [['علی', 'اکبر', 'کر'], ['علی', 'اکبر', 'کریمی'], true],
    [['علی', 'علی'], ['علی', 'کریمی'], false],
    [['ن'], ['زهرا', 'محمدی'], false],
  ])('%j against %j → %s', (query, name, expected) => {
    expect(wordsMatchName(query, name)).toBe(expected);
  });
});
