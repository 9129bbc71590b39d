import { describe, expect, it } from 'vitest';
import type {
  ManifestCardDraft,
  ManifestColumn,
  ManifestProblem,
  ManifestRow,
  ManifestRowResult,
} from './manifest.ts';
import {
  MANIFEST_COLUMNS,
  checkManifest,
  createManifestRowChecker,
  mapManifestHeader,
} from './manifest.ts';
import { completeNationalCode } from './national-code.ts';

// completeNationalCode gives the check digit, so the codes below are valid by construction.
const ZAHRA_CODE = completeNationalCode('001234567'); // 0012345679
const ALI_CODE = completeNationalCode('049937089'); // 0499370899

const HEADER = [...MANIFEST_COLUMNS];

function row(cells: Partial<Record<ManifestColumn, string>>, line = 2): ManifestRow {
  const record: Record<string, string> = {
    card_id: 'C-0000001',
    national_code: ZAHRA_CODE,
    first_name: 'زهرا',
    last_name: 'محمدی',
    father_name: 'علی',
    birth_date: '1368-04-21',
    tracking_code: '140309221234567',
    box: 'B-017',
    ...cells,
  };
  return { line, record, fieldCount: HEADER.length };
}

function checkOne(cells: Partial<Record<ManifestColumn, string>>): ManifestRowResult {
  const header = mapManifestHeader(HEADER);
  if (!header.ok) throw new Error('header refused');
  return createManifestRowChecker(header)(row(cells));
}

function cardOf(result: ManifestRowResult): ManifestCardDraft {
  if (result.kind !== 'card') throw new Error(`row was ${result.kind}: ${JSON.stringify(result)}`);
  return result.card;
}

describe('mapManifestHeader', () => {
  it('finds every column in any order and ignores unknown ones', () => {
    const header = [
      'box',
      'notes',
      'last_name',
      'first_name',
      'national_code',
      'card_id',
      'birth_date',
    ];
    expect(mapManifestHeader(header)).toEqual({
      ok: true,
      fieldCount: 7,
      columns: {
        box: 'box',
        last_name: 'last_name',
        first_name: 'first_name',
        national_code: 'national_code',
        card_id: 'card_id',
        birth_date: 'birth_date',
      },
    });
  });

  it.each([
    ['a BOM on the first cell', '\ufeffcard_id', 'card_id'],
    ['surrounding spaces', '  card_id ', 'card_id'],
    ['upper case', 'CARD_ID', 'card_id'],
    ['mixed case', 'National_Code', 'national_code'],
    ['a right-to-left mark', '\u200ffirst_name', 'first_name'],
  ])(
    'matches a header cell with %s, keeping the cell as written as the record key',
    (_name, cell, column) => {
      const header = ['card_id', 'national_code', 'first_name', 'last_name'].map((name) =>
        name === column ? cell : name,
      );
      const mapped = mapManifestHeader(header);
      expect(mapped.ok && mapped.columns[column as ManifestColumn]).toBe(cell);
    },
  );

  it('names every missing required column', () => {
    expect(mapManifestHeader(['card_id', 'first_name', 'box'])).toEqual({
      ok: false,
      missing: ['national_code', 'last_name'],
      duplicate: [],
    });
  });

  it('refuses an empty header', () => {
    expect(mapManifestHeader([])).toEqual({
      ok: false,
      missing: ['card_id', 'national_code', 'first_name', 'last_name'],
      duplicate: [],
    });
  });

  it('does not require the optional columns', () => {
    expect(mapManifestHeader(['card_id', 'national_code', 'first_name', 'last_name']).ok).toBe(
      true,
    );
  });

  it('refuses a column named twice, since which cell is meant is unknowable', () => {
    expect(mapManifestHeader([...HEADER, 'Box '])).toEqual({
      ok: false,
      missing: [],
      duplicate: ['box'],
    });
  });
});

