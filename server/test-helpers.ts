// Shared by the server tests (and the soak and sync integration tests): a registry on a real
// socket and the requests a tablet sends it. The events to push come from tests/factories.
import type { AddressInfo } from 'node:net';
import { DEMO_CENTER_ID, DEMO_DEVICE_TOKEN } from '../src/protocol/protocol.ts';
import type { RegistryHandler, RegistryHandlerOptions } from './handler.ts';
import { createRegistryHandler } from './handler.ts';
import type { ServerLimits } from './http-server.ts';
import { createRegistryServer } from './http-server.ts';
import { TEST_DEVICE_ID } from '../tests/factories/context.ts';

export interface RunningRegistry {
  base: string;
  handler: RegistryHandler;
  /** A /__mock/ control request with the administrator token, as the registry's staff send it. */
  mock(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startRegistry(
  options: RegistryHandlerOptions = {},
  limits: Partial<ServerLimits> = {},
): Promise<RunningRegistry> {
  const handler = createRegistryHandler(options);
  await handler.flush();
  const server = createRegistryServer(handler, limits);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    handler,
    mock: (path, init = {}) =>
      fetch(`${base}/__mock/${path}`, {
        ...init,
        headers: { ...adminHeaders(handler), ...(init.headers as Record<string, string>) },
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.flush();
    },
  };
}

export function authHeaders(token = DEMO_DEVICE_TOKEN): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    'X-Device-Id': TEST_DEVICE_ID,
    'Content-Type': 'application/json',
  };
}

/** The headers of a /__mock/ control request: the administrator token, a JSON body. */
export function adminHeaders(handler: Pick<RegistryHandler, 'adminToken'>): Record<string, string> {
  return { Authorization: `Bearer ${handler.adminToken}`, 'Content-Type': 'application/json' };
}

export function pushPath(centerId = DEMO_CENTER_ID): string {
  return `/api/v2/centers/${centerId}/events`;
}

export function pullPath(centerId = DEMO_CENTER_ID): string {
  return `/api/v2/centers/${centerId}/cards`;
}
