// The pull's page writers. The worker's is tested in-thread: its handler (the code pull.worker.ts
// runs) sits behind a port that structured-clones every message both ways and transfers what the
// writer transfers, as a Worker would (in-thread-pull-worker.ts), so what crosses is what would.
import { describe, expect, it } from 'vitest';
import {
  inThreadPullWriter,
  workerPullWriter,
  type PullPageAnswer,
  type PullWorkerPort,
} from './pull-writer.ts';
import { cloneError, reviveError } from './pull-worker-protocol.ts';
import { inThreadPullWorker } from './in-thread-pull-worker.ts';
import type { PullPageTarget } from './pull-page.ts';
import type { TahvilDatabase } from '../db/database.ts';
import { CenterChangedError, readSyncMeta } from '../db/settings.ts';
import { createCard } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { DEFAULT_CENTER_RULES, type PullResponse } from '../protocol/protocol.ts';

const CENTER = { centerId: 'DEMO-01', name: 'مرکز آزمون', rules: DEFAULT_CENTER_RULES };
const TARGET: PullPageTarget = {
  centerId: 'DEMO-01',
  deviceId: TEST_DEVICE_ID,
  anyVersion: false,
  startsPull: true,
};

let cardNumber = 0;
function pageBody(
  cursor: string,
  {
    hasMore = true,
    cards = 2,
    ...rest
  }: { hasMore?: boolean; cards?: number } & Record<string, unknown> = {},
): ArrayBuffer {
  const items = Array.from({ length: cards }, () =>
    createCard({ cardId: `C-${String(++cardNumber).padStart(7, '0')}`, version: 1 }),
  );
  const page: PullResponse & Record<string, unknown> = {
    center: CENTER,
    items,
    cursor,
    hasMore,
    remaining: 0,
    serverTime: '2026-11-25T06:30:00.000Z',
    ...rest,
  };
  return new TextEncoder().encode(JSON.stringify(page)).buffer;
}

/** A writer in a "worker" per start, and every port it started. */
function workerWriter(db: TahvilDatabase) {
  const started: Array<ReturnType<typeof inThreadPullWorker>> = [];
  const writer = workerPullWriter(db, () => {
    const worker = inThreadPullWorker();
    started.push(worker);
    return worker.port;
  });
  return { writer, started };
}

function accepted(answer: PullPageAnswer) {
  if (!answer.ok) throw new Error(`the page was refused: ${answer.problem}`);
  return answer;
}

describe('the worker page writer (its protocol, in-thread)', () => {
  it('answers the header before the page is written, then stores the page and its cursor', async () => {
    const db = await createTestDatabase([]);
    const { writer, started } = workerWriter(db);
    const answer = accepted(await writer.writePage(pageBody('c2', { remaining: 7 }), TARGET));
    expect(answer.header).toEqual({
      cursor: 'c2',
      hasMore: true,
      remaining: 7,
      items: 2,
      serverTime: '2026-11-25T06:30:00.000Z',
    });
    expect(started[0]!.replies[0]).toBe('header');
    await answer.written;
    expect(started[0]!.replies).toEqual(['header', 'written']);
    expect(await db.cards.count()).toBe(2);
    expect((await readSyncMeta(db)).pullCursor).toBe('c2');
  });

  it('transfers the body to the worker instead of copying it, with the database to write to', async () => {
    const db = await createTestDatabase([]);
    const { writer, started } = workerWriter(db);
    const body = pageBody('c2');
    await accepted(await writer.writePage(body, TARGET)).written;
    expect(body.byteLength).toBe(0);
    expect(started[0]!.sent[0]).toMatchObject({
      type: 'page',
      databaseName: db.name,
      target: TARGET,
    });
  });

  it.each([
    ['a page that is not JSON', new TextEncoder().encode('{"items"').buffer, 'unreadable'],
    [
      'a page of another center',
      pageBody('c2', { center: { ...CENTER, centerId: 'AUD-1' } }),
      'bad-response',
    ],
  ])('refuses %s, with its clock, and writes nothing', async (_name, body, problem) => {
    const db = await createTestDatabase([]);
    const { writer, started } = workerWriter(db);
    expect(await writer.writePage(body, TARGET)).toMatchObject({ ok: false, problem });
    expect(started[0]!.replies).toEqual(['refused']);
    expect(await db.cards.count()).toBe(0);
  });

  it('fails a page fetched for an earlier enrolment with a CenterChangedError on the engine’s side', async () => {
    const db = await createTestDatabase([]);
    const { writer } = workerWriter(db);
    const answer = accepted(
      await writer.writePage(pageBody('c2'), { ...TARGET, deviceId: 'device-test-0002' }),
    );
    const error: unknown = await answer.written.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(CenterChangedError);
    expect(error).toMatchObject({ expectedCenterId: 'DEMO-01', currentCenterId: TEST_DEVICE_ID });
    expect(await db.cards.count()).toBe(0);
  });

  it('writes the pages in the order handed over, one at a time, each after the one before', async () => {
    const db = await createTestDatabase([]);
    const { writer, started } = workerWriter(db);
    const answers = await Promise.all([
      writer.writePage(pageBody('c2'), TARGET),
      writer.writePage(pageBody('c4', { hasMore: false }), TARGET),
    ]);
    await Promise.all(answers.map((answer) => accepted(answer).written));
    expect(started).toHaveLength(1);
    expect(started[0]!.replies).toEqual(['header', 'header', 'written', 'written']);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c4', initialPullDone: true });
  });

  it('keeps one worker for every page, and lets it go on close() only once its pages are written', async () => {
    const db = await createTestDatabase([]);
    const { writer, started } = workerWriter(db);
    await accepted(await writer.writePage(pageBody('c2'), TARGET)).written;
    const second = accepted(await writer.writePage(pageBody('c4'), TARGET));
    writer.close();
    expect(started[0]!.port.terminated).toBe(false);
    await second.written;
    expect(started[0]!.port.terminated).toBe(true);
    expect(started).toHaveLength(1);
    // The next pull starts another.
    await accepted(await writer.writePage(pageBody('c6'), TARGET)).written;
    expect(started).toHaveLength(2);
    expect((await readSyncMeta(db)).pullCursor).toBe('c6');
  });

  it('fails the pages a worker that died still had, and starts a new one for the next', async () => {
    const db = await createTestDatabase([]);
    const ports: PullWorkerPort[] = [];
    const writer = workerPullWriter(db, () => {
      const port: PullWorkerPort = {
        onmessage: null,
        onerror: null,
        postMessage: () => undefined,
        terminate: () => undefined,
      };
      ports.push(port);
      return port;
    });
    const answer = writer.writePage(pageBody('c2'), TARGET);
    ports[0]!.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent);
    await expect(answer).rejects.toThrow('out of memory');
    void writer.writePage(pageBody('c4'), TARGET);
    expect(ports).toHaveLength(2);
  });
});