describe('manifest rows: values that pass', () => {
  it('gives a normalized card with every column', () => {
    expect(cardOf(checkOne({}))).toEqual({
      cardId: 'C-0000001',
      nationalCode: '0012345679',
      firstName: 'زهرا',
      lastName: 'محمدی',
      fatherName: 'علی',
      birthDate: '1368-04-21',
      trackingCode: '140309221234567',
      box: 'B-017',
    });
  });

  it.each<[string, Partial<Record<ManifestColumn, string>>, Partial<ManifestCardDraft>]>([
    [
      'Persian digits in a national code',
      { national_code: '۰۰۱۲۳۴۵۶۷۹' },
      { nationalCode: '0012345679' },
    ],
    [
      'Arabic-Indic digits in a national code',
      { national_code: '٠٠١٢٣٤٥٦٧٩' },
      { nationalCode: '0012345679' },
    ],
    [
      'a national code a spreadsheet cut to 8 digits',
      { national_code: '12345679' },
      { nationalCode: '0012345679' },
    ],
    [
      'a national code a spreadsheet cut to 9 digits',
      { national_code: '499370899' },
      { nationalCode: ALI_CODE },
    ],
    [
      'a national code with dashes and spaces',
      { national_code: ' 049-937089-9 ' },
      { nationalCode: ALI_CODE },
    ],
    ['a slash date', { birth_date: '1368/04/21' }, { birthDate: '1368-04-21' }],
    [
      'a Persian-digit date without zero padding',
      { birth_date: '۱۳۶۸/۴/۲۱' },
      { birthDate: '1368-04-21' },
    ],
    [
      'Persian digits in a tracking code',
      { tracking_code: '۱۴۰۳۰۹۲۲۱۲۳۴۵۶۷' },
      { trackingCode: '140309221234567' },
    ],
    ['Persian digits in a card id', { card_id: 'C-۰۰۰۰۰۰۱' }, { cardId: 'C-0000001' }],
    ['Arabic-Indic digits in a box', { box: 'B-\u0660\u0661\u0667' }, { box: 'B-017' }],
    [
      'spaces around and inside names',
      { first_name: '  محمد   حسین ', last_name: '\tحسین‌زاده ' },
      { firstName: 'محمد حسین', lastName: 'حسین‌زاده' },
    ],
    [
      'a ZWNJ inside a name, kept as written',
      { last_name: 'حسین‌زاده' },
      { lastName: 'حسین‌زاده' },
    ],
    [
      'Arabic Yeh and Kaf, kept as written for display',
      { first_name: 'علي', last_name: 'كريمي' },
      { firstName: 'علي', lastName: 'كريمي' },
    ],
    [
      'empty optional cells, which clear the field',
      { father_name: '', birth_date: ' ', tracking_code: '', box: '' },
      { fatherName: null, birthDate: null, trackingCode: null, box: null },
    ],
  ])('accepts %s', (_name, cells, expected) => {
    expect(cardOf(checkOne(cells))).toMatchObject(expected);
  });

  it('leaves out optional fields whose column the file does not have', () => {
    const header = mapManifestHeader(['card_id', 'national_code', 'first_name', 'last_name']);
    if (!header.ok) throw new Error('header refused');
    const record = {
      card_id: 'C-1',
      national_code: ZAHRA_CODE,
      first_name: 'زهرا',
      last_name: 'محمدی',
    };
    const card = cardOf(createManifestRowChecker(header)({ line: 2, record, fieldCount: 4 }));
    expect(Object.keys(card).sort()).toEqual(['cardId', 'firstName', 'lastName', 'nationalCode']);
  });

  it('reads cells through the header as written, BOM included', () => {
    const result = checkManifest(
      ['\ufeffcard_id', 'National_Code ', 'first_name', 'last_name'],
      [
        {
          line: 2,
          record: {
            '\ufeffcard_id': 'C-9',
            'National_Code ': ZAHRA_CODE,
            first_name: 'زهرا',
            last_name: 'محمدی',
          },
        },
      ],
    );
    expect(result.ok && result.cards.map(({ card }) => [card.cardId, card.nationalCode])).toEqual([
      ['C-9', ZAHRA_CODE],
    ]);
  });
});

