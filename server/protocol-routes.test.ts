// @vitest-environment node
// Bounded bodies on the protocol's routes: a body too large or too deep is refused without the
// registry reading it whole or parsing it, and health keeps answering meanwhile.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, PushResponse } from '../src/protocol/protocol.ts';
import { HEALTH_PATH, MAX_PUSH_EVENTS } from '../src/protocol/protocol.ts';
import { createHandoverEvent } from '../tests/factories/events.ts';
import { MAX_PUSH_BODY_BYTES } from './protocol-routes.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { authHeaders, pushPath, startRegistry } from './test-helpers.ts';

const MIB = 1024 * 1024;
/** The registry's answer to health, at its slowest, while a hostile body is on its way. */
const HEALTH_BUDGET_MS = 50;

let registry: RunningRegistry;
let device: TestDevice;
beforeAll(async () => {
  registry = await startRegistry({ seedCards: 10 });
  device = await registry.enrolDevice();
});
afterAll(() => registry.close());

/** Asks for health every few milliseconds until `until` settles; the slowest answer in ms. */
async function slowestHealthWhile(until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let slowest = 0;
  let answered = 0;
  while (!done || answered < 5) {
    const started = performance.now();
    const response = await fetch(`${registry.base}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    slowest = Math.max(slowest, performance.now() - started);
    answered++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return slowest;
}

/**
 * Sends `body` as a push in 1 MiB writes, with or without a Content-Length. The headers go
 * first and the body a moment later, so a registry that refuses by the declared length alone
 * answers before any of the body is sent.
 */
function pushRaw(
  body: Buffer,
  { declareLength }: { declareLength: boolean },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = authHeaders(device);
    if (declareLength) headers['Content-Length'] = body.length;
    let answered = false;
    const req = request(`${registry.base}${pushPath()}`, { method: 'POST', headers }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text });
        req.destroy();
      });
    });
    // A registry that stops reading may reset the connection while the body is still going.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.flushHeaders();
    let offset = 0;
    const writeMore = () => {
      while (offset < body.length && !answered) {
        const chunk = body.subarray(offset, offset + MIB);
        offset += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', writeMore);
          return;
        }
      }
      if (!answered) req.end();
    };
    setTimeout(writeMore, 100);
  });
}

describe('push bodies', () => {
  it.each([
    ['a list of a million empty events', `{"events":[${'{},'.repeat(1_000_000)}{}]}`],
    ['a list of two million numbers', `{"events":[${'1,'.repeat(2_000_000)}1]}`],
    [
      'an event of a million members',
      `{"events":[{${Array.from({ length: 500_000 }, (_, i) => `"${i}":1`).join(',')}}]}`,
    ],
  ])(
    'holding %s are refused with 413 before parsing, while health answers within 50 ms',
    async (_name, text) => {
      const body = Buffer.from(text);
      expect(body.length).toBeLessThanOrEqual(MAX_PUSH_BODY_BYTES);
      const pushed = pushRaw(body, { declareLength: true });
      const slowest = await slowestHealthWhile(pushed);
      const answer = await pushed;
      expect(answer.status).toBe(413);
      expect((JSON.parse(answer.body) as ErrorBody).error.message).toMatch(/more than 500 entries/);
      expect(slowest).toBeLessThanOrEqual(HEALTH_BUDGET_MS);
    },
  );

  it('declared one byte over the limit are refused with 413 before any of it is sent', async () => {
    const answer = await pushRaw(Buffer.alloc(MAX_PUSH_BODY_BYTES + 1, 0x20), {
      declareLength: true,
    });
    expect(answer.status).toBe(413);
  });

  it.each([
    ['with a Content-Length', true],
    ['sent chunked, without one', false],
  ])(
    'of 16 MiB %s are refused with 413 while health answers within 50 ms',
    async (_name, declareLength) => {
      const body = Buffer.alloc(16 * MIB, 0x20);
      const pushed = pushRaw(body, { declareLength }).catch((error: Error) => ({
        status: -1,
        body: error.message,
      }));
      const slowest = await slowestHealthWhile(pushed);
      const answer = await pushed;
      // Declared, the 413 comes before any of the body is sent. Chunked, the registry may close
      // the connection on the rest of the body after answering: the sender may see the reset.
      if (declareLength) expect(answer.status).toBe(413);
      if (answer.status !== -1) {
        expect(answer.status).toBe(413);
        expect((JSON.parse(answer.body) as ErrorBody).error.code).toBe('batch_too_large');
      }
      expect(slowest).toBeLessThanOrEqual(HEALTH_BUDGET_MS);
    },
  );

  it('nested far deeper than any event are refused with 400 before parsing, while health answers within 50 ms', async () => {
    const depth = 3 * MIB;
    const body = Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    const pushed = pushRaw(body, { declareLength: true });
    const slowest = await slowestHealthWhile(pushed);
    const answer = await pushed;
    expect(answer.status).toBe(400);
    expect((JSON.parse(answer.body) as ErrorBody).error.message).toMatch(/nested/);
    expect(slowest).toBeLessThanOrEqual(HEALTH_BUDGET_MS);
  });

  it('of the largest legitimate size are read', async () => {
    const events = await device.signAll(
      Array.from({ length: MAX_PUSH_EVENTS }, () =>
        createHandoverEvent({ cardId: 'C-no-such-card' }),
      ),
    );
    const response = await fetch(`${registry.base}${pushPath()}`, {
      method: 'POST',
      headers: authHeaders(device),
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(200);
    // Each verified and judged: a valid signature, then the unknown card.
    const { results } = (await response.json()) as PushResponse;
    expect(new Set(results.map((result) => result.code))).toEqual(new Set(['unknown-card']));
  });
});
