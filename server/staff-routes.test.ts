// @vitest-environment node
// The roster's device routes (protocol 2.1): a tablet pulls its center's roster, cursor-paged like
// cards and behind the same device checks, and a staff member changes their own PIN, checked in
// the documented order and rate-limited per member across tablets. The new verifier is a real
// one (600,000 iterations, ~90 ms), and reaches the center's other tablets at their next pull.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ErrorBody,
  PinChangeResponse,
  StaffMember,
  StaffPullResponse,
} from '../src/protocol/protocol.ts';
import {
  DEMO_CENTER_ID,
  MAX_STAFF_PULL_LIMIT,
  staffPath,
  staffPinPath,
  withdrawDevicePath,
} from '../src/protocol/protocol.ts';
import { PIN_ITERATIONS, verifyPin } from '../src/domain/pin-verifier.ts';
import { generateDeviceKeyPair } from '../src/domain/event-signature.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_ROSTER,
  TEST_SUPERVISOR,
  type TestStaffMember,
} from '../tests/factories/staff.ts';
import { FIXED_NOW } from '../tests/factories/time.ts';
import { PIN_CHANGE_MAX_WRONG, PIN_CHANGE_WINDOW_MS } from './staff-routes.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { authHeaders, pullPath, startRegistry } from './test-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tahvil-staff-'));
let clock = FIXED_NOW.getTime();
let registry: RunningRegistry;
/** Two tablets of DEMO-01, and one of THR-012. */
let tablet: TestDevice;
let neighbour: TestDevice;
let elsewhere: TestDevice;

// A worker's first in-memory database runs initdb and the migrations (seconds on a busy
// machine): more than vitest's default 10 s hook timeout allows.
const START_TIMEOUT_MS = 60_000;

beforeAll(async () => {
  registry = await startRegistry({
    seedCards: 5,
    centers: { 'THR-012': {} },
    now: () => new Date(clock),
  });
  tablet = await registry.enrolDevice();
  neighbour = await registry.enrolDevice({
    deviceId: 'device-neighbour-0002',
    keys: await generateDeviceKeyPair(),
  });
  elsewhere = await registry.enrolDevice({ centerId: 'THR-012', deviceId: 'device-thr-0003' });
}, START_TIMEOUT_MS);
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error.message;
}

function pullRoster(
  headers: Record<string, string>,
  query = '',
  centerId = DEMO_CENTER_ID,
  base = registry.base,
): Promise<Response> {
  return fetch(`${base}${staffPath(centerId)}${query}`, { headers });
}

async function rosterPage(
  device: TestDevice,
  query = '',
  base = registry.base,
): Promise<StaffPullResponse> {
  const response = await pullRoster(device.headers(), query, DEMO_CENTER_ID, base);
  expect(response.status).toBe(200);
  return (await response.json()) as StaffPullResponse;
}

/** Every member changed after `cursor`, page by page, and the cursor after the last page. */
async function pullAll(device: TestDevice, cursor = '', limit = MAX_STAFF_PULL_LIMIT) {
  const items: StaffMember[] = [];
  for (let pages = 0; pages < 100; pages++) {
    const page = await rosterPage(
      device,
      `?limit=${limit}${cursor === '' ? '' : `&cursor=${cursor}`}`,
    );
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) return { items, cursor };
  }
  throw new Error('the roster never ended');
}

