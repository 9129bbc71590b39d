import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { strFromU8, unzipSync } from 'fflate';
import type { TahvilDatabase } from '../../db/database.ts';
import { upsertCards } from '../../db/cards.ts';
import { recordHandover, voidHandover } from '../../db/handovers.ts';
import { applyPushResults, claimPendingBatch } from '../../db/outbox.ts';
import { handoverRecordsOnDay } from '../../db/report.ts';
import { HANDOVER_REPORT_COLUMNS, handoverReportRow } from '../../domain/daily-report.ts';
import type { HandoverEvent } from '../../protocol/protocol.ts';
import { ALL_CHECKS, createCard, holderHandover } from '../../../tests/factories/cards.ts';
import { testCommandContext, testCommandContextAt } from '../../../tests/factories/context.ts';
import { createTestDatabase } from '../../../tests/factories/database.ts';
import { TEST_DAY_KEY, TEST_TIME_ZONE, onTestDay } from '../../../tests/factories/time.ts';
import { XLSX_HEADER_MESSAGES, handoverReportCsv, xlsxLayout } from './report-files.ts';
import { XLSX_MAX_COLUMN_WIDTH, handoverReportXlsx } from './report-xlsx.ts';
import { createI18n } from '../../ui/i18n.tsx';
import { en, fa } from '../../ui/messages.ts';

const ENGLISH = xlsxLayout(createI18n('en'));
const PERSIAN = xlsxLayout(createI18n('fa'));

/** A day at the counter: a holder, a proxy with awkward text, a voided handover, one synced. */
async function recordDay(db: TahvilDatabase) {
  const zahra = createCard({
    cardId: 'C-0000001',
    nationalCode: '0012345679',
    firstName: 'زهرا',
    lastName: 'محمدی',
  });
  const ali = createCard({
    cardId: 'C-0000002',
    nationalCode: '0084575948',
    firstName: 'علی, "کوچک"',
    lastName: '=محمدی',
  });
  const reza = createCard({
    cardId: 'C-0000003',
    nationalCode: '0499370899',
    firstName: 'محمد\u200cرضا',
    lastName: 'كريمي',
  });
  await upsertCards(db, [zahra, ali, reza]);
  await recordHandover(db, holderHandover(zahra), testCommandContextAt('08:05:09'));
  await recordHandover(
    db,
    {
      cardId: ali.cardId,
      checks: { ...ALL_CHECKS, oldCard: 'not_presented', feeCollected: true },
      recipient: {
        kind: 'proxy',
        nationalCode: '0012345679',
        fullName: 'زهرا محمدی',
        relation: 'مادر، سرپرست',
        documentRef: '+وکالت\n۱۲۳',
      },
    },
    testCommandContextAt('10:31:07'),
  );
  const voided = await recordHandover(db, holderHandover(reza), testCommandContextAt('12:00:00'));
  await voidHandover(
    db,
    { handoverEventId: voided.eventId, reason: 'اشتباه در کارت' },
    testCommandContextAt('12:05:00'),
  );
  // The first handover reached the registry; the rest are still waiting.
  const [first] = await claimPendingBatch(db, 1);
  await applyPushResults(db, [{ eventId: first!.eventId, status: 'accepted' }]);
}

