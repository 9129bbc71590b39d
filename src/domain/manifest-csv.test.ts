// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { readManifestCsv } from './manifest-csv.ts';

const HEADER = 'card_id,national_code,first_name,last_name';

function lines(text: string): Array<[number, string | undefined]> {
  return readManifestCsv(text).rows.map((row) => [row.line, row.record.card_id]);
}

describe('readManifestCsv', () => {
  it('numbers rows by file line, the header being line 1', () => {
    expect(lines(`${HEADER}\r\nC-1,0012345679,a,b\r\nC-2,0012345679,a,b\r\n`)).toEqual([
      [2, 'C-1'],
      [3, 'C-2'],
      [4, ''], // the line break at the end leaves one empty row, which the checker calls blank
    ]);
  });

  it('moves later rows down by the line breaks inside a quoted cell', () => {
    const text = `${HEADER},box\r\nC-1,0012345679,"first\nsecond\r\nthird",b,x\r\nC-2,0012345679,a,b,y\r\n`;
    const { rows } = readManifestCsv(text);
    expect(rows[0]?.record.first_name).toBe('first\nsecond\r\nthird');
    expect(rows.map((row) => [row.line, row.record.card_id])).toEqual([
      [2, 'C-1'],
      [5, 'C-2'],
      [6, ''],
    ]);
  });

  it('counts empty lines, so later rows keep their line', () => {
    expect(lines(`${HEADER}\n\nC-1,0012345679,a,b`)).toEqual([
      [2, ''],
      [3, 'C-1'],
    ]);
  });

  it('counts a line break inside a quoted header cell', () => {
    expect(lines(`card_id,"national_code\nsecond line",first_name,last_name\nC-1,1,a,b`)).toEqual([[3, 'C-1']]);
  });

  it('reads a file with lone CR line ends', () => {
    expect(lines(`${HEADER}\rC-1,0012345679,a,b\rC-2,0012345679,a,b`)).toEqual([
      [2, 'C-1'],
      [3, 'C-2'],
    ]);
  });

  it('keeps the BOM out of the first header cell', () => {
    expect(readManifestCsv(`\ufeff${HEADER}\r\n`).header).toEqual(['card_id', 'national_code', 'first_name', 'last_name']);
  });

  it('reads doubled quotes and commas inside quoted cells', () => {
    const [row] = readManifestCsv(`${HEADER}\nC-1,0012345679,"a, ""b""",c`).rows;
    expect(row?.record.first_name).toBe('a, "b"');
    expect(row?.fieldCount).toBe(4);
  });

  it('gives each row its own cell count, so a shifted row can be caught', () => {
    expect(readManifestCsv(`${HEADER}\nC-1,0012345679,a,b,extra\nC-2,0012345679`).rows.map((row) => row.fieldCount)).toEqual([5, 2]);
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
