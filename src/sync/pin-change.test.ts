// Changing one's own PIN against a scripted registry: what the tablet sends (the two PINs only,
// with the device's headers), what it keeps (the member the registry answers, never a PIN), and
// how each answer reads. (server/staff-routes.test.ts holds the registry's side.)
import { describe, expect, it, vi } from 'vitest';
import { PIN_CHANGE_TIMEOUT_MS, changeOwnPin } from './pin-change.ts';
import { readSettings, updateSettings } from '../db/settings.ts';
import { lockShift, readRosterCursor, signIn, storeRosterPage } from '../db/staff.ts';
import { makePinVerifier, MIN_PIN_ITERATIONS } from '../domain/pin-verifier.ts';
import { staffPinPath, type StaffMember } from '../protocol/protocol.ts';
import { TEST_DEVICE_ID } from '../../tests/factories/context.ts';
import { TEST_DEVICE_TOKEN, createTestDatabase } from '../../tests/factories/database.ts';
import { TEST_CLERK, TEST_OTHER_CLERK, testStaffMember } from '../../tests/factories/staff.ts';
import { FIXED_NOW, FIXED_NOW_ISO } from '../../tests/factories/time.ts';
import type { TahvilDatabase } from '../db/database.ts';

const REGISTRY = 'http://registry.test';
const NEW_PIN = '4826';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
const errorBody = (status: number, code: string, headers: Record<string, string> = {}) =>
  json({ error: { code, message: code } }, status, headers);

interface SentRequest {
  url: string;
  method: string | undefined;
  headers: Headers;
  body: unknown;
}

/** A registry answering every request with `respond`, keeping what was sent. */
function registry(respond: (request: SentRequest) => Response | Promise<Response>) {
  const requests: SentRequest[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request: SentRequest = {
      url: String(input),
      method: init?.method,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : init?.body,
    };
    requests.push(request);
    return respond(request);
  };
  return { fetch: fetchFn as typeof fetch, requests };
}

/** The clerk as the registry answers after the change: a verifier of NEW_PIN, a new version. */
async function changedClerk(): Promise<StaffMember> {
  return testStaffMember(TEST_CLERK, {
    version: 12,
    pinVerifier: await makePinVerifier(NEW_PIN, MIN_PIN_ITERATIONS),
    updatedAt: FIXED_NOW_ISO,
  });
}

async function tablet(): Promise<TahvilDatabase> {
  const db = await createTestDatabase();
  await updateSettings(db, { registryUrl: REGISTRY });
  return db;
}

const deps = (fetchFn: typeof fetch) => ({ fetch: fetchFn, now: () => FIXED_NOW });
const change = (currentPin = TEST_CLERK.pin, newPin = NEW_PIN) => ({ currentPin, newPin });

