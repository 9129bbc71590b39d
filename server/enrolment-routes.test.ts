// @vitest-environment node
// Enrolment: a one-time code, typed or scanned, becomes a device token bound to the device's id,
// key and center; a wrong, expired or used code is refused with its own code, a body that is
// wrong elsewhere never burns the code, and guessing is held to ten failures in ten minutes.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DevicePublicKey,
  EnrolmentCodeResponse,
  EnrolmentResponse,
  ErrorBody,
  PullResponse,
} from '../src/protocol/protocol.ts';
import { DEFAULT_CENTER_RULES, DEMO_CENTER_ID, ENROLMENT_PATH } from '../src/protocol/protocol.ts';
import { generateDeviceKeyPair, verifyEventSignature } from '../src/domain/event-signature.ts';
import { formatEnrolmentCode, luhnCheckDigit } from '../src/domain/enrolment-code.ts';
import { toBase64Url } from '../src/domain/event-signature.ts';
import { createHandoverEvent } from '../tests/factories/events.ts';
import { signedByTestDevice, testDevicePublicKey } from '../tests/factories/device-key.ts';
import { FIXED_NOW } from '../tests/factories/time.ts';
import { sha256Hex } from './device-registry.ts';
import { ENROLMENT_FAILURE_LIMIT } from './enrolment-routes.ts';
import type { RunningRegistry } from './test-helpers.ts';
import { authHeaders, pullPath, startRegistry } from './test-helpers.ts';

let clock = FIXED_NOW.getTime();
let registry: RunningRegistry;
let publicKey: DevicePublicKey;

// A worker's first in-memory database runs initdb and the migrations (seconds on a busy
// machine): more than vitest's default 10 s hook timeout allows.
const START_TIMEOUT_MS = 60_000;

beforeAll(async () => {
  registry = await startRegistry({ seedCards: 5, now: () => new Date(clock) });
  publicKey = await testDevicePublicKey();
}, START_TIMEOUT_MS);
afterAll(() => registry.close());

/** The twelve digits of an issued code. */
function digitsOf(issued: EnrolmentCodeResponse): string {
  return issued.code.replace(/-/g, '');
}