describe.each([
  ['the worker page writer', (db: TahvilDatabase) => workerWriter(db).writer],
  ['the in-thread page writer', (db: TahvilDatabase) => inThreadPullWriter(db)],
])('%s, a page after one that failed', (_name, makeWriter) => {
  const followOn = { ...TARGET, startsPull: false };

  it('is not written: it fails with that page’s error, and what was stored stays', async () => {
    const db = await createTestDatabase([]);
    const writer = makeWriter(db);
    const first = accepted(await writer.writePage(pageBody('c2'), TARGET));
    // Handed over while the first is written, as the engine does; the second's device is gone.
    const failing = accepted(
      await writer.writePage(pageBody('c4'), { ...followOn, deviceId: 'device-test-0002' }),
    );
    const after = accepted(await writer.writePage(pageBody('c6', { hasMore: false }), followOn));
    await first.written;
    await expect(failing.written).rejects.toBeInstanceOf(CenterChangedError);
    await expect(after.written).rejects.toBeInstanceOf(CenterChangedError);
    expect(await db.cards.count()).toBe(2);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c2', initialPullDone: false });
  });

  it('of an earlier pull is written when it starts a pull of its own', async () => {
    const db = await createTestDatabase([]);
    const writer = makeWriter(db);
    const failing = accepted(
      await writer.writePage(pageBody('c2'), { ...TARGET, deviceId: 'device-test-0002' }),
    );
    await expect(failing.written).rejects.toBeInstanceOf(CenterChangedError);
    const next = accepted(await writer.writePage(pageBody('c4', { hasMore: false }), TARGET));
    await next.written;
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c4', initialPullDone: true });
  });
});

describe('errors across the worker boundary', () => {
  it('keeps a full disk’s name from inside Dexie’s wrapper', () => {
    const dexieError = Object.assign(new Error('AbortError'), {
      name: 'AbortError',
      inner: { name: 'QuotaExceededError', message: 'the disk is full' },
    });
    const revived = reviveError(structuredClone(cloneError(dexieError)));
    expect(revived).toMatchObject({ name: 'QuotaExceededError', message: 'the disk is full' });
  });

  it('turns a CenterChangedError back into one, with both centers', () => {
    const revived = reviveError(
      structuredClone(cloneError(new CenterChangedError('DEMO-01', 'AUD-1'))),
    );
    expect(revived).toBeInstanceOf(CenterChangedError);
    expect(revived).toMatchObject({ expectedCenterId: 'DEMO-01', currentCenterId: 'AUD-1' });
  });

  it('keeps the name and message of any other error, and says what a thrown non-error was', () => {
    expect(reviveError(cloneError(new TypeError('no')))).toMatchObject({
      name: 'TypeError',
      message: 'no',
    });
    expect(reviveError(cloneError('odd'))).toMatchObject({ name: 'Error', message: 'odd' });
  });
});

describe('the in-thread page writer', () => {
  it('answers the header at once and writes the page, as the worker does', async () => {
    const db = await createTestDatabase([]);
    const writer = inThreadPullWriter(db);
    const answer = accepted(await writer.writePage(pageBody('c2', { hasMore: false }), TARGET));
    expect(answer.header).toMatchObject({ cursor: 'c2', hasMore: false, items: 2 });
    await answer.written;
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c2', initialPullDone: true });
    expect(await writer.writePage(pageBody('c4', { cursor: null }), TARGET)).toMatchObject({
      ok: false,
      problem: 'bad-response',
    });
  });
});
