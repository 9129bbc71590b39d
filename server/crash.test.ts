// @vitest-environment node
// The real server as a child process, killed with SIGKILL while pushes are in flight: whatever it
// answered 200 must survive the restart exactly once, and replaying everything (as a client whose
// requests failed does) must leave each event applied once, with the pulled cards in agreement.
// The tablet enrols with the code the server prints, signs its events, and its enrolment too
// must survive the kill. On PGlite (a folder) always; on PostgreSQL when the run has a server
// (TAHVIL_TEST_POSTGRES_URL, which CI sets; elsewhere that half is skipped, saying so).
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  Card,
  EnrolmentResponse,
  ProtocolEvent,
  PullResponse,
  PushResponse,
} from '../src/protocol/protocol.ts';
import { DEMO_CENTER_ID, ENROLMENT_PATH } from '../src/protocol/protocol.ts';
import { DEMO_STAFF } from './demo-staff.ts';
import {
  TEST_POSTGRES_URL,
  authHeaders,
  pullPath,
  pushPath,
  testPostgresDatabase,
} from './test-helpers.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import { TEST_DEVICE_ID } from '../tests/factories/context.ts';
import { signedByTestDevice, testDevicePublicKey } from '../tests/factories/device-key.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** The clerk server/main.ts keeps at DEMO-01 (a void of their own handover the same day needs no supervisor). */
const DEMO_CLERK_ID = DEMO_STAFF.find((member) => member.role === 'clerk')!.staffId;
const ADMIN_TOKEN = 'crash-test-administrator-token';
const SEED_CARDS = 1200;
const BATCH_EVENTS = 50;
const PUSHERS = 6;
const KILL_AFTER_ANSWERS = 6;

const dir = mkdtempSync(join(tmpdir(), 'tahvil-crash-'));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  base: string;
  banner: string;
}

if (TEST_POSTGRES_URL === undefined) {
  if (process.env.CI) throw new Error('CI must give the crash test a PostgreSQL server');
  console.warn('crash test: no TAHVIL_TEST_POSTGRES_URL, so it runs on PGlite only');
}

/** Where the killed server keeps its data: `--data` or `--database-url` and their value. */
type Storage = readonly [flag: '--data' | '--database-url', where: string];

/** Starts server/main.ts on a free port and waits for the lines it prints once it listens. */
async function startServer(storage: Storage): Promise<Started> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/main.ts',
      '--port',
      '0',
      ...storage,
      '--admin-token',
      ADMIN_TOKEN,
      '--seed-cards',
      String(SEED_CARDS),
      '--quiet',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url && /\n {2}data .*\n/.test(output)) {
        clearTimeout(timer);
        resolvePromise({ child, base: url, banner: output });
      }
    });
  });
}

let headers: Record<string, string> = {};

/** Enrols the test tablet with the link the banner printed, as a clerk would. */
async function enrolWithBanner(started: Started): Promise<void> {
  const code = /enrolment code \d{4}-\d{4}-\d{4} .*\/enrol\?code=(\d{12})\n/.exec(
    started.banner,
  )?.[1];
  if (!code) throw new Error(`no enrolment link in the banner: ${started.banner}`);
  const response = await fetch(started.base + ENROLMENT_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      code,
      deviceId: TEST_DEVICE_ID,
      publicKey: await testDevicePublicKey(),
    }),
  });
  expect(response.status).toBe(200);
  const { deviceToken } = (await response.json()) as EnrolmentResponse;
  headers = authHeaders({ deviceId: TEST_DEVICE_ID, token: deviceToken });
}

async function pullAll(base: string): Promise<Card[]> {
  const response = await fetch(`${base}${pullPath()}?limit=5000`, { headers });
  const page = (await response.json()) as PullResponse;
  expect(page.hasMore).toBe(false);
  return page.items;
}