function enrol(body: unknown, base = registry.base): Promise<Response> {
  return fetch(base + ENROLMENT_PATH, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error.message;
}

/** A valid-looking code nobody issued: right length, right check digit. */
function unissuedCode(): string {
  const body = '98765432109';
  return body + luhnCheckDigit(body);
}

let afterCount = 0;

describe('enrolment with a code', () => {
  it('answers the device token, the time and the center profile, and the token works', async () => {
    const issued = await registry.issueEnrolmentCode();
    const response = await enrol({ code: issued.code, deviceId: 'tablet-a-0001', publicKey });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const answer = (await response.json()) as EnrolmentResponse;
    expect(answer).toEqual({
      deviceId: 'tablet-a-0001',
      deviceToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      enrolledAt: new Date(clock).toISOString(),
      center: { centerId: DEMO_CENTER_ID, name: 'مرکز نمونه ۱', rules: DEFAULT_CENTER_RULES },
    });
    const pulled = await fetch(registry.base + pullPath(), {
      headers: authHeaders({ deviceId: 'tablet-a-0001', token: answer.deviceToken }),
    });
    expect(pulled.status).toBe(200);
    expect(((await pulled.json()) as PullResponse).center.centerId).toBe(DEMO_CENTER_ID);
  });

  it('takes a code as typed: Persian digits, spaces or no dashes', async () => {
    for (const [index, typed] of [
      (digits: string) => digits.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!),
      (digits: string) => formatEnrolmentCode(digits).replace(/-/g, ' '),
      (digits: string) => digits,
    ].entries()) {
      const digits = digitsOf(await registry.issueEnrolmentCode());
      const response = await enrol({
        code: typed(digits),
        deviceId: `tablet-typed-${index}`,
        publicKey,
      });
      expect(response.status).toBe(200);
    }
  });

  it('keeps only the digest of the device token and of the code', async () => {
    const issued = await registry.issueEnrolmentCode();
    const response = await enrol({ code: issued.code, deviceId: 'tablet-digest', publicKey });
    const { deviceToken } = (await response.json()) as EnrolmentResponse;
    // What the database keeps of devices and codes: every column of every row.
    const { db } = registry.handler.state;
    const stored = JSON.stringify([
      await db.query('SELECT * FROM devices'),
      await db.query('SELECT * FROM enrolment_codes'),
    ]);
    expect(stored).not.toContain(deviceToken);
    expect(stored).not.toContain(digitsOf(issued));
    expect(stored).toContain(sha256Hex(deviceToken));
    expect(stored).toContain(sha256Hex(digitsOf(issued)));
  });

  it('refuses a code used once already with 409, and the first device keeps its token', async () => {
    const issued = await registry.issueEnrolmentCode();
    const first = (await (
      await enrol({ code: issued.code, deviceId: 'tablet-first', publicKey })
    ).json()) as EnrolmentResponse;
    await expectError(
      await enrol({ code: issued.code, deviceId: 'tablet-second', publicKey }),
      409,
      'enrolment_code_used',
    );
    expect(await registry.handler.state.devices.device('tablet-second')).toBeUndefined();
    const pulled = await fetch(registry.base + pullPath(), {
      headers: authHeaders({ deviceId: 'tablet-first', token: first.deviceToken }),
    });
    expect(pulled.status).toBe(200);
  });

  it('refuses a code after it expired with 410, and takes it until then', async () => {
    const late = await registry.issueEnrolmentCode(DEMO_CENTER_ID, 1);
    const inTime = await registry.issueEnrolmentCode(DEMO_CENTER_ID, 1);
    clock += 59_000;
    expect((await enrol({ code: inTime.code, deviceId: 'tablet-in-time', publicKey })).status).toBe(
      200,
    );
    clock += 1_000;
    await expectError(
      await enrol({ code: late.code, deviceId: 'tablet-late', publicKey }),
      410,
      'enrolment_code_expired',
    );
  });

  it.each([
    ['a code the registry never issued', () => unissuedCode()],
    ['a mistyped digit (the check digit fails)', () => `${unissuedCode().slice(0, 11)}0`],
    ['too few digits', () => '1234-5678'],
    ['letters', () => 'ABCD-EFGH-IJKL'],
    ['an empty code', () => ''],
  ])('refuses %s with 403 enrolment_code_invalid', async (_name, code) => {
    const guard = await startRegistry({ seedCards: 0 });
    try {
      await expectError(
        await enrol({ code: code(), deviceId: 'tablet-guess', publicKey }, guard.base),
        403,
        'enrolment_code_invalid',
      );
    } finally {
      await guard.close();
    }
  });
});

