// @vitest-environment node
// The administrator endpoints: they take the administrator token and nothing else, answer no
// cross-origin request, check every member of a body, and a refused request changes nothing. The
// roster's (2.1) never answer a verifier, and make real ones (600,000 iterations, ~90 ms each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CenterProfile,
  DeviceRecord,
  EnrolmentCodeResponse,
  ErrorBody,
  PullResponse,
  StaffPullResponse,
  StaffRecord,
} from '../src/protocol/protocol.ts';
import {
  DEFAULT_CENTER_RULES,
  DEMO_CENTER_ID,
  centerAdminPath,
  centerDevicesPath,
  centerStaffAdminPath,
  enrolmentCodesPath,
  staffAdminPath,
  staffPath,
  withdrawDevicePath,
} from '../src/protocol/protocol.ts';
import { PIN_ITERATIONS, verifyPin } from '../src/domain/pin-verifier.ts';
import { TEST_CLERK, TEST_SUPERVISOR } from '../tests/factories/staff.ts';
import { parseEnrolmentCode } from '../src/domain/enrolment-code.ts';
import { FIXED_NOW } from '../tests/factories/time.ts';
import { sha256Hex } from './device-registry.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { pullPath, startRegistry } from './test-helpers.ts';

let registry: RunningRegistry;
let device: TestDevice;

// A worker's first in-memory database runs initdb and the migrations (seconds on a busy
// machine): more than vitest's default 10 s hook timeout allows.
const START_TIMEOUT_MS = 60_000;

beforeAll(async () => {
  registry = await startRegistry({ seedCards: 5, now: () => FIXED_NOW });
  device = await registry.enrolDevice();
}, START_TIMEOUT_MS);
afterAll(async () => {
  await registry.close();
});

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(((await response.json()) as ErrorBody).error.code).toBe(code);
}

/**
 * Every row of every table of the registry's database, as text: what it keeps, to show a secret
 * is kept only as its digest (as the data file and its journal were once searched).
 */
async function databaseText(): Promise<string> {
  const db = registry.handler.state.db;
  // Each table once: a partitioned table's rows are read through it, not its partitions.
  const tables = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  expect(tables.map((table) => table.name)).toEqual(
    expect.arrayContaining(['devices', 'enrolment_codes', 'staff']),
  );
  const parts: string[] = [];
  for (const { name } of tables)
    parts.push(JSON.stringify(await db.query(`SELECT * FROM "${name}"`)));
  return parts.join('\n');
}

/** What each endpoint could change, to show a refused request changed nothing. */
async function registryState() {
  const state = registry.handler.state;
  return JSON.stringify({
    devices: await state.devices.all(),
    staff: await state.staff.all(),
    demo: await state.centerProfile(DEMO_CENTER_ID),
    created: await state.hasCenter('NEW-77'),
  });
}

const CHANGES: Array<[string, string, () => string, string]> = [
  ['issue a code', 'POST', () => enrolmentCodesPath(DEMO_CENTER_ID), '{}'],
  ['list devices', 'GET', () => centerDevicesPath(DEMO_CENTER_ID), ''],
  ['withdraw a device', 'POST', () => withdrawDevicePath(device.deviceId), '{}'],
  ['set a center', 'PUT', () => centerAdminPath(DEMO_CENTER_ID), '{"name":"x"}'],
  ['create a center', 'PUT', () => centerAdminPath('NEW-77'), '{}'],
  ['list staff', 'GET', () => centerStaffAdminPath(DEMO_CENTER_ID), ''],
  [
    'add staff',
    'POST',
    () => centerStaffAdminPath(DEMO_CENTER_ID),
    '{"staffId":"S-90","name":"کارمند","role":"clerk","pin":"135790"}',
  ],
  ['set a PIN', 'PUT', () => `${staffAdminPath(DEMO_CENTER_ID, 'S-07')}/pin`, '{"pin":"135790"}'],
  ['deactivate staff', 'POST', () => `${staffAdminPath(DEMO_CENTER_ID, 'S-03')}/deactivate`, '{}'],
];