describe('the daily report file', () => {
  it('reads back through papaparse equal, field by field, to the events in the database', async () => {
    const db = await createTestDatabase();
    await recordDay(db);
    const records = await handoverRecordsOnDay(db, TEST_DAY_KEY);
    const text = handoverReportCsv(
      records.map((record) => handoverReportRow(record, TEST_TIME_ZONE)),
    );

    expect(
      text.startsWith('\ufeffevent_id,card_id,national_code,holder_name,recipient_kind,'),
    ).toBe(true);
    expect(text.split('\r\n')[0]).toBe(`\ufeff${HANDOVER_REPORT_COLUMNS.join(',')}`);

    const parsed = Papa.parse<Record<string, string>>(text.slice(1), {
      header: true,
      skipEmptyLines: true,
    });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...HANDOVER_REPORT_COLUMNS]);
    expect(parsed.data).toHaveLength(3);
    parsed.data.forEach((row, i) => {
      const record = records[i]!;
      const event = record.event as HandoverEvent;
      const proxy = event.recipient.kind === 'proxy';
      const guarded = (value: string) => (/^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value);
      expect(row).toEqual({
        event_id: event.eventId,
        card_id: event.cardId,
        national_code: record.holderNationalCode,
        holder_name: guarded(record.holderName),
        recipient_kind: event.recipient.kind,
        recipient_national_code: event.recipient.nationalCode,
        recipient_name: event.recipient.fullName,
        relation: proxy ? event.recipient.relation : '',
        document_ref: proxy ? guarded(event.recipient.documentRef!) : '',
        old_card: event.checks.oldCard,
        fee_collected: event.checks.feeCollected ? 'yes' : 'no',
        biometric_confirmed: event.checks.biometricConfirmed ? 'yes' : 'no',
        staff_id: event.staffId,
        device_id: event.deviceId,
        // The event keeps milliseconds; the file has whole seconds, as the contract's example.
        occurred_at: event.occurredAt.replace(/\.\d{3}(?=[+-])/, ''),
        occurred_at_jalali: expect.stringMatching(
          /^1405-09-04 \d\d:\d\d:\d\d$/,
        ) as unknown as string,
        sync_status: record.syncState === 'synced' ? 'synced' : 'pending',
        voided: record.voidedByEventId ? 'yes' : 'no',
      });
    });
    expect(parsed.data.map((row) => [row.occurred_at_jalali, row.sync_status, row.voided])).toEqual(
      [
        ['1405-09-04 08:05:09', 'synced', 'no'],
        ['1405-09-04 10:31:07', 'pending', 'no'],
        ['1405-09-04 12:00:00', 'pending', 'yes'],
      ],
    );
    // Leading zeros survive; a cell starting with "+" is guarded; commas and quotes stay inside
    // their cell; the document number's digits were folded to ASCII on entry (decision 025).
    expect(parsed.data[0]!.national_code).toBe('0012345679');
    expect(parsed.data[1]!.document_ref).toBe("'+وکالت 123");
    expect(parsed.data[1]!.holder_name).toBe('علی, "کوچک" =محمدی');
    expect(parsed.data[1]!.relation).toBe('مادر، سرپرست');
  });

  it('ends every line with CRLF, line breaks inside quoted cells aside', async () => {
    const db = await createTestDatabase();
    await recordDay(db);
    const text = handoverReportCsv(
      (await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) =>
        handoverReportRow(record, TEST_TIME_ZONE),
      ),
    );
    expect(text.endsWith('\r\n')).toBe(true);
    const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '');
    expect(outsideQuotes.match(/\n/g)?.length).toBe(4);
    expect(outsideQuotes).not.toMatch(/[^\r]\n/);
  });

  it('files events at 23:59:59 and 00:00:00 Tehran time under their own days', async () => {
    const db = await createTestDatabase();
    const before = createCard({ nationalCode: '0012345679' });
    const after = createCard({ nationalCode: '0084575948' });
    await upsertCards(db, [before, after]);
    await recordHandover(db, holderHandover(before), testCommandContextAt('23:59:59'));
    await recordHandover(
      db,
      holderHandover(after),
      testCommandContext({ now: onTestDay('00:00:00', 1) }),
    );
    const rowsOf = async (dayKey: string) =>
      (await handoverRecordsOnDay(db, dayKey)).map((record) =>
        handoverReportRow(record, TEST_TIME_ZONE),
      );

    expect(
      (await rowsOf('1405-09-04')).map((row) => [
        row.card_id,
        row.occurred_at,
        row.occurred_at_jalali,
      ]),
    ).toEqual([[before.cardId, '2026-11-25T23:59:59+03:30', '1405-09-04 23:59:59']]);
    expect(
      (await rowsOf('1405-09-05')).map((row) => [
        row.card_id,
        row.occurred_at,
        row.occurred_at_jalali,
      ]),
    ).toEqual([[after.cardId, '2026-11-26T00:00:00+03:30', '1405-09-05 00:00:00']]);
  });
});

/** The cells of the first sheet: reference → { type attribute, text }. */
function readSheetCells(bytes: Uint8Array): Map<string, { type: string | null; text: string }> {
  const files = unzipSync(bytes);
  const shared = [
    ...strFromU8(files['xl/sharedStrings.xml'] ?? new Uint8Array()).matchAll(
      /<si>([\s\S]*?)<\/si>/g,
    ),
  ].map((match) => [...match[1]!.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''));
  const sheet = strFromU8(files['xl/worksheets/sheet1.xml']!);
  const cells = new Map<string, { type: string | null; text: string }>();
  for (const match of sheet.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const type = /\st="([^"]+)"/.exec(match[2]!)?.[1] ?? null;
    const body = match[3] ?? '';
    const value =
      /<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? /<t[^>]*>([\s\S]*?)<\/t>/.exec(body)?.[1] ?? '';
    const text = (type === 's' ? shared[Number(value)]! : value)
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    cells.set(match[1]!, { type, text });
  }
  return cells;
}

