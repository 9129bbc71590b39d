// @vitest-environment node
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Card,
  CenterRules,
  DevicePublicKey,
  HandoverEvent,
  ProtocolEvent,
} from '../src/protocol/protocol.ts';
import { DEFAULT_CENTER_RULES, DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import { isoWithOffset } from '../src/domain/jalali.ts';
import type { SqlDatabase } from './database/sql.ts';
import { openRegistryDatabase } from './database/registry-database.ts';
import type { StoredDevice, StoredEnrolmentCode } from './device-registry.ts';
import { importOldDataFile } from './old-data-import.ts';
import { RegistryStore } from './registry-store.ts';
import type { StoredStaffMember } from './staff-roster.ts';
import { TEST_DEVICE_ID } from '../tests/factories/context.ts';
import { testDevicePublicKey } from '../tests/factories/device-key.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import type { TestStaffMember } from '../tests/factories/staff.ts';
import { TEST_CLERK, TEST_OTHER_CLERK, TEST_SUPERVISOR } from '../tests/factories/staff.ts';
import { TEST_DAY_KEY, TEST_TIME_ZONE, onTestDay } from '../tests/factories/time.ts';

/** The card columns of every old data format. */
const CARD_COLUMNS = [
  'cardId',
  'nationalCode',
  'firstName',
  'lastName',
  'fatherName',
  'birthDate',
  'trackingCode',
  'box',
  'status',
  'version',
  'updatedAt',
  'handover',
];
const JOURNAL_ID = 'a'.repeat(32);
const AT = '2026-11-24T05:30:00.000Z';
/** A card row's holder columns, cardId to box. */
const ZAHRA = ['C-0000001', '0012345679', 'زهرا', 'محمدی', 'علی', '1368-04-21', null, 'B-001'];
const REZA = ['C-0000002', '1234567891', 'رضا', 'احمدی', 'حسن', '1355-11-02', null, 'B-001'];
const SARA = ['C-0000003', '0499370899', 'سارا', 'کریمی', null, null, '140309221234567', null];

let dir: string;
let dataFile: string;
let journal: string;
let db: SqlDatabase;
let store: RegistryStore;
let notes: string[];
const log = (message: string) => notes.push(message);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tahvil-import-'));
  dataFile = join(dir, 'registry.json');
  journal = `${dataFile}.journal`;
  notes = [];
  // A process's first database is made from scratch (initdb, migrations): slow on a busy machine.
  db = await openRegistryDatabase();
  store = new RegistryStore(db);
}, 30_000);

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file in the test's folder and its bytes. */
function folderBytes(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString('base64')]),
  );
}

