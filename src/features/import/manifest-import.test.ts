import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TahvilDatabase } from '../../db/database.ts';
import { upsertCards } from '../../db/cards.ts';
import { readCounters, recountStatuses } from '../../db/counters.ts';
import { recordHandover } from '../../db/handovers.ts';
import { searchCards } from '../../db/queries.ts';
import { createCard, holderHandover } from '../../../tests/factories/cards.ts';
import { testCommandContext } from '../../../tests/factories/context.ts';
import { createTestDatabase } from '../../../tests/factories/database.ts';
import { FIXED_NOW, TEST_DAY_KEY } from '../../../tests/factories/time.ts';
import { MANIFEST_BATCH_ROWS, parseManifestFile } from './manifest-parse.ts';
import {
  runManifestImport,
  type ImportOutcome,
  type ImportProgress,
} from './run-manifest-import.ts';

const CONTEXT = { centerId: 'DEMO-01', now: FIXED_NOW };
const HEADER =
  'card_id,national_code,first_name,last_name,father_name,birth_date,tracking_code,box';

function csvFile(lines: readonly string[], { bom = true, lineEnd = '\r\n' } = {}): Blob {
  return new Blob([(bom ? '\ufeff' : '') + lines.join(lineEnd) + lineEnd], { type: 'text/csv' });
}

async function importFile(
  db: TahvilDatabase,
  file: Blob,
  progress?: ImportProgress[],
): Promise<ImportOutcome> {
  return runManifestImport({
    db,
    file,
    context: CONTEXT,
    parse: parseManifestFile,
    onProgress: (p) => progress?.push(p),
  });
}

function done(outcome: ImportOutcome) {
  if (outcome.kind !== 'done') throw new Error(`import ended ${outcome.kind}`);
  return outcome;
}

/** Everything the tablet stores about cards, for "nothing changed" checks. */
async function snapshot(db: TahvilDatabase) {
  return {
    cards: await db.cards.orderBy('cardId').toArray(),
    counters: await db.counters.toArray(),
    events: await db.events.toArray(),
  };
}

