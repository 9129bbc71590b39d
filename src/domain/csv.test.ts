import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { csvCell, csvDocument, csvLine } from './csv.ts';

describe('csvCell', () => {
  it.each([
    ['plain ASCII', 'C-0001842', 'C-0001842'],
    ['leading zeros kept as written', '0012345679', '0012345679'],
    ['Persian text', 'زهرا محمدی', 'زهرا محمدی'],
    ['ZWNJ kept in display text', 'محمد\u200cرضا', 'محمد\u200cرضا'],
    ['Arabic letters kept as written', 'علي كريمي', 'علي كريمي'],
    ['empty', '', ''],
    ['comma', 'تهران، خیابان ۱, پلاک ۲', '"تهران، خیابان ۱, پلاک ۲"'],
    ['double quote', 'علی "کوچک"', '"علی ""کوچک"""'],
    ['line feed inside', 'خط اول\nخط دوم', '"خط اول\nخط دوم"'],
    ['CRLF inside', 'a\r\nb', '"a\r\nb"'],
    ['formula =', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['formula +', '+98 21 1234', "'+98 21 1234"],
    ['formula -', '-2+3', "'-2+3"],
    ['formula @', '@SUM(A1)', "'@SUM(A1)"],
    ['leading tab', '\tcmd', "'\tcmd"],
    ['leading carriage return', '\r=1', `"'\r=1"`],
    ['leading line feed', '\n=1', `"'\n=1"`],
    ['= later in the cell is harmless', 'a=b', 'a=b'],
    ['ISO time with offset', '2026-11-25T10:31:07+03:30', '2026-11-25T10:31:07+03:30'],
  ])('%s', (_, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('csvLine and csvDocument', () => {
  it('joins cells with commas and ends the line with CRLF', () => {
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('starts with the BOM, writes the header, and ends every line with CRLF', () => {
    const text = csvDocument(
      ['card_id', 'holder_name'],
      [
        ['C-1', 'زهرا'],
        ['C-2', 'علی'],
      ],
    );
    expect(text).toBe('\ufeffcard_id,holder_name\r\nC-1,زهرا\r\nC-2,علی\r\n');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('reads back through papaparse cell for cell, quotes and line breaks included', () => {
    const rows = [
      ['C-0000001', '0012345679', 'علی "کوچک"، پسر\nحسن'],
      ['C-0000002', '0084575948', 'محمد\u200cرضا, کاظمی'],
    ];
    const parsed = Papa.parse<string[]>(
      csvDocument(['card_id', 'national_code', 'holder_name'], rows).slice(1),
      { skipEmptyLines: true },
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toEqual([['card_id', 'national_code', 'holder_name'], ...rows]);
  });
});
