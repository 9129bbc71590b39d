// Shared by the server tests: a registry on a real socket, and protocol events to push at it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HandoverEvent, HandoverVoidEvent } from '../src/protocol/protocol.ts';
import { DEMO_CENTER_ID, DEMO_DEVICE_TOKEN } from '../src/protocol/protocol.ts';
import type { RegistryHandler, RegistryHandlerOptions } from './handler.ts';
import { createRegistryHandler } from './handler.ts';

export interface RunningRegistry {
  base: string;
  handler: RegistryHandler;
  close(): Promise<void>;
}

export async function startRegistry(
  options: RegistryHandlerOptions = {},
): Promise<RunningRegistry> {
  const handler = createRegistryHandler(options);
  await handler.flush();
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    handler,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handler.flush();
    },
  };
}

export const DEVICE_ID = '7d0c7a3e-2f1b-4c53-9d55-0c1f4b1e2a77';

export function authHeaders(token = DEMO_DEVICE_TOKEN): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    'X-Device-Id': DEVICE_ID,
    'Content-Type': 'application/json',
  };
}

export function handoverEvent(overrides: Partial<HandoverEvent> = {}): HandoverEvent {
  return {
    eventId: randomUUID(),
    type: 'handover',
    cardId: 'C-0000001',
    occurredAt: '2026-11-25T10:31:07.512+03:30',
    staffId: 'S-07',
    deviceId: DEVICE_ID,
    recipient: { kind: 'holder', nationalCode: '0012345679', fullName: 'زهرا محمدی' },
    checks: {
      identityVerified: true,
      birthCertificateSeen: true,
      oldCard: 'collected',
      feeCollected: true,
      biometricConfirmed: true,
    },
    ...overrides,
  };
}

export function voidEvent(
  handoverEventId: string,
  overrides: Partial<HandoverVoidEvent> = {},
): HandoverVoidEvent {
  return {
    eventId: randomUUID(),
    type: 'handover_void',
    handoverEventId,
    cardId: 'C-0000001',
    reason: 'wrong card selected',
    occurredAt: '2026-11-25T10:33:00.000+03:30',
    staffId: 'S-07',
    deviceId: DEVICE_ID,
    ...overrides,
  };
}

export function pushPath(centerId = DEMO_CENTER_ID): string {
  return `/api/v1/centers/${centerId}/events`;
}

export function pullPath(centerId = DEMO_CENTER_ID): string {
  return `/api/v1/centers/${centerId}/cards`;
}