function changePin(
  staffId: string,
  body: unknown,
  device: TestDevice = tablet,
  centerId = DEMO_CENTER_ID,
): Promise<Response> {
  return fetch(registry.base + staffPinPath(centerId, staffId), {
    method: 'POST',
    headers: device.headers(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A new member of DEMO-01 with TEST_CLERK's PIN (and written-out verifier), for one test. */
async function memberWithClerksPin(staffId: string): Promise<TestStaffMember> {
  const member = { ...TEST_CLERK, staffId };
  await registry.seedStaff(DEMO_CENTER_ID, [member]);
  return member;
}

describe('the roster pull', () => {
  it('answers every member of the test roster, oldest change first, with their verifiers', async () => {
    const page = await rosterPage(tablet);
    const seeded = page.items.filter((item) =>
      TEST_ROSTER.some((member) => member.staffId === item.staffId),
    );
    expect(
      seeded.map(({ staffId, role, name, pinVerifier }) => ({ staffId, role, name, pinVerifier })),
    ).toEqual(
      TEST_ROSTER.map(({ staffId, role, name, pinVerifier }) => ({
        staffId,
        role,
        name,
        pinVerifier,
      })),
    );
    for (const item of page.items)
      expect(Object.keys(item).sort()).toEqual([
        'active',
        'deactivatedAt',
        'name',
        'pinVerifier',
        'role',
        'staffId',
        'updatedAt',
        'version',
      ]);
    const versions = page.items.map((item) => item.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(page.cursor).toBe(String(versions.at(-1)));
    expect(page.hasMore).toBe(false);
    // Another center's roster is its own.
    const other = (await (
      await pullRoster(elsewhere.headers(), '', 'THR-012')
    ).json()) as StaffPullResponse;
    expect(other.items.map((item) => item.staffId)).toEqual(
      TEST_ROSTER.map((member) => member.staffId),
    );
    expect(other.items[0]!.version).toBeGreaterThan(versions[0]!);
  });

  it('pages with limit 1: each member once, in its newest form, never missing a change', async () => {
    const before = await pullAll(tablet);
    const state = registry.handler.state;
    await memberWithClerksPin('S-page-1');
    await memberWithClerksPin('S-page-2');
    // S-page-1 changes again after S-page-2 was added: it comes after it, once, deactivated.
    await state.staff.deactivate(DEMO_CENTER_ID, 'S-page-1');
    const pages: StaffPullResponse[] = [];
    let cursor = before.cursor;
    for (;;) {
      const page = await rosterPage(tablet, `?limit=1&cursor=${cursor}`);
      pages.push(page);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages.map((page) => page.items.map((item) => item.staffId))).toEqual([
      ['S-page-2'],
      ['S-page-1'],
    ]);
    expect(pages[1]!.items[0]).toMatchObject({
      active: false,
      pinVerifier: null,
      deactivatedAt: FIXED_NOW.toISOString(),
    });
    expect(pages.map((page) => page.hasMore)).toEqual([true, false]);
    // Nothing new: the same cursor back, and no items.
    expect(await rosterPage(tablet, `?cursor=${cursor}`)).toEqual({
      items: [],
      cursor,
      hasMore: false,
    });
    // From the start, every member comes once.
    const all = (await pullAll(tablet, '', 1)).items.map((item) => item.staffId);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each([['0'], [String(MAX_STAFF_PULL_LIMIT + 1)], ['ten'], ['1.5'], [''], ['-1']])(
    'refuses limit=%j with 400 malformed',
    async (limit) => {
      await expectError(await pullRoster(tablet.headers(), `?limit=${limit}`), 400, 'malformed');
    },
  );

  it.each([['abc'], ['-1'], ['01'], ['1.0'], ['99999999']])(
    'refuses cursor=%j (not issued, or ahead of the registry) with 400 malformed',
    async (cursor) => {
      await expectError(await pullRoster(tablet.headers(), `?cursor=${cursor}`), 400, 'malformed');
    },
  );

  it('checks the device as a cards pull does, in the same order', async () => {
    const leaving = await registry.enrolDevice({ deviceId: 'device-leaving-0004' });
    await registry.admin(withdrawDevicePath(leaving.deviceId), { method: 'POST' });
    const { 'X-Device-Id': _omitted, ...noDeviceId } = tablet.headers();
    expect(_omitted).toBe(tablet.deviceId);
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no token', { 'X-Device-Id': tablet.deviceId }, DEMO_CENTER_ID],
      [
        'an unknown token',
        authHeaders({ deviceId: tablet.deviceId, token: 'x'.repeat(43) }),
        DEMO_CENTER_ID,
      ],
      [
        'the administrator token',
        authHeaders({ deviceId: tablet.deviceId, token: registry.handler.adminToken }),
        DEMO_CENTER_ID,
      ],
      ['no X-Device-Id', noDeviceId, DEMO_CENTER_ID],
      [
        "another device's id",
        { ...tablet.headers(), 'X-Device-Id': neighbour.deviceId },
        DEMO_CENTER_ID,
      ],
      ['a withdrawn device', leaving.headers(), 'NOWHERE-9'],
      ['an unknown center', tablet.headers(), 'NOWHERE-9'],
      ['another center', tablet.headers(), 'THR-012'],
    ];
    for (const [name, headers, centerId] of cases) {
      const cards = await fetch(registry.base + pullPath(centerId), { headers });
      const roster = await pullRoster(headers, '', centerId);
      const codeOf = async (response: Response) =>
        `${response.status} ${((await response.json()) as ErrorBody).error.code}`;
      expect(await codeOf(roster), name).toBe(await codeOf(cards));
    }
    expect(
      (
        await fetch(registry.base + staffPath(DEMO_CENTER_ID), {
          method: 'POST',
          headers: tablet.headers(),
        })
      ).status,
    ).toBe(405);
  });

  // Two registries on a PGlite folder, each opened from the files (no in-memory template).
  it(
    'keeps its cursor across a restart: the next page is what changed after it',
    async () => {
      const dataDir = join(dir, 'restart');
      const first = await startRegistry({ dataDir, seedCards: 3, now: () => new Date(clock) });
      const device = await first.enrolDevice();
      const page = await rosterPage(device, '?limit=2', first.base);
      expect(page.hasMore).toBe(true);
      await first.close();

      const second = await startRegistry({ dataDir, now: () => new Date(clock), roster: [] });
      try {
        const rest = await rosterPage(device, `?cursor=${page.cursor}`, second.base);
        expect([...page.items, ...rest.items].map((item) => item.staffId)).toEqual(
          TEST_ROSTER.map((member) => member.staffId),
        );
        expect(rest.items[0]!.pinVerifier).toEqual(TEST_ROSTER[2]!.pinVerifier);
      } finally {
        await second.close();
      }
    },
    START_TIMEOUT_MS,
  );
});

describe("a staff member's PIN change", () => {
  it('sets a new verifier that another tablet of the center has at its next roster pull', async () => {
    const member = await memberWithClerksPin('S-changes-pin');
    const { cursor } = await pullAll(neighbour);
    const response = await changePin(member.staffId, { currentPin: member.pin, newPin: '135792' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('135792');
    const { staff } = JSON.parse(text) as PinChangeResponse;
    expect(staff).toMatchObject({
      staffId: member.staffId,
      active: true,
      updatedAt: FIXED_NOW.toISOString(),
    });
    expect(staff.pinVerifier?.iterations).toBe(PIN_ITERATIONS);

    const { items } = await pullAll(neighbour, cursor);
    expect(items).toEqual([staff]);
    expect(await verifyPin('135792', items[0]!.pinVerifier)).toBe(true);
    expect(await verifyPin(member.pin, items[0]!.pinVerifier)).toBe(false);
    expect(
      (await registry.handler.state.staff.member(DEMO_CENTER_ID, member.staffId))?.pinSetAt,
    ).toBe(FIXED_NOW.toISOString());
  });

  it.each([
    ['not JSON', '{"currentPin":'],
    ['an array', '[]'],
    ['a missing newPin', { currentPin: '2580' }],
    ['another member', { currentPin: '2580', newPin: '135792', staffId: 'S-07' }],
    ['a number', { currentPin: 2580, newPin: '135792' }],
    ['null', { currentPin: '2580', newPin: null }],
  ])(
    'refuses a body with %s as 400 malformed, before looking for the member',
    async (_name, body) => {
      await expectError(await changePin('S-nobody', body), 400, 'malformed');
    },
  );

  it('refuses a body over 4 KiB with 413', async () => {
    const response = await changePin(TEST_CLERK.staffId, {
      currentPin: TEST_CLERK.pin,
      newPin: '1'.repeat(5000),
    });
    expect(response.status).toBe(413);
  });

  it('answers in the documented order: staff_not_found, staff_inactive, pin_wrong, pin_weak', async () => {
    const wrongAndWeak = { currentPin: '9999', newPin: '1234' };
    await expectError(await changePin('S-nobody', wrongAndWeak), 404, 'staff_not_found');
    await expectError(await changePin('bad id!', wrongAndWeak), 404, 'staff_not_found');
    const gone = await memberWithClerksPin('S-gone-pin');
    await registry.deactivateStaff(gone.staffId);
    await expectError(
      await changePin(gone.staffId, { currentPin: gone.pin, newPin: '135792' }),
      403,
      'staff_inactive',
    );
    const member = await memberWithClerksPin('S-order-pin');
    const wrong = await expectError(
      await changePin(member.staffId, wrongAndWeak),
      403,
      'pin_wrong',
    );
    expect(wrong).not.toMatch(/9999|1234/);
    for (const newPin of ['1234', '0000', '98765', member.pin, '123', '123456789', '۱۳۵۷۹', '13a5'])
      await expectError(
        await changePin(member.staffId, { currentPin: member.pin, newPin }),
        400,
        'pin_weak',
      );
    // A PIN in another script is not the PIN as ASCII digits: wrong, not weak.
    await expectError(
      await changePin(member.staffId, { currentPin: '۲۵۸۰', newPin: '135792' }),
      403,
      'pin_wrong',
    );
    // Still the old PIN: nothing above changed it.
    expect(
      await verifyPin(
        member.pin,
        (await registry.handler.state.staff.member(DEMO_CENTER_ID, member.staffId))?.pinVerifier,
      ),
    ).toBe(true);
  });

  it(`refuses a member's change after ${PIN_CHANGE_MAX_WRONG} wrong current PINs in 15 minutes, from any tablet, with 429 and Retry-After`, async () => {
    const member = await memberWithClerksPin('S-guessed');
    const other = await memberWithClerksPin('S-not-guessed');
    const right = { currentPin: member.pin, newPin: '135792' };
    const started = clock;
    for (let attempt = 0; attempt < PIN_CHANGE_MAX_WRONG; attempt++) {
      clock = started + attempt * 60_000;
      await expectError(
        await changePin(
          member.staffId,
          { currentPin: '1357', newPin: '135792' },
          attempt % 2 ? neighbour : tablet,
        ),
        403,
        'pin_wrong',
      );
    }
    const limited = await changePin(member.staffId, right, neighbour);
    await expectError(limited.clone(), 429, 'rate_limited');
    // The oldest wrong PIN leaves the window 15 minutes after it was given.
    expect(limited.headers.get('retry-after')).toBe(
      String((PIN_CHANGE_WINDOW_MS - 4 * 60_000) / 1000),
    );
    await expectError(await changePin(member.staffId, right, tablet), 429, 'rate_limited');
    // Another member is not held up.
    expect((await changePin(other.staffId, right)).status).toBe(200);
    clock = started + PIN_CHANGE_WINDOW_MS + 1;
    expect((await changePin(member.staffId, right)).status).toBe(200);
    clock = FIXED_NOW.getTime();
  });

  it('counts a wrong PIN still being checked, so parallel guesses cannot pass the limit', async () => {
    const member = await memberWithClerksPin('S-parallel');
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        changePin(member.staffId, { currentPin: String(4000 + index * 7), newPin: '135792' }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 403)).toHaveLength(PIN_CHANGE_MAX_WRONG);
    expect(statuses.filter((status) => status === 429)).toHaveLength(12 - PIN_CHANGE_MAX_WRONG);
  });

  it('answers a cross-origin preflight on both roster routes, as on pull and push', async () => {
    for (const path of [staffPath(DEMO_CENTER_ID), staffPinPath(DEMO_CENTER_ID, 'S-07')]) {
      const preflight = await fetch(registry.base + path, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://tablet.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, x-device-id, content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Device-Id/);
    }
  });

  it('takes the device checks first, and refuses a GET with 405', async () => {
    const body = JSON.stringify({ currentPin: TEST_OTHER_CLERK.pin, newPin: '135792' });
    const post = (headers: Record<string, string>, centerId = DEMO_CENTER_ID) =>
      fetch(registry.base + staffPinPath(centerId, TEST_OTHER_CLERK.staffId), {
        method: 'POST',
        headers,
        body,
      });
    await expectError(await post({ 'Content-Type': 'application/json' }), 401, 'unauthorized');
    await expectError(await post(tablet.headers(), 'THR-012'), 403, 'forbidden');
    await expectError(await post(tablet.headers(), 'NOWHERE-9'), 404, 'not_found');
    expect(
      (
        await fetch(registry.base + staffPinPath(DEMO_CENTER_ID, TEST_SUPERVISOR.staffId), {
          headers: tablet.headers(),
        })
      ).status,
    ).toBe(405);
    expect(
      await verifyPin(
        TEST_OTHER_CLERK.pin,
        (await registry.handler.state.staff.member(DEMO_CENTER_ID, TEST_OTHER_CLERK.staffId))
          ?.pinVerifier,
      ),
    ).toBe(true);
  });
});
