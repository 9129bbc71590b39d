// The manager's two evening screens as a person uses them: a manifest chosen with the file
// picker lands in the inventory with a summary and the rejected rows; the report shows the
// day's figures, moves between days, and downloads the files (the download itself is caught at
// the object-URL boundary, where the bytes the browser would save are read back).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import Papa from 'papaparse';
import { renderApp } from './render-app.tsx';
import { TEST_SUPERVISOR } from '../factories/staff.ts';
import { createCard, holderHandover } from '../factories/cards.ts';
import { testCommandContext, testCommandContextAt } from '../factories/context.ts';
import { onTestDay } from '../factories/time.ts';
import { recordHandover, voidHandover } from '../../src/db/handovers.ts';
import { searchCards } from '../../src/db/queries.ts';

interface SavedFile {
  name: string;
  blob: Blob;
}

let saved: SavedFile[] = [];

beforeEach(() => {
  saved = [];
  const blobs = new Map<string, Blob>();
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob: Blob | MediaSource) => {
    const url = `blob:test/${blobs.size}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    saved.push({ name: this.download, blob: blobs.get(this.href)! });
  });
});

afterEach(() => vi.restoreAllMocks());

async function savedText(name: string): Promise<string> {
  // The file is made after a read of the center's day: wait for it rather than race it.
  await waitFor(() => expect(saved.map((entry) => entry.name)).toContain(name)).catch(
    () => undefined,
  );
  const file = saved.find((entry) => entry.name === name);
  if (!file)
    throw new Error(
      `no download named ${name}; got ${saved.map((entry) => entry.name).join(', ')}`,
    );
  // ignoreBOM: keep the byte-order mark in the text, so the tests can see the file starts with it.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await file.blob.arrayBuffer());
}

const MANIFEST = [
  '\ufeffcard_id,national_code,first_name,last_name,box',
  'C-5001,0012345679,زهرا,محمدی,B-1',
  'C-5002,۰۰۸۴۵۷۵۹۴۸,علي,كريمي,B-2',
  'C-5003,0012345678,رضا,رضایی,B-3',
  'C-5001,0499370899,تکراری,تکراری,B-4',
  '',
].join('\r\n');

describe('manifest import screen', () => {
  it('imports a file from the picker, shows the summary and the rejected rows, and downloads them', async () => {
    const user = userEvent.setup();
    const { db } = await renderApp({ route: '/import', signedIn: TEST_SUPERVISOR });
    await user.upload(
      screen.getByLabelText('انتخاب فایل فهرست'),
      new File([MANIFEST], 'shipment-1405-09.csv', { type: 'text/csv' }),
    );

    const result = await screen.findByRole('status', { name: 'خلاصه‌ی ورود' });
    expect(result).toHaveTextContent(
      /ورود \u2068shipment-1405-09\.csv\u2069 تمام شد: ۴ ردیف خوانده شد\./,
    );
    const figure = (label: string) =>
      within(result).getByText(label).nextElementSibling?.textContent;
    expect(figure('کارت تازه')).toBe('۲');
    expect(figure('بدون تغییر')).toBe('۰');
    expect(figure('ردیف ردشده')).toBe('۲');

    const rejected = within(screen.getByRole('table'));
    expect(
      rejected.getByRole('row', { name: /۴ C-5003 national_code کد ملی نامعتبر: .*رقم کنترل/ }),
    ).toBeInTheDocument();
    expect(
      rejected.getByRole('row', { name: /۵ C-5001 card_id این شناسه‌ی کارت در سطرهای بالاتر/ }),
    ).toBeInTheDocument();

    expect(await searchCards(db, 'علی کریمی')).toMatchObject({
      cards: [{ cardId: 'C-5002', nationalCode: '0084575948', firstName: 'علي' }],
    });

    await user.click(screen.getByRole('button', { name: 'دانلود ردیف‌های ردشده (CSV)' }));
    const text = await savedText('shipment-1405-09-rejected.csv');
    expect(text.startsWith('\ufeffline,card_id,column,reason,detail,message\r\n')).toBe(true);
    const rows = Papa.parse<Record<string, string>>(text.slice(1), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows.map((row) => [row.line, row.card_id, row.column, row.reason, row.detail])).toEqual([
      ['4', 'C-5003', 'national_code', 'invalid-national-code', 'check-digit'],
      ['5', 'C-5001', 'card_id', 'duplicate-card-id', ''],
    ]);
  });

  it('says a second import of the same file changed nothing', async () => {
    const user = userEvent.setup();
    await renderApp({ route: '/import', signedIn: TEST_SUPERVISOR });
    const file = () => new File([MANIFEST], 'shipment.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('انتخاب فایل فهرست'), file());
    await screen.findByText(/shipment\.csv\u2069 تمام شد/);
    await user.upload(screen.getByLabelText('انتخاب فایل فهرست'), file());
    const summary = () => within(screen.getByRole('status', { name: 'خلاصه‌ی ورود' }));
    await waitFor(() =>
      expect(summary().getByText('بدون تغییر').nextElementSibling?.textContent).toBe('۲'),
    );
    expect(summary().getByText('کارت تازه').nextElementSibling?.textContent).toBe('۰');
  });

  it('refuses a file without the required columns and names them, in English too', async () => {
    const user = userEvent.setup();
    const { db } = await renderApp({
      route: '/import',
      signedIn: TEST_SUPERVISOR,
      settings: { language: 'en' },
    });
    await user.upload(
      await screen.findByLabelText('Choose manifest file'),
      new File(['card_id,first_name\r\nC-1,Zahra\r\n'], 'bad.csv', { type: 'text/csv' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The file bad.csv was not imported; no card changed. It lacks these required columns: national_code, last_name.',
    );
    expect(await db.cards.count()).toBe(0);
  });

  it('keeps the import going when the manager leaves the screen, and shows its summary on return', async () => {
    const user = userEvent.setup();
    const { db } = await renderApp({ route: '/import', signedIn: TEST_SUPERVISOR });
    await user.upload(
      screen.getByLabelText('انتخاب فایل فهرست'),
      new File([MANIFEST], 'shipment.csv', { type: 'text/csv' }),
    );
    await user.click(screen.getByRole('link', { name: 'جستجو' }));
    await waitFor(async () => expect(await db.cards.count()).toBe(2));
    await user.click(screen.getByRole('link', { name: 'ورود فهرست' }));
    const summary = within(await screen.findByRole('status', { name: 'خلاصه‌ی ورود' }));
    expect(summary.getByText('کارت تازه').nextElementSibling?.textContent).toBe('۲');
  });

  it('imports a dropped file the same way', async () => {
    await renderApp({ route: '/import', signedIn: TEST_SUPERVISOR, settings: { language: 'en' } });
    const zone = (await screen.findByText('Or drag the file onto this box and drop it.'))
      .parentElement!;
    const file = new File([MANIFEST], 'dropped.csv', { type: 'text/csv' });
    const { fireEvent } = await import('@testing-library/react');
    fireEvent.dragOver(zone, { dataTransfer: { files: [file] } });
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    expect(
      await screen.findByText('Import of dropped.csv finished: 4 rows read.'),
    ).toBeInTheDocument();
  });
});

describe('daily report screen', () => {
  async function dayWithHandovers() {
    const cards = [
      createCard({
        cardId: 'C-0000101',
        nationalCode: '0012345679',
        firstName: 'زهرا',
        lastName: 'محمدی',
      }),
      createCard({
        cardId: 'C-0000102',
        nationalCode: '0084575948',
        firstName: 'علی',
        lastName: 'رضایی',
      }),
      createCard({
        cardId: 'C-0000103',
        nationalCode: '0499370899',
        firstName: 'رضا',
        lastName: 'کریمی',
        updatedAt: '2026-08-01T08:00:00.000Z',
        box: 'B-77',
      }),
    ];
    const view = await renderApp({ cards, route: '/report' });
    await recordHandover(view.db, holderHandover(cards[0]!), testCommandContextAt('09:10:00'));
    const undone = await recordHandover(
      view.db,
      holderHandover(cards[1]!),
      testCommandContextAt('10:20:00'),
    );
    await voidHandover(
      view.db,
      { handoverEventId: undone.eventId, reason: 'اشتباه' },
      testCommandContextAt('10:25:00'),
    );
    // Yesterday, just before midnight.
    await recordHandover(
      view.db,
      holderHandover(cards[2]!),
      testCommandContext({ now: onTestDay('23:59:59', -1) }),
    );
    return view;
  }

  it('shows the day in numbers, by clerk, and the backlog with its overdue cards', async () => {
    await dayWithHandovers();
    const figure = (label: string) =>
      screen.getAllByText(label)[0]!.nextElementSibling?.textContent;
    await waitFor(() => expect(figure('باطل‌شده')).toBe('۱'));
    expect(figure('باطل‌شده')).toBe('۱');
    expect(figure('در انتظار ارسال')).toBe('۲');
    expect(figure('به وکیل')).toBe('۰');
    expect(
      await screen.findByRole('img', { name: 'شلوغ‌ترین ساعت: ۰۹ با ۱ تحویل' }),
    ).toBeInTheDocument();
    const staff = within(screen.getByRole('region', { name: 'به تفکیک متصدی' }));
    expect(staff.getByRole('row', { name: /مریم احمدی \(S-07\) ۱ ۱/ })).toBeInTheDocument();
    const backlog = within(screen.getByRole('region', { name: 'کارت‌های در انتظار' }));
    await waitFor(() =>
      expect(backlog.getByText('آماده‌ی تحویل').nextElementSibling?.textContent).toBe('۱'),
    );
    expect(backlog.getByText('بیش از ۶۰ روز مانده').nextElementSibling?.textContent).toBe('۰');
    expect(backlog.getByText('هیچ کارتی بیش از مهلت نگهداری نمانده است.')).toBeInTheDocument();
  });

  it('moves to the previous day, where the handover recorded at 23:59:59 is', async () => {
    const user = userEvent.setup();
    await dayWithHandovers();
    await waitFor(() =>
      expect(screen.getAllByText('تحویل‌شده')[0]!.nextElementSibling?.textContent).toBe('۱'),
    );
    await user.click(screen.getByRole('button', { name: 'روز قبل' }));
    await waitFor(() =>
      expect(
        screen.getByRole('img', { name: 'شلوغ‌ترین ساعت: ۲۳ با ۱ تحویل' }),
      ).toBeInTheDocument(),
    );
    await user.click(screen.getByRole('button', { name: 'دانلود CSV' }));
    const text = await savedText('handovers-DEMO-01-1405-09-03.csv');
    const rows = Papa.parse<Record<string, string>>(text.slice(1), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows.map((row) => [row.card_id, row.occurred_at, row.occurred_at_jalali])).toEqual([
      ['C-0000103', '2026-11-24T23:59:59+03:30', '1405-09-03 23:59:59'],
    ]);
  });

  it('downloads the day as CSV and as xlsx, named by center and Jalali day', async () => {
    const user = userEvent.setup();
    await dayWithHandovers();
    await user.click(screen.getByRole('button', { name: 'دانلود CSV' }));
    const text = await savedText('handovers-DEMO-01-1405-09-04.csv');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(text).toContain('C-0000101,0012345679,زهرا محمدی,holder,0012345679');
    await user.click(screen.getByRole('button', { name: 'دانلود اکسل (xlsx)' }));
    await waitFor(() =>
      expect(saved.map((file) => file.name)).toContain('handovers-DEMO-01-1405-09-04.xlsx'),
    );
    const xlsx = saved.find((file) => file.name.endsWith('.xlsx'))!.blob;
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(
      new Uint8Array([0x50, 0x4b]),
    );
  });

  it('lists cards waiting longer than the retention period and downloads them', async () => {
    const user = userEvent.setup();
    const old = createCard({
      cardId: 'C-0000900',
      nationalCode: '0012345679',
      firstName: 'پروین',
      lastName: 'اعتصامی',
      updatedAt: '2026-08-01T08:00:00.000Z',
      box: 'B-12',
    });
    const recent = createCard({
      cardId: 'C-0000901',
      nationalCode: '0084575948',
      updatedAt: '2026-11-20T08:00:00.000Z',
    });
    await renderApp({ cards: [old, recent], route: '/report', settings: { language: 'en' } });
    const overdue = within(
      await screen.findByRole('region', { name: 'Cards to return to the head office' }),
    );
    expect(
      overdue.getByRole('row', { name: /C-0000900 پروین اعتصامی 0012345679 B-12 .* 115/ }),
    ).toBeInTheDocument();
    expect(overdue.queryByText('C-0000901')).not.toBeInTheDocument();
    await user.click(overdue.getByRole('button', { name: 'Download overdue cards (CSV)' }));
    const rows = Papa.parse<Record<string, string>>(
      (await savedText('overdue-DEMO-01-1405-09-04.csv')).slice(1),
      { header: true, skipEmptyLines: true },
    ).data;
    expect(rows).toEqual([
      {
        card_id: 'C-0000900',
        national_code: '0012345679',
        holder_name: 'پروین اعتصامی',
        tracking_code: old.trackingCode,
        box: 'B-12',
        waiting_since: '2026-08-01T11:30:00+03:30',
        waiting_since_jalali: '1405-05-10',
        days_waiting: '115',
      },
    ]);
  });

  it('takes the retention period from settings, in any digits', async () => {
    const user = userEvent.setup();
    const old = createCard({ updatedAt: '2026-11-01T08:00:00.000Z' });
    const { db } = await renderApp({ cards: [old], route: '/settings', signedIn: TEST_SUPERVISOR });
    const field = screen.getByLabelText('مهلت نگهداری کارت در مرکز (روز)');
    await user.clear(field);
    await user.type(field, '۰');
    await user.click(screen.getByRole('button', { name: 'ذخیره‌ی مهلت نگهداری' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('عددی بین ۱ و ۳۶۵۰ وارد کنید.');
    await user.clear(field);
    await user.type(field, '۲۰');
    await user.click(screen.getByRole('button', { name: 'ذخیره‌ی مهلت نگهداری' }));
    await waitFor(async () => expect((await db.settings.get('retentionDays'))?.value).toBe(20));
  });
});
