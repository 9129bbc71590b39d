// The mock registry's HTTP face: the protocol's routes (docs/protocol.md), the administrator
// endpoints, the /__mock/ controls, fault injection and, optionally, the built app, composed from
// protocol-routes.ts, admin-routes.ts, mock-routes.ts and static-files.ts, over the registry's
// database (registry-store.ts). Must stay true: a request that changes state is answered only
// after the change is committed; every error body is
// { error: { code, message } }; only the protocol's routes answer cross-origin requests (never
// /api/v2/admin/ nor /__mock/); no center or device token is built in: devices enrol; faults
// draw from the injected random source.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CenterRules } from '../src/protocol/protocol.ts';
import { ADMIN_BASE_PATH, DEMO_CENTER_ID, PROTOCOL_BASE_PATH } from '../src/protocol/protocol.ts';
import { createAdminRoutes, parseCenterChanges } from './admin-routes.ts';
import { DEFAULT_DEMO_CARD_COUNT, DEFAULT_DEMO_SEED, generateDemoCards } from './demo-inventory.ts';
import type { FaultOptions } from './faults.ts';
import { NO_FAULTS, checkFaults, isIntegerFrom } from './faults.ts';
import { HttpError, malformed, sendError } from './http.ts';
import { createMockRoutes } from './mock-routes.ts';
import type { SqlDatabase } from './database/sql.ts';
import { emptyRegistryDatabase, openRegistryDatabase } from './database/registry-database.ts';
import { importOldDataFile } from './old-data-import.ts';
import { createProtocolRoutes } from './protocol-routes.ts';
import { RegistryStore } from './registry-store.ts';
import { createStaticHandler } from './static-files.ts';

export type { FaultOptions } from './faults.ts';

export type { MockEventsResponse } from './mock-routes.ts';

export interface RegistryHandlerOptions {
  /**
   * The database to use, opened and migrated by the caller, who also closes it; without it the
   * handler opens one from `databaseUrl` or `dataDir`, or in memory, and close() closes it.
   */
  database?: SqlDatabase;
  /** A PostgreSQL server's URL. */
  databaseUrl?: string;
  /** PGlite's data folder, created when missing. */
  dataDir?: string;
  /**
   * A data file of an earlier registry (a JSON snapshot with its journal), read into a database
   * that holds no center yet and then renamed `<file>.imported`; absent: nothing to import.
   */
  importFrom?: string;
  /** Empty the database and start from a fresh demo inventory. */
  fresh?: boolean;
  /** Size of DEMO-01's inventory when starting fresh or on /__mock/reset (default 5000). */
  seedCards?: number;
  /** Seed of the demo inventory (default DEFAULT_DEMO_SEED). */
  seed?: number;
  /**
   * Centers to create at start (or update, when the data file has them), each with its name
   * and rules if given, e.g. { 'THR-012': { rules: { proxyPickupAllowed: false } } }.
   */
  centers?: Record<string, { name?: string; rules?: Partial<CenterRules> }>;
  faults?: Partial<FaultOptions>;
  /** Random source for fault decisions; inject a seeded one to make tests deterministic. */
  random?: () => number;
  /** The registry's clock: `updatedAt`, `occurredAt` plausibility, enrolment codes' expiry. */
  now?: () => Date;
  /** Serve this folder (the built app) for paths outside /api/ and /__mock/. */
  serveAppDir?: string;
  /** Other registry origins the served app may connect to (its CSP `connect-src`). */
  connectSources?: string[];
  /** The /__mock/ endpoints (default on): for tests and demos only. */
  mockEndpoints?: boolean;
  /** The token the administrator endpoints and /__mock/ take; random when none is given. */
  adminToken?: string;
  /** Cross-origin headers on the protocol's routes (default on), for a tablet served elsewhere. */
  cors?: boolean;
}

export interface RegistryHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  readonly state: RegistryStore;
  /** The administrator token of /api/v2/admin/ and /__mock/ (printed by main.ts at start). */
  readonly adminToken: string;
  /**
   * What the start found: a new database, seeded; one read from an earlier data file (its new
   * name); or such a file left alone because the database already holds centers.
   */
  readonly started: { seeded: boolean; imported: string | null; importSkipped: string | null };
  /** Closes the database the handler opened (not one it was given). */
  close(): Promise<void>;
  faults(): FaultOptions;
  setFaults(changes: Partial<FaultOptions>): FaultOptions;
  /** Empties every center and reseeds DEMO-01, as POST /__mock/reset does. */
  reset(seedCards?: number, seed?: number): Promise<void>;
}

const MAX_SEED_CARDS = 1_000_000;
const MIN_ADMIN_TOKEN_LENGTH = 16;

