// @vitest-environment node
// Device identity and signed events: a request speaks for the device its token was issued to, a
// withdrawn device is told so, and an event is kept only from the device it names, with that
// device's signature over exactly what is kept. Every answer but `accepted` has a code and a
// reason; the center's rules come with every pull and the proxy rule is enforced.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  ErrorBody,
  HandoverEvent,
  ProtocolEvent,
  PullResponse,
  PushResponse,
  PushResult,
} from '../src/protocol/protocol.ts';
import {
  DEFAULT_CENTER_RULES,
  DEMO_CENTER_ID,
  PUSH_REASON_CODES,
  RETIRE_DEVICE_PATH,
  centerAdminPath,
  centerDevicesPath,
  withdrawDevicePath,
} from '../src/protocol/protocol.ts';
import { generateDeviceKeyPair } from '../src/domain/event-signature.ts';
import { createHandoverEvent, createVoidEvent } from '../tests/factories/events.ts';
import { PLACEHOLDER_SIGNATURE, signedByTestDevice } from '../tests/factories/device-key.ts';
import { TEST_CLERK, TEST_OTHER_CLERK } from '../tests/factories/staff.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { authHeaders, pullPath, pushPath, startRegistry } from './test-helpers.ts';

/**
 * A worker's first registry creates the in-memory database template (initdb and the
 * migrations), which takes several seconds on a loaded machine: more than the 10 s hook default.
 */
const STARTUP_TIMEOUT_MS = 60_000;

const SEED_CARDS = 20;
let registry: RunningRegistry;
/** The test tablet (TEST_DEVICE_ID, the factories' device) and a second tablet of its center. */
let tablet: TestDevice;
let neighbour: TestDevice;

const PROXY = {
  kind: 'proxy' as const,
  nationalCode: '0499370899',
  fullName: 'علی کریمی',
  relation: 'برادر',
  documentRef: 'وکالت‌نامه ۱۲۳۴',
};

beforeAll(async () => {
  registry = await startRegistry({ seedCards: SEED_CARDS, centers: { 'THR-012': {} } });
  tablet = await registry.enrolDevice();
  neighbour = await registry.enrolDevice({
    deviceId: 'device-neighbour-0002',
    keys: await generateDeviceKeyPair(),
  });
}, STARTUP_TIMEOUT_MS);
afterAll(() => registry.close());
afterEach(async () => {
  await registry.admin(centerAdminPath(DEMO_CENTER_ID), {
    method: 'PUT',
    body: JSON.stringify({ rules: DEFAULT_CENTER_RULES }),
  });
  await registry.handler.reset(SEED_CARDS);
});

async function pushAs(device: TestDevice, events: unknown[]): Promise<PushResult[]> {
  const response = await fetch(registry.base + pushPath(), {
    method: 'POST',
    headers: device.headers(),
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as PushResponse).results;
}

async function pushOne(event: unknown, device = tablet): Promise<PushResult> {
  return (await pushAs(device, [event]))[0] as PushResult;
}

/** The card's holder as a recipient, as the counter records them. */
async function holderOf(cardId: string): Promise<HandoverEvent['recipient']> {
  const card = await registry.handler.state.getCard(DEMO_CENTER_ID, cardId);
  if (!card) throw new Error(`no card ${cardId}`);
  return { kind: 'holder', nationalCode: card.nationalCode, fullName: card.firstName };
}

async function cardStatus(cardId = 'C-0000001') {
  return (await registry.handler.state.getCard(DEMO_CENTER_ID, cardId))?.status;
}

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error.message;
}