describe('manifest import: file to inventory', () => {
  it('imports good rows, lists bad ones with line, column and reason, and counts each', async () => {
    const db = await createTestDatabase();
    const outcome = done(
      await importFile(
        db,
        csvFile([
          HEADER,
          'C-1,0012345679,زهرا,محمدی,علی,1368/04/21,14030922,B-01',
          'C-2,0012345678,علی,رضایی,,,,', // wrong check digit
          'C-3,۰۰۸۴۵۷۵۹۴۸,"محمد، رضا","کاظمی ""کوچک""",,1370-1-5,,B-02',
          'C-1,0084575948,دوباره,همان,,,,', // repeats C-1
          'C-4,0084575948,,کریمی,,۱۳۷۰-۱۳-۰۱,,', // empty first name and month 13
        ]),
      ),
    );
    expect(outcome.counts).toEqual({
      rowsRead: 5,
      added: 2,
      updated: 0,
      unchanged: 0,
      notReady: 0,
      rejected: 3,
    });
    expect(outcome.rejectedRows).toEqual([
      {
        line: 3,
        cardId: 'C-2',
        problems: [
          {
            line: 3,
            column: 'national_code',
            reason: 'invalid-national-code',
            detail: 'check-digit',
          },
        ],
      },
      {
        line: 5,
        cardId: 'C-1',
        problems: [{ line: 5, column: 'card_id', reason: 'duplicate-card-id' }],
      },
      {
        line: 6,
        cardId: 'C-4',
        problems: [
          { line: 6, column: 'first_name', reason: 'missing' },
          { line: 6, column: 'birth_date', reason: 'bad-date' },
        ],
      },
    ]);
    const c3 = await db.cards.get('C-3');
    expect(c3).toMatchObject({
      nationalCode: '0084575948',
      firstName: 'محمد، رضا',
      lastName: 'کاظمی "کوچک"',
      birthDate: '1370-01-05',
      box: 'B-02',
      status: 'ready',
      version: 0,
    });
    expect(await recountStatuses(db)).toMatchObject({ ready: 2 });
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(2);
  });

  it.each([
    ['with a BOM and CRLF', { bom: true, lineEnd: '\r\n' }],
    ['without a BOM, LF', { bom: false, lineEnd: '\n' }],
  ])('reads a file %s, columns in any order, unknown columns ignored', async (_, format) => {
    const db = await createTestDatabase();
    const outcome = done(
      await importFile(
        db,
        csvFile(
          [
            'notes,last_name,box,national_code,first_name,card_id',
            'x,محمدی,B-9,0012345679,زهرا,C-9',
          ],
          format,
        ),
      ),
    );
    expect(outcome.counts.added).toBe(1);
    expect(await db.cards.get('C-9')).toMatchObject({
      firstName: 'زهرا',
      lastName: 'محمدی',
      box: 'B-9',
      nationalCode: '0012345679',
    });
  });

  it('keeps leading zeros and pads an 8-digit code a spreadsheet cut, then checks it', async () => {
    const db = await createTestDatabase();
    const outcome = done(
      await importFile(
        db,
        csvFile([HEADER, 'C-1,12345679,زهرا,محمدی,,,0001234,', 'C-2,12345678,علی,رضایی,,,,']),
      ),
    );
    expect(await db.cards.get('C-1')).toMatchObject({
      nationalCode: '0012345679',
      trackingCode: '0001234',
    });
    expect(outcome.rejectedRows.map((row) => row.problems[0])).toEqual([
      { line: 3, column: 'national_code', reason: 'invalid-national-code', detail: 'check-digit' },
    ]);
  });

  it('keeps display text as written while Arabic letters and ZWNJ fold for search', async () => {
    const db = await createTestDatabase();
    done(await importFile(db, csvFile([HEADER, 'C-1,0012345679,علي,كريمي\u200cزاده,,,,'])));
    expect(await db.cards.get('C-1')).toMatchObject({
      firstName: 'علي',
      lastName: 'كريمي\u200cزاده',
    });
    const found = await searchCards(db, 'علی کریمی زاده');
    expect(found.cards.map((card) => card.cardId)).toEqual(['C-1']);
  });

  it('refuses a file that lacks a required column by name, and writes nothing', async () => {
    const db = await createTestDatabase();
    const outcome = await importFile(db, csvFile(['card_id,first_name,box', 'C-1,زهرا,B-1']));
    expect(outcome).toEqual({
      kind: 'refused',
      missing: ['national_code', 'last_name'],
      duplicate: [],
    });
    expect(await db.cards.count()).toBe(0);
  });

  it('refuses an empty file and a file that is not UTF-8', async () => {
    const db = await createTestDatabase();
    expect(await importFile(db, new Blob([]))).toMatchObject({
      kind: 'refused',
      missing: ['card_id', 'national_code', 'first_name', 'last_name'],
    });
    // "card_id,…\nC-1,0012345679,زهرا" saved as Windows-1256: Arabic-script bytes that are not UTF-8.
    const windows1256 = new Uint8Array([
      ...new TextEncoder().encode(`${HEADER}\nC-1,0012345679,`),
      0xd2,
      0xe5,
      0xd1,
      0xc7,
      0x2c,
      0xe3,
    ]);
    expect(await importFile(db, new Blob([windows1256]))).toEqual({ kind: 'unreadable' });
    expect(await db.cards.count()).toBe(0);
  });

  it('never overwrites a card already handed over, and says how many it left alone', async () => {
    const db = await createTestDatabase();
    const card = createCard({ cardId: 'C-1', nationalCode: '0012345679' });
    await upsertCards(db, [card]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    const before = await snapshot(db);
    const outcome = done(
      await importFile(db, csvFile([HEADER, 'C-1,0012345679,نام,دیگر,,,,B-99'])),
    );
    expect(outcome.counts).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 0,
      notReady: 1,
      rejected: 0,
    });
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a row whose card id the center holds for another national code', async () => {
    const db = await createTestDatabase();
    await upsertCards(db, [createCard({ cardId: 'C-1', nationalCode: '0012345679' })]);
    const before = await snapshot(db);
    const outcome = done(await importFile(db, csvFile([HEADER, 'C-1,0084575948,زهرا,محمدی,,,,'])));
    expect(outcome.rejectedRows).toEqual([
      { line: 2, cardId: 'C-1', problems: [{ column: 'card_id', reason: 'card-id-taken' }] },
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('updates a card an earlier manifest brought when a later one describes it differently, keeping its waiting time', async () => {
    const db = await createTestDatabase();
    done(await importFile(db, csvFile([HEADER, 'C-1,0012345679,زهرا,محمدی,علی,,,B-1'])));
    const before = await db.cards.get('C-1');
    const later = { centerId: 'DEMO-01', now: new Date(FIXED_NOW.getTime() + 86_400_000) };
    const outcome = done(
      await runManifestImport({
        db,
        file: csvFile([
          'card_id,national_code,first_name,last_name,box',
          'C-1,0012345679,زهرا,محمدی,B-2',
        ]),
        context: later,
        parse: parseManifestFile,
      }),
    );
    expect(outcome.counts).toMatchObject({ updated: 1, unchanged: 0 });
    expect(await db.cards.get('C-1')).toMatchObject({
      box: 'B-2',
      version: 0,
      updatedAt: before!.updatedAt,
      fatherName: 'علی',
    });
  });

  it('leaves a card the registry sent as the registry has it, and reports the row', async () => {
    const db = await createTestDatabase();
    const card = createCard({ cardId: 'C-1', nationalCode: '0012345679', box: 'B-1' });
    await upsertCards(db, [card]);
    const before = await snapshot(db);
    const outcome = done(
      await importFile(
        db,
        csvFile([
          'card_id,national_code,first_name,last_name,box',
          `C-1,0012345679,${card.firstName},${card.lastName},B-2`,
        ]),
      ),
    );
    expect(outcome.counts).toMatchObject({ updated: 0, unchanged: 0, rejected: 1 });
    expect(outcome.rejectedRows).toEqual([
      { line: 2, cardId: 'C-1', problems: [{ column: null, reason: 'registry-copy-differs' }] },
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('changes nothing when the same file is imported a second time', async () => {
    const db = await createTestDatabase();
    const file = csvFile([
      HEADER,
      'C-1,0012345679,زهرا,محمدی,علی,1368/04/21,14030922,B-01',
      'C-2,0084575948,علی,رضایی,,,,',
      'C-3,bad,x,y,,,,',
    ]);
    const first = done(await importFile(db, file));
    expect(first.counts).toMatchObject({ added: 2, rejected: 1 });
    const before = await snapshot(db);
    const second = done(await importFile(db, file));
    expect(second.counts).toEqual({
      rowsRead: 3,
      added: 0,
      updated: 0,
      unchanged: 2,
      notReady: 0,
      rejected: 1,
    });
    expect(await snapshot(db)).toEqual(before);
  });

  it('writes a large file in batches and reports progress up to every byte', async () => {
    const db = await createTestDatabase();
    const rows = MANIFEST_BATCH_ROWS * 2 + 17;
    const codes = ['0012345679', '0084575948', '0499370899'];
    const lines = [
      HEADER,
      ...Array.from(
        { length: rows },
        (_, i) => `C-${String(i).padStart(7, '0')},${codes[i % 3]},زهرا,محمدی,,,,B-${i % 40}`,
      ),
    ];
    const progress: ImportProgress[] = [];
    const outcome = done(await importFile(db, csvFile(lines), progress));
    expect(outcome.counts).toMatchObject({ rowsRead: rows, added: rows, rejected: 0 });
    expect(await db.cards.count()).toBe(rows);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toMatchObject({ bytesRead: progress.at(-1)!.totalBytes, added: rows });
    expect(progress.map((p) => p.rowsRead)).toEqual(
      [...progress.map((p) => p.rowsRead)].sort((a, b) => a - b),
    );
  });

  it('keeps the batches already stored when the disk fills in a later one, and a second import finishes the job', async () => {
    const db = await createTestDatabase();
    const rows = MANIFEST_BATCH_ROWS + 10;
    const lines = [
      HEADER,
      ...Array.from(
        { length: rows },
        (_, i) => `C-${String(i).padStart(7, '0')},0012345679,زهرا,محمدی,,,,`,
      ),
    ];
    const file = csvFile(lines);
    // The second batch's write fails inside its transaction, as a full disk would.
    const realBulkPut = db.cards.bulkPut.bind(db.cards);
    let writes = 0;
    const bulkPut = vi
      .spyOn(db.cards, 'bulkPut')
      .mockImplementation((...args: Parameters<typeof realBulkPut>) => {
        if (++writes === 2)
          return Promise.reject(new DOMException('disk full', 'QuotaExceededError')) as ReturnType<
            typeof realBulkPut
          >;
        return realBulkPut(...args);
      });
    const failing = await importFile(db, file);
    bulkPut.mockRestore();
    expect(failing).toMatchObject({ kind: 'failed', counts: { added: MANIFEST_BATCH_ROWS } });
    expect((failing as { error: unknown }).error).toMatchObject({ name: 'QuotaExceededError' });
    expect(await db.cards.count()).toBe(MANIFEST_BATCH_ROWS);
    // The failed batch's counter change rolled back with its cards.
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(MANIFEST_BATCH_ROWS);
    const retry = done(await importFile(db, file));
    expect(retry.counts).toMatchObject({ added: 10, unchanged: MANIFEST_BATCH_ROWS });
    expect(await recountStatuses(db)).toMatchObject({ ready: rows });
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(rows);
  });
});

describe('the sample manifest the README points to', () => {
  it('imports four cards and rejects four rows, each for its own reason', async () => {
    const bytes = readFileSync(path.join(process.cwd(), 'docs/samples/manifest-example.csv'));
    const db = await createTestDatabase();
    const outcome = done(await importFile(db, new Blob([bytes])));
    expect(outcome.counts).toMatchObject({ added: 4, rejected: 4 });
    expect(
      outcome.rejectedRows.map((row) => [row.line, row.problems.map((problem) => problem.reason)]),
    ).toEqual([
      [6, ['invalid-national-code']],
      [7, ['missing']],
      [8, ['duplicate-card-id']],
      [9, ['bad-date']],
    ]);
    expect(await db.cards.get('S-0000003')).toMatchObject({
      nationalCode: '0091400686',
      firstName: 'نسرين',
    });
  });
});
