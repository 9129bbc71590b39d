// @vitest-environment node
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  ErrorBody,
  ProtocolEvent,
  PullResponse,
  PushResponse,
  PushResult,
} from '../src/protocol/protocol.ts';
import {
  DEFAULT_CENTER_RULES,
  DEMO_CENTER_ID,
  ENROLMENT_PATH,
  centerAdminPath,
  withdrawDevicePath,
} from '../src/protocol/protocol.ts';
import type { RegistryHandler, RegistryHandlerOptions } from './handler.ts';
import { createRegistryHandler } from './handler.ts';
import {
  journalPathOf,
  loadRegistryFile,
  pendingJournalPathOf,
  serializeJournalHeader,
} from './persistence.ts';
import { enrolInState, pullPath, pushPath, startRegistry } from './test-helpers.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import { TEST_DEVICE_ID } from '../tests/factories/context.ts';
import { TEST_CLERK, TEST_OTHER_CLERK, TEST_SUPERVISOR } from '../tests/factories/staff.ts';
import { signedByTestDevice, testDevicePublicKey } from '../tests/factories/device-key.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** The card columns of every data format so far. */
const CARD_COLUMNS_V1_TO_3 = [
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
const root = mkdtempSync(join(tmpdir(), 'tahvil-persist-'));
/** Each test's own folder, so a test can check that nothing in it changed or was added. */
let dir: string;
let dataFile: string;
let journal: string;
let notes: string[];
const log = (message: string) => notes.push(message);

beforeEach(() => {
  dir = mkdtempSync(join(root, 'case-'));
  dataFile = join(dir, 'registry.json');
  journal = journalPathOf(dataFile);
  notes = [];
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A handler over a new data file, the test tablet enrolled in its first snapshot (seq 1). */
async function newRegistry(options: RegistryHandlerOptions = {}): Promise<RegistryHandler> {
  const handler = createRegistryHandler({ dataFile, seedCards: 30, ...options });
  await enrolInState(handler.state);
  await handler.flush();
  return handler;
}

/** `events` signed by the test tablet and pushed to DEMO-01's state, as the push route does. */
async function pushSigned(
  handler: RegistryHandler,
  events: readonly ProtocolEvent[],
): Promise<PushResult[]> {
  const signed = await Promise.all(events.map((event) => signedByTestDevice(event)));
  return handler.state.pushEvents(DEMO_CENTER_ID, TEST_DEVICE_ID, signed);
}

function loaded() {
  const result = loadRegistryFile(dataFile, {}, log);
  if (!result) throw new Error('no data file');
  return result.state;
}

/** Every file in the test's folder and its bytes. */
function folderBytes(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString('base64')]),
  );
}

