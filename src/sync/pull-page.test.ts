// A pull page read and checked whole (every rule the engine held a page to before it moved into
// the page writer), and stored profile, cards, cursor, in that order.
import { describe, expect, it } from 'vitest';
import { readPullPage, storePullPage, type PullPageTarget } from './pull-page.ts';
import { CenterChangedError, readSettings, readSyncMeta } from '../db/settings.ts';
import { readCounters } from '../db/counters.ts';
import { TEST_DAY_KEY } from '../../tests/factories/time.ts';
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
const page = (overrides: Record<string, unknown> = {}) => ({
  center: CENTER,
  items: [createCard({ cardId: 'C-0000001', version: 1 })],
  cursor: 'c1',
  hasMore: false,
  remaining: 0,
  serverTime: '2026-11-25T06:30:00.000Z',
  ...overrides,
});
const bytes = (text: string) => new TextEncoder().encode(text);
const body = (value: unknown) => bytes(JSON.stringify(value));

describe('readPullPage', () => {
  it('answers what the engine goes on with: cursor, more, the hint, the count and the clock', () => {
    const read = readPullPage(body(page({ hasMore: true, remaining: 4, cursor: 'c9' })), 'DEMO-01');
    expect(read).toMatchObject({
      ok: true,
      header: {
        cursor: 'c9',
        hasMore: true,
        remaining: 4,
        items: 1,
        serverTime: '2026-11-25T06:30:00.000Z',
      },
    });
  });

  it.each([
    ['no hint', undefined],
    ['a negative hint', -1],
    ['a hint that is not a number', '4'],
  ])('gives no total for %s', (_name, remaining) => {
    const read = readPullPage(body(page({ remaining })), 'DEMO-01');
    expect(read.ok && read.header.remaining).toBeNull();
  });

  it.each([
    ['not JSON (a body cut short)', bytes('{"items": ['), 'unreadable'],
    ['not an object', body('a page'), 'bad-response'],
    ['null', body(null), 'bad-response'],
    ['items that are not a list', body(page({ items: { 0: createCard() } })), 'bad-response'],
    ['no cursor', body(page({ cursor: undefined })), 'bad-response'],
    ['a cursor that is not a string', body(page({ cursor: 12 })), 'bad-response'],
    ['"more" with no items', body(page({ items: [], hasMore: true })), 'bad-response'],
    [
      'a card of another center',
      body(page({ items: [createCard(), createCard({ centerId: 'AUD-1' })] })),
      'bad-response',
    ],
    ['a card that is null', body(page({ items: [null] })), 'bad-response'],
    ['no center profile', body(page({ center: undefined })), 'bad-response'],
    [
      'another center’s profile',
      body(page({ center: { ...CENTER, centerId: 'AUD-1' } })),
      'bad-response',
    ],
    [
      'rules out of range',
      body(page({ center: { ...CENTER, rules: { ...DEFAULT_CENTER_RULES, idleLockMinutes: 0 } } })),
      'bad-response',
    ],
  ])('refuses a page with %s', (_name, pageBody, problem) => {
    expect(readPullPage(pageBody, 'DEMO-01')).toMatchObject({ ok: false, problem });
  });

  it('keeps the clock of a page it refuses, which the engine notes as it always did', () => {
    expect(readPullPage(body(page({ cursor: 5 })), 'DEMO-01')).toMatchObject({
      ok: false,
      serverTime: '2026-11-25T06:30:00.000Z',
    });
  });

  it('reads a body with a byte order mark, as the browser’s JSON reading does', () => {
    const text = new Uint8Array([0xef, 0xbb, 0xbf, ...body(page())]);
    expect(readPullPage(text, 'DEMO-01').ok).toBe(true);
  });
});

describe('storePullPage', () => {
  const readPage = (value: ReturnType<typeof page>): PullResponse => {
    const read = readPullPage(body(value), 'DEMO-01');
    if (!read.ok) throw new Error('the test page is refused');
    return read.page;
  };

  it('stores the profile, the cards and the cursor, and marks the first pull done on the last page', async () => {
    const db = await createTestDatabase([]);
    await storePullPage(
      db,
      readPage(page({ center: { ...CENTER, name: 'مرکز تازه' }, hasMore: true })),
      TARGET,
    );
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c1', initialPullDone: false });
    expect((await readSettings(db)).centerName).toBe('مرکز تازه');
    expect(await db.cards.count()).toBe(1);
    await storePullPage(db, readPage(page({ cursor: 'c2' })), TARGET);
    expect(await readSyncMeta(db)).toMatchObject({ pullCursor: 'c2', initialPullDone: true });
  });

  it('refuses a page fetched for an earlier enrolment: no card, no cursor', async () => {
    const db = await createTestDatabase([]);
    await expect(
      storePullPage(db, readPage(page()), { ...TARGET, deviceId: 'device-test-0002' }),
    ).rejects.toBeInstanceOf(CenterChangedError);
    expect(await db.cards.count()).toBe(0);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
  });

  it('stores a page’s cards and its cursor together or not at all (a full disk at the cursor)', async () => {
    const db = await createTestDatabase([]);
    const fullDisk = () => {
      throw new DOMException('the disk is full', 'QuotaExceededError');
    };
    // The sync position's row is the page's last write: failing there must take its cards back.
    const failAtCursor = (key: unknown) => {
      if (key === 'syncMeta') fullDisk();
    };
    db.settings.hook('creating', failAtCursor);
    db.settings.hook('updating', (_changes, key) => failAtCursor(key));
    await expect(storePullPage(db, readPage(page({ hasMore: true })), TARGET)).rejects.toThrow();
    expect(await db.cards.count()).toBe(0);
    expect((await readCounters(db, TEST_DAY_KEY)).ready).toBe(0);
    expect((await readSyncMeta(db)).pullCursor).toBeNull();
  });

  it('lets the registry’s copy win whatever its version when the pull started over', async () => {
    const db = await createTestDatabase([createCard({ cardId: 'C-0000001', version: 40 })]);
    const older = page({
      items: [createCard({ cardId: 'C-0000001', version: 2, status: 'revoked' })],
    });
    await storePullPage(db, readPage(older), TARGET);
    expect((await db.cards.get('C-0000001'))?.version).toBe(40);
    await storePullPage(db, readPage(older), { ...TARGET, anyVersion: true });
    expect(await db.cards.get('C-0000001')).toMatchObject({ version: 2, status: 'revoked' });
  });
});