describe('changeOwnPin', () => {
  it('sends only the two PINs, with the device’s headers, for the member signed in, and keeps the new verifier', async () => {
    const db = await tablet();
    const clerk = await changedClerk();
    const { fetch, requests } = registry(() => json({ staff: clerk }));
    // Typed in Persian digits, as a clerk may: sent as ASCII.
    expect(await changeOwnPin(db, change('۲۵۸۰', '۴۸۲۶'), deps(fetch))).toEqual({ ok: true });
    expect(requests).toHaveLength(1);
    const [sent] = requests;
    expect(sent?.url).toBe(`${REGISTRY}${staffPinPath('DEMO-01', TEST_CLERK.staffId)}`);
    expect(sent?.method).toBe('POST');
    expect(sent?.body).toEqual({ currentPin: TEST_CLERK.pin, newPin: NEW_PIN });
    expect(Object.keys(sent?.body as object).sort()).toEqual(['currentPin', 'newPin']);
    expect(sent?.headers.get('Authorization')).toBe(`Bearer ${TEST_DEVICE_TOKEN}`);
    expect(sent?.headers.get('X-Device-Id')).toBe(TEST_DEVICE_ID);
    expect(sent?.headers.get('Content-Type')).toBe('application/json');
    expect(await db.staff.get(TEST_CLERK.staffId)).toEqual(clerk);
    // The roster's own position is the pull's: it still brings this change, harmlessly.
    expect(await readRosterCursor(db)).toBe('3');
    // The new PIN signs in here at once; the old one no longer does.
    expect(await signIn(db, TEST_CLERK.staffId, TEST_CLERK.pin, FIXED_NOW)).toMatchObject({
      ok: false,
      problem: 'wrong-pin',
    });
    expect(await signIn(db, TEST_CLERK.staffId, NEW_PIN, FIXED_NOW)).toMatchObject({ ok: true });
  });

  it('stores no PIN anywhere on the tablet', async () => {
    const db = await tablet();
    const { fetch } = registry(async () => json({ staff: await changedClerk() }));
    await changeOwnPin(db, change('9513', '7531'), deps(fetch));
    const everything = JSON.stringify(await Promise.all(db.tables.map((table) => table.toArray())));
    expect(everything).not.toContain('9513');
    expect(everything).not.toContain('7531');
  });

  it('keeps a newer copy of the member the pull brought while the answer was on its way', async () => {
    const db = await tablet();
    const clerk = await changedClerk();
    const newer = { ...clerk, version: 13, name: 'مریم احمدی‌فر' };
    const { fetch } = registry(async () => {
      await storeRosterPage(db, [newer], '13', {});
      return json({ staff: clerk });
    });
    expect(await changeOwnPin(db, change(), deps(fetch))).toEqual({ ok: true });
    expect(await db.staff.get(TEST_CLERK.staffId)).toEqual(newer);
  });

  it.each([
    ['current', '', 'newPin', 'currentPin', 'empty'],
    ['current', '12a4', 'newPin', 'currentPin', 'not-digits'],
    ['new', TEST_CLERK.pin, '123', 'newPin', 'too-short'],
    ['new', TEST_CLERK.pin, '123456789', 'newPin', 'too-long'],
  ] as const)(
    'refuses a %s PIN that cannot be one on the tablet, sending nothing (%s → %s)',
    async (_which, currentPin, newPin, field, reason) => {
      const db = await tablet();
      const { fetch, requests } = registry(() => json({}));
      expect(
        await changeOwnPin(
          db,
          { currentPin, newPin: newPin === 'newPin' ? NEW_PIN : newPin },
          deps(fetch),
        ),
      ).toEqual({ ok: false, problem: 'pin-invalid', field, reason });
      expect(requests).toEqual([]);
    },
  );

  it.each([
    ['not enrolled', () => createTestDatabase([], { enrolment: null }), 'not-enrolled'],
    [
      'withdrawn',
      async () => {
        const db = await tablet();
        await updateSettings(db, { withdrawnAt: FIXED_NOW_ISO });
        return db;
      },
      'device-withdrawn',
    ],
    ['with no one signed in', () => createTestDatabase([], { signedIn: null }), 'signed-out'],
    [
      'locked',
      async () => {
        const db = await tablet();
        await lockShift(db);
        return db;
      },
      'signed-out',
    ],
  ] as const)('refuses on a tablet %s, sending nothing', async (_name, makeDb, problem) => {
    const db = await makeDb();
    const { fetch, requests } = registry(() => json({}));
    expect(await changeOwnPin(db, change(), deps(fetch))).toEqual({ ok: false, problem });
    expect(requests).toEqual([]);
  });

  it.each([
    ['403 pin_wrong', () => errorBody(403, 'pin_wrong'), { problem: 'pin-wrong' }],
    ['400 pin_weak', () => errorBody(400, 'pin_weak'), { problem: 'pin-weak' }],
    [
      '429 rate_limited with Retry-After',
      () => errorBody(429, 'rate_limited', { 'Retry-After': '540' }),
      { problem: 'rate-limited', retryAfterSeconds: 540 },
    ],
    [
      '429 without Retry-After',
      () => errorBody(429, 'rate_limited'),
      { problem: 'rate-limited', retryAfterSeconds: null },
    ],
    ['403 staff_inactive', () => errorBody(403, 'staff_inactive'), { problem: 'staff-inactive' }],
    [
      '404 staff_not_found',
      () => errorBody(404, 'staff_not_found'),
      { problem: 'staff-not-found' },
    ],
    ['401 unauthorized', () => errorBody(401, 'unauthorized'), { problem: 'not-registered' }],
    ['403 forbidden', () => errorBody(403, 'forbidden'), { problem: 'not-registered' }],
    ['404 not_found', () => errorBody(404, 'not_found'), { problem: 'not-registered' }],
    [
      '404 without the registry’s body',
      () => new Response('Not Found', { status: 404 }),
      { problem: 'server-error' },
    ],
    ['503', () => errorBody(503, 'unavailable'), { problem: 'server-error' }],
    ['400 malformed', () => errorBody(400, 'malformed'), { problem: 'bad-response' }],
    ['200 without a member', () => json({}), { problem: 'bad-response' }],
    [
      '200 with a member the tablet cannot read',
      () => json({ staff: { ...testStaffMember(TEST_CLERK), role: 'root' } }),
      { problem: 'bad-response' },
    ],
    [
      '200 with another member',
      () => json({ staff: testStaffMember(TEST_OTHER_CLERK, { version: 12 }) }),
      { problem: 'bad-response' },
    ],
    [
      'a network error',
      () => Promise.reject(new TypeError('Failed to fetch')),
      { problem: 'offline' },
    ],
  ] as const)('reads %s as %j, keeping the roster as it was', async (_name, respond, problem) => {
    const db = await tablet();
    const before = await db.staff.toArray();
    const { fetch } = registry(respond);
    expect(await changeOwnPin(db, change(), deps(fetch))).toEqual({ ok: false, ...problem });
    expect(await db.staff.toArray()).toEqual(before);
    expect((await readSettings(db)).shift?.staffId).toBe(TEST_CLERK.staffId);
  });

  it('records that the device was withdrawn when the registry says so', async () => {
    const db = await tablet();
    const { fetch } = registry(() => errorBody(401, 'device_withdrawn'));
    expect(await changeOwnPin(db, change(), deps(fetch))).toEqual({
      ok: false,
      problem: 'device-withdrawn',
    });
    expect((await readSettings(db)).withdrawnAt).toBe(FIXED_NOW.toISOString());
  });

  it(`gives up after ${PIN_CHANGE_TIMEOUT_MS / 1000} s without an answer: offline`, async () => {
    const db = await tablet();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let asked: () => void = () => undefined;
      const sent = new Promise<void>((resolve) => (asked = resolve));
      const fetchFn = ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          // A registry that never answers: only the tablet's abort ends the request.
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('The operation was aborted.', 'AbortError')),
          );
          asked();
        })) as typeof fetch;
      const result = changeOwnPin(db, change(), deps(fetchFn));
      await sent;
      vi.advanceTimersByTime(PIN_CHANGE_TIMEOUT_MS - 1);
      let settled = false;
      void result.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await result).toEqual({ ok: false, problem: 'offline' });
    } finally {
      vi.useRealTimers();
    }
  });
});
