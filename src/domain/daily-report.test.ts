import { describe, expect, it } from 'vitest';
import {
  HANDOVER_REPORT_COLUMNS,
  daysWaiting,
  fileNamePart,
  handoverReportFileName,
  handoverReportRow,
  mergeCenterDay,
  overdueCutoff,
  overdueReportFileName,
  overdueReportRow,
  reportCode,
  reportSyncStatus,
  reportTimestamp,
  summarizeDay,
} from './daily-report.ts';
import type { SyncState } from './event-sync.ts';
import { createCard } from '../../tests/factories/cards.ts';
import { createHandoverEvent, createHandoverRecord } from '../../tests/factories/events.ts';
import { FIXED_NOW, TEST_TIME_ZONE, daysBefore, onTestDay } from '../../tests/factories/time.ts';
import { isoWithOffset } from './jalali.ts';

/** A handover recorded at a Tehran wall-clock time on the test day. */
const recordedAt = (time: string, record: Parameters<typeof createHandoverRecord>[1] = {}) =>
  createHandoverRecord({ occurredAt: isoWithOffset(onTestDay(time), TEST_TIME_ZONE) }, record);

describe('the day summary', () => {
  it('is all zeros for a day without handovers', () => {
    expect(summarizeDay([], TEST_TIME_ZONE)).toMatchObject({
      recorded: 0,
      handedOver: 0,
      byStaff: [],
      byHour: Array.from({ length: 24 }, () => 0),
    });
  });
  it('files each standing handover under its wall-clock hour in the zone it is asked for', () => {
    const records = [recordedAt('00:00:00'), recordedAt('03:29:59'), recordedAt('23:59:59')];
    const tehran = summarizeDay(records, TEST_TIME_ZONE).byHour;
    const utc = summarizeDay(records, 'UTC').byHour;
    expect([tehran[0], tehran[3], tehran[23]]).toEqual([1, 1, 1]);
    // 00:00 and 03:29:59 Tehran are 20:30 and 23:59:59 UTC the day before; 23:59:59 is 20:29:59.
    expect([utc[20], utc[23]]).toEqual([2, 1]);
  });

  it('counts a voided handover as voided only, and a sending one as pending', () => {
    const summary = summarizeDay(
      [
        recordedAt('09:00:00', { voidedByEventId: 'void-1' }),
        recordedAt('09:10:00', { syncState: 'sending' }),
        recordedAt('09:20:00', { syncState: 'synced' }),
      ],
      TEST_TIME_ZONE,
    );
    expect(summary).toMatchObject({
      recorded: 3,
      handedOver: 2,
      voided: 1,
      pendingSync: 2,
      toHolder: 2,
      toProxy: 0,
    });
    expect(summary.byHour[9]).toBe(2);
  });

  it('counts a refused handover as needing attention until a supervisor resolves it', () => {
    const summary = summarizeDay(
      [
        recordedAt('10:00:00', { syncState: 'conflict' }),
        recordedAt('10:05:00', { syncState: 'rejected', resolvedByEventId: 'resolution-1' }),
      ],
      TEST_TIME_ZONE,
    );
    expect(summary).toMatchObject({ needsAttention: 1, pendingSync: 0, handedOver: 2 });
  });

  it('lists clerks busiest first, and by staff id when they handed over as many', () => {
    const by = (staffId: string, staffName: string, voided = false) =>
      createHandoverRecord(
        { staffId },
        { staffName, ...(voided ? { voidedByEventId: `void-${staffId}` } : {}) },
      );
    const summary = summarizeDay(
      [
        by('S-09', 'نه'),
        by('S-02', 'دو'),
        by('S-05', 'پنج'),
        by('S-05', 'پنج'),
        by('S-01', 'یک', true),
      ],
      TEST_TIME_ZONE,
    );
    expect(summary.byStaff).toEqual([
      { staffId: 'S-05', staffName: 'پنج', handovers: 2, voided: 0 },
      { staffId: 'S-02', staffName: 'دو', handovers: 1, voided: 0 },
      { staffId: 'S-09', staffName: 'نه', handovers: 1, voided: 0 },
      { staffId: 'S-01', staffName: 'یک', handovers: 0, voided: 1 },
    ]);
  });
});