describe('the administrator endpoints refuse', () => {
  describe.each(CHANGES)('to %s', (_name, method, path, body) => {
    it.each([
      ['no Authorization', () => ({})],
      ['a device token', () => ({ Authorization: `Bearer ${device.token}` })],
      ['a device token with its X-Device-Id', () => device.headers()],
      ['a wrong token', () => ({ Authorization: 'Bearer not-the-administrator-token' })],
      ['Basic credentials', () => ({ Authorization: 'Basic YWRtaW46YWRtaW4=' })],
    ])('with %s (401), changing nothing', async (_how, headers) => {
      const before = await registryState();
      const response = await fetch(registry.base + path(), {
        method,
        headers: { 'Content-Type': 'application/json', ...headers() },
        ...(method === 'GET' ? {} : { body }),
      });
      await expectError(response, 401, 'unauthorized');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await registryState()).toBe(before);
    });

    it('a cross-site text/plain POST, the kind any web page can send (401), changing nothing', async () => {
      const before = await registryState();
      const response = await fetch(registry.base + path(), {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
        body: body || '{}',
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await registryState()).toBe(before);
    });

    it('a preflight, with no cross-origin header at all', async () => {
      const preflight = await fetch(registry.base + path(), {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://evil.example',
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBe(401);
      for (const [header] of preflight.headers) expect(header).not.toMatch(/^access-control-/);
    });
  });

  it('answer no cross-origin header even with the administrator token', async () => {
    const response = await registry.admin(centerDevicesPath(DEMO_CENTER_ID), {
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(200);
    for (const [header] of response.headers) expect(header).not.toMatch(/^access-control-/);
  });

  it('a body over 4 KiB with 413', async () => {
    const response = await registry.admin(centerAdminPath(DEMO_CENTER_ID), {
      method: 'PUT',
      body: JSON.stringify({ name: 'x'.repeat(5000) }),
    });
    await expectError(response, 413, 'batch_too_large');
  });

  it('an unknown path with 404 and a wrong method with 405, once the token is right', async () => {
    await expectError(await registry.admin('/api/v2/admin/nothing'), 404, 'not_found');
    const wrong = await registry.admin(enrolmentCodesPath(DEMO_CENTER_ID));
    expect(wrong.headers.get('allow')).toBe('POST');
    await expectError(wrong, 405, 'method_not_allowed');
    await expectError(await fetch(`${registry.base}/api/v2/admin/nothing`), 401, 'unauthorized');
  });
});

describe('POST enrolment-codes', () => {
  it('issues a one-time code for a day by default, kept only as its digest', async () => {
    const response = await registry.admin(enrolmentCodesPath(DEMO_CENTER_ID), {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(201);
    const issued = (await response.json()) as EnrolmentCodeResponse;
    expect(issued).toEqual({
      code: expect.stringMatching(/^\d{4}-\d{4}-\d{4}$/),
      centerId: DEMO_CENTER_ID,
      expiresAt: new Date(FIXED_NOW.getTime() + 24 * 60 * 60_000).toISOString(),
      enrolPath: `/enrol?code=${issued.code.replace(/-/g, '')}`,
    });
    const digits = issued.code.replace(/-/g, '');
    expect(parseEnrolmentCode(issued.code)).toEqual({ ok: true, code: digits });
    const onDisk = await databaseText();
    expect(onDisk).not.toContain(digits);
    expect(onDisk).toContain(sha256Hex(digits));
  });

  it('takes validMinutes from 1 to 10080', async () => {
    for (const validMinutes of [1, 10_080]) {
      const issued = await registry.issueEnrolmentCode(DEMO_CENTER_ID, validMinutes);
      expect(issued.expiresAt).toBe(
        new Date(FIXED_NOW.getTime() + validMinutes * 60_000).toISOString(),
      );
    }
  });

  it.each([
    [{ validMinutes: 0 }],
    [{ validMinutes: 10_081 }],
    [{ validMinutes: 1.5 }],
    [{ validMinutes: '60' }],
    [{ centerId: 'OTHER' }],
  ])('refuses %j with 400 and issues nothing', async (body) => {
    const before = (await registry.handler.state.devices.all()).enrolmentCodes.length;
    const response = await registry.admin(enrolmentCodesPath(DEMO_CENTER_ID), {
      method: 'POST',
      body: JSON.stringify(body),
    });
    await expectError(response, 400, 'malformed');
    expect((await registry.handler.state.devices.all()).enrolmentCodes).toHaveLength(before);
  });

  it('answers an unknown center with 404', async () => {
    await expectError(
      await registry.admin(enrolmentCodesPath('NOWHERE-1'), { method: 'POST', body: '{}' }),
      404,
      'not_found',
    );
  });
});

describe('GET devices and POST withdraw', () => {
  it("lists a center's devices without their keys or token digests", async () => {
    const response = await registry.admin(centerDevicesPath(DEMO_CENTER_ID));
    const { devices } = (await response.json()) as { devices: DeviceRecord[] };
    expect(devices).toContainEqual({
      deviceId: device.deviceId,
      centerId: DEMO_CENTER_ID,
      status: 'active',
      enrolledAt: FIXED_NOW.toISOString(),
      withdrawnAt: null,
    });
    for (const listed of devices)
      expect(Object.keys(listed).sort()).toEqual([
        'centerId',
        'deviceId',
        'enrolledAt',
        'status',
        'withdrawnAt',
      ]);
    await expectError(await registry.admin(centerDevicesPath('NOWHERE-1')), 404, 'not_found');
  });

  it('withdraws a device, which then shows as withdrawn; an unknown one is 404', async () => {
    const leaving = await registry.enrolDevice({ deviceId: 'tablet-leaving' });
    const response = await registry.admin(withdrawDevicePath(leaving.deviceId), {
      method: 'POST',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      device: {
        deviceId: 'tablet-leaving',
        centerId: DEMO_CENTER_ID,
        status: 'withdrawn',
        enrolledAt: FIXED_NOW.toISOString(),
        withdrawnAt: FIXED_NOW.toISOString(),
      },
    });
    const { devices } = (await (
      await registry.admin(centerDevicesPath(DEMO_CENTER_ID))
    ).json()) as { devices: DeviceRecord[] };
    expect(devices.find((listed) => listed.deviceId === 'tablet-leaving')?.status).toBe(
      'withdrawn',
    );
    await expectError(
      await registry.admin(withdrawDevicePath('no-such-tablet'), { method: 'POST' }),
      404,
      'not_found',
    );
  });
});

describe('PUT a center', () => {
  const put = (centerId: string, body: unknown) =>
    registry.admin(centerAdminPath(centerId), { method: 'PUT', body: JSON.stringify(body) });

  it('creates a center with the default rules and its id as its name', async () => {
    const response = await put('ISF-005', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      centerId: 'ISF-005',
      name: 'ISF-005',
      rules: DEFAULT_CENTER_RULES,
    });
  });

  it('sets the name and some rules, keeping the others, and every pull page carries them', async () => {
    const response = await put('SHZ-009', {
      name: '  مرکز شیراز ۹ ',
      rules: { proxyPickupAllowed: false, idleLockMinutes: 240 },
    });
    const expected: CenterProfile = {
      centerId: 'SHZ-009',
      name: 'مرکز شیراز ۹',
      rules: { proxyPickupAllowed: false, idleLockMinutes: 240, detailsRetentionDays: 30 },
    };
    expect(await response.json()).toEqual(expected);
    expect(await (await put('SHZ-009', { rules: { detailsRetentionDays: 0 } })).json()).toEqual({
      ...expected,
      rules: { ...expected.rules, detailsRetentionDays: 0 },
    });
    const tablet = await registry.enrolDevice({ centerId: 'SHZ-009', deviceId: 'tablet-shz' });
    const page = (await (
      await fetch(registry.base + pullPath('SHZ-009'), { headers: tablet.headers() })
    ).json()) as PullResponse;
    expect(page.center).toEqual({
      ...expected,
      rules: { ...expected.rules, detailsRetentionDays: 0 },
    });
    expect(await (await registry.admin(centerAdminPath('SHZ-009'))).json()).toEqual(page.center);
  });

  it.each([
    [{ name: '' }],
    [{ name: '   ' }],
    [{ name: 7 }],
    [{ name: 'a\u0007b' }],
    [{ name: 'x'.repeat(201) }],
    [{ rules: { proxyPickupAllowed: 'false' } }],
    [{ rules: { proxyPickupAllowed: 0 } }],
    [{ rules: { idleLockMinutes: 0 } }],
    [{ rules: { idleLockMinutes: 241 } }],
    [{ rules: { idleLockMinutes: 1.5 } }],
    [{ rules: { idleLockMinutes: '10' } }],
    [{ rules: { detailsRetentionDays: -1 } }],
    [{ rules: { detailsRetentionDays: 3651 } }],
    [{ rules: { lockScreen: true } }],
    [{ rules: [] }],
    [{ token: 'a-center-token' }],
    ['a list'],
  ])('refuses %j with 400 and changes nothing', async (body) => {
    const before = await registryState();
    await expectError(await put(DEMO_CENTER_ID, body), 400, 'malformed');
    await expectError(await put('NEW-77', body), 400, 'malformed');
    expect(await registryState()).toBe(before);
  });
});

describe('the roster', () => {
  const add = (body: unknown, centerId = DEMO_CENTER_ID) =>
    registry.admin(centerStaffAdminPath(centerId), { method: 'POST', body: JSON.stringify(body) });
  const setPin = (staffId: string, body: unknown, centerId = DEMO_CENTER_ID) =>
    registry.admin(`${staffAdminPath(centerId, staffId)}/pin`, {
      method: 'PUT',
      body: JSON.stringify(body),
    });
  const deactivate = (staffId: string, init: RequestInit = { method: 'POST' }) =>
    registry.admin(`${staffAdminPath(DEMO_CENTER_ID, staffId)}/deactivate`, init);
  const stored = (staffId: string) => registry.handler.state.staff.member(DEMO_CENTER_ID, staffId);
  const RECORD_KEYS = [
    'active',
    'centerId',
    'deactivatedAt',
    'name',
    'pinSetAt',
    'role',
    'staffId',
    'updatedAt',
    'version',
  ];

  it('adds a member with a real verifier of their PIN, answering a record without it', async () => {
    const response = await add({
      staffId: 'S-201',
      name: '  علی محمدی ',
      role: 'supervisor',
      pin: '482913',
    });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toMatch(/482913|pinVerifier|PBKDF2/);
    const { staff } = JSON.parse(text) as { staff: StaffRecord };
    expect(staff).toEqual({
      staffId: 'S-201',
      centerId: DEMO_CENTER_ID,
      name: 'علی محمدی',
      role: 'supervisor',
      active: true,
      deactivatedAt: null,
      pinSetAt: FIXED_NOW.toISOString(),
      version: staff.version,
      updatedAt: FIXED_NOW.toISOString(),
    });
    expect(Object.keys(staff).sort()).toEqual(RECORD_KEYS);
    const verifier = (await stored('S-201'))?.pinVerifier;
    expect(verifier?.iterations).toBe(PIN_ITERATIONS);
    expect(await verifyPin('482913', verifier)).toBe(true);
    // The database holds the verifier, never the PIN.
    const onDisk = await databaseText();
    expect(onDisk).toContain(verifier!.hash);
    expect(onDisk).not.toContain('482913');
    const page = (await (
      await fetch(registry.base + staffPath(DEMO_CENTER_ID), { headers: device.headers() })
    ).json()) as StaffPullResponse;
    expect(page.items.find((item) => item.staffId === 'S-201')).toMatchObject({
      version: staff.version,
      pinVerifier: verifier,
    });
  });

  it.each([
    ['no staffId', { name: 'x', role: 'clerk', pin: '135790' }],
    ['an empty staffId', { staffId: '', name: 'x', role: 'clerk', pin: '135790' }],
    ['a staffId with a space', { staffId: 'S 1', name: 'x', role: 'clerk', pin: '135790' }],
    [
      'a staffId of 33 characters',
      { staffId: 'S'.repeat(33), name: 'x', role: 'clerk', pin: '135790' },
    ],
    ['a Persian staffId', { staffId: 'ک-۱', name: 'x', role: 'clerk', pin: '135790' }],
    ['a number as staffId', { staffId: 7, name: 'x', role: 'clerk', pin: '135790' }],
    ['no name', { staffId: 'S-91', role: 'clerk', pin: '135790' }],
    ['a blank name', { staffId: 'S-91', name: '   ', role: 'clerk', pin: '135790' }],
    [
      'a name of 201 characters',
      { staffId: 'S-91', name: 'ن'.repeat(201), role: 'clerk', pin: '135790' },
    ],
    [
      'a control character in the name',
      { staffId: 'S-91', name: 'a\nb', role: 'clerk', pin: '135790' },
    ],
    ['another role', { staffId: 'S-91', name: 'x', role: 'admin', pin: '135790' }],
    ['no PIN', { staffId: 'S-91', name: 'x', role: 'clerk' }],
    ['a number as PIN', { staffId: 'S-91', name: 'x', role: 'clerk', pin: 135790 }],
    ['another member', { staffId: 'S-91', name: 'x', role: 'clerk', pin: '135790', active: false }],
    ['a list', []],
  ])('refuses a body with %s as 400 malformed, changing nothing', async (_name, body) => {
    const before = await registryState();
    await expectError(await add(body), 400, 'malformed');
    expect(await registryState()).toBe(before);
  });

  it.each([
    ['Persian', 'S-۱۰۴۲'],
    ['Arabic-Indic', 'S-\u0661\u0660\u0664\u0662'],
  ])(
    'refuses a staffId with %s digits, saying to write 0–9, changing nothing',
    async (_script, staffId) => {
      const before = await registryState();
      const response = await add({ staffId, name: 'x', role: 'clerk', pin: '135790' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error).toEqual({
        code: 'malformed',
        message: 'staffId must write its digits as 0–9, not Persian or Arabic-Indic digits',
      });
      expect(await registryState()).toBe(before);
    },
  );

  it.each([['1234'], ['0000'], ['9876'], ['123'], ['123456789'], ['۱۳۵۷۹'], ['13 57']])(
    'refuses the PIN %j as 400 pin_weak',
    async (pin) => {
      await expectError(
        await add({ staffId: 'S-92', name: 'x', role: 'clerk', pin }),
        400,
        'pin_weak',
      );
      expect(await stored('S-92')).toBeUndefined();
    },
  );

  it('answers an unknown center 404 and a taken id, active or deactivated, 409 staff_id_taken', async () => {
    await expectError(await registry.admin(centerStaffAdminPath('NOWHERE-9')), 404, 'not_found');
    await expectError(
      await add({ staffId: 'S-93', name: 'x', role: 'clerk', pin: '135790' }, 'NOWHERE-9'),
      404,
      'not_found',
    );
    await expectError(
      await add({ staffId: TEST_CLERK.staffId, name: 'x', role: 'clerk', pin: '135790' }),
      409,
      'staff_id_taken',
    );
    await registry.seedStaff(DEMO_CENTER_ID, [{ ...TEST_CLERK, staffId: 'S-left' }]);
    expect((await deactivate('S-left')).status).toBe(200);
    await expectError(
      await add({ staffId: 'S-left', name: 'x', role: 'clerk', pin: '135790' }),
      409,
      'staff_id_taken',
    );
    expect((await stored('S-left'))?.active).toBe(false);
  });

  it('sets a PIN: a new verifier, pinSetAt and version; refuses a weak one, the current one, unknown and deactivated staff', async () => {
    await registry.seedStaff(DEMO_CENTER_ID, [{ ...TEST_SUPERVISOR, staffId: 'S-forgot' }]);
    const before = (await stored('S-forgot'))!;
    const response = await setPin('S-forgot', { pin: '24680' });
    expect(response.status).toBe(200);
    const { staff } = (await response.json()) as { staff: StaffRecord };
    expect(Object.keys(staff).sort()).toEqual(RECORD_KEYS);
    expect(staff.version).toBeGreaterThan(before.version);
    expect(await verifyPin('24680', (await stored('S-forgot'))?.pinVerifier)).toBe(true);

    await expectError(await setPin('S-forgot', { pin: '24680' }), 400, 'pin_weak');
    await expectError(await setPin('S-forgot', { pin: '5555' }), 400, 'pin_weak');
    await expectError(await setPin('S-forgot', { pin: 24680 }), 400, 'malformed');
    await expectError(await setPin('S-forgot', {}), 400, 'malformed');
    await expectError(await setPin('S-forgot', { pin: '24680', name: 'x' }), 400, 'malformed');
    await expectError(await setPin('S-nobody', { pin: '97531' }), 404, 'staff_not_found');
    await expectError(await setPin('S-forgot', { pin: '97531' }, 'NOWHERE-9'), 404, 'not_found');
    await registry.seedStaff(DEMO_CENTER_ID, [{ ...TEST_CLERK, staffId: 'S-gone-admin' }]);
    await deactivate('S-gone-admin');
    await expectError(await setPin('S-gone-admin', { pin: '97531' }), 403, 'staff_inactive');
    const wrongMethod = await registry.admin(`${staffAdminPath(DEMO_CENTER_ID, 'S-forgot')}/pin`, {
      method: 'POST',
      body: '{"pin":"97531"}',
    });
    expect(wrongMethod.headers.get('allow')).toBe('PUT');
    await expectError(wrongMethod, 405, 'method_not_allowed');
  });

  it('deactivates a member for good; again changes nothing; an unknown one is 404', async () => {
    await registry.seedStaff(DEMO_CENTER_ID, [{ ...TEST_CLERK, staffId: 'S-leaving' }]);
    const response = await deactivate('S-leaving');
    expect(response.status).toBe(200);
    const { staff } = (await response.json()) as { staff: StaffRecord };
    expect(staff).toMatchObject({ active: false, deactivatedAt: FIXED_NOW.toISOString() });
    expect((await stored('S-leaving'))?.pinVerifier).toBeNull();
    const again = await deactivate('S-leaving', { method: 'POST', body: '{}' });
    expect(((await again.json()) as { staff: StaffRecord }).staff).toEqual(staff);
    await expectError(await deactivate('S-nobody'), 404, 'staff_not_found');
    await expectError(
      await deactivate('S-leaving', { method: 'POST', body: '{"at":1}' }),
      400,
      'malformed',
    );
    await expectError(await deactivate('S-leaving', { method: 'GET' }), 405, 'method_not_allowed');
  });

  it('lists every member, active or not, with pinSetAt and without a verifier', async () => {
    const response = await registry.admin(centerStaffAdminPath(DEMO_CENTER_ID));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toMatch(/pinVerifier|salt|PBKDF2/);
    const { staff } = JSON.parse(text) as { staff: StaffRecord[] };
    expect(staff.map((member) => member.staffId)).toEqual(
      (await registry.handler.state.staff.membersOf(DEMO_CENTER_ID)).map(
        (member) => member.staffId,
      ),
    );
    expect(staff.some((member) => !member.active)).toBe(true);
    for (const member of staff) expect(Object.keys(member).sort()).toEqual(RECORD_KEYS);
    const wrongMethod = await registry.admin(centerStaffAdminPath(DEMO_CENTER_ID), {
      method: 'PUT',
    });
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });
});