/** The message loading throws; fails the test when loading succeeds. */
function loadError(): string {
  try {
    loadRegistryFile(dataFile, {}, log);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the data file loaded');
}

/** A seeded data file (snapshot seq 1) and a journal of `lineCount` lines, seq 2 onwards. */
async function registryWithJournal(lineCount: number) {
  const handler = await newRegistry();
  const accepted: ProtocolEvent[] = [];
  for (let i = 0; i < lineCount; i++) {
    const last = accepted.at(-1);
    const event = await signedByTestDevice(
      last?.type === 'handover' ? createVoidEvent(last.eventId) : createHandoverEvent(),
    );
    expect((await pushSigned(handler, [event]))[0]?.status).toBe('accepted');
    await handler.flush();
    accepted.push(event);
  }
  return { handler, accepted };
}

interface JournalLine {
  /** Byte offset of the line in the journal. */
  start: number;
  /** The line with its newline. */
  text: string;
}

/** The journal's lines with their byte offsets; line 0 is the header. */
function journalLines(): JournalLine[] {
  const lines: JournalLine[] = [];
  let start = 0;
  for (const text of readFileSync(journal, 'utf8').split(/(?<=\n)/)) {
    lines.push({ start, text });
    start += Buffer.byteLength(text);
  }
  return lines;
}

function lineAt(lines: JournalLine[], index: number): JournalLine {
  const found = lines[index];
  if (!found) throw new Error(`the journal has no line ${index}`);
  return found;
}

function texts(lines: JournalLine[]): string {
  return lines.map((entry) => entry.text).join('');
}

function snapshotField(field: 'journalId' | 'seq' | 'formatVersion'): unknown {
  return (JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, unknown>)[field];
}

function eventIds(state: { acceptedEvents(centerId: string): readonly ProtocolEvent[] }) {
  return state.acceptedEvents(DEMO_CENTER_ID).map((event) => event.eventId);
}

describe('registry data file', () => {
  it('writes the seeded inventory before the first answer', async () => {
    const handler = createRegistryHandler({ dataFile, seedCards: 30 });
    await handler.flush();
    expect(loaded().cardCount(DEMO_CENTER_ID)).toBe(30);
  });

  it('journals a push without rewriting the snapshot, and a reload replays it', async () => {
    const handler = await newRegistry();
    const snapshotBefore = readFileSync(dataFile, 'utf8');
    const handover = createHandoverEvent();
    await pushSigned(handler, [
      handover,
      createVoidEvent(handover.eventId),
      createHandoverEvent({ staffId: TEST_OTHER_CLERK.staffId }),
    ]);
    await handler.flush();

    expect(readFileSync(dataFile, 'utf8')).toBe(snapshotBefore);
    expect(existsSync(journal)).toBe(true);
    const state = loaded();
    expect(state.listCards(DEMO_CENTER_ID)).toEqual(handler.state.listCards(DEMO_CENTER_ID));
    expect(state.acceptedEvents(DEMO_CENTER_ID)).toEqual(
      handler.state.acceptedEvents(DEMO_CENTER_ID),
    );
    expect(state.centerVersion(DEMO_CENTER_ID)).toBe(handler.state.centerVersion(DEMO_CENTER_ID));
  });

  it('starts a journal with each snapshot, its header naming that snapshot', async () => {
    const { handler } = await registryWithJournal(2);
    await handler.reset(30);

    expect(snapshotField('formatVersion')).toBe(4);
    expect(snapshotField('seq')).toBe(4);
    expect(readFileSync(journal, 'utf8')).toBe(
      `${serializeJournalHeader({ journalId: snapshotField('journalId') as string, snapshotSeq: 4 })}\n`,
    );
    expect(readdirSync(dir).sort()).toEqual(['registry.json', 'registry.json.journal']);
  });

  it('refuses to start over a data file it cannot read', () => {
    writeFileSync(dataFile, '{"format":"something else"}');
    expect(() => createRegistryHandler({ dataFile })).toThrow(/cannot read registry data file/);
    expect(readFileSync(dataFile, 'utf8')).toBe('{"format":"something else"}');
  });

  it('keeps every event of concurrent pushes', async () => {
    const registry = await startRegistry({ dataFile, seedCards: 200 });
    const tablet = await registry.enrolDevice();
    const readyCards = registry.handler.state
      .listCards(DEMO_CENTER_ID)
      .filter((card) => card.status === 'ready')
      .slice(5, 45);
    const events = await tablet.signAll(
      readyCards.map((card) =>
        createHandoverEvent({
          cardId: card.cardId,
          recipient: {
            kind: 'holder',
            nationalCode: card.nationalCode,
            fullName: `${card.firstName} ${card.lastName}`,
          },
        }),
      ),
    );
    const responses = await Promise.all(
      events.map((event) =>
        fetch(registry.base + pushPath(), {
          method: 'POST',
          headers: tablet.headers(),
          body: JSON.stringify({ events: [event] }),
        }),
      ),
    );
    for (const response of responses)
      expect(((await response.json()) as PushResponse).results[0]?.status).toBe('accepted');
    await registry.close();
    expect(
      new Set(
        loaded()
          .acceptedEvents(DEMO_CENTER_ID)
          .map((event) => event.eventId),
      ),
    ).toEqual(new Set(events.map((event) => event.eventId)));
  });

  it('rewrites the snapshot once the journal has grown', async () => {
    const handler = await newRegistry();
    // Big fullName fields make each journal line large, so the journal passes its limit quickly.
    const bulky = 'ن'.repeat(499);
    let firstEventId = '';
    for (let round = 0; round < 40; round++) {
      const batch = [];
      for (let i = 0; i < 250; i++) {
        const handover = createHandoverEvent({
          recipient: { kind: 'holder', nationalCode: '0012345679', fullName: bulky },
        });
        batch.push(handover, createVoidEvent(handover.eventId, { reason: bulky }));
        firstEventId ||= handover.eventId;
      }
      // Trusted as verified: this is about the journal's size, and 20,000 signatures take long.
      handler.state.applyEvents(DEMO_CENTER_ID, batch, {
        deviceId: TEST_DEVICE_ID,
        verified: batch.map(() => true),
      });
      await handler.flush();
    }
    // The first event is in the snapshot only if the journal was folded into a new one.
    expect(readFileSync(dataFile, 'utf8')).toContain(firstEventId);
    expect(statSync(journal, { throwIfNoEntry: false })?.size ?? 0).toBeLessThan(16 * 1024 * 1024);
    expect(loaded().acceptedEvents(DEMO_CENTER_ID)).toHaveLength(40 * 500);
  });
});

describe('loading the journal', () => {
  // From registryWithJournal(3): line 0 the header, lines 1–3 seq 2–4. Each case says what the
  // journal becomes and at which byte the first line that cannot be used starts.
  const cases: Array<{
    name: string;
    damage(lines: JournalLine[]): { journal: string; at: number };
    reason: RegExp;
  }> = [
    {
      name: 'a line in the middle that is not JSON',
      damage: (lines) => ({
        journal: texts(lines).replace(lineAt(lines, 2).text, '{"seq":3,"cen\n'),
        at: lineAt(lines, 2).start,
      }),
      reason: /the line is not JSON/,
    },
    {
      name: 'a last line that is not JSON but ends in a newline',
      damage: (lines) => ({
        journal: `${texts(lines)}{"seq":5,"cen\n`,
        at: Buffer.byteLength(texts(lines)),
      }),
      reason: /the line is not JSON/,
    },
    {
      name: 'a line in the middle whose center fails its shape check',
      damage: (lines) => ({
        journal: texts(lines).replace(
          lineAt(lines, 2).text,
          '{"seq":3,"centers":[{"centerId":7}]}\n',
        ),
        at: lineAt(lines, 2).start,
      }),
      reason: /a center entry is invalid/,
    },
    {
      name: 'a last line whose card row fails its shape check',
      damage: (lines) => ({
        journal: `${texts(lines)}{"seq":5,"centers":[{"centerId":"DEMO-01","token":"t","version":9,"cards":[["C-0000001"]],"events":[]}]}\n`,
        at: Buffer.byteLength(texts(lines)),
      }),
      reason: /a card row has the wrong shape/,
    },
    {
      name: 'a line without a sequence number',
      damage: (lines) => ({
        journal: texts(lines).replace(lineAt(lines, 2).text, '{"centers":[]}\n'),
        at: lineAt(lines, 2).start,
      }),
      reason: /no sequence number/,
    },
    {
      name: 'a line missing from the middle (a sequence gap)',
      damage: (lines) => ({
        journal: texts(lines).replace(lineAt(lines, 2).text, ''),
        at: lineAt(lines, 2).start,
      }),
      reason: /expected the line of seq 3, found seq 4/,
    },
    {
      name: 'a line written twice',
      damage: (lines) => ({
        journal: texts(lines).replace(
          lineAt(lines, 1).text,
          lineAt(lines, 1).text + lineAt(lines, 1).text,
        ),
        at: lineAt(lines, 2).start,
      }),
      reason: /expected the line of seq 3, found seq 2/,
    },
    {
      name: 'a journal without its header',
      damage: (lines) => ({ journal: texts(lines.slice(1)), at: 0 }),
      reason: /does not start with a journal header/,
    },
  ];

  it.each(cases)('$name stops the load, naming the file and the byte', async (damageCase) => {
    await registryWithJournal(3);
    const { journal: damaged, at } = damageCase.damage(journalLines());
    writeFileSync(journal, damaged);
    const before = folderBytes();

    const message = loadError();

    expect(message).toContain(`registry journal ${journal} is damaged at byte ${at}: `);
    expect(message).toMatch(damageCase.reason);
    expect(folderBytes()).toEqual(before);
    expect(notes).toEqual([]);
  });

  it.each([
    { name: 'half a line', torn: '{"seq":5,"centers":[{"centerId":"DEMO-01","tok' },
    { name: 'a whole line without its newline', torn: '{"seq":5,"centers":[]}' },
  ])(
    'a torn last line ($name) is cut off and logged, and later writes still load',
    async ({ torn }) => {
      const { accepted } = await registryWithJournal(1);
      const intact = readFileSync(journal);
      appendFileSync(journal, torn);

      expect(eventIds(loaded())).toEqual(accepted.map((event) => event.eventId));
      expect(readFileSync(journal)).toEqual(intact);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain(
        `cut a torn last line off ${journal} at byte ${intact.length} (${Buffer.byteLength(torn)} bytes with no newline`,
      );

      const reopened = createRegistryHandler({ dataFile, seedCards: 30 });
      const later = createHandoverEvent({
        cardId: 'C-0000003',
        recipient: { kind: 'holder', nationalCode: '0499370899', fullName: 'علی کریمی' },
      });
      expect((await pushSigned(reopened, [later]))[0]?.status).toBe('accepted');
      await reopened.flush();
      expect(eventIds(loaded())).toEqual([...accepted, later].map((event) => event.eventId));
      expect(notes).toHaveLength(1);
    },
  );

  it('a journal deleted after writes stops the server, naming both files', async () => {
    await registryWithJournal(2);
    const journalId = snapshotField('journalId') as string;
    rmSync(journal);
    const before = folderBytes();

    expect(() => createRegistryHandler({ dataFile, seedCards: 30 })).toThrow(
      `registry journal ${journal} is missing: ${dataFile} expects journal ${journalId} starting after seq 1`,
    );
    expect(folderBytes()).toEqual(before);
  });

  it('a journal of another snapshot stops the server, naming both journals', async () => {
    const { handler } = await registryWithJournal(1);
    const earlier = readFileSync(journal);
    const earlierId = snapshotField('journalId') as string;
    await handler.reset(30);
    const currentId = snapshotField('journalId') as string;
    // As if the journal had been restored from a backup taken before the reset.
    writeFileSync(journal, earlier);
    const before = folderBytes();

    expect(loadError()).toContain(
      `registry journal ${journal} belongs to another snapshot: its header names journal ${earlierId} starting after seq 1, but ${dataFile} expects journal ${currentId} starting after seq 3`,
    );
    expect(folderBytes()).toEqual(before);
  });
});

describe('a stop while a snapshot is written', () => {
  it('after the snapshot was renamed, the load puts its pending journal in place', async () => {
    const { handler } = await registryWithJournal(1);
    const earlier = readFileSync(journal);
    await handler.reset(30);
    const fresh = readFileSync(journal);
    // The persister renames the snapshot, then the pending journal: stopped between the two.
    renameSync(journal, pendingJournalPathOf(dataFile));
    writeFileSync(journal, earlier);

    expect(eventIds(loaded())).toEqual([]);
    expect(readFileSync(journal)).toEqual(fresh);
    expect(existsSync(pendingJournalPathOf(dataFile))).toBe(false);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(pendingJournalPathOf(dataFile));

    const reopened = createRegistryHandler({ dataFile, seedCards: 30 });
    const later = createHandoverEvent();
    expect((await pushSigned(reopened, [later]))[0]?.status).toBe('accepted');
    await reopened.flush();
    expect(eventIds(loaded())).toEqual([later.eventId]);
  });

  it('before the snapshot was renamed, the old pair loads and the pending journal is left alone', async () => {
    const { accepted } = await registryWithJournal(1);
    writeFileSync(
      pendingJournalPathOf(dataFile),
      `${serializeJournalHeader({ journalId: 'f'.repeat(32), snapshotSeq: 3 })}\n`,
    );
    const before = folderBytes();

    expect(eventIds(loaded())).toEqual(accepted.map((event) => event.eventId));
    expect(folderBytes()).toEqual(before);
    expect(notes).toEqual([]);
  });
});

describe('a version 1 data file', () => {
  const zahra = ['C-0000001', '0012345679', 'زهرا', 'محمدی', 'علی', '1368-04-21'];
  const reza = ['C-0000002', '1234567891', 'رضا', 'احمدی', 'حسن', '1355-11-02'];
  const handover = createHandoverEvent({ eventId: 'v1-handover' });
  const center = (version: number, cards: unknown[], events: unknown[] = []) => ({
    centerId: DEMO_CENTER_ID,
    token: 'demo-token-DEMO-01',
    version,
    cards,
    events,
  });
  const at = '2026-11-24T05:30:00.000Z';
  // As the code before format 2 wrote it: no journalId, a journal without a header. The
  // journal still opens with a line the snapshot holds (it was removed only after a snapshot),
  // changing card 2 in a way the snapshot does not show, so applying it would be seen.
  const snapshot = `${JSON.stringify({
    format: 'tahvil-mock-registry',
    formatVersion: 1,
    seq: 2,
    cardColumns: CARD_COLUMNS_V1_TO_3,
    centers: [
      center(2, [
        [...zahra, '140309221234567', 'B-001', 'ready', 1, at, null],
        [...reza, '140308150000002', 'B-001', 'revoked', 2, at, null],
      ]),
    ],
  })}\n`;
  const journalText = [
    { seq: 2, centers: [center(2, [[...reza, '140308150000002', 'B-001', 'ready', 2, at, null]])] },
    {
      seq: 3,
      centers: [
        center(
          3,
          [[...zahra, '140309221234567', 'B-001', 'handed_over', 3, at, handover.eventId]],
          [handover],
        ),
      ],
    },
  ]
    .map((entry) => `${JSON.stringify(entry)}\n`)
    .join('');

  beforeEach(() => {
    writeFileSync(dataFile, snapshot);
    writeFileSync(journal, journalText);
  });

  it('still loads, skipping the journal lines its snapshot holds, and changes nothing', () => {
    const before = folderBytes();
    const result = loadRegistryFile(dataFile, {}, log);

    expect(result).toMatchObject({ seq: 3, formatVersion: 1 });
    const state = result!.state;
    expect(state.getCard(DEMO_CENTER_ID, 'C-0000001')).toMatchObject({
      status: 'handed_over',
      version: 3,
      handover,
    });
    expect(state.getCard(DEMO_CENTER_ID, 'C-0000002')?.status).toBe('revoked');
    expect(state.centerVersion(DEMO_CENTER_ID)).toBe(3);
    expect(eventIds(state)).toEqual([handover.eventId]);
    expect(folderBytes()).toEqual(before);
    expect(notes).toEqual([]);
  });

  it('is rewritten as the current version by the first write, and keeps everything', async () => {
    const handler = createRegistryHandler({ dataFile });
    // A version 1 file knows no device: the tablet enrols, then voids the old handover.
    await enrolInState(handler.state);
    expect((await pushSigned(handler, [createVoidEvent(handover.eventId)]))[0]?.status).toBe(
      'accepted',
    );
    await handler.flush();

    expect(snapshotField('formatVersion')).toBe(4);
    expect(readFileSync(journal, 'utf8')).toBe(
      `${serializeJournalHeader({ journalId: snapshotField('journalId') as string, snapshotSeq: 4 })}\n`,
    );
    const state = loaded();
    expect(state.getCard(DEMO_CENTER_ID, 'C-0000001')?.status).toBe('ready');
    expect(state.getCard(DEMO_CENTER_ID, 'C-0000002')?.status).toBe('revoked');
    expect(eventIds(state)).toHaveLength(2);
    expect(state.acceptedEvents(DEMO_CENTER_ID)).toEqual(
      handler.state.acceptedEvents(DEMO_CENTER_ID),
    );
  });

  it('with a damaged line ending in a newline stops the load, naming the file and the byte', () => {
    writeFileSync(journal, `${journalText}{"seq":4,"cen\n`);
    const before = folderBytes();

    expect(loadError()).toContain(
      `registry journal ${journal} is damaged at byte ${Buffer.byteLength(journalText)}: `,
    );
    expect(folderBytes()).toEqual(before);
  });
});

describe('file modes', () => {
  it.for([
    { name: 'a new data file and its journal', start: () => registryWithJournal(1) },
    {
      name: 'a data file moved on from wider modes by a snapshot',
      start: async () => {
        const { handler } = await registryWithJournal(1);
        chmodSync(dataFile, 0o644);
        chmodSync(journal, 0o644);
        await handler.reset(30);
      },
    },
  ])('$name are for the owner only (0600)', async ({ start }, context) => {
    // With a umask that already gives 0600 to a file created without a mode, this could not fail.
    writeFileSync(join(dir, 'control'), '');
    context.skip((statSync(join(dir, 'control')).mode & 0o777) === 0o600, 'umask gives 0600');
    rmSync(join(dir, 'control'));

    await start();

    expect(readdirSync(dir).sort()).toEqual(['registry.json', 'registry.json.journal']);
    for (const path of [dataFile, journal]) expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('server/main.ts over a data file', () => {
  /** Runs the command line; with `stopOnce`, sends SIGTERM once stdout matches it. */
  function runMain(
    stopOnce?: RegExp,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/main.ts', '--port', '0', '--data', dataFile, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stopOnce?.test(stdout) && !stopped) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    return new Promise((done) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code, stdout, stderr });
      }),
    );
  }

  it('exits 1 with the file and the byte of a damaged journal line, and writes nothing', async () => {
    await registryWithJournal(3);
    const lines = journalLines();
    writeFileSync(journal, texts(lines).replace(lineAt(lines, 2).text, '{"seq":3,"cen\n'));
    const before = folderBytes();

    const { code, stdout, stderr } = await runMain();

    expect(code).toBe(1);
    expect(stderr).toContain(
      `mock registry: registry journal ${journal} is damaged at byte ${lineAt(lines, 2).start}: `,
    );
    expect(stdout).not.toContain('listening');
    expect(folderBytes()).toEqual(before);
  });

  it('prints a note when it cuts a torn last line, then serves', async () => {
    await registryWithJournal(1);
    const intact = readFileSync(journal).length;
    appendFileSync(journal, '{"seq":3,"cen');

    const { code, stdout, stderr } = await runMain(/listening on/);

    expect(stdout).toContain('listening on');
    expect(stderr).toContain(
      `mock registry: note: cut a torn last line off ${journal} at byte ${intact} (13 bytes`,
    );
    expect(code).toBe(0);
  });
});

describe('devices, enrolment codes and center rules', () => {
  it('survive a restart: the token, the key, the rules, a used code and an unused one', async () => {
    const first = await startRegistry({ dataFile, seedCards: 10 });
    const tablet = await first.enrolDevice();
    const withdrawn = await first.enrolDevice({ deviceId: 'tablet-withdrawn' });
    await first.admin(withdrawDevicePath(withdrawn.deviceId), { method: 'POST' });
    const used = await first.issueEnrolmentCode();
    expect(
      (
        await fetch(first.base + ENROLMENT_PATH, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            code: used.code,
            deviceId: 'tablet-used',
            publicKey: tablet.publicKey,
          }),
        })
      ).status,
    ).toBe(200);
    const unused = await first.issueEnrolmentCode();
    const rules = { proxyPickupAllowed: false, idleLockMinutes: 5, detailsRetentionDays: 7 };
    await first.admin(centerAdminPath(DEMO_CENTER_ID), {
      method: 'PUT',
      body: JSON.stringify({ name: 'مرکز آزمون', rules }),
    });
    await first.close();

    const second = await startRegistry({ dataFile, seedCards: 10 });
    try {
      const page = await fetch(second.base + pullPath(), { headers: tablet.headers() });
      expect(page.status).toBe(200);
      expect(((await page.json()) as PullResponse).center).toEqual({
        centerId: DEMO_CENTER_ID,
        name: 'مرکز آزمون',
        rules,
      });
      const event = await tablet.sign(createHandoverEvent());
      const pushed = await fetch(second.base + pushPath(), {
        method: 'POST',
        headers: tablet.headers(),
        body: JSON.stringify({ events: [event] }),
      });
      expect(((await pushed.json()) as PushResponse).results[0]?.status).toBe('accepted');
      const withdrawnPull = await fetch(second.base + pullPath(), {
        headers: withdrawn.headers(),
      });
      expect(withdrawnPull.status).toBe(401);
      expect(((await withdrawnPull.json()) as ErrorBody).error.code).toBe('device_withdrawn');
      const enrolWith = (code: string, deviceId: string) =>
        fetch(second.base + ENROLMENT_PATH, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code, deviceId, publicKey: tablet.publicKey }),
        });
      const usedAgain = await enrolWith(used.code, 'tablet-late');
      expect(usedAgain.status).toBe(409);
      expect(((await usedAgain.json()) as ErrorBody).error.code).toBe('enrolment_code_used');
      expect((await enrolWith(unused.code, 'tablet-new')).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('are journaled, not snapshotted, and a reload of the journal gives them back', async () => {
    const handler = await newRegistry();
    const snapshotBefore = readFileSync(dataFile, 'utf8');
    const { code } = handler.state.devices.issueCode(DEMO_CENTER_ID, 60);
    handler.state.devices.withdraw(TEST_DEVICE_ID);
    handler.state.putCenterProfile(DEMO_CENTER_ID, { rules: { idleLockMinutes: 2 } });
    await handler.flush();

    expect(readFileSync(dataFile, 'utf8')).toBe(snapshotBefore);
    const state = loaded();
    expect(state.devices.all()).toEqual(handler.state.devices.all());
    expect(state.devices.device(TEST_DEVICE_ID)?.status).toBe('withdrawn');
    expect(state.centerProfile(DEMO_CENTER_ID)?.rules.idleLockMinutes).toBe(2);
    expect(
      state.devices.enrol(code, 'tablet-from-journal', await testDevicePublicKey()),
    ).toMatchObject({ ok: true });
  });

  it('a journal line with a damaged device entry stops the load, naming the file and the byte', async () => {
    await registryWithJournal(1);
    const intact = readFileSync(journal, 'utf8');
    writeFileSync(
      journal,
      `${intact}{"seq":3,"centers":[],"devices":[{"deviceId":"d","centerId":"DEMO-01"}]}\n`,
    );
    const message = loadError();
    expect(message).toContain(
      `registry journal ${journal} is damaged at byte ${Buffer.byteLength(intact)}: `,
    );
    expect(message).toMatch(/a device entry is invalid/);
  });
});