describe('an enrolment body', () => {
  const otherKey = async () => testDevicePublicKey(await generateDeviceKeyPair());
  const notOnTheCurve = (): DevicePublicKey => ({
    ...publicKey,
    y: toBase64Url(new Uint8Array(32).fill(7)),
  });

  it.each([
    ['a code that is not text', () => ({ code: 123456789012, deviceId: 'tablet-x', publicKey })],
    ['no deviceId', () => ({ code: 'CODE', publicKey })],
    ['an empty deviceId', () => ({ code: 'CODE', deviceId: '', publicKey })],
    [
      'a deviceId of 129 characters',
      () => ({ code: 'CODE', deviceId: 'd'.repeat(129), publicKey }),
    ],
    ['a deviceId with a space', () => ({ code: 'CODE', deviceId: 'tablet one', publicKey })],
    ['a deviceId with a newline', () => ({ code: 'CODE', deviceId: 'tablet\n1', publicKey })],
    ['no publicKey', () => ({ code: 'CODE', deviceId: 'tablet-x' })],
    [
      'a publicKey without y',
      () => ({ code: 'CODE', deviceId: 'tablet-x', publicKey: { ...publicKey, y: undefined } }),
    ],
    [
      'a private key (with d)',
      () => ({ code: 'CODE', deviceId: 'tablet-x', publicKey: { ...publicKey, d: publicKey.x } }),
    ],
    [
      'a key of another curve',
      () => ({ code: 'CODE', deviceId: 'tablet-x', publicKey: { ...publicKey, crv: 'P-384' } }),
    ],
    [
      'coordinates of the wrong length',
      () => ({ code: 'CODE', deviceId: 'tablet-x', publicKey: { ...publicKey, x: 'AAAA' } }),
    ],
    [
      'a point not on P-256',
      () => ({ code: 'CODE', deviceId: 'tablet-x', publicKey: notOnTheCurve() }),
    ],
    [
      'an unknown member',
      () => ({ code: 'CODE', deviceId: 'tablet-x', publicKey, staffId: 'S-1' }),
    ],
  ])('with %s is 400 malformed and leaves the code unused', async (_name, body) => {
    // Each case's later enrolment needs a device id of its own.
    const issued = await registry.issueEnrolmentCode();
    const request = JSON.parse(
      JSON.stringify(body()).replace('"CODE"', JSON.stringify(issued.code)),
    ) as unknown;
    await expectError(await enrol(request), 400, 'malformed');
    const after = await enrol({
      code: issued.code,
      deviceId: `tablet-after-${++afterCount}`,
      publicKey: await otherKey(),
    });
    expect(after.status).toBe(200);
  });

  it('over 4 KiB is refused with 413', async () => {
    const issued = await registry.issueEnrolmentCode();
    const response = await enrol(
      `{"code":"${issued.code}","deviceId":"tablet-big","publicKey":${JSON.stringify(publicKey)},"pad":"${'x'.repeat(4096)}"}`,
    );
    await expectError(response, 413, 'batch_too_large');
  });

  it('that is not JSON is 400', async () => {
    await expectError(await enrol('{"code":'), 400, 'malformed');
  });

  it('by GET is 405', async () => {
    const response = await fetch(registry.base + ENROLMENT_PATH);
    expect(response.headers.get('allow')).toBe('POST');
    await expectError(response, 405, 'method_not_allowed');
  });

  it('may come from another origin: the preflight is answered', async () => {
    const preflight = await fetch(registry.base + ENROLMENT_PATH, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://tablet.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
  });
});

describe('a device id the registry knows', () => {
  it.each([
    ['active at this center', 'DEMO-01', false],
    ['active at another center', 'MOVE-2', false],
    ['withdrawn', 'DEMO-01', true],
  ])(
    '(%s) is refused 409 device_id_taken; the code stays unused, the first enrolment untouched',
    async (_name, centerId, withdraw) => {
      await registry.admin('/api/v2/admin/centers/MOVE-2', { method: 'PUT', body: '{}' });
      const deviceId = `tablet-known-${centerId}-${String(withdraw)}`;
      const first = await registry.enrolDevice({ deviceId });
      if (withdraw)
        await registry.admin(`/api/v2/admin/devices/${deviceId}/withdraw`, { method: 'POST' });
      const issued = await registry.issueEnrolmentCode(centerId);
      // Any holder of a valid code, sending the known id with a key of their own.
      await expectError(
        await enrol({
          code: issued.code,
          deviceId,
          publicKey: await testDevicePublicKey(await generateDeviceKeyPair()),
        }),
        409,
        'device_id_taken',
      );
      const stored = await registry.handler.state.devices.device(deviceId);
      expect(stored).toMatchObject({ centerId: 'DEMO-01', publicKey: first.publicKey });
      expect((await fetch(registry.base + pullPath(), { headers: first.headers() })).status).toBe(
        withdraw ? 401 : 200,
      );
      // The code was not spent: a new device id takes it.
      const fresh = await enrol({ code: issued.code, deviceId: `${deviceId}-new`, publicKey });
      expect(fresh.status).toBe(200);
    },
  );

  it('keeps a withdrawn device’s key, which still verifies the events it signed', async () => {
    const keys = await generateDeviceKeyPair();
    const device = await registry.enrolDevice({ deviceId: 'tablet-kept-key', keys });
    const event = await signedByTestDevice(
      createHandoverEvent({
        deviceId: 'tablet-kept-key',
        occurredAt: new Date(clock).toISOString(),
      }),
      keys,
    );
    await registry.admin('/api/v2/admin/devices/tablet-kept-key/withdraw', { method: 'POST' });
    const stored = (await registry.handler.state.devices.device('tablet-kept-key'))!;
    expect(stored.publicKey).toEqual(device.publicKey);
    const key = await registry.handler.state.devices.verifyingKey(stored);
    expect(await verifyEventSignature(event, key)).toBe(true);
  });
});

describe('the guard against guessing', () => {
  it(`after ${ENROLMENT_FAILURE_LIMIT} failures in 10 minutes refuses every enrolment with 429 until the window passes`, async () => {
    let guardClock = FIXED_NOW.getTime();
    const guarded = await startRegistry({ seedCards: 0, now: () => new Date(guardClock) });
    try {
      const good = await guarded.issueEnrolmentCode();
      for (let attempt = 0; attempt < ENROLMENT_FAILURE_LIMIT; attempt++) {
        guardClock += 1_000;
        await expectError(
          await enrol({ code: unissuedCode(), deviceId: 'tablet-guess', publicKey }, guarded.base),
          403,
          'enrolment_code_invalid',
        );
      }
      // Even the right code now: the guard cannot tell a guesser from a clerk.
      const refused = await enrol(
        { code: good.code, deviceId: 'tablet-good', publicKey },
        guarded.base,
      );
      // The first failure came 1 s in, this try at 10 s: that failure leaves the window in 591 s.
      expect(refused.headers.get('retry-after')).toBe('591');
      await expectError(refused, 429, 'rate_limited');
      guardClock += 590_000;
      expect(
        (await enrol({ code: good.code, deviceId: 'tablet-good', publicKey }, guarded.base)).status,
      ).toBe(429);
      guardClock += 1_000;
      expect(
        (await enrol({ code: good.code, deviceId: 'tablet-good', publicKey }, guarded.base)).status,
      ).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('holds its limit against guesses sent in parallel, bodies arriving after the headers', async () => {
    const guarded = await startRegistry({ seedCards: 0 });
    try {
      const { port } = new URL(guarded.base);
      const guess = (code: string) =>
        new Promise<number>((resolve, reject) => {
          const body = JSON.stringify({ code, deviceId: `tablet-${code}`, publicKey });
          const request = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: ENROLMENT_PATH,
              method: 'POST',
              headers: {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(body),
              },
            },
            (response) => {
              response.resume();
              resolve(response.statusCode ?? 0);
            },
          );
          request.on('error', reject);
          request.flushHeaders();
          // Every request is past the first check before any body is read.
          setTimeout(() => request.end(body), 300);
        });
      const statuses = await Promise.all(
        Array.from({ length: 5 * ENROLMENT_FAILURE_LIMIT }, () => guess(unissuedCode())),
      );
      expect(statuses.filter((status) => status === 403)).toHaveLength(ENROLMENT_FAILURE_LIMIT);
      expect(statuses.filter((status) => status === 429)).toHaveLength(4 * ENROLMENT_FAILURE_LIMIT);
    } finally {
      await guarded.close();
    }
  });

  it('counts neither malformed bodies nor injected faults, and a fault never burns the code', async () => {
    const guarded = await startRegistry({ seedCards: 0 });
    try {
      const good = await guarded.issueEnrolmentCode();
      for (let attempt = 0; attempt < ENROLMENT_FAILURE_LIMIT + 2; attempt++)
        await expectError(await enrol({ code: good.code }, guarded.base), 400, 'malformed');
      guarded.handler.setFaults({ failRate: 1 });
      await expectError(
        await enrol({ code: good.code, deviceId: 'tablet-f', publicKey }, guarded.base),
        503,
        'unavailable',
      );
      guarded.handler.setFaults({ failRate: 0, retryAfter429Rate: 1 });
      await expectError(
        await enrol({ code: good.code, deviceId: 'tablet-f', publicKey }, guarded.base),
        429,
        'rate_limited',
      );
      guarded.handler.setFaults({ retryAfter429Rate: 0 });
      expect(
        (await enrol({ code: good.code, deviceId: 'tablet-f', publicKey }, guarded.base)).status,
      ).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