describe('device identity', () => {
  const pull = (headers: Record<string, string>, centerId = DEMO_CENTER_ID) =>
    fetch(registry.base + pullPath(centerId), { headers });

  it('lets a device retire itself with its own token, for good; nobody else can retire it', async () => {
    const leaving = await registry.enrolDevice({ deviceId: 'device-retiring-0009' });
    const other = await registry.enrolDevice({ deviceId: 'device-staying-0010' });
    const retire = (headers: Record<string, string>) =>
      fetch(registry.base + RETIRE_DEVICE_PATH, { method: 'POST', headers });
    await expectError(await retire({}), 401, 'unauthorized');
    // Another device's token with this one's id: refused, and this one stays active.
    await expectError(
      await retire(authHeaders({ deviceId: leaving.deviceId, token: other.token })),
      401,
      'unauthorized',
    );
    await expectError(
      await retire({
        Authorization: `Bearer ${registry.handler.adminToken}`,
        'X-Device-Id': leaving.deviceId,
      }),
      401,
      'unauthorized',
    );
    expect((await pull(leaving.headers())).status).toBe(200);
    expect(
      (await fetch(registry.base + RETIRE_DEVICE_PATH, { headers: leaving.headers() })).status,
    ).toBe(405);

    const answer = await retire(leaving.headers());
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { device: { status: string } }).device.status).toBe(
      'withdrawn',
    );
    await expectError(await pull(leaving.headers()), 401, 'device_withdrawn');
    await expectError(await retire(leaving.headers()), 401, 'device_withdrawn');
    const listed = (await (await registry.admin(centerDevicesPath(DEMO_CENTER_ID))).json()) as {
      devices: Array<{ deviceId: string; status: string }>;
    };
    expect(listed.devices.find((device) => device.deviceId === leaving.deviceId)?.status).toBe(
      'withdrawn',
    );
    expect((await pull(other.headers())).status).toBe(200);
  });

  it("refuses a token sent with another device's X-Device-Id with 401", async () => {
    const message = await expectError(
      await pull({ ...tablet.headers(), 'X-Device-Id': neighbour.deviceId }),
      401,
      'unauthorized',
    );
    expect(message).toMatch(/belongs to another device/);
    const push = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: { ...tablet.headers(), 'X-Device-Id': 'device-unknown' },
      body: JSON.stringify({ events: [await tablet.sign(createHandoverEvent())] }),
    });
    await expectError(push, 401, 'unauthorized');
    expect(await cardStatus()).toBe('ready');
  });

  it('checks in the documented order: token, X-Device-Id, its device, withdrawn, center, its center', async () => {
    const { 'X-Device-Id': _omitted, ...noDeviceId } = tablet.headers();
    expect(_omitted).toBe(tablet.deviceId);
    await expectError(await pull({ 'X-Device-Id': tablet.deviceId }), 401, 'unauthorized');
    await expectError(
      await pull(authHeaders({ deviceId: tablet.deviceId, token: 'x'.repeat(43) })),
      401,
      'unauthorized',
    );
    await expectError(await pull(noDeviceId), 400, 'malformed');
    await expectError(await pull(tablet.headers(), 'NOWHERE-9'), 404, 'not_found');
    await expectError(await pull(tablet.headers(), 'THR-012'), 403, 'forbidden');
  });

  it('answers a withdrawn device 401 device_withdrawn on pull and push, before the center checks, for good', async () => {
    const leaving = await registry.enrolDevice({ deviceId: 'device-leaving-0003' });
    expect((await pull(leaving.headers())).status).toBe(200);
    const withdrawn = await registry.admin(withdrawDevicePath(leaving.deviceId), {
      method: 'POST',
    });
    expect(withdrawn.status).toBe(200);

    const message = await expectError(await pull(leaving.headers()), 401, 'device_withdrawn');
    expect(message).toMatch(/enrolled again/);
    const event = await leaving.sign(createHandoverEvent({ deviceId: leaving.deviceId }));
    const push = await fetch(registry.base + pushPath(), {
      method: 'POST',
      headers: leaving.headers(),
      body: JSON.stringify({ events: [event] }),
    });
    await expectError(push, 401, 'device_withdrawn');
    expect(await cardStatus()).toBe('ready');
    await expectError(await pull(leaving.headers(), 'NOWHERE-9'), 401, 'device_withdrawn');
    await expectError(await pull(leaving.headers(), 'THR-012'), 401, 'device_withdrawn');

    // Enrolled again, the tablet is a new device (a device id names one enrolment): its token
    // works, the withdrawn one stays withdrawn, and the old device's event is not the new one's.
    const back = await registry.enrolDevice({ deviceId: `${leaving.deviceId}-again` });
    expect((await pull(back.headers())).status).toBe(200);
    await expectError(await pull(leaving.headers()), 401, 'device_withdrawn');
    expect(await pushOne(event, back)).toMatchObject({ status: 'rejected', code: 'wrong-device' });
  });

  it('does not take the administrator token as a device token', async () => {
    await expectError(
      await pull(authHeaders({ deviceId: tablet.deviceId, token: registry.handler.adminToken })),
      401,
      'unauthorized',
    );
  });
});

