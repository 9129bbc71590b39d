// @vitest-environment node
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Card, ErrorBody, PullResponse, PushResponse } from '../src/protocol/protocol.ts';
import { DEFAULT_CENTER_RULES, DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { pullPath, pushPath, startRegistry } from './test-helpers.ts';
import { createHandoverEvent } from '../tests/factories/events.ts';
import { MANIFEST_COLUMNS } from '../src/domain/manifest.ts';

/**
 * A worker's first registry creates the in-memory database template (initdb and the
 * migrations), which takes several seconds on a loaded machine: more than the 10 s hook default.
 */
const STARTUP_TIMEOUT_MS = 60_000;

const CENTER = 'TBZ-004';
const HEADER = [...MANIFEST_COLUMNS];
const ZAHRA = [
  'M-1',
  '0012345679',
  'زهرا',
  'محمدی',
  'علی',
  '1368/04/21',
  '140309221234567',
  'B-001',
];
const ALI = ['M-2', '۰۴۹۹۳۷۰۸۹۹', 'علی', 'کریمی', '', '', '', 'B-001'];
const REZA = ['M-3', '1234567891', 'رضا', 'احمدی', '', '1350-01-01', '', 'B-002'];

interface ImportAnswer {
  centerId: string;
  imported: number;
  unchanged: number;
  kept: number;
  rejectedRows: number;
  rejected: Array<{ line: number; column: string | null; reason: string }>;
}

let registry: RunningRegistry;
/** A tablet per center, enrolled once the center exists (centers and devices outlive a reset). */
const tablets = new Map<string, TestDevice>();

async function tabletAt(centerId: string): Promise<TestDevice> {
  let tablet = tablets.get(centerId);
  if (!tablet) {
    tablet = await registry.enrolDevice({ centerId, deviceId: `device-${centerId}` });
    tablets.set(centerId, tablet);
  }
  return tablet;
}

beforeAll(async () => {
  registry = await startRegistry({ seedCards: 10 });
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await registry.close();
});

afterEach(async () => {
  await registry.handler.reset(10);
});

/** The file as Excel saves it: BOM, CRLF, RFC 4180 quoting. */
function csv(rows: readonly (readonly string[])[]): string {
  const cell = (value: string) =>
    /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return `\ufeff${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

async function postManifest(body: string | Blob, query = `centerId=${CENTER}`): Promise<Response> {
  return registry.mock(`cards?${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
    body,
  });
}

async function importManifest(body: string, query?: string): Promise<ImportAnswer> {
  const response = await postManifest(body, query);
  expect(response.status).toBe(200);
  return (await response.json()) as ImportAnswer;
}

