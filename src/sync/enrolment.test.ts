// Enrolment against a scripted registry: what the tablet sends, what it stores, and that every
// refusal leaves the tablet as it was. (tests/integration/enrolment.test.ts runs it against the
// real mock registry.)
import { describe, expect, it } from 'vitest';
import { EnrolmentFailed, enrolTablet, leaveAndRetire, normalizeRegistryUrl } from './enrolment.ts';
import { readDeviceKey } from '../db/enrolment.ts';
import { recordHandover } from '../db/handovers.ts';
import { isEnrolled, readSettings } from '../db/settings.ts';
import { CommandRefused } from '../domain/refusals.ts';
import {
  DEFAULT_CENTER_RULES,
  ENROLMENT_PATH,
  RETIRE_DEVICE_PATH,
  type EnrolmentRequest,
  type EnrolmentResponse,
} from '../protocol/protocol.ts';
import { createCard, holderHandover } from '../../tests/factories/cards.ts';
import { TEST_DEVICE_ID, testCommandContext } from '../../tests/factories/context.ts';
import { createTestDatabase } from '../../tests/factories/database.ts';
import { FIXED_NOW } from '../../tests/factories/time.ts';
import type { TahvilDatabase } from '../db/database.ts';

const CODE = '1234-5678-9015';
const RULES = { proxyPickupAllowed: false, idleLockMinutes: 5, detailsRetentionDays: 14 };

function answer(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** A registry answering enrolments with `respond`, and taking every retirement. */
function registry(respond: (request: EnrolmentRequest) => Response) {
  const requests: Array<{ url: string; body: EnrolmentRequest; headers: Headers }> = [];
  const retired: Array<{ url: string; headers: Headers }> = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith(RETIRE_DEVICE_PATH)) {
      retired.push({ url: String(input), headers: new Headers(init?.headers) });
      return answer({ device: { status: 'withdrawn' } });
    }
    const body = JSON.parse(String(init?.body)) as EnrolmentRequest;
    requests.push({ url: String(input), body, headers: new Headers(init?.headers) });
    return respond(body);
  };
  return { fetch: fetchFn as typeof fetch, requests, retired };
}

const enrolled = (request: EnrolmentRequest): EnrolmentResponse => ({
  deviceId: request.deviceId,
  deviceToken: 'token-for-this-device',
  enrolledAt: '2026-12-01T07:01:00.000Z',
  center: { centerId: 'DEMO-01', name: 'مرکز نمونه', rules: RULES },
});

async function snapshot(db: TahvilDatabase) {
  return {
    settings: await readSettings(db),
    key: (await readDeviceKey(db))?.publicJwk ?? null,
    cards: await db.cards.count(),
    events: await db.events.count(),
  };
}

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
    return 'enrolled';
  } catch (error) {
    if (error instanceof EnrolmentFailed) return error.problem;
    if (error instanceof CommandRefused) return error.refusal;
    throw error;
  }
}