async function acceptedEvents(base: string): Promise<ProtocolEvent[]> {
  return (
    (await (
      await fetch(`${base}/__mock/events?centerId=${DEMO_CENTER_ID}`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as {
      events: ProtocolEvent[];
    }
  ).events;
}

function push(base: string, events: readonly ProtocolEvent[]): Promise<Response> {
  return fetch(base + pushPath(), { method: 'POST', headers, body: JSON.stringify({ events }) });
}

/** Resolves when the child has exited, also when it already has. */
async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** Card states the accepted-event log implies, applied in order. */
function replayLog(
  log: readonly ProtocolEvent[],
): Map<string, { status: string; handoverEventId: string | null }> {
  const cards = new Map<string, { status: string; handoverEventId: string | null }>();
  for (const event of log) {
    if (event.type === 'handover')
      cards.set(event.cardId, { status: 'handed_over', handoverEventId: event.eventId });
    else cards.set(event.cardId, { status: 'ready', handoverEventId: null });
  }
  return cards;
}

const backends: Array<[name: string, makeStorage: () => Promise<Storage>]> = [
  ['PGlite', async () => ['--data', join(dir, 'registry')]],
];
if (TEST_POSTGRES_URL !== undefined)
  backends.push(['PostgreSQL', async () => ['--database-url', await testPostgresDatabase()]]);

describe.each(backends)('a kill in the middle of a batch, on %s', (_name, makeStorage) => {
  it('loses nothing it acknowledged and applies every event once after replay', async () => {
    const storage = await makeStorage();
    const first = await startServer(storage);
    // What the command prints at start: the center, the administrator token and a one-time
    // enrolment link for a tablet; never a device token.
    expect(first.banner).toContain(`center ${DEMO_CENTER_ID} (مرکز نمونه ۱), ${SEED_CARDS} cards`);
    expect(first.banner).toContain(
      `administrator token (for /api/v2/admin/ and /__mock/) ${ADMIN_TOKEN}`,
    );
    expect(first.banner).toMatch(
      new RegExp(
        `enrolment code \\d{4}-\\d{4}-\\d{4} \\(one tablet, until [^)]+\\): ${first.base}/enrol\\?code=\\d{12}\n`,
      ),
    );
    expect(first.banner).not.toMatch(/device token/);
    // The demo staff, each with a fresh six-digit PIN: the events below are the demo clerk's.
    for (const { staffId, name, role } of DEMO_STAFF)
      expect(first.banner).toMatch(
        new RegExp(`  staff ${staffId} ${name} \\(${role}\\), PIN \\d{6}\n`),
      );
    await enrolWithBanner(first);

    const ready = (await pullAll(first.base)).filter((card) => card.status === 'ready');
    const unsigned: ProtocolEvent[][] = [];
    for (let start = 0; start + BATCH_EVENTS <= ready.length; start += BATCH_EVENTS) {
      const events: ProtocolEvent[] = ready.slice(start, start + BATCH_EVENTS).map((card) =>
        createHandoverEvent({
          staffId: DEMO_CLERK_ID,
          cardId: card.cardId,
          recipient: {
            kind: 'holder',
            nationalCode: card.nationalCode,
            fullName: card.firstName,
          },
        }),
      );
      // In-order application matters: the batch voids its own first handover after making it.
      const voided = events[0] as ProtocolEvent;
      events.splice(
        1,
        0,
        createVoidEvent(voided.eventId, { cardId: voided.cardId, staffId: DEMO_CLERK_ID }),
      );
      unsigned.push(events);
    }
    const batches = await Promise.all(
      unsigned.map((events) => Promise.all(events.map((event) => signedByTestDevice(event)))),
    );

    const acknowledged: Array<{ batch: ProtocolEvent[]; response: PushResponse }> = [];
    let inFlightAtKill = -1;
    let inFlight = 0;
    let cutOff = 0;
    let next = 0;
    const pusher = async () => {
      while (next < batches.length && inFlightAtKill < 0) {
        const batch = batches[next++] as ProtocolEvent[];
        inFlight++;
        try {
          const response = await push(first.base, batch);
          if (response.status !== 200) throw new Error(`push answered ${response.status}`);
          acknowledged.push({ batch, response: (await response.json()) as PushResponse });
          if (acknowledged.length === KILL_AFTER_ANSWERS && inFlightAtKill < 0) {
            inFlightAtKill = inFlight - 1;
            first.child.kill('SIGKILL');
          }
        } catch {
          // The kill cut this request off: the client does not know whether it was applied.
          cutOff++;
        } finally {
          inFlight--;
        }
      }
    };
    await Promise.all(Array.from({ length: PUSHERS }, pusher));
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(inFlightAtKill).toBeGreaterThan(0);
    // Answers already on their way when the kill came still count: the client got them.
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS);
    expect(cutOff).toBeGreaterThan(0);
    expect(acknowledged.length + cutOff).toBeLessThan(batches.length);
    for (const { response } of acknowledged)
      expect(new Set(response.results.map((result) => result.status))).toEqual(
        new Set(['accepted']),
      );

    const second = await startServer(storage);
    const log = await acceptedEvents(second.base);
    const logged = log.map((event) => event.eventId);
    expect(new Set(logged).size).toBe(logged.length);
    const loggedSet = new Set(logged);
    const lost = acknowledged.flatMap(({ batch }) =>
      batch.filter((event) => !loggedSet.has(event.eventId)),
    );
    expect(lost).toEqual([]);

    // A client replays everything it has no answer for; here, everything.
    for (const batch of batches) {
      const response = await push(second.base, batch);
      const { results } = (await response.json()) as PushResponse;
      const wasLogged = batch.map((event) => loggedSet.has(event.eventId));
      // Everything the registry had kept answers duplicate; nothing it lacked is refused.
      expect(results.map((result) => result.status)).toEqual(
        wasLogged.map((kept) => (kept ? 'duplicate' : 'accepted')),
      );
    }

    const finalLog = await acceptedEvents(second.base);
    expect(finalLog).toHaveLength(batches.flat().length);
    expect(new Set(finalLog.map((event) => event.eventId))).toEqual(
      new Set(batches.flat().map((event) => event.eventId)),
    );
    const expected = replayLog(finalLog);
    const pulled = new Map((await pullAll(second.base)).map((card) => [card.cardId, card]));
    const disagreeing = [...expected].filter(([cardId, want]) => {
      const card = pulled.get(cardId);
      return (
        card?.status !== want.status || (card.handover?.eventId ?? null) !== want.handoverEventId
      );
    });
    expect(disagreeing).toEqual([]);
    expect(expected.size).toBe(batches.length * BATCH_EVENTS);
    second.child.kill('SIGTERM');
    await exited(second.child);
  }, 60_000);
});