async function pull(centerId = CENTER, cursor = ''): Promise<PullResponse> {
  const response = await fetch(
    `${registry.base}${pullPath(centerId)}?limit=5000${cursor ? `&cursor=${cursor}` : ''}`,
    { headers: (await tabletAt(centerId)).headers() },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as PullResponse;
}

async function card(cardId: string, centerId = CENTER): Promise<Card> {
  const found = await registry.handler.state.getCard(centerId, cardId);
  if (!found) throw new Error(`no card ${cardId}`);
  return found;
}

describe('POST /__mock/cards with a manifest CSV', () => {
  it('loads every row into a new center as ready cards a tablet enrolled there can pull', async () => {
    const answer = await importManifest(csv([HEADER, ZAHRA, ALI]));
    expect(answer).toEqual({
      centerId: CENTER,
      imported: 2,
      unchanged: 0,
      kept: 0,
      rejectedRows: 0,
      rejected: [],
    });
    const { items } = await pull();
    expect(items).toEqual([
      expect.objectContaining({
        cardId: 'M-1',
        centerId: CENTER,
        nationalCode: '0012345679',
        firstName: 'زهرا',
        lastName: 'محمدی',
        fatherName: 'علی',
        birthDate: '1368-04-21',
        trackingCode: '140309221234567',
        box: 'B-001',
        status: 'ready',
        handover: null,
      }),
      expect.objectContaining({
        cardId: 'M-2',
        nationalCode: '0499370899',
        fatherName: null,
        birthDate: null,
        trackingCode: null,
        status: 'ready',
      }),
    ]);
  });

  it('gives a new center its default name and rules, sent with every pull', async () => {
    await importManifest(csv([HEADER, ZAHRA]), 'centerId=TBZ-NEW');
    const page = await pull('TBZ-NEW');
    expect(page.items).toHaveLength(1);
    expect(page.center).toEqual({
      centerId: 'TBZ-NEW',
      name: 'TBZ-NEW',
      rules: DEFAULT_CENTER_RULES,
    });
  });

  it('reports rejected rows by file line and reason, and imports the others', async () => {
    const answer = await importManifest(
      csv([
        HEADER,
        ['M-1', '0012345679', 'زهرا', 'محمدی', 'علی\r\n(پدر)', '', '', ''], // line 2, its cell spans line 3
        ['M-2', '0012345678', 'علی', 'کریمی', '', '1368-13-01', '', ''], // line 4
        ['M-1', '1234567891', 'رضا', 'احمدی', '', '', '', ''], // line 5
        REZA, // line 6
      ]),
    );
    expect(answer).toMatchObject({ imported: 2, rejectedRows: 2 });
    expect(answer.rejected).toEqual([
      { line: 4, column: 'national_code', reason: 'invalid-national-code', detail: 'check-digit' },
      { line: 4, column: 'birth_date', reason: 'bad-date' },
      { line: 5, column: 'card_id', reason: 'duplicate-card-id' },
    ]);
    expect((await card('M-1')).fatherName).toBe('علی (پدر)'); // display text is tidied: one line
    expect(await registry.handler.state.getCard(CENTER, 'M-2')).toBeUndefined();
  });

  it('changes nothing, not even a version, when the same file comes again', async () => {
    const file = csv([HEADER, ZAHRA, ALI]);
    await importManifest(file);
    const { cursor } = await pull();
    expect(await importManifest(file)).toMatchObject({ imported: 0, unchanged: 2, kept: 0 });
    expect((await pull(CENTER, cursor)).items).toEqual([]);
  });

  it('updates a card whose row changed, with a new version', async () => {
    await importManifest(csv([HEADER, ZAHRA, ALI]));
    const before = await card('M-1');
    const moved = [...ZAHRA];
    moved[7] = 'B-009';
    expect(await importManifest(csv([HEADER, moved, ALI]))).toMatchObject({
      imported: 1,
      unchanged: 1,
    });
    expect(await card('M-1')).toMatchObject({ box: 'B-009' });
    expect((await card('M-1')).version).toBeGreaterThan(before.version);
  });

  it('keeps what a card has for a column the file does not carry', async () => {
    await importManifest(csv([HEADER, ZAHRA]));
    const withoutBox = csv([HEADER.slice(0, 7), ZAHRA.slice(0, 7)]);
    expect(await importManifest(withoutBox)).toMatchObject({ imported: 0, unchanged: 1 });
    expect((await card('M-1')).box).toBe('B-001');
  });

  it('never overwrites a handed-over card, and counts its row as kept', async () => {
    await importManifest(csv([HEADER, ZAHRA]));
    const tablet = await tabletAt(CENTER);
    const event = await tablet.sign(
      createHandoverEvent({ cardId: 'M-1', deviceId: tablet.deviceId }),
    );
    const pushed = await fetch(registry.base + pushPath(CENTER), {
      method: 'POST',
      headers: tablet.headers(),
      body: JSON.stringify({ events: [event] }),
    });
    expect(pushed.status).toBe(200);
    expect(((await pushed.json()) as PushResponse).results[0]?.status).toBe('accepted');
    const handedOver = await card('M-1');
    expect(handedOver.status).toBe('handed_over');

    const renamed = [...ZAHRA];
    renamed[2] = 'زهره';
    expect(await importManifest(csv([HEADER, renamed]))).toMatchObject({
      imported: 0,
      unchanged: 0,
      kept: 1,
    });
    expect(await card('M-1')).toEqual(handedOver);
  });

  it('never overwrites a revoked card either', async () => {
    await importManifest(csv([HEADER, ZAHRA]));
    await registry.mock(`revoke`, {
      method: 'POST',
      body: JSON.stringify({ centerId: CENTER, cardId: 'M-1' }),
    });
    expect(await importManifest(csv([HEADER, ZAHRA]))).toMatchObject({ imported: 0, kept: 1 });
    expect((await card('M-1')).status).toBe('revoked');
  });

  it('makes a returned card listed again ready', async () => {
    await importManifest(csv([HEADER, ZAHRA]));
    await registry.mock(`revoke`, {
      method: 'POST',
      body: JSON.stringify({ centerId: CENTER, cardId: 'M-1', status: 'returned' }),
    });
    expect(await importManifest(csv([HEADER, ZAHRA]))).toMatchObject({ imported: 1, kept: 0 });
    expect((await card('M-1')).status).toBe('ready');
  });

  it('loads into an existing center, beside its cards', async () => {
    await importManifest(csv([HEADER, ZAHRA]), `centerId=${DEMO_CENTER_ID}`);
    expect(await registry.handler.state.cardCount(DEMO_CENTER_ID)).toBe(11);
    expect((await card('M-1', DEMO_CENTER_ID)).status).toBe('ready');
  });

  it('matches headers in any order and case, ignoring unknown columns', async () => {
    const answer = await importManifest(
      csv([
        [' Last_Name', 'NOTES', 'first_name', 'National_Code', 'CARD_ID'],
        ['محمدی', 'x', 'زهرا', '0012345679', 'M-1'],
      ]),
    );
    expect(answer).toMatchObject({ imported: 1, rejected: [] });
    expect(await card('M-1')).toMatchObject({
      firstName: 'زهرا',
      lastName: 'محمدی',
      nationalCode: '0012345679',
    });
  });

  it('refuses a file without a required column with 400 naming it, and creates no center', async () => {
    // Centers outlive a reset, so this test uses a center no other test creates.
    const response = await postManifest(
      csv([
        ['card_id', 'first_name', 'box'],
        ['M-1', 'زهرا', 'B-1'],
      ]),
      'centerId=NEVER-01',
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('malformed');
    expect(body.error.message).toContain('national_code');
    expect(body.error.message).toContain('last_name');
    expect(await registry.handler.state.hasCenter('NEVER-01')).toBe(false);
  });

  it('refuses a body that is not UTF-8 with 400', async () => {
    // "é" as Latin-1 writes it: one byte that is not UTF-8.
    const latin1 = new Blob([
      `${HEADER.join(',')}\r\nM-1,0012345679,`,
      new Uint8Array([0xe9, 0x0d, 0x0a]),
    ]);
    const response = await postManifest(latin1);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toContain('UTF-8');
  });

  it('refuses a CSV body without a centerId with 400', async () => {
    const response = await postManifest(csv([HEADER, ZAHRA]), '');
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('malformed');
  });
});
