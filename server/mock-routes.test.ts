// @vitest-environment node
// The /__mock/ controls take the administrator's token and nothing else, answer no
// cross-origin request, and a refused request changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card, ErrorBody } from '../src/protocol/protocol.ts';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { startRegistry } from './test-helpers.ts';

let registry: RunningRegistry;
let device: TestDevice;
beforeAll(async () => {
  registry = await startRegistry({ seedCards: 10 });
  device = await registry.enrolDevice();
});
afterAll(() => registry.close());

const REVOKE_BODY = JSON.stringify({ centerId: DEMO_CENTER_ID, cardId: 'C-0000001' });

async function cardStatus(): Promise<Card['status']> {
  const response = await registry.mock(`cards?centerId=${DEMO_CENTER_ID}&cardId=C-0000001`);
  return ((await response.json()) as { card: Card }).card.status;
}

describe('/__mock/ controls', () => {
  it.each([
    ['no Authorization', () => ({})],
    ['an enrolled device token', () => device.headers()],
    ['a wrong token', () => ({ Authorization: 'Bearer not-the-administrator-token' })],
    [
      'a token of the right length but wrong',
      () => ({ Authorization: `Bearer ${'x'.repeat(43)}` }),
    ],
    ['Basic credentials', () => ({ Authorization: 'Basic YWRtaW46YWRtaW4=' })],
  ])('refuse a revoke with %s (401) and change nothing', async (_name, headers) => {
    const response = await fetch(`${registry.base}/__mock/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers() },
      body: REVOKE_BODY,
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorBody).error.code).toBe('unauthorized');
    expect(await cardStatus()).toBe('ready');
  });

  it.each(['reset', 'cards', 'events', 'faults', 'no-such-control'])(
    'refuse %s without the administrator token',
    async (control) => {
      expect((await fetch(`${registry.base}/__mock/${control}`)).status).toBe(401);
    },
  );

  it('refuse a cross-site text/plain POST, the kind any web page can send, and change nothing', async () => {
    const response = await fetch(`${registry.base}/__mock/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example' },
      body: REVOKE_BODY,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await cardStatus()).toBe('ready');
  });

  it('answer no cross-origin headers, to a preflight or to an allowed request', async () => {
    const preflight = await fetch(`${registry.base}/__mock/revoke`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    const allowed = await registry.mock('events', { headers: { Origin: 'https://evil.example' } });
    expect(allowed.status).toBe(200);
    for (const response of [preflight, allowed]) {
      for (const header of [
        'access-control-allow-origin',
        'access-control-allow-methods',
        'access-control-allow-headers',
      ])
        expect(response.headers.get(header), header).toBeNull();
    }
  });

  it('take the administrator token and act', async () => {
    const response = await registry.mock('revoke', { method: 'POST', body: REVOKE_BODY });
    expect(response.status).toBe(200);
    expect(await cardStatus()).toBe('revoked');
    await registry.mock('revoke', {
      method: 'POST',
      body: JSON.stringify({ centerId: DEMO_CENTER_ID, cardId: 'C-0000001', status: 'ready' }),
    });
  });

  it('refuse a control body over 64 KiB with 413 and change nothing', async () => {
    const response = await registry.mock('faults', {
      method: 'POST',
      body: JSON.stringify({ latencyMs: 0, padding: 'x'.repeat(70 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(registry.handler.faults().latencyMs).toBe(0);
  });

  it('refuse a body nested deeper than any control takes with 400', async () => {
    const response = await registry.mock('faults', {
      method: 'POST',
      body: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.message).toMatch(/nested/);
  });
});

describe('/__mock/cards', () => {
  it('loads a JSON inventory of 2,000 cards (over the 64 KiB of a control body)', async () => {
    const cards = Array.from({ length: 2_000 }, (_, index) => ({
      cardId: `BIG-${index}`,
      box: `B-${index % 40}`,
    }));
    const response = await registry.mock('cards', {
      method: 'POST',
      body: JSON.stringify({ centerId: 'BIG-1', cards }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { cards: Card[] }).cards).toHaveLength(2_000);
  });

  it.each([
    ['a JSON load', 'TOK-1', 'cards', { centerId: 'TOK-1', cards: [{}] }],
    ['a manifest load', 'TOK-2', 'cards?centerId=TOK-2&token=', undefined],
  ])(
    'refuses, in %s, a center token (there are none since protocol 2) and creates nothing',
    async (_name, centerId, path, body) => {
      const token = registry.handler.adminToken;
      const response = body
        ? await registry.mock(path, { method: 'POST', body: JSON.stringify({ ...body, token }) })
        : await registry.mock(`${path}${encodeURIComponent(token)}`, {
            method: 'POST',
            headers: { 'Content-Type': 'text/csv' },
            body: 'card_id,national_code,first_name,last_name\nM-1,0012345679,زهرا,محمدی\n',
          });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.message).toMatch(/enrolment code/);
      expect(await registry.handler.state.hasCenter(centerId)).toBe(false);
      const pull = await fetch(`${registry.base}/api/v2/centers/${centerId}/cards`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Device-Id': 'probe' },
      });
      expect(pull.status).toBe(401);
    },
  );
});

describe('the protocol routes', () => {
  it('still answer cross-origin requests, for a tablet served from another origin', async () => {
    const response = await fetch(`${registry.base}/api/v2/health`, {
      headers: { Origin: 'https://tablet.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('do not take the administrator token as a device token', async () => {
    const response = await fetch(`${registry.base}/api/v2/centers/${DEMO_CENTER_ID}/cards`, {
      headers: {
        Authorization: `Bearer ${registry.handler.adminToken}`,
        'X-Device-Id': 'probe',
      },
    });
    expect(response.status).toBe(401);
  });
});

describe('the administrator token', () => {
  it('is random for each registry unless given', async () => {
    const other = await startRegistry({ seedCards: 0 });
    try {
      expect(other.handler.adminToken).not.toBe(registry.handler.adminToken);
      expect(other.handler.adminToken.length).toBeGreaterThanOrEqual(40);
    } finally {
      await other.close();
    }
  });

  it('must be long enough when given', async () => {
    await expect(startRegistry({ adminToken: 'short' })).rejects.toThrow(/at least 16/);
  });

  it('differs from every device token, which the registry makes itself at enrolment', async () => {
    const other = await registry.enrolDevice({ deviceId: 'device-second-0002' });
    for (const tablet of [device, other]) {
      expect(tablet.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(tablet.token).not.toBe(registry.handler.adminToken);
    }
    expect(other.token).not.toBe(device.token);
  });
});