describe('a version 2 data file (before protocol v2: centers had a token)', () => {
  const handover = createHandoverEvent({ eventId: 'v2-handover' });
  const journalId = 'a'.repeat(32);
  const at = '2026-11-24T05:30:00.000Z';
  const zahra = ['C-0000001', '0012345679', 'زهرا', 'محمدی', 'علی', '1368-04-21', null, 'B-001'];

  beforeEach(() => {
    writeFileSync(
      dataFile,
      `${JSON.stringify({
        format: 'tahvil-mock-registry',
        formatVersion: 2,
        seq: 1,
        journalId,
        cardColumns: CARD_COLUMNS_V1_TO_3,
        centers: [
          {
            centerId: DEMO_CENTER_ID,
            token: 'demo-token-DEMO-01',
            version: 1,
            cards: [[...zahra, 'ready', 1, at, null]],
            events: [],
          },
          { centerId: 'THR-012', token: 'token-of-THR-012', version: 0, cards: [], events: [] },
        ],
      })}\n`,
    );
    writeFileSync(
      journal,
      `${serializeJournalHeader({ journalId, snapshotSeq: 1 })}\n${JSON.stringify({
        seq: 2,
        centers: [
          {
            centerId: DEMO_CENTER_ID,
            token: 'demo-token-DEMO-01',
            version: 2,
            cards: [[...zahra, 'handed_over', 2, at, handover.eventId]],
            events: [handover],
          },
        ],
      })}\n`,
    );
  });

  it('still loads: the tokens are ignored, names and rules are the defaults, nothing changes on disk', () => {
    const before = folderBytes();
    const result = loadRegistryFile(dataFile, {}, log);
    expect(result).toMatchObject({ seq: 2, formatVersion: 2 });
    const state = result!.state;
    expect(state.getCard(DEMO_CENTER_ID, 'C-0000001')).toMatchObject({
      status: 'handed_over',
      handover,
    });
    expect(state.centerProfile(DEMO_CENTER_ID)).toEqual({
      centerId: DEMO_CENTER_ID,
      name: 'مرکز نمونه ۱',
      rules: DEFAULT_CENTER_RULES,
    });
    expect(state.centerProfile('THR-012')?.name).toBe('THR-012');
    expect(state.devices.all()).toEqual({ devices: [], enrolmentCodes: [] });
    expect(folderBytes()).toEqual(before);
    expect(notes).toEqual([]);
  });

  it('is rewritten as version 4 by the first write, with no token left in it', async () => {
    const handler = createRegistryHandler({ dataFile });
    await enrolInState(handler.state);
    await handler.flush();
    expect(snapshotField('formatVersion')).toBe(4);
    expect(readFileSync(dataFile, 'utf8')).not.toContain('token-of-THR-012');
    const state = loaded();
    expect(state.devices.device(TEST_DEVICE_ID)?.status).toBe('active');
    expect(eventIds(state)).toEqual([handover.eventId]);
  });
});

