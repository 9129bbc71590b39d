import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { createManifestCsvReader, readManifestCsv } from './manifest-csv.ts';
import type { ManifestRow } from './manifest.ts';

const HEADER = 'card_id,national_code,first_name,last_name';

function lines(text: string): Array<[number, string | undefined]> {
  return readManifestCsv(text).rows.map((row) => [row.line, row.record.card_id]);
}

describe('readManifestCsv', () => {
  it('numbers rows by file line, the header being line 1', () => {
    expect(lines(`${HEADER}\r\nC-1,0012345679,a,b\r\nC-2,0012345679,a,b\r\n`)).toEqual([
      [2, 'C-1'],
      [3, 'C-2'],
    ]);
  });

  it('moves later rows down by the line breaks inside a quoted cell', () => {
    const text = `${HEADER},box\r\nC-1,0012345679,"first\nsecond\r\nthird",b,x\r\nC-2,0012345679,a,b,y\r\n`;
    const { rows } = readManifestCsv(text);
    expect(rows[0]?.record.first_name).toBe('first\nsecond\r\nthird');
    expect(rows.map((row) => [row.line, row.record.card_id])).toEqual([
      [2, 'C-1'],
      [5, 'C-2'],
    ]);
  });

  it('counts empty lines, so later rows keep their line', () => {
    expect(lines(`${HEADER}\n\nC-1,0012345679,a,b`)).toEqual([
      [2, ''],
      [3, 'C-1'],
    ]);
  });

  it('counts a line break inside a quoted header cell', () => {
    expect(lines(`card_id,"national_code\nsecond line",first_name,last_name\nC-1,1,a,b`)).toEqual([
      [3, 'C-1'],
    ]);
  });

  it('reads a file with lone CR line ends', () => {
    expect(lines(`${HEADER}\rC-1,0012345679,a,b\rC-2,0012345679,a,b`)).toEqual([
      [2, 'C-1'],
      [3, 'C-2'],
    ]);
  });

  it('keeps the BOM out of the first header cell', () => {
    expect(readManifestCsv(`\ufeff${HEADER}\r\n`).header).toEqual([
      'card_id',
      'national_code',
      'first_name',
      'last_name',
    ]);
  });

  it('reads doubled quotes and commas inside quoted cells', () => {
    const [row] = readManifestCsv(`${HEADER}\nC-1,0012345679,"a, ""b""",c`).rows;
    expect(row?.record.first_name).toBe('a, "b"');
    expect(row?.fieldCount).toBe(4);
  });

  it('gives each row its own cell count, so a shifted row can be caught', () => {
    expect(
      readManifestCsv(`${HEADER}\nC-1,0012345679,a,b,extra\nC-2,0012345679`).rows.map(
        (row) => row.fieldCount,
      ),
    ).toEqual([5, 2]);
  });

  it('marks a row with broken quoting as malformed and leaves the others alone', () => {
    const { rows } = readManifestCsv(`${HEADER}\nC-1,0012345679,"a"x",b\nC-2,0012345679,a,b`);
    expect(rows.map((row) => [row.line, row.malformed])).toEqual([
      [2, true],
      [3, false],
    ]);
  });

  it('marks an unterminated quote malformed: the rest of the file is inside it', () => {
    const { rows } = readManifestCsv(`${HEADER}\nC-1,0012345679,"a,b\nC-2,0012345679,a,b`);
    expect(rows.map((row) => [row.line, row.malformed])).toEqual([[2, true]]);
  });

  it('gives no header and no rows for an empty file', () => {
    expect(readManifestCsv('')).toEqual({ header: [], rows: [] });
  });
});

describe('readManifestCsv at the end of a file', () => {
  it('reads an empty line at the end as a blank row', () => {
    expect(lines(`${HEADER}\nC-1,0012345679,a,b\n\n`)).toEqual([
      [2, 'C-1'],
      [3, ''],
    ]);
  });
});