describe('the daily report workbook', () => {
  it('holds the same rows as the CSV, every code cell typed as text', async () => {
    const db = await createTestDatabase();
    await recordDay(db);
    const rows = (await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) =>
      handoverReportRow(record, TEST_TIME_ZONE),
    );
    const blob = await handoverReportXlsx(rows, ENGLISH);
    const cells = readSheetCells(new Uint8Array(await blob.arrayBuffer()));

    const columnLetter = (column: (typeof HANDOVER_REPORT_COLUMNS)[number]) =>
      String.fromCharCode(65 + HANDOVER_REPORT_COLUMNS.indexOf(column));
    expect(
      HANDOVER_REPORT_COLUMNS.map((column) => cells.get(`${columnLetter(column)}1`)?.text),
    ).toEqual(HANDOVER_REPORT_COLUMNS.map((column) => en[XLSX_HEADER_MESSAGES[column]]));
    rows.forEach((row, i) => {
      for (const column of HANDOVER_REPORT_COLUMNS) {
        const cell = cells.get(`${columnLetter(column)}${i + 2}`);
        // Empty cells may be left out; every written one is a string cell.
        if (row[column] === '') continue;
        expect(cell, `${column} row ${i + 2}`).toBeDefined();
        expect(['s', 'inlineStr']).toContain(cell!.type);
        expect(cell!.text, `${column} row ${i + 2}`).toBe(row[column]);
      }
    });
    expect(cells.get(`${columnLetter('national_code')}2`)).toEqual({
      type: expect.stringMatching(/^(s|inlineStr)$/) as unknown as string,
      text: '0012345679',
    });
  });

  it('drops characters XML cannot hold, so the workbook opens without repair', async () => {
    const db = await createTestDatabase();
    await recordDay(db);
    const [row] = (await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) =>
      handoverReportRow(record, TEST_TIME_ZONE),
    );
    const blob = await handoverReportXlsx(
      [{ ...row!, holder_name: 'زهرا\u0001 محمدی\u001f' }],
      ENGLISH,
    );
    const cells = readSheetCells(new Uint8Array(await blob.arrayBuffer()));
    expect(
      cells.get(`${String.fromCharCode(65 + HANDOVER_REPORT_COLUMNS.indexOf('holder_name'))}2`)
        ?.text,
    ).toBe('زهرا محمدی');
  });

  it('has Persian headers and runs right to left when the interface is Persian, left to right in English', async () => {
    const db = await createTestDatabase();
    await recordDay(db);
    const rows = (await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) =>
      handoverReportRow(record, TEST_TIME_ZONE),
    );
    const sheetOf = async (layout: typeof PERSIAN) => {
      const bytes = new Uint8Array(await (await handoverReportXlsx(rows, layout)).arrayBuffer());
      return {
        cells: readSheetCells(bytes),
        xml: strFromU8(unzipSync(bytes)['xl/worksheets/sheet1.xml']!),
      };
    };
    const persian = await sheetOf(PERSIAN);
    const headerRow = HANDOVER_REPORT_COLUMNS.map(
      (_, index) => persian.cells.get(`${String.fromCharCode(65 + index)}1`)?.text,
    );
    expect(headerRow).toEqual(
      HANDOVER_REPORT_COLUMNS.map((column) => fa[XLSX_HEADER_MESSAGES[column]]),
    );
    expect(headerRow).toContain('کد ملی دارنده');
    expect(persian.xml).toMatch(/<sheetView[^>]*\brightToLeft="(1|true)"/);
    // The header stays frozen in both directions.
    expect(persian.xml).toMatch(/<pane[^>]*ySplit="1"[^>]*state="frozen"/);
    expect((await sheetOf(ENGLISH)).xml).not.toMatch(/rightToLeft/);
  });

  it('makes each column as wide as its longest cell, header included, within a bound', async () => {
    const db = await createTestDatabase();
    await recordDay(db);
    const rows = (await handoverRecordsOnDay(db, TEST_DAY_KEY)).map((record) =>
      handoverReportRow(record, TEST_TIME_ZONE),
    );
    const long = { ...rows[0]!, recipient_name: 'ن'.repeat(200) };
    const bytes = new Uint8Array(
      await (await handoverReportXlsx([...rows, long], PERSIAN)).arrayBuffer(),
    );
    const xml = strFromU8(unzipSync(bytes)['xl/worksheets/sheet1.xml']!);
    const widths = new Map(
      [...xml.matchAll(/<col\b[^>]*\bmin="(\d+)"[^>]*\bwidth="([\d.]+)"/g)].map((match) => [
        HANDOVER_REPORT_COLUMNS[Number(match[1]) - 1]!,
        Number(match[2]),
      ]),
    );
    expect(widths.size).toBe(HANDOVER_REPORT_COLUMNS.length);
    const longest = (column: (typeof HANDOVER_REPORT_COLUMNS)[number]) =>
      Math.max(PERSIAN.headers[column].length, ...rows.map((row) => row[column].length));
    // A UUID event id (36 characters) shows whole; a code column fits its digits and its header.
    expect(widths.get('event_id')).toBeGreaterThanOrEqual(36);
    expect(widths.get('national_code')).toBeGreaterThanOrEqual(longest('national_code'));
    expect(widths.get('occurred_at')).toBeGreaterThanOrEqual('2026-11-25T10:31:07+03:30'.length);
    // Short yes/no columns are not as wide as the long ones, and nothing passes the bound.
    expect(widths.get('voided')).toBeLessThan(widths.get('event_id')!);
    expect(widths.get('recipient_name')).toBe(XLSX_MAX_COLUMN_WIDTH);
  });
});