describe('the rosters (format 4)', () => {
  const gone = { ...TEST_CLERK, staffId: 'S-gone' };

  it('are journaled, not snapshotted, and a reload gives every member back as it was', async () => {
    const handler = await newRegistry();
    const snapshotBefore = readFileSync(dataFile, 'utf8');
    const staff = handler.state.staff;
    staff.add(DEMO_CENTER_ID, { ...gone, pinVerifier: gone.pinVerifier });
    staff.setPin(DEMO_CENTER_ID, TEST_OTHER_CLERK.staffId, TEST_SUPERVISOR.pinVerifier);
    staff.deactivate(DEMO_CENTER_ID, gone.staffId);
    await handler.flush();

    expect(readFileSync(dataFile, 'utf8')).toBe(snapshotBefore);
    const state = loaded();
    expect(state.staff.all()).toEqual(staff.all());
    expect(state.staff.version).toBe(staff.version);
    expect(state.staff.member(DEMO_CENTER_ID, gone.staffId)).toMatchObject({
      active: false,
      pinVerifier: null,
    });
    // The pull cursor means the same after the reload: nothing after the newest version.
    expect(state.staff.pull(DEMO_CENTER_ID, String(staff.version), 10).items).toEqual([]);
    expect(state.staff.pull(DEMO_CENTER_ID, '', 10)).toEqual(staff.pull(DEMO_CENTER_ID, '', 10));
  });

  it('are in the snapshot a new one writes', async () => {
    const handler = await newRegistry();
    handler.state.staff.add(DEMO_CENTER_ID, { ...gone, pinVerifier: gone.pinVerifier });
    await handler.reset(5);
    expect(snapshotField('formatVersion')).toBe(4);
    expect(readFileSync(dataFile, 'utf8')).toContain(gone.pinVerifier.hash);
    expect(loaded().staff.all()).toEqual(handler.state.staff.all());
  });

  it.each([
    ['an unknown role', { role: 'admin' }],
    ['an active member without a verifier', { pinVerifier: null }],
    [
      'a deactivated member with a verifier',
      { active: false, deactivatedAt: '2026-11-25T07:00:00.000Z' },
    ],
    [
      'a verifier of too few iterations',
      { pinVerifier: { ...gone.pinVerifier, iterations: 1000 } },
    ],
    ['a bad staffId', { staffId: 'S 1' }],
    ['version 0', { version: 0 }],
  ])(
    'a journal line with %s stops the load, naming the file and the byte',
    async (_name, change) => {
      await registryWithJournal(1);
      const intact = readFileSync(journal, 'utf8');
      const member = {
        ...storedMember(),
        ...change,
      };
      writeFileSync(
        journal,
        `${intact}${JSON.stringify({ seq: 3, centers: [], staff: [member] })}\n`,
      );
      const message = loadError();
      expect(message).toContain(
        `registry journal ${journal} is damaged at byte ${Buffer.byteLength(intact)}: `,
      );
      expect(message).toMatch(/a staff entry is invalid/);
    },
  );

  /** A stored member as the roster writes it. */
  function storedMember() {
    return {
      centerId: DEMO_CENTER_ID,
      staffId: gone.staffId,
      name: gone.name,
      role: gone.role,
      active: true,
      deactivatedAt: null,
      pinVerifier: gone.pinVerifier,
      pinSetAt: '2026-11-25T07:00:00.000Z',
      version: 40,
      updatedAt: '2026-11-25T07:00:00.000Z',
    };
  }
});