describe('reportCode', () => {
  it.each([
    ['Persian digits', 'S-۱۰۴۲', 'S-1042'],
    ['Arabic-Indic digits', 'S-\u0661\u0660\u0664\u0662', 'S-1042'],
    ['ASCII digits, spaces around', ' S-1042 ', 'S-1042'],
    ['letters kept as they are', 'ک-۷', 'ک-7'],
    ['empty', '', ''],
  ])('writes %s as ASCII', (_name, text, written) => {
    expect(reportCode(text)).toBe(written);
  });

  it('counts «۱۰۴۲» and «1042» as one clerk, and writes the id with ASCII digits', () => {
    const persian = createHandoverRecord(
      { staffId: '۱۰۴۲' },
      { staffId: '۱۰۴۲', staffName: 'منیژه' },
    );
    const ascii = createHandoverRecord(
      { staffId: '1042' },
      { staffId: '1042', staffName: 'منیژه' },
    );
    expect(summarizeDay([persian, ascii], TEST_TIME_ZONE).byStaff).toEqual([
      { staffId: '1042', staffName: 'منیژه', handovers: 2, voided: 0 },
    ]);
    expect(handoverReportRow(persian, TEST_TIME_ZONE).staff_id).toBe('1042');
  });

  it('writes every code of a row with ASCII digits', () => {
    const record = createHandoverRecord(
      {
        cardId: 'C-۰۰۰۰۰۰۷',
        staffId: 'S-۰۷',
        recipient: {
          kind: 'proxy',
          nationalCode: '۰۰۸۴۵۷۵۹۴۸',
          fullName: 'علی رضایی',
          relation: 'برادر',
          documentRef: 'V-۱۲',
        },
      },
      { holderNationalCode: '۰۰۱۲۳۴۵۶۷۹' },
    );
    expect(handoverReportRow(record, TEST_TIME_ZONE)).toMatchObject({
      card_id: 'C-0000007',
      national_code: '0012345679',
      recipient_national_code: '0084575948',
      document_ref: 'V-12',
      staff_id: 'S-07',
    });
    const card = createCard({ cardId: 'C-۰۰۰۰۰۰۸', trackingCode: '۱۴۰۳', box: 'B-۰۱۷' });
    expect(overdueReportRow(card, FIXED_NOW, TEST_TIME_ZONE)).toMatchObject({
      card_id: 'C-0000008',
      tracking_code: '1403',
      box: 'B-017',
    });
  });
});

describe('the daily report row', () => {
  it.each<[SyncState, string]>([
    ['pending', 'pending'],
    ['sending', 'pending'],
    ['local', 'pending'],
    ['synced', 'synced'],
    ['conflict', 'conflict'],
    ['rejected', 'rejected'],
  ])('reports an event %s with the registry as %s', (state, status) => {
    expect(reportSyncStatus(state)).toBe(status);
  });

  it.each([
    ['Tehran', TEST_TIME_ZONE, '2026-11-25T10:31:07+03:30'],
    ['UTC', 'UTC', '2026-11-25T07:01:07+00:00'],
  ])('writes the instant in whole seconds with the offset of %s', (_zone, timeZone, written) => {
    expect(reportTimestamp(FIXED_NOW, timeZone)).toBe(written);
  });

  it('writes a proxy handover with the proxy’s details and the checks as yes and no', () => {
    const record = createHandoverRecord(
      {
        eventId: 'e-1',
        cardId: 'C-0000007',
        deviceId: 'tablet-9',
        recipient: {
          kind: 'proxy',
          nationalCode: '0084575948',
          fullName: 'علی رضایی',
          relation: 'برادر',
          documentRef: 'V-12',
        },
        checks: {
          identityVerified: true,
          birthCertificateSeen: true,
          oldCard: 'not_presented',
          feeCollected: false,
          biometricConfirmed: true,
        },
      },
      { syncState: 'conflict', voidedByEventId: 'void-1' },
    );
    const row = handoverReportRow(record, TEST_TIME_ZONE);
    expect(Object.keys(row)).toEqual([...HANDOVER_REPORT_COLUMNS]);
    expect(row).toEqual({
      event_id: 'e-1',
      card_id: 'C-0000007',
      national_code: '0012345679',
      holder_name: 'زهرا محمدی',
      recipient_kind: 'proxy',
      recipient_national_code: '0084575948',
      recipient_name: 'علی رضایی',
      relation: 'برادر',
      document_ref: 'V-12',
      old_card: 'not_presented',
      fee_collected: 'no',
      biometric_confirmed: 'yes',
      staff_id: 'S-07',
      device_id: 'tablet-9',
      occurred_at: '2026-11-25T10:31:07+03:30',
      occurred_at_jalali: '1405-09-04 10:31:07',
      sync_status: 'conflict',
      voided: 'yes',
    });
  });

  it('leaves the proxy columns empty for a handover to the holder', () => {
    expect(handoverReportRow(createHandoverRecord(), TEST_TIME_ZONE)).toMatchObject({
      recipient_kind: 'holder',
      relation: '',
      document_ref: '',
      sync_status: 'pending',
      voided: 'no',
    });
  });
});

describe('file names', () => {
  it('names the file after the center and the Jalali day', () => {
    expect(handoverReportFileName('DEMO-01', '1405-09-04', 'csv')).toBe(
      'handovers-DEMO-01-1405-09-04.csv',
    );
    expect(handoverReportFileName('TEH/12 north', '1405-09-04', 'xlsx')).toBe(
      'handovers-TEH_12_north-1405-09-04.xlsx',
    );
  });

  it('names the overdue list after the center and the Jalali day', () => {
    expect(overdueReportFileName('TEH/12 north', '1405-09-04')).toBe(
      'overdue-TEH_12_north-1405-09-04.csv',
    );
  });

  it.each([
    ['DEMO-01', 'DEMO-01'],
    ['TEH/12 north', 'TEH_12_north'],
    ['a\\b:c*d?e"f<g>h|i', 'a_b_c_d_e_f_g_h_i'],
    ['two  spaces\tand a tab', 'two_spaces_and_a_tab'],
    ['مرکز ۱۲', 'مرکز_۱۲'],
  ])('makes %j a file name part: %j', (text, part) => {
    expect(fileNamePart(text)).toBe(part);
  });
});

