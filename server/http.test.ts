// @vitest-environment node
// Compressed answers (decision 027): a pull page decodes to the same JSON in br, gzip and none;
// the coding follows Accept-Encoding and its q=0 refusals; errors stay readable. Requests go out
// through node:http, which sends no Accept-Encoding of its own and never decodes, so each test
// sees exactly the bytes the registry wrote.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_PATH } from '../src/protocol/protocol.ts';
import { COMPRESS_MIN_BYTES, HttpError, chooseContentCoding, sendError } from './http.ts';
import type { RunningRegistry, TestDevice } from './test-helpers.ts';
import { pullPath, startRegistry } from './test-helpers.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(answer: RawAnswer): unknown {
  const coding = answer.headers['content-encoding'];
  const bytes =
    coding === 'br'
      ? brotliDecompressSync(answer.body)
      : coding === 'gzip'
        ? gunzipSync(answer.body)
        : answer.body;
  return JSON.parse(bytes.toString('utf8'));
}

describe('chooseContentCoding', () => {
  it.each<[string | undefined, string]>([
    [undefined, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    ['deflate', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br', 'br'],
    ['BR;Q=1', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['gzip;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['*;q=0', 'identity'],
    ['gzip;q=0.000', 'identity'],
  ])('%j → %s', (header, coding) => {
    expect(chooseContentCoding(header)).toBe(coding);
  });
});

describe('compressed answers from the registry', () => {
  let registry: RunningRegistry;
  let device: TestDevice;
  let pageUrl: string;

  beforeAll(async () => {
    registry = await startRegistry({ seedCards: 300 });
    device = await registry.enrolDevice();
    pageUrl = `${registry.base}${pullPath()}?limit=200`;
  });
  afterAll(() => registry.close());

  const pull = (acceptEncoding?: string) =>
    get(pageUrl, {
      ...device.headers(),
      ...(acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding }),
    });

  it('answers a pull page in br and in gzip, each decoding to the JSON of the plain answer', async () => {
    const plain = await pull();
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const json = JSON.parse(plain.body.toString('utf8')) as { items: unknown[] };
    expect(json.items).toHaveLength(200);
    // serverTime differs from one answer to the next; everything else must be equal.
    const withoutTime = (body: unknown) => ({ ...(body as object), serverTime: null });

    for (const coding of ['br', 'gzip'] as const) {
      const answer = await pull(coding === 'br' ? 'gzip, deflate, br' : 'gzip, deflate');
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe(coding);
      expect(answer.headers.vary).toBe('Accept-Encoding');
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      // A pull page is repetitive JSON: far smaller on the wire.
      expect(answer.body.length).toBeLessThan(plain.body.length / 3);
      expect(withoutTime(decoded(answer))).toEqual(withoutTime(json));
    }
  });

  it('sends no coding the client refused with q=0, and none it did not offer', async () => {
    for (const [header, expected] of [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0, br', 'br'],
      ['gzip;q=0, br;q=0', undefined],
      ['*;q=0', undefined],
      ['identity', undefined],
      ['deflate', undefined],
    ] as const) {
      const answer = await pull(header);
      expect(answer.status, header).toBe(200);
      expect(answer.headers['content-encoding'], header).toBe(expected);
      expect((decoded(answer) as { items: unknown[] }).items, header).toHaveLength(200);
    }
  });

  it('leaves an answer under the threshold as it is', async () => {
    const answer = await get(`${registry.base}${HEALTH_PATH}`, { 'Accept-Encoding': 'gzip, br' });
    expect(answer.body.length).toBeLessThan(COMPRESS_MIN_BYTES);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ ok: true });
  });

  it('keeps a 4xx readable, compression offered or not', async () => {
    for (const header of [undefined, 'gzip, deflate, br']) {
      const answer = await get(pageUrl, {
        ...(header ? { 'Accept-Encoding': header } : {}),
        'X-Device-Id': device.deviceId,
      });
      expect(answer.status).toBe(401);
      expect(decoded(answer)).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });
});

describe('sendError over the threshold', () => {
  let base: string;
  let close: () => Promise<void>;
  const message = `the ${'very '.repeat(400)}long reason`;

  beforeAll(async () => {
    const server = createServer((_req, res) =>
      sendError(res, new HttpError(429, 'rate_limited', message, { 'Retry-After': '7' })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  it.each([['br'], ['gzip']])(
    'is compressed in %s, keeps its own headers and decodes',
    async (coding) => {
      const answer = await get(base, { 'Accept-Encoding': coding });
      expect(answer.status).toBe(429);
      expect(answer.headers['content-encoding']).toBe(coding);
      expect(answer.headers['retry-after']).toBe('7');
      expect(answer.body.length).toBeLessThan(message.length / 4);
      expect(decoded(answer)).toEqual({ error: { code: 'rate_limited', message } });
    },
  );
});
