// @vitest-environment node
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningRegistry } from './test-helpers.ts';
import { authHeaders, pushPath, startRegistry } from './test-helpers.ts';

let registry: RunningRegistry | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await registry?.close();
  registry = undefined;
});

function open(base: string): Promise<Socket> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

/** Resolves with the milliseconds until the registry closes the socket, and what it sent. */
function closed(socket: Socket): Promise<{ afterMs: number; received: string }> {
  const started = performance.now();
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  return new Promise((resolve) =>
    socket.once('close', () => resolve({ afterMs: performance.now() - started, received })),
  );
}

describe('the registry socket', () => {
  it('cuts off a client that sends its headers too slowly', async () => {
    registry = await startRegistry({ seedCards: 0 }, { headersTimeoutMs: 300 });
    const socket = await open(registry.base);
    const done = closed(socket);
    socket.write('GET /api/v2/health HTTP/1.1\r\nHost: registry\r\n');
    const { afterMs, received } = await done;
    expect(afterMs).toBeLessThan(3_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client that sends its body too slowly', async () => {
    registry = await startRegistry(
      { seedCards: 0 },
      { headersTimeoutMs: 300, requestTimeoutMs: 600 },
    );
    const socket = await open(registry.base);
    const done = closed(socket);
    const device = await registry.enrolDevice();
    const headers = Object.entries(authHeaders(device))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `POST ${pushPath()} HTTP/1.1\r\nHost: registry\r\n${headers}Content-Length: 100\r\n\r\n{"late`,
    );
    const { afterMs, received } = await done;
    expect(afterMs).toBeLessThan(5_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections beyond its cap as they arrive, and still serves the others', async () => {
    registry = await startRegistry({ seedCards: 0 }, { maxConnections: 3 });
    const held = await Promise.all([open(registry.base), open(registry.base), open(registry.base)]);
    expect(held).toHaveLength(3);
    const extra = await open(registry.base);
    const { received } = await closed(extra);
    expect(received).toBe('');
    held[0]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${registry.base}/api/v2/health`);
    expect(response.status).toBe(200);
  });
});