/** The message the import rejects with; fails the test when it imports. */
async function importError(): Promise<string> {
  try {
    await importOldDataFile(db, dataFile, log);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the data file imported');
}

async function expectEmptyDatabase(): Promise<void> {
  expect(await store.centerIds()).toEqual([]);
  expect(await db.query('SELECT 1 FROM cards UNION ALL SELECT 1 FROM accepted_events')).toEqual([]);
  expect(await store.devices.all()).toEqual({ devices: [], enrolmentCodes: [] });
  expect(await store.staff.all()).toEqual([]);
  expect(await store.staff.version()).toBe(0);
}

function journalHeader(journalId = JOURNAL_ID, snapshotSeq = 1): string {
  return `${JSON.stringify({ format: 'tahvil-mock-registry-journal', journalId, snapshotSeq })}\n`;
}

function lines(entries: readonly unknown[]): string {
  return entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
}

/** The card the old registry held for a row: the columns named, the center's id added. */
function cardOf(
  centerId: string,
  holder: readonly unknown[],
  status: Card['status'],
  version: number,
  handover: HandoverEvent | null,
): Card {
  const [cardId, nationalCode, firstName, lastName, fatherName, birthDate, trackingCode, box] =
    holder as [string, string, string, string, ...Array<string | null>];
  return {
    cardId,
    centerId,
    nationalCode,
    firstName,
    lastName,
    fatherName,
    birthDate,
    trackingCode,
    box,
    status,
    version,
    updatedAt: AT,
    handover,
  };
}

function member(
  person: TestStaffMember,
  version: number,
  overrides: Partial<StoredStaffMember> = {},
): StoredStaffMember {
  return {
    centerId: DEMO_CENTER_ID,
    staffId: person.staffId,
    name: person.name,
    role: person.role,
    active: true,
    deactivatedAt: null,
    pinVerifier: person.pinVerifier,
    pinSetAt: AT,
    version,
    updatedAt: AT,
    ...overrides,
  };
}

function device(
  deviceId: string,
  publicKey: DevicePublicKey,
  overrides: Partial<StoredDevice> = {},
): StoredDevice {
  return {
    deviceId,
    centerId: DEMO_CENTER_ID,
    publicKey,
    tokenDigest: deviceId === TEST_DEVICE_ID ? 'c'.repeat(64) : 'd'.repeat(64),
    status: 'active',
    enrolledAt: AT,
    withdrawnAt: null,
    ...overrides,
  };
}

function code(digit: string, overrides: Partial<StoredEnrolmentCode> = {}): StoredEnrolmentCode {
  return {
    codeDigest: digit.repeat(64),
    centerId: DEMO_CENTER_ID,
    issuedAt: AT,
    expiresAt: '2026-11-24T06:30:00.000Z',
    usedAt: null,
    usedBy: null,
    ...overrides,
  };
}

/** A format 4 snapshot (seq 1) as the last old registry wrote it. */
function snapshotV4(fields: {
  centers: unknown[];
  devices?: unknown[];
  enrolmentCodes?: unknown[];
  staff?: unknown[];
}): string {
  return `${JSON.stringify({
    format: 'tahvil-mock-registry',
    formatVersion: 4,
    seq: 1,
    journalId: JOURNAL_ID,
    cardColumns: CARD_COLUMNS,
    devices: [],
    enrolmentCodes: [],
    staff: [],
    ...fields,
  })}\n`;
}

function center(
  version: number,
  cards: unknown[],
  events: ProtocolEvent[] = [],
  profile: { centerId?: string; name?: string; rules?: CenterRules } = {},
) {
  return {
    centerId: DEMO_CENTER_ID,
    name: 'مرکز نمونه ۱',
    rules: DEFAULT_CENTER_RULES,
    ...profile,
    version,
    cards,
    events,
  };
}

describe('a format 4 data file and its journal', () => {
  const rules: CenterRules = {
    proxyPickupAllowed: false,
    idleLockMinutes: 5,
    detailsRetentionDays: 7,
  };
  const profile = { name: 'مرکز آزمون', rules };
  // The snapshot's handover happened the day before the journal's events, in Tehran; in UTC
  // it was the day before that.
  const earlier = createHandoverEvent({
    eventId: 'h-snapshot',
    cardId: 'C-0000003',
    occurredAt: isoWithOffset(onTestDay('01:00:00', -1), TEST_TIME_ZONE),
    recipient: { kind: 'holder', nationalCode: '0499370899', fullName: 'سارا کریمی' },
  });
  const handover = createHandoverEvent({ eventId: 'h-journal' });
  const voided = createVoidEvent(handover.eventId, { eventId: 'v-journal' });
  const gone = { ...TEST_CLERK, staffId: 'S-gone' };
  let publicKey: DevicePublicKey;
  let snapshot: string;
  let journalText: string;

  beforeEach(async () => {
    publicKey = await testDevicePublicKey();
    snapshot = snapshotV4({
      centers: [
        center(
          3,
          [
            [...ZAHRA, 'ready', 1, AT, null],
            [...REZA, 'ready', 2, AT, null],
            [...SARA, 'handed_over', 3, AT, earlier.eventId],
          ],
          [earlier],
          profile,
        ),
        center(0, [], [], { centerId: 'THR-012', name: 'THR-012' }),
      ],
      devices: [device(TEST_DEVICE_ID, publicKey)],
      enrolmentCodes: [code('1')],
      staff: [member(TEST_CLERK, 1), member(TEST_SUPERVISOR, 2)],
    });
    journalText =
      journalHeader() +
      lines([
        {
          seq: 2,
          centers: [
            center(4, [[...ZAHRA, 'handed_over', 4, AT, handover.eventId]], [handover], profile),
          ],
          devices: [device('tablet-used', publicKey)],
          enrolmentCodes: [code('2', { usedAt: AT, usedBy: 'tablet-used' })],
          staff: [member(TEST_CLERK, 3), member(gone, 4)],
        },
        {
          seq: 3,
          centers: [
            center(
              6,
              [
                [...ZAHRA, 'ready', 5, AT, null],
                [...REZA, 'revoked', 6, AT, null],
              ],
              [voided],
              profile,
            ),
          ],
          devices: [device(TEST_DEVICE_ID, publicKey, { status: 'withdrawn', withdrawnAt: AT })],
          // An older version of a member changes nothing, as in the old roster.
          staff: [
            member(gone, 5, { active: false, deactivatedAt: AT, pinVerifier: null }),
            member(TEST_SUPERVISOR, 1, { name: 'older' }),
          ],
        },
      ]);
    writeFileSync(dataFile, snapshot);
    writeFileSync(journal, journalText);
  });

  it('imports the cards with the journal applied, in pull order', async () => {
    expect(await importOldDataFile(db, dataFile, log)).toBe(`${dataFile}.imported`);

    const cards = [
      cardOf(DEMO_CENTER_ID, SARA, 'handed_over', 3, earlier),
      cardOf(DEMO_CENTER_ID, ZAHRA, 'ready', 5, null),
      cardOf(DEMO_CENTER_ID, REZA, 'revoked', 6, null),
    ];
    expect(await store.listCards(DEMO_CENTER_ID)).toEqual(cards);
    // The card as the old registry held it, key order and all, its handover in full.
    expect(await db.query('SELECT card FROM cards WHERE card_id = $1', [cards[0]!.cardId])).toEqual(
      [{ card: JSON.stringify(cards[0]) }],
    );
    const page = await store.pullCards(DEMO_CENTER_ID, null, 2);
    expect(page).toMatchObject({
      center: { centerId: DEMO_CENTER_ID, ...profile },
      items: cards.slice(0, 2),
      hasMore: true,
      remaining: 1,
    });
    expect(await store.pullCards(DEMO_CENTER_ID, page.cursor, 10)).toMatchObject({
      items: cards.slice(2),
      hasMore: false,
      remaining: 0,
    });
    expect(notes).toEqual([]);
  });

  it('imports the events in acceptance order, each on its day', async () => {
    await importOldDataFile(db, dataFile, log);

    expect(await store.acceptedEvents(DEMO_CENTER_ID)).toEqual([earlier, handover, voided]);
    expect(await store.acceptedOnDay(DEMO_CENTER_ID, TEST_DAY_KEY, 0, 100)).toEqual({
      items: [handover, voided],
      total: 2,
      deviceIds: new Set([TEST_DEVICE_ID]),
    });
    expect((await store.acceptedOnDay(DEMO_CENTER_ID, '1405-09-03', 0, 100)).items).toEqual([
      earlier,
    ]);
  });

  it('imports the centers with their profiles and version counters', async () => {
    await importOldDataFile(db, dataFile, log);

    expect(await store.centerIds()).toEqual([DEMO_CENTER_ID, 'THR-012']);
    expect(await store.centerProfile(DEMO_CENTER_ID)).toEqual({
      centerId: DEMO_CENTER_ID,
      ...profile,
    });
    expect(await store.centerVersion(DEMO_CENTER_ID)).toBe(6);
    expect(await store.centerProfile('THR-012')).toEqual({
      centerId: 'THR-012',
      name: 'THR-012',
      rules: DEFAULT_CENTER_RULES,
    });
    expect(await store.centerVersion('THR-012')).toBe(0);
    expect(await store.listCards('THR-012')).toEqual([]);
  });

  it('imports devices and enrolment codes as last written, a used code and an unused one', async () => {
    await importOldDataFile(db, dataFile, log);

    expect(await store.devices.all()).toEqual({
      devices: [
        device(TEST_DEVICE_ID, publicKey, { status: 'withdrawn', withdrawnAt: AT }),
        device('tablet-used', publicKey),
      ],
      enrolmentCodes: [code('1'), code('2', { usedAt: AT, usedBy: 'tablet-used' })],
    });
  });

  it('imports the roster in the order it was added, each member at its newest version', async () => {
    await importOldDataFile(db, dataFile, log);

    expect(await store.staff.membersOf(DEMO_CENTER_ID)).toEqual([
      member(TEST_CLERK, 3),
      member(TEST_SUPERVISOR, 2),
      member(gone, 5, { active: false, deactivatedAt: AT, pinVerifier: null }),
    ]);
    expect(await store.staff.version()).toBe(5);
    // The roster sequence goes on after the imported versions, and a new member comes last.
    const added = await store.staff.add(DEMO_CENTER_ID, {
      staffId: TEST_OTHER_CLERK.staffId,
      name: TEST_OTHER_CLERK.name,
      role: TEST_OTHER_CLERK.role,
      pinVerifier: TEST_OTHER_CLERK.pinVerifier,
    });
    expect(added?.version).toBe(6);
    expect((await store.staff.membersOf(DEMO_CENTER_ID)).map((held) => held.staffId)).toEqual([
      TEST_CLERK.staffId,
      TEST_SUPERVISOR.staffId,
      gone.staffId,
      TEST_OTHER_CLERK.staffId,
    ]);
  });

  it('renames the data file and its journal, keeping their bytes', async () => {
    await importOldDataFile(db, dataFile, log);

    expect(readdirSync(dir).sort()).toEqual([
      'registry.json.imported',
      'registry.json.journal.imported',
    ]);
    expect(readFileSync(`${dataFile}.imported`, 'utf8')).toBe(snapshot);
    expect(readFileSync(`${journal}.imported`, 'utf8')).toBe(journalText);
    // Nothing is left at the old name to import again.
    expect(await importOldDataFile(db, dataFile, log)).toBeNull();
  });

  it('leaves out a torn last line, imports the rest and says so', async () => {
    const torn = '{"seq":4,"centers":[{"centerId":"DEMO-01","na';
    appendFileSync(journal, torn);

    expect(await importOldDataFile(db, dataFile, log)).toBe(`${dataFile}.imported`);

    expect(await store.acceptedEvents(DEMO_CENTER_ID)).toEqual([earlier, handover, voided]);
    expect(await store.centerVersion(DEMO_CENTER_ID)).toBe(6);
    expect(notes).toEqual([
      expect.stringContaining(
        `left out a torn last line of ${journal} at byte ${Buffer.byteLength(journalText)} (${torn.length} bytes with no newline`,
      ),
    ]);
    // The torn bytes are still there to look at.
    expect(readFileSync(`${journal}.imported`, 'utf8')).toBe(journalText + torn);
  });

  it('refuses a database that already has a center, leaving the database and the file alone', async () => {
    await store.ensureCenter('THR-001');
    const before = folderBytes();

    expect(await importError()).toMatch(
      /^cannot import .*registry\.json: the database already holds centers \(THR-001\)/,
    );

    expect(await store.centerIds()).toEqual(['THR-001']);
    expect(await store.cardCount(DEMO_CENTER_ID)).toBe(0);
    expect(await store.devices.all()).toEqual({ devices: [], enrolmentCodes: [] });
    expect(await store.staff.version()).toBe(0);
    expect(folderBytes()).toEqual(before);
  });
});

describe('a data file the old loader refused', () => {
  const first = createHandoverEvent({ eventId: 'h-1' });
  const line = (seq: number, version: number, events: ProtocolEvent[] = []) => ({
    seq,
    centers: [center(version, [], events)],
  });
  // Line 0 is the header; each case says what the journal holds and where the first bad line starts.
  const header = journalHeader();
  const two = lines([line(2, 1, [first])]);
  const cases: Array<{ name: string; journal: string | null; message: string | RegExp }> = [
    {
      name: 'a sequence gap',
      journal: header + two + lines([line(4, 1)]),
      message: `is damaged at byte ${Buffer.byteLength(header + two)}: expected the line of seq 3, found seq 4`,
    },
    {
      name: 'a damaged line in the middle',
      journal: `${header}${two}{"seq":3,"cen\n${lines([line(3, 1)])}`,
      message: `is damaged at byte ${Buffer.byteLength(header + two)}: the line is not JSON`,
    },
    {
      name: 'a damaged last line that ends in a newline',
      journal: `${header}${two}{"seq":3,"cen\n`,
      message: `is damaged at byte ${Buffer.byteLength(header + two)}: the line is not JSON`,
    },
    {
      name: 'a card row of the wrong shape',
      journal: header + lines([{ seq: 2, centers: [center(1, [['C-0000001']])] }]),
      message: `is damaged at byte ${header.length}: a card row has the wrong shape`,
    },
    {
      name: 'an event without its device',
      journal:
        header +
        lines([
          {
            seq: 2,
            centers: [
              center(1, [], [{ ...first, deviceId: undefined } as unknown as ProtocolEvent]),
            ],
          },
        ]),
      message: `is damaged at byte ${header.length}: an event entry of center DEMO-01 is invalid`,
    },
    {
      name: 'a journal without its header',
      journal: two,
      message: 'is damaged at byte 0: it does not start with a journal header',
    },
    {
      name: 'a journal of another snapshot',
      journal: journalHeader('b'.repeat(32)) + two,
      message: `belongs to another snapshot: its header names journal ${'b'.repeat(32)} starting after seq 1`,
    },
    {
      name: 'a missing journal',
      journal: null,
      message: /is missing: \S+\/registry\.json expects journal a{32} starting after seq 1,/,
    },
  ];

  it.each(cases)('$name refuses, imports nothing and renames nothing', async (refused) => {
    writeFileSync(dataFile, snapshotV4({ centers: [center(0, [])] }));
    if (refused.journal !== null) writeFileSync(journal, refused.journal);
    const before = folderBytes();

    const message = await importError();

    expect(message).toContain(`registry journal ${journal} `);
    if (typeof refused.message === 'string') expect(message).toContain(refused.message);
    else expect(message).toMatch(refused.message);
    await expectEmptyDatabase();
    expect(folderBytes()).toEqual(before);
    expect(notes).toEqual([]);
  });

  it('a snapshot that is not an old data file refuses, naming the file', async () => {
    writeFileSync(dataFile, '{"format":"something else"}');

    expect(await importError()).toBe(
      `cannot read registry data file ${dataFile}: not a tahvil-mock-registry v1–v4 data file; move it away to start fresh`,
    );
    await expectEmptyDatabase();
    expect(readdirSync(dir)).toEqual(['registry.json']);
  });
});

describe('a format 1 data file (no names, rules, devices or staff)', () => {
  const handover = createHandoverEvent({ eventId: 'v1-handover' });
  const v1Center = (version: number, cards: unknown[], events: unknown[] = []) => ({
    centerId: DEMO_CENTER_ID,
    token: 'demo-token-DEMO-01',
    version,
    cards,
    events,
  });
  // As the code before format 2 wrote it: no journalId, a journal without a header that still
  // opens with a line the snapshot holds, changing card 2 in a way the snapshot does not show.
  const snapshot = `${JSON.stringify({
    format: 'tahvil-mock-registry',
    formatVersion: 1,
    seq: 2,
    cardColumns: CARD_COLUMNS,
    centers: [
      v1Center(2, [
        [...ZAHRA, 'ready', 1, AT, null],
        [...REZA, 'revoked', 2, AT, null],
      ]),
      { centerId: 'THR-012', token: 'token-of-THR-012', version: 0, cards: [], events: [] },
    ],
  })}\n`;
  const journalText = lines([
    { seq: 2, centers: [v1Center(2, [[...REZA, 'ready', 2, AT, null]])] },
    {
      seq: 3,
      centers: [v1Center(3, [[...ZAHRA, 'handed_over', 3, AT, handover.eventId]], [handover])],
    },
  ]);

  beforeEach(() => {
    writeFileSync(dataFile, snapshot);
    writeFileSync(journal, journalText);
  });

  it('imports with the default names and rules, skipping the lines its snapshot holds', async () => {
    expect(await importOldDataFile(db, dataFile, log)).toBe(`${dataFile}.imported`);

    expect(await store.listCards(DEMO_CENTER_ID)).toEqual([
      cardOf(DEMO_CENTER_ID, REZA, 'revoked', 2, null),
      cardOf(DEMO_CENTER_ID, ZAHRA, 'handed_over', 3, handover),
    ]);
    expect(await store.acceptedEvents(DEMO_CENTER_ID)).toEqual([handover]);
    expect(await store.centerVersion(DEMO_CENTER_ID)).toBe(3);
    expect(await store.centerProfile(DEMO_CENTER_ID)).toEqual({
      centerId: DEMO_CENTER_ID,
      name: 'مرکز نمونه ۱',
      rules: DEFAULT_CENTER_RULES,
    });
    expect(await store.centerProfile('THR-012')).toEqual({
      centerId: 'THR-012',
      name: 'THR-012',
      rules: DEFAULT_CENTER_RULES,
    });
    expect(await store.devices.all()).toEqual({ devices: [], enrolmentCodes: [] });
    expect(await store.staff.all()).toEqual([]);
    expect(await store.staff.version()).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'registry.json.imported',
      'registry.json.journal.imported',
    ]);
    expect(readFileSync(`${dataFile}.imported`, 'utf8')).toBe(snapshot);
    expect(readFileSync(`${journal}.imported`, 'utf8')).toBe(journalText);
    expect(notes).toEqual([]);
  });

  it('imports without a journal, which version 1 cannot tell from one never written', async () => {
    rmSync(journal);

    await importOldDataFile(db, dataFile, log);

    expect((await store.listCards(DEMO_CENTER_ID)).map((card) => card.status)).toEqual([
      'ready',
      'revoked',
    ]);
    expect(await store.acceptedEvents(DEMO_CENTER_ID)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['registry.json.imported']);
  });
});