describe('a version 3 data file (protocol 2.0: no rosters)', () => {
  const journalId = 'b'.repeat(32);
  const at = '2026-11-24T05:30:00.000Z';
  const zahra = ['C-0000001', '0012345679', 'زهرا', 'محمدی', 'علی', '1368-04-21', null, 'B-001'];

  beforeEach(async () => {
    const publicKey = await testDevicePublicKey();
    writeFileSync(
      dataFile,
      `${JSON.stringify({
        format: 'tahvil-mock-registry',
        formatVersion: 3,
        seq: 1,
        journalId,
        cardColumns: CARD_COLUMNS_V1_TO_3,
        centers: [
          {
            centerId: DEMO_CENTER_ID,
            name: 'مرکز نمونه ۱',
            rules: DEFAULT_CENTER_RULES,
            version: 1,
            cards: [[...zahra, 'ready', 1, at, null]],
            events: [],
          },
        ],
        devices: [
          {
            deviceId: TEST_DEVICE_ID,
            centerId: DEMO_CENTER_ID,
            publicKey,
            tokenDigest: 'c'.repeat(64),
            status: 'active',
            enrolledAt: at,
            withdrawnAt: null,
          },
        ],
        enrolmentCodes: [],
      })}\n`,
    );
    writeFileSync(journal, `${serializeJournalHeader({ journalId, snapshotSeq: 1 })}\n`);
  });

  it('still loads with empty rosters, changing nothing on disk', () => {
    const before = folderBytes();
    const result = loadRegistryFile(dataFile, {}, log);
    expect(result).toMatchObject({ seq: 1, formatVersion: 3 });
    expect(result!.state.staff.all()).toEqual([]);
    expect(result!.state.staff.version).toBe(0);
    expect(result!.state.devices.device(TEST_DEVICE_ID)?.status).toBe('active');
    expect(result!.state.getCard(DEMO_CENTER_ID, 'C-0000001')?.status).toBe('ready');
    expect(folderBytes()).toEqual(before);
    expect(notes).toEqual([]);
  });

  it('is rewritten as version 4 by the first write, with the roster added after it', async () => {
    const handler = createRegistryHandler({ dataFile });
    handler.state.staff.add(DEMO_CENTER_ID, {
      ...memberAfterV3(),
      pinVerifier: TEST_CLERK.pinVerifier,
    });
    await handler.flush();
    expect(snapshotField('formatVersion')).toBe(4);
    const state = loaded();
    expect(state.staff.member(DEMO_CENTER_ID, 'S-after-v3')?.version).toBe(1);
    expect(state.devices.device(TEST_DEVICE_ID)?.status).toBe('active');
  });

  function memberAfterV3() {
    return { staffId: 'S-after-v3', name: TEST_CLERK.name, role: TEST_CLERK.role };
  }
});