describe('manifest rows: problems', () => {
  it.each<[string, Partial<Record<ManifestColumn, string>>, Array<Omit<ManifestProblem, 'line'>>]>([
    ['an empty card id', { card_id: '  ' }, [{ column: 'card_id', reason: 'missing' }]],
    [
      'an empty national code',
      { national_code: '' },
      [{ column: 'national_code', reason: 'missing' }],
    ],
    ['an empty first name', { first_name: '' }, [{ column: 'first_name', reason: 'missing' }]],
    [
      'a last name of only invisible marks',
      { last_name: '\u200f \u200e' },
      [{ column: 'last_name', reason: 'missing' }],
    ],
    [
      'a wrong check digit',
      { national_code: '0012345678' },
      [{ column: 'national_code', reason: 'invalid-national-code', detail: 'check-digit' }],
    ],
    [
      'letters in a national code',
      { national_code: '00123x5679' },
      [{ column: 'national_code', reason: 'invalid-national-code', detail: 'not-digits' }],
    ],
    [
      'a 7-digit national code',
      { national_code: '1234567' },
      [{ column: 'national_code', reason: 'invalid-national-code', detail: 'too-short' }],
    ],
    [
      'an 11-digit national code',
      { national_code: '00123456790' },
      [{ column: 'national_code', reason: 'invalid-national-code', detail: 'too-long' }],
    ],
    [
      'a national code in scientific notation',
      { national_code: '1.23457E+9' },
      [{ column: 'national_code', reason: 'invalid-national-code', detail: 'not-digits' }],
    ],
    [
      'a Gregorian-looking day-first date',
      { birth_date: '21/04/1368' },
      [{ column: 'birth_date', reason: 'bad-date' }],
    ],
    ['month 13', { birth_date: '1368-13-01' }, [{ column: 'birth_date', reason: 'bad-date' }]],
    [
      'day 31 in an autumn month',
      { birth_date: '1368-07-31' },
      [{ column: 'birth_date', reason: 'bad-date' }],
    ],
    [
      'letters in a tracking code',
      { tracking_code: '1403A' },
      [{ column: 'tracking_code', reason: 'not-digits' }],
    ],
    [
      'a card id longer than a handover event may name',
      { card_id: `C-${'1'.repeat(127)}` },
      [{ column: 'card_id', reason: 'too-long' }],
    ],
    [
      'a 201-character first name',
      { first_name: 'ز'.repeat(201) },
      [{ column: 'first_name', reason: 'too-long' }],
    ],
    [
      'several broken cells at once, in column order',
      { national_code: '', first_name: '', birth_date: 'دیروز' },
      [
        { column: 'national_code', reason: 'missing' },
        { column: 'first_name', reason: 'missing' },
        { column: 'birth_date', reason: 'bad-date' },
      ],
    ],
  ])('rejects %s', (_name, cells, problems) => {
    expect(checkOne(cells)).toEqual({
      kind: 'rejected',
      line: 2,
      problems: problems.map((problem) => ({ line: 2, ...problem })),
    });
  });

  it('rejects a row with more cells than the header', () => {
    const header = mapManifestHeader(HEADER);
    if (!header.ok) throw new Error('header refused');
    const result = createManifestRowChecker(header)({ ...row({}), fieldCount: HEADER.length + 1 });
    expect(result).toEqual({
      kind: 'rejected',
      line: 2,
      problems: [{ line: 2, column: null, reason: 'wrong-field-count' }],
    });
  });

  it('rejects a row with fewer cells than the header', () => {
    const header = mapManifestHeader(HEADER);
    if (!header.ok) throw new Error('header refused');
    const result = createManifestRowChecker(header)({ ...row({}), fieldCount: HEADER.length - 1 });
    expect(result).toEqual({
      kind: 'rejected',
      line: 2,
      problems: [{ line: 2, column: null, reason: 'wrong-field-count' }],
    });
  });

  it('rejects a row the parser could not read, whatever its cells say', () => {
    const header = mapManifestHeader(HEADER);
    if (!header.ok) throw new Error('header refused');
    const result = createManifestRowChecker(header)({ ...row({}), malformed: true });
    expect(result).toEqual({
      kind: 'rejected',
      line: 2,
      problems: [{ line: 2, column: null, reason: 'malformed-row' }],
    });
  });

  it('calls a row whose every cell is empty blank, not a problem', () => {
    const header = mapManifestHeader(HEADER);
    if (!header.ok) throw new Error('header refused');
    const record = Object.fromEntries(HEADER.map((column) => [column, ' ']));
    expect(
      createManifestRowChecker(header)({ line: 7, record, fieldCount: HEADER.length }),
    ).toEqual({ kind: 'blank', line: 7 });
  });
});

describe('checkManifest', () => {
  it('keeps the first row of a card id and rejects the later ones with their own line', () => {
    const result = checkManifest(HEADER, [
      row({}, 2),
      row({ first_name: 'زهره' }, 3),
      row({ card_id: 'C-0000002' }, 5),
      row({}, 6),
    ]);
    expect(result).toMatchObject({
      ok: true,
      problems: [
        { line: 3, column: 'card_id', reason: 'duplicate-card-id' },
        { line: 6, column: 'card_id', reason: 'duplicate-card-id' },
      ],
      rejectedRows: 2,
    });
    expect(
      result.ok && result.cards.map(({ line, card }) => [line, card.cardId, card.firstName]),
    ).toEqual([
      [2, 'C-0000001', 'زهرا'],
      [5, 'C-0000002', 'زهرا'],
    ]);
  });

  it('treats card ids that differ only in digit script as the same card', () => {
    const result = checkManifest(HEADER, [
      row({ card_id: 'C-0000001' }, 2),
      row({ card_id: 'C-۰۰۰۰۰۰۱' }, 3),
    ]);
    expect(result.ok && result.problems).toEqual([
      { line: 3, column: 'card_id', reason: 'duplicate-card-id' },
    ]);
  });

  it('counts a rejected row’s card id as seen, so a later row with it is a duplicate too', () => {
    const result = checkManifest(HEADER, [row({ national_code: '0012345678' }, 2), row({}, 3)]);
    expect(result.ok && result.problems.map((problem) => [problem.line, problem.reason])).toEqual([
      [2, 'invalid-national-code'],
      [3, 'duplicate-card-id'],
    ]);
    expect(result.ok && result.cards).toEqual([]);
  });

  it('skips blank rows without counting them', () => {
    const blank: ManifestRow = { line: 3, record: { card_id: '' }, fieldCount: 1 };
    const result = checkManifest(HEADER, [row({}, 2), blank]);
    expect(result).toMatchObject({ ok: true, problems: [], rejectedRows: 0 });
    expect(result.ok && result.cards).toHaveLength(1);
  });

  it('returns the header verdict without reading rows when a required column is missing', () => {
    expect(checkManifest(['card_id', 'first_name', 'last_name'], [row({})])).toEqual({
      ok: false,
      missing: ['national_code'],
      duplicate: [],
    });
  });
});