/** Feeds `text` to a reader in pieces cut at the given offsets. */
function readInPieces(
  text: string,
  cuts: readonly number[],
): { header: string[]; rows: ManifestRow[] } {
  const reader = createManifestCsvReader();
  const rows: ManifestRow[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    rows.push(...reader.push(text.slice(from, cut)).rows);
    from = cut;
  }
  rows.push(...reader.end().rows);
  return { header: reader.header ?? [], rows };
}

describe('createManifestCsvReader, fed a piece at a time', () => {
  const files: Array<[string, string]> = [
    [
      'CRLF with a quoted cell spanning lines',
      `\ufeff${HEADER},box\r\nC-1,0012345679,"زهرا\r\nمحمدی, ""کوچک""",b,x\r\nC-2,0084575948,علی,رضایی,y\r\n\r\nC-3,0012345679,a,b,z`,
    ],
    [
      'LF with Persian text and an empty line',
      `${HEADER}\nC-1,۰۰۱۲۳۴۵۶۷۹,محمد\u200cرضا,كريمي\n\nC-2,0012345679,a,b\n`,
    ],
    ['lone CR line ends', `${HEADER}\rC-1,0012345679,"a\rb",c\rC-2,0012345679,a,b`],
    [
      'a stray quote inside an unquoted cell',
      `${HEADER}\nC-1,0012345679,ab"c,d\nC-2,0012345679,"a"x",b\nC-3,0012345679,a,b\n`,
    ],
    ['an unterminated quote', `${HEADER}\nC-1,0012345679,"a,b\nC-2,0012345679,a,b`],
    [
      'spaces and a tab between a closing quote and the comma',
      `${HEADER}\nC-1,0012345679,"a" ,b\nC-2,"0012345679"\t,"c,\nd"  ,e\nC-3,0012345679,f,g\n`,
    ],
    [
      'spaces between a closing quote and the line end',
      `${HEADER}\r\nC-1,0012345679,a,"b"  \r\nC-2,0012345679,"c",d\r\n`,
    ],
  ];

  it.each(files)('%s: every single cut gives what the whole file gives', (_, text) => {
    const whole = readManifestCsv(text);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(readInPieces(text, [cut]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it.each(files)('%s: gives the rows Papa Parse gives for the whole file at once', (_, text) => {
    const papa = Papa.parse<string[]>(text.replace(/^\ufeff/, ''), {
      delimiter: ',',
      header: false,
      skipEmptyLines: false,
    });
    const rows = papa.data.slice(1).filter((fields) => fields.some((cell) => cell !== ''));
    const ours = readInPieces(text, [
      Math.floor(text.length / 3),
      Math.floor((2 * text.length) / 3),
    ]).rows.filter((row) => Object.values(row.record).some((cell) => cell !== ''));
    expect(ours.map((row) => papa.data[0]!.map((cell) => row.record[cell] ?? ''))).toEqual(
      rows.map((fields) => papa.data[0]!.map((_, i) => fields[i] ?? '')),
    );
  });

  it.each(files)('%s: one character at a time gives what the whole file gives', (_, text) => {
    const cuts = Array.from({ length: text.length }, (__, i) => i);
    expect(readInPieces(text, cuts)).toEqual(readManifestCsv(text));
  });

  it('hands rows over as soon as their line ends, not at the end of the file', () => {
    const reader = createManifestCsvReader();
    const first = reader.push(`${HEADER}\nC-1,0012345679,a,b\nC-2,001`);
    expect(first.header).toEqual(['card_id', 'national_code', 'first_name', 'last_name']);
    expect(first.rows.map((row) => [row.line, row.record.card_id])).toEqual([[2, 'C-1']]);
    expect(reader.push('2345679,a,b\n').rows.map((row) => [row.line, row.record.card_id])).toEqual([
      [3, 'C-2'],
    ]);
  });

  it('holds a quoted cell that spans pieces until it closes', () => {
    const reader = createManifestCsvReader();
    reader.push(`${HEADER}\n`);
    expect(reader.push('C-1,0012345679,"first\n').rows).toEqual([]);
    expect(reader.push('second",b\n').rows.map((row) => [row.line, row.record.first_name])).toEqual(
      [[2, 'first\nsecond']],
    );
  });
});