describe('a pull page', () => {
  it("carries the center's profile and rules, as they are when it is answered", async () => {
    const first = (await (
      await fetch(`${registry.base}${pullPath()}?limit=5`, { headers: tablet.headers() })
    ).json()) as PullResponse;
    expect(first.center).toEqual({
      centerId: DEMO_CENTER_ID,
      name: 'مرکز نمونه ۱',
      rules: DEFAULT_CENTER_RULES,
    });
    await registry.admin(centerAdminPath(DEMO_CENTER_ID), {
      method: 'PUT',
      body: JSON.stringify({ rules: { idleLockMinutes: 3 } }),
    });
    const second = (await (
      await fetch(`${registry.base}${pullPath()}?limit=5&cursor=${first.cursor}`, {
        headers: tablet.headers(),
      })
    ).json()) as PullResponse;
    expect(second.center.rules).toEqual({ ...DEFAULT_CENTER_RULES, idleLockMinutes: 3 });
  });
});

describe('a signed event', () => {
  it('is accepted with its signature, and kept and served exactly as signed', async () => {
    const event = await tablet.sign(createHandoverEvent());
    expect(await pushOne(event)).toMatchObject({ status: 'accepted' });
    expect((await registry.handler.state.getCard(DEMO_CENTER_ID, 'C-0000001'))?.handover).toEqual(
      event,
    );
    const page = (await (
      await fetch(registry.base + pullPath(), { headers: neighbour.headers() })
    ).json()) as PullResponse;
    expect(page.items.find((card) => card.cardId === 'C-0000001')?.handover).toEqual(event);
  });

  it.each([
    ['an unsigned event (the placeholder)', async () => createHandoverEvent()],
    [
      'an event changed after it was signed',
      async () => ({
        ...(await tablet.sign(createHandoverEvent())),
        staffId: 'S-99',
      }),
    ],
    [
      "another event's signature",
      async () => ({
        ...createHandoverEvent(),
        signature: (await tablet.sign(createHandoverEvent())).signature,
      }),
    ],
    [
      "a signature by another device's key",
      async () => signedByTestDevice(createHandoverEvent(), neighbour.keys),
    ],
    [
      'a signature of the wrong length',
      async () => ({ ...createHandoverEvent(), signature: 'A'.repeat(85) }),
    ],
  ])('is rejected bad-signature with %s, and changes nothing', async (_name, make) => {
    const result = await pushOne(await make());
    expect(result).toMatchObject({ status: 'rejected', code: 'bad-signature' });
    expect(result.reason).toMatch(/signature/);
    expect(await cardStatus()).toBe('ready');
  });

  it('is rejected bad-signature without a signature, handover or void', async () => {
    const { signature: _unused, ...unsigned } = createHandoverEvent();
    expect(_unused).toBe(PLACEHOLDER_SIGNATURE);
    const accepted = await tablet.sign(createHandoverEvent());
    await pushOne(accepted);
    const { signature: _none, ...unsignedVoid } = createVoidEvent(accepted.eventId);
    expect(_none).toBe(PLACEHOLDER_SIGNATURE);
    for (const event of [unsigned, unsignedVoid])
      expect(await pushOne(event)).toMatchObject({
        status: 'rejected',
        code: 'bad-signature',
        reason: expect.stringMatching(/missing signature/),
      });
    expect(await cardStatus()).toBe('handed_over');
  });

  it('is rejected wrong-device when it names another device, even signed by that device', async () => {
    const byNeighbour = await neighbour.sign(createHandoverEvent({ deviceId: neighbour.deviceId }));
    const result = await pushOne(byNeighbour, tablet);
    expect(result).toMatchObject({ status: 'rejected', code: 'wrong-device' });
    expect(result.reason).toContain(neighbour.deviceId);
    expect(await cardStatus()).toBe('ready');
    // Its own device may push it.
    expect(await pushOne(byNeighbour, neighbour)).toMatchObject({ status: 'accepted' });
  });

  it('is rejected malformed-event with a stray member, even when the stray member was signed', async () => {
    const withStray = await signedByTestDevice({ ...createHandoverEvent(), note: 'x' } as never);
    expect(await pushOne(withStray)).toMatchObject({
      status: 'rejected',
      code: 'malformed-event',
      reason: expect.stringMatching(/unknown member note/),
    });
  });

  describe('replayed', () => {
    it('exactly, is duplicate already-accepted and changes nothing', async () => {
      const event = await tablet.sign(createHandoverEvent());
      await pushOne(event);
      const version = (await registry.handler.state.getCard(DEMO_CENTER_ID, 'C-0000001'))?.version;
      const result = await pushOne(structuredClone(event));
      expect(result).toMatchObject({
        status: 'duplicate',
        code: 'already-accepted',
        reason: 'already accepted',
        card: { version },
      });
    });

    it('by another device of the center, is still a duplicate', async () => {
      const event = await tablet.sign(createHandoverEvent());
      await pushOne(event);
      expect(await pushOne(event, neighbour)).toMatchObject({ status: 'duplicate' });
    });

    it.each([
      [
        'only the signature differs (signed again)',
        async (event: HandoverEvent) => tablet.sign({ ...event }),
      ],
      [
        'other content, signed',
        async (event: HandoverEvent) => tablet.sign({ ...event, staffId: 'S-99' }),
      ],
      ['other content, unsigned', async (event: HandoverEvent) => ({ ...event, staffId: 'S-99' })],
      ['a stray member', async (event: HandoverEvent) => ({ ...event, stray: true })],
    ])(
      'with %s, is rejected event-id-reused and the card keeps the first',
      async (_name, change) => {
        const event = await tablet.sign(createHandoverEvent());
        await pushOne(event);
        const reused = await change(event);
        expect(reused).not.toEqual(event);
        const result = await pushOne(reused);
        expect(result).toMatchObject({
          status: 'rejected',
          code: 'event-id-reused',
          reason: expect.stringMatching(/different event/),
        });
        expect(
          (await registry.handler.state.getCard(DEMO_CENTER_ID, 'C-0000001'))?.handover,
        ).toEqual(event);
      },
    );
  });

  it('reusing the id of a handover loaded with its card (never verified) is event-id-reused', async () => {
    const loaded = createHandoverEvent({ cardId: 'L-1', deviceId: 'tablet-elsewhere' });
    await registry.mock('cards', {
      method: 'POST',
      body: JSON.stringify({
        centerId: DEMO_CENTER_ID,
        cards: [{ cardId: 'L-1', nationalCode: '0012345679', handover: loaded }],
      }),
    });
    expect(await pushOne(loaded)).toMatchObject({ status: 'duplicate', code: 'already-accepted' });
    const mine = await tablet.sign({ ...loaded, deviceId: tablet.deviceId });
    expect(await pushOne(mine)).toMatchObject({ status: 'rejected', code: 'event-id-reused' });
  });
});