describe('enrolTablet', () => {
  it('sends the code, the device id and a new public key; stores the token, the center, its rules and the key', async () => {
    const db = await createTestDatabase([], { enrolment: null });
    const { fetch, requests } = registry((request) => answer(enrolled(request)));
    const center = await enrolTablet(
      db,
      { registryUrl: ' https://registry.example/ ', code: '۱۲۳۴ ۵۶۷۸ ۹۰۱۵' },
      { fetch, now: () => FIXED_NOW },
    );
    expect(center).toEqual({ centerId: 'DEMO-01', name: 'مرکز نمونه', rules: RULES });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe(`https://registry.example${ENROLMENT_PATH}`);
    expect(request?.headers.get('Authorization')).toBeNull();
    expect(request?.body).toEqual({
      code: '123456789015',
      // A device id of its own for this enrolment, not the one the tablet started with.
      deviceId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ) as unknown,
      publicKey: expect.objectContaining({ kty: 'EC', crv: 'P-256' }) as unknown,
    });
    expect(request?.body.deviceId).not.toBe(TEST_DEVICE_ID);
    const key = await readDeviceKey(db);
    expect(key?.publicJwk).toEqual(request?.body.publicKey);
    expect(key?.privateKey.extractable).toBe(false);
    const settings = await readSettings(db);
    expect(isEnrolled(settings)).toBe(true);
    expect(settings).toMatchObject({
      deviceId: request?.body.deviceId,
      centerId: 'DEMO-01',
      centerName: 'مرکز نمونه',
      deviceToken: 'token-for-this-device',
      registryUrl: 'https://registry.example',
      rules: RULES,
    });
  });

  it('holds every new handover while the registry is being asked, and lets go when it fails', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    let whileAsking: unknown = null;
    const slowRegistry = (async () => {
      // Another tab tries to record while the request is on its way.
      whileAsking = await recordHandover(db, holderHandover(card), testCommandContext()).then(
        () => 'recorded',
        (error: unknown) => (error instanceof CommandRefused ? error.refusal : error),
      );
      return answer({ error: { code: 'enrolment_code_expired', message: 'expired' } }, 410);
    }) as typeof fetch;
    expect(
      await failureOf(
        enrolTablet(
          db,
          { registryUrl: '', code: CODE },
          { fetch: slowRegistry, now: () => FIXED_NOW },
        ),
      ),
    ).toBe('code-expired');
    expect(whileAsking).toBe('enrolment-in-progress');
    await expect(
      recordHandover(db, holderHandover(card), testCommandContext()),
    ).resolves.toMatchObject({ cardId: card.cardId });
  });

  it('makes a new key and a new device id for every enrolment', async () => {
    const db = await createTestDatabase([], { enrolment: null });
    const { fetch, requests } = registry((request) => answer(enrolled(request)));
    await enrolTablet(db, { registryUrl: '', code: CODE }, { fetch, now: () => FIXED_NOW });
    await enrolTablet(db, { registryUrl: '', code: CODE }, { fetch, now: () => FIXED_NOW });
    expect(requests[0]?.body.publicKey).not.toEqual(requests[1]?.body.publicKey);
    expect(requests[0]?.body.deviceId).not.toBe(requests[1]?.body.deviceId);
    expect((await readDeviceKey(db))?.publicJwk).toEqual(requests[1]?.body.publicKey);
  });

  it.each([
    [403, 'enrolment_code_invalid', 'code-invalid'],
    [410, 'enrolment_code_expired', 'code-expired'],
    [409, 'enrolment_code_used', 'code-used'],
    [429, 'rate_limited', 'rate-limited'],
    [409, 'device_id_taken', 'device-id-taken'],
    [500, 'internal', 'server-error'],
    [502, '', 'server-error'],
    [400, 'malformed', 'bad-response'],
  ])('on %i %s fails with %s and changes nothing', async (status, code, problem) => {
    const db = await createTestDatabase([], { enrolment: null });
    const before = await snapshot(db);
    const { fetch } = registry(() =>
      code
        ? answer({ error: { code, message: code } }, status)
        : new Response('bad gateway', { status }),
    );
    expect(
      await failureOf(
        enrolTablet(db, { registryUrl: '', code: CODE }, { fetch, now: () => FIXED_NOW }),
      ),
    ).toBe(problem);
    expect(await snapshot(db)).toEqual(before);
  });

  it('fails as unreachable without a network, and as a bad response on an answer it cannot read', async () => {
    const db = await createTestDatabase([], { enrolment: null });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(
      await failureOf(
        enrolTablet(db, { registryUrl: '', code: CODE }, { fetch: offline, now: () => FIXED_NOW }),
      ),
    ).toBe('unreachable');
    for (const body of [
      { deviceToken: 'x' },
      (request: EnrolmentRequest) => ({ ...enrolled(request), deviceId: 'another-device' }),
      (request: EnrolmentRequest) => ({
        ...enrolled(request),
        center: {
          ...enrolled(request).center,
          rules: { ...DEFAULT_CENTER_RULES, idleLockMinutes: -1 },
        },
      }),
    ]) {
      const { fetch } = registry((request) =>
        answer(typeof body === 'function' ? body(request) : body),
      );
      expect(
        await failureOf(
          enrolTablet(db, { registryUrl: '', code: CODE }, { fetch, now: () => FIXED_NOW }),
        ),
      ).toBe('bad-response');
    }
    expect(isEnrolled(await readSettings(db))).toBe(false);
  });

  it('refuses a mistyped code or a registry address it cannot use before asking anyone', async () => {
    const db = await createTestDatabase([], { enrolment: null });
    const { fetch, requests } = registry((request) => answer(enrolled(request)));
    const deps = { fetch, now: () => FIXED_NOW };
    expect(
      await failureOf(enrolTablet(db, { registryUrl: '', code: '1234-5678-9016' }, deps)),
    ).toEqual({ code: 'check-digit' });
    expect(await failureOf(enrolTablet(db, { registryUrl: '', code: '' }, deps))).toEqual({
      code: 'empty',
    });
    expect(await failureOf(enrolTablet(db, { registryUrl: 'ftp://x', code: CODE }, deps))).toBe(
      'registry-url-invalid',
    );
    expect(requests).toEqual([]);
  });

  it('does not spend the code while the tablet holds unsent events of its center', async () => {
    const card = createCard();
    const db = await createTestDatabase([card]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    const before = await snapshot(db);
    const { fetch, requests } = registry((request) => answer(enrolled(request)));
    expect(
      await failureOf(
        enrolTablet(db, { registryUrl: '', code: CODE }, { fetch, now: () => FIXED_NOW }),
      ),
    ).toBe('center-has-unsent-events');
    expect(requests).toEqual([]);
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('retiring the enrolment a tablet leaves', () => {
  it('enrolling anew retires the old device, with its own token, at its own registry', async () => {
    const db = await createTestDatabase([], {
      enrolment: { registryUrl: 'https://old.registry.example', deviceToken: 'old-token' },
    });
    const { fetch, retired } = registry((request) => answer(enrolled(request)));
    await enrolTablet(
      db,
      { registryUrl: 'https://registry.example', code: CODE },
      { fetch, now: () => FIXED_NOW },
    );
    expect(retired).toHaveLength(1);
    expect(retired[0]?.url).toBe(`https://old.registry.example${RETIRE_DEVICE_PATH}`);
    expect(retired[0]?.headers.get('Authorization')).toBe('Bearer old-token');
    expect(retired[0]?.headers.get('X-Device-Id')).toBe(TEST_DEVICE_ID);
  });

  it('a failed enrolment retires nothing, and a first enrolment has nothing to retire', async () => {
    const enrolledDb = await createTestDatabase();
    const refusing = registry(() =>
      answer({ error: { code: 'enrolment_code_used', message: 'used' } }, 409),
    );
    await failureOf(
      enrolTablet(
        enrolledDb,
        { registryUrl: '', code: CODE },
        { fetch: refusing.fetch, now: () => FIXED_NOW },
      ),
    );
    expect(refusing.retired).toEqual([]);
    const fresh = await createTestDatabase([], { enrolment: null });
    const taking = registry((request) => answer(enrolled(request)));
    await enrolTablet(
      fresh,
      { registryUrl: '', code: CODE },
      { fetch: taking.fetch, now: () => FIXED_NOW },
    );
    expect(taking.retired).toEqual([]);
  });

  it('leaving tells the registry when it can, and leaves all the same when it cannot', async () => {
    const online = await createTestDatabase([createCard()]);
    const { fetch, retired } = registry((request) => answer(enrolled(request)));
    expect(await leaveAndRetire(online, { fetch })).toBe(true);
    expect(retired).toHaveLength(1);
    expect(isEnrolled(await readSettings(online))).toBe(false);
    expect(await online.cards.count()).toBe(0);

    const offline = await createTestDatabase([createCard()]);
    const noNetwork = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await leaveAndRetire(offline, { fetch: noNetwork })).toBe(false);
    expect(isEnrolled(await readSettings(offline))).toBe(false);
  });

  it('a tablet that may not leave tells the registry nothing, and the counter works on', async () => {
    const [card, next] = [createCard(), createCard()];
    const db = await createTestDatabase([card, next]);
    await recordHandover(db, holderHandover(card), testCommandContext());
    const { fetch, retired } = registry((request) => answer(enrolled(request)));
    expect(await failureOf(leaveAndRetire(db, { fetch }))).toBe('center-has-unsent-events');
    expect(retired).toEqual([]);
    expect(isEnrolled(await readSettings(db))).toBe(true);
    // No hold is left behind by the refused attempt.
    await recordHandover(db, holderHandover(next), testCommandContext());
    expect(await db.events.count()).toBe(2);
  });
});

describe('normalizeRegistryUrl', () => {
  it('keeps an http(s) origin and path without a trailing slash; empty means this origin', () => {
    expect(normalizeRegistryUrl('')).toBe('');
    expect(normalizeRegistryUrl('  ')).toBe('');
    expect(normalizeRegistryUrl('https://registry.example/')).toBe('https://registry.example');
    expect(normalizeRegistryUrl('http://10.0.0.5:8787/tahvil/')).toBe(
      'http://10.0.0.5:8787/tahvil',
    );
  });

  it('refuses other schemes, credentials, queries and text that is no URL', () => {
    for (const bad of ['ftp://x', 'javascript:alert(1)', 'https://u:p@x', 'https://x/?a=1', 'x y'])
      expect(normalizeRegistryUrl(bad), bad).toBeNull();
  });
});
