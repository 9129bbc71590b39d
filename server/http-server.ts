// The mock registry's socket: a node:http server with the limits a public endpoint needs, used
// by main.ts and the tests alike. Must stay true: a client that sends its headers or its body
// slowly is cut off, the number of open connections is capped, so a few slow or greedy clients
// cannot keep the registry from answering the tablets.
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';

export interface ServerLimits {
  /** Time a client has to send its request headers. */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
};

export function createRegistryServer(
  listener: RequestListener,
  limits: Partial<ServerLimits> = {},
): Server {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = {
    ...DEFAULT_SERVER_LIMITS,
    ...limits,
  };
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks the two timeouts on this interval, 30 s by default: far too coarse for a
      // headers timeout of a few seconds.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, headersTimeoutMs / 4)),
    },
    listener,
  );
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.maxConnections = maxConnections;
  return server;
}