describe('the center rules', () => {
  it('refuse a proxy handover while proxyPickupAllowed is false, and take it once it is true', async () => {
    await registry.admin(centerAdminPath(DEMO_CENTER_ID), {
      method: 'PUT',
      body: JSON.stringify({ rules: { proxyPickupAllowed: false } }),
    });
    const toProxy = await tablet.sign(createHandoverEvent({ recipient: PROXY }));
    const result = await pushOne(toProxy);
    expect(result).toMatchObject({
      status: 'rejected',
      code: 'proxy-not-allowed',
      reason: expect.stringMatching(/proxy/),
      card: { cardId: 'C-0000001', status: 'ready' },
    });
    expect(
      await pushOne(
        await tablet.sign(
          createHandoverEvent({ cardId: 'C-0000006', recipient: await holderOf('C-0000006') }),
        ),
      ),
    ).toMatchObject({ status: 'accepted' });

    await registry.admin(centerAdminPath(DEMO_CENTER_ID), {
      method: 'PUT',
      body: JSON.stringify({ rules: { proxyPickupAllowed: true } }),
    });
    expect(await pushOne(toProxy)).toMatchObject({ status: 'accepted' });
  });
});

describe('every answer but accepted', () => {
  it('carries a code from PUSH_REASON_CODES and a reason, for each way an event is refused', async () => {
    const sign = <Event extends ProtocolEvent>(event: Event) => tablet.sign(event);
    const first = await sign(createHandoverEvent());
    const voided = await sign(
      createHandoverEvent({ cardId: 'C-0000003', recipient: await holderOf('C-0000003') }),
    );
    await pushAs(tablet, [
      first,
      voided,
      await sign(createVoidEvent(voided.eventId, { cardId: 'C-0000003' })),
    ]);
    // Handed over, then put back on the shelf by the registry's staff with its handover kept.
    const shelved = await sign(
      createHandoverEvent({ cardId: 'C-0000005', recipient: await holderOf('C-0000005') }),
    );
    await pushOne(shelved);
    // A member deactivated now: an event recorded after it is refused.
    const gone = { ...TEST_CLERK, staffId: 'S-every-answer-gone' };
    await registry.seedStaff(DEMO_CENTER_ID, [gone]);
    await registry.deactivateStaff(gone.staffId);
    const afterItsEnd = new Date().toISOString();
    await registry.mock('revoke', {
      method: 'POST',
      body: JSON.stringify({ centerId: DEMO_CENTER_ID, cardId: 'C-0000005', status: 'ready' }),
    });

    const cases: Array<[string, unknown]> = [
      ['already-accepted', first],
      ['event-id-reused', { ...first, staffId: 'S-98' }],
      ['malformed-event', await sign(createHandoverEvent({ occurredAt: 'yesterday' }))],
      ['bad-signature', createHandoverEvent()],
      ['wrong-device', await sign(createHandoverEvent({ deviceId: 'someone-else' }))],
      ['implausible-time', await sign(createHandoverEvent({ occurredAt: '2019-06-01T10:00:00Z' }))],
      ['unknown-card', await sign(createHandoverEvent({ cardId: 'C-9999999' }))],
      ['recipient-mismatch', await sign(createHandoverEvent({ cardId: 'C-0000006' }))],
      [
        'already-handed-over',
        await sign(createHandoverEvent({ staffId: TEST_OTHER_CLERK.staffId })),
      ],
      [
        'card-revoked',
        await sign(
          createHandoverEvent({ cardId: 'C-0000002', recipient: await holderOf('C-0000002') }),
        ),
      ],
      [
        'card-returned',
        await sign(
          createHandoverEvent({ cardId: 'C-0000004', recipient: await holderOf('C-0000004') }),
        ),
      ],
      ['unknown-handover', await sign(createVoidEvent('never-accepted'))],
      ['already-voided', await sign(createVoidEvent(voided.eventId, { cardId: 'C-0000003' }))],
      ['card-ready', await sign(createVoidEvent(shelved.eventId, { cardId: 'C-0000005' }))],
      ['unknown-staff', await sign(createHandoverEvent({ staffId: 'S-404' }))],
      [
        'staff-inactive',
        await sign(createHandoverEvent({ staffId: gone.staffId, occurredAt: afterItsEnd })),
      ],
      [
        'staff-role',
        await sign(createVoidEvent(first.eventId, { approvedBy: TEST_OTHER_CLERK.staffId })),
      ],
    ];
    const results = await pushAs(
      tablet,
      cases.map(([, event]) => event),
    );
    expect(results.map((result) => result.code)).toEqual(cases.map(([code]) => code));
    // With the proxy rule's own test above, every code the contract lists is one answered here.
    expect(
      [...PUSH_REASON_CODES].filter(
        (code) => code !== 'proxy-not-allowed' && !cases.some(([answered]) => answered === code),
      ),
    ).toEqual([]);
    for (const result of results) {
      expect(PUSH_REASON_CODES).toContain(result.code);
      expect(result.reason).toBeTruthy();
    }
    expect(Object.fromEntries(results.map((result) => [result.code, result.status]))).toMatchObject(
      {
        'already-accepted': 'duplicate',
        'already-handed-over': 'conflict',
        'card-revoked': 'conflict',
        'card-returned': 'conflict',
        'already-voided': 'conflict',
        'card-ready': 'conflict',
        'unknown-handover': 'rejected',
        'recipient-mismatch': 'rejected',
      },
    );
  });
});