describe('a stop while the old registry switched journals', () => {
  it('imports with the pending journal the snapshot names, leaving the replaced one', async () => {
    const snapshot = snapshotV4({ centers: [center(1, [[...ZAHRA, 'ready', 1, AT, null]])] });
    const stale = `${journalHeader('e'.repeat(32), 0)}${lines([{ seq: 1, centers: [] }])}`;
    const pending = journalHeader();
    writeFileSync(dataFile, snapshot);
    writeFileSync(journal, stale);
    writeFileSync(`${journal}.next`, pending);

    await importOldDataFile(db, dataFile, log);

    expect(await store.listCards(DEMO_CENTER_ID)).toHaveLength(1);
    expect(notes).toEqual([expect.stringContaining(`names the journal in ${journal}.next`)]);
    expect(readdirSync(dir).sort()).toEqual([
      'registry.json.imported',
      'registry.json.journal',
      'registry.json.journal.imported',
    ]);
    expect(readFileSync(`${journal}.imported`, 'utf8')).toBe(pending);
    expect(readFileSync(journal, 'utf8')).toBe(stale);
  });
});

describe('no data file', () => {
  it('answers null and changes nothing', async () => {
    writeFileSync(journal, journalHeader());

    expect(await importOldDataFile(db, dataFile, log)).toBeNull();

    await expectEmptyDatabase();
    expect(readdirSync(dir)).toEqual(['registry.json.journal']);
    expect(existsSync(`${dataFile}.imported`)).toBe(false);
  });
});

describe('a big inventory', () => {
  it('goes in whole, across several statements', async () => {
    const count = 12_001;
    const rows = Array.from({ length: count }, (_, index) => [
      `C-${String(index + 1).padStart(7, '0')}`,
      ...ZAHRA.slice(1),
      'ready',
      index + 1,
      AT,
      null,
    ]);
    writeFileSync(dataFile, snapshotV4({ centers: [center(count, rows)] }));
    writeFileSync(journal, journalHeader());

    await importOldDataFile(db, dataFile, log);

    expect(await store.cardCount(DEMO_CENTER_ID)).toBe(count);
    const page = await store.pullCards(DEMO_CENTER_ID, null, 2);
    expect(page.items.map((card) => card.cardId)).toEqual(['C-0000001', 'C-0000002']);
    expect(page.remaining).toBe(count - 2);
    expect(await store.centerVersion(DEMO_CENTER_ID)).toBe(count);
  });
});