/** An administrator token nobody can guess: 32 random bytes, base64url. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function createRegistryHandler(
  options: RegistryHandlerOptions = {},
): Promise<RegistryHandler> {
  const seedCards = options.seedCards ?? DEFAULT_DEMO_CARD_COUNT;
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const random = options.random ?? Math.random;
  const stateOptions = options.now ? { now: options.now } : {};
  const mockEndpoints = options.mockEndpoints ?? true;
  const cors = options.cors ?? true;
  let faults = checkFaults(NO_FAULTS, { ...options.faults });
  const adminToken = options.adminToken ?? newAdminToken();
  if (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken))
    throw new Error(
      `the administrator token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters, without spaces`,
    );

  const db =
    options.database ??
    (await openRegistryDatabase({
      ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    }));
  const state = new RegistryStore(db, stateOptions);

  const checkSeedOptions = (count: unknown, demoSeed: unknown): void => {
    if (!isIntegerFrom(count, 0, MAX_SEED_CARDS)) {
      throw malformed(`seedCards must be an integer from 0 to ${MAX_SEED_CARDS}`);
    }
    if (typeof demoSeed !== 'number' || !Number.isInteger(demoSeed))
      throw malformed('seed must be an integer');
  };
  const seedDemo = async (count: number, demoSeed: number) => {
    checkSeedOptions(count, demoSeed);
    await state.putCards(DEMO_CENTER_ID, generateDemoCards(DEMO_CENTER_ID, count, demoSeed), {
      keepUpdatedAt: true,
    });
  };
  const started = {
    seeded: false,
    imported: null as string | null,
    importSkipped: null as string | null,
  };
  try {
    if (options.fresh) await emptyRegistryDatabase(db);
    if (options.importFrom !== undefined) {
      if ((await state.centerIds()).length === 0)
        started.imported = await importOldDataFile(db, options.importFrom);
      else if (existsSync(options.importFrom)) started.importSkipped = options.importFrom;
    }
    if (!(await state.hasCenter(DEMO_CENTER_ID))) {
      await seedDemo(seedCards, seed);
      started.seeded = true;
    }
    // Statistics of what was just written, so the first pulls walk the index; a database opened
    // as it was keeps the statistics its last maintenance left (a sweep of 756,000 cards at every
    // start would cost seconds for nothing).
    if (started.seeded || started.imported !== null) await state.maintain();
    for (const [centerId, profile] of Object.entries(options.centers ?? {}))
      await state.putCenterProfile(centerId, parseCenterChanges(profile));
  } catch (error) {
    if (!options.database) await db.close().catch(() => undefined);
    throw error;
  }

  const chance = (rate: number) => rate > 0 && random() < rate;
  const now = options.now ?? (() => new Date());
  const handleProtocol = createProtocolRoutes({
    state,
    faults: () => faults,
    chance,
    now,
  });
  const handleAdmin = createAdminRoutes({ state, adminToken });
  const handleMock = createMockRoutes({
    state,
    controls: {
      faults: () => handler.faults(),
      setFaults: (changes) => handler.setFaults(changes),
      reset: (count, demoSeed) => handler.reset(count, demoSeed),
    },
    adminToken,
  });

  const serveStatic = options.serveAppDir
    ? createStaticHandler(options.serveAppDir, { connectSources: options.connectSources ?? [] })
    : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    const isAdmin =
      url.pathname === ADMIN_BASE_PATH || url.pathname.startsWith(`${ADMIN_BASE_PATH}/`);
    const isApi =
      (!isAdmin && url.pathname === PROTOCOL_BASE_PATH) ||
      url.pathname.startsWith(`${PROTOCOL_BASE_PATH}/`) ||
      url.pathname.startsWith('/api/');
    const isMock = url.pathname.startsWith('/__mock/');
    try {
      if (isAdmin) {
        // No cross-origin headers, to a preflight or otherwise: no web page a clerk opens can
        // send the administrator token here, nor read an answer.
        await handleAdmin(req, res, url);
        return;
      }
      if (isApi) {
        if (cors) {
          res.setHeader('Access-Control-Allow-Origin', '*');
          res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
          if (req.method === 'OPTIONS') {
            res.writeHead(204, {
              'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
              'Access-Control-Allow-Headers': 'Authorization, X-Device-Id, Content-Type',
              'Access-Control-Max-Age': '600',
            });
            res.end();
            return;
          }
        }
        await handleProtocol(req, res, url);
        return;
      }
      if (isMock) {
        // No cross-origin headers, ever: a page on another origin cannot read an answer, and
        // the administrator token it would need cannot be sent from there without one.
        if (!mockEndpoints) throw new HttpError(404, 'not_found', 'mock endpoints are disabled');
        await handleMock(req, res, url);
        return;
      }
      if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
        await serveStatic(req, res, url.pathname);
        return;
      }
      throw new HttpError(404, 'not_found', `nothing at ${url.pathname}`);
    } catch (error) {
      const httpError =
        error instanceof HttpError
          ? error
          : new HttpError(
              500,
              'internal',
              `internal error: ${(error as Error)?.message ?? String(error)}`,
            );
      if (httpError.status === 500 && !(error instanceof HttpError))
        console.error('[mock-registry]', error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, httpError);
    }
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  }) as RegistryHandler;

  Object.defineProperty(handler, 'state', { value: state, enumerable: true });
  Object.defineProperty(handler, 'adminToken', { value: adminToken, enumerable: false });
  Object.defineProperty(handler, 'started', { value: started, enumerable: true });
  handler.close = async () => {
    await state.settled();
    if (!options.database) await db.close();
  };
  handler.faults = () => ({ ...faults });
  handler.setFaults = (changes) => {
    faults = checkFaults(faults, changes as Record<string, unknown>);
    return { ...faults };
  };
  handler.reset = async (count = seedCards, demoSeed = seed) => {
    checkSeedOptions(count, demoSeed);
    await state.clearAll();
    await seedDemo(count, demoSeed);
  };
  return handler;
}