describe('the overdue list', () => {
  it('writes an overdue card as a row with its codes, shelf and whole days waited', () => {
    const card = createCard({
      cardId: 'C-0000042',
      nationalCode: '0012345679',
      firstName: 'زهرا',
      lastName: 'محمدی',
      trackingCode: '0140309',
      box: 'B-3',
      updatedAt: '2026-09-01T06:00:00.000Z',
    });
    expect(daysWaiting(card, FIXED_NOW)).toBe(85);
    expect(overdueReportRow(card, FIXED_NOW, TEST_TIME_ZONE)).toEqual({
      card_id: 'C-0000042',
      national_code: '0012345679',
      holder_name: 'زهرا محمدی',
      tracking_code: '0140309',
      box: 'B-3',
      waiting_since: '2026-09-01T09:30:00+03:30',
      waiting_since_jalali: '1405-06-10',
      days_waiting: '85',
    });
  });
  it('counts only whole days waited', () => {
    expect(daysWaiting({ updatedAt: daysBefore(60) }, FIXED_NOW)).toBe(60);
    expect(daysWaiting({ updatedAt: daysBefore(60, -1) }, FIXED_NOW)).toBe(59);
    expect(daysWaiting({ updatedAt: FIXED_NOW.toISOString() }, FIXED_NOW)).toBe(0);
  });

  it('puts the overdue cutoff the retention period before now', () => {
    expect(overdueCutoff(FIXED_NOW, 60)).toBe(daysBefore(60));
    expect(overdueCutoff(FIXED_NOW, 0)).toBe(FIXED_NOW.toISOString());
  });

  it('leaves a card without tracking code or box with empty cells', () => {
    const card = createCard({ trackingCode: null, box: null, updatedAt: daysBefore(61) });
    expect(overdueReportRow(card, FIXED_NOW, TEST_TIME_ZONE)).toMatchObject({
      tracking_code: '',
      box: '',
      days_waiting: '61',
    });
  });
});

describe('the center’s day (decision 023): this tablet’s records merged with the accepted feed', () => {
  const accepted = (event = createHandoverEvent({ deviceId: 'tablet-2' })) => ({
    event,
    holderName: 'از کارت',
    holderNationalCode: '0499370899',
    staffName: 'از فهرست',
  });
  const ids = (rows: ReturnType<typeof mergeCenterDay>) => rows.map((row) => row.event.eventId);

  it('holds an event of this tablet the feed also holds once, as the feed’s, with the names it was recorded with', () => {
    const mine = recordedAt('09:00:00', { syncState: 'sending', holderName: 'ثبت‌شده' });
    const rows = mergeCenterDay([mine], [accepted(mine.event as never)], new Map());
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ syncState: 'synced', holderName: 'ثبت‌شده' });
  });

  it('keeps this tablet’s unsent and refused events the registry has not accepted', () => {
    const pending = recordedAt('08:00:00');
    const refused = recordedAt('08:30:00', { syncState: 'conflict' });
    const theirs = accepted(
      createHandoverEvent({ deviceId: 'tablet-2', occurredAt: '2026-11-25T08:15:00.000+03:30' }),
    );
    const rows = mergeCenterDay([pending, refused], [theirs], new Map());
    expect(ids(rows)).toEqual([pending.eventId, theirs.event.eventId, refused.eventId]);
    expect(rows.map((row) => reportSyncStatus(row.syncState))).toEqual([
      'pending',
      'synced',
      'conflict',
    ]);
    expect(rows[1]).toMatchObject({ holderName: 'از کارت', staffName: 'از فهرست' });
  });

  it.each([
    ['an accepted void of another tablet’s handover', 'theirs', 'accepted'],
    ['an accepted void of this tablet’s handover', 'mine', 'accepted'],
    ['a void recorded here, not yet accepted', 'mine', 'local'],
  ] as const)('marks a handover voided by %s', (_, whose, how) => {
    const mine = recordedAt('09:00:00', {
      syncState: 'synced',
      voidedByEventId: how === 'local' ? 'void-here' : null,
    });
    const theirs = accepted();
    const target = whose === 'mine' ? mine.eventId : theirs.event.eventId;
    const voids = new Map(how === 'accepted' ? [[target, 'void-accepted']] : []);
    const rows = mergeCenterDay(
      [mine],
      whose === 'mine' ? [accepted(mine.event as never), theirs] : [theirs],
      voids,
    );
    const row = rows.find((candidate) => candidate.event.eventId === target)!;
    expect(row.voidedByEventId).toBe(how === 'local' ? 'void-here' : 'void-accepted');
    expect(rows.filter((candidate) => candidate.voidedByEventId !== null)).toHaveLength(1);
  });

  it('is empty for a day with nothing anywhere', () => {
    expect(mergeCenterDay([], [], new Map())).toEqual([]);
  });
});
