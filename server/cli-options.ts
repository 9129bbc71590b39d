// The mock registry's command line and environment, read without side effects so tests can check
// them in-process. Must stay true: a flag wins over its environment variable, and --help lists
// every flag and variable there is (a test compares USAGE with OPTIONS and FAULT_ENV).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import type { FaultOptions, RegistryHandlerOptions } from './handler.ts';
import { MAX_LATENCY_MS } from './faults.ts';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

export const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'database-url': { type: 'string' },
  'import-from': { type: 'string' },
  fresh: { type: 'boolean' },
  'admin-token': { type: 'string' },
  'enrolment-codes': { type: 'string' },
  'seed-cards': { type: 'string' },
  seed: { type: 'string' },
  'latency-ms': { type: 'string' },
  'fail-rate': { type: 'string' },
  'drop-rate': { type: 'string' },
  'rate-limit-rate': { type: 'string' },
  'serve-app': { type: 'string' },
  'connect-origin': { type: 'string', multiple: true },
  'no-mock-endpoints': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** Where the PostgreSQL server's URL comes from when --database-url is absent. */
export const DATABASE_URL_ENV = 'DATABASE_URL';

/** Where the administrator token comes from when --admin-token is absent. */
export const ADMIN_TOKEN_ENV = 'TAHVIL_ADMIN_TOKEN';

/** Fault flags and the environment variables that set them when the flag is absent. */
export const FAULT_ENV = {
  latencyMs: { flag: 'latency-ms', env: 'TAHVIL_MOCK_LATENCY_MS' },
  failRate: { flag: 'fail-rate', env: 'TAHVIL_MOCK_FAIL_RATE' },
  dropRate: { flag: 'drop-rate', env: 'TAHVIL_MOCK_DROP_RATE' },
  retryAfter429Rate: { flag: 'rate-limit-rate', env: 'TAHVIL_MOCK_RATE_LIMIT_RATE' },
} as const satisfies Record<keyof FaultOptions, { flag: keyof typeof OPTIONS; env: string }>;

/** How many enrolment codes --enrolment-codes may ask for at once. */
export const MAX_START_ENROLMENT_CODES = 50;

export const USAGE = `Mock card registry (sync protocol v2)

Usage: npm run mock-server -- [options]      (or: tsx server/main.ts [options])

  --port N                 port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H                 address to bind (default ${DEFAULT_HOST})
  --data DIR               the database's folder (embedded PostgreSQL, PGlite); created
                           with a demo inventory when missing (default: in memory only,
                           lost on exit)
  --database-url URL       a PostgreSQL server instead (postgres://user@host:port/db);
                           wins over --data
                             env ${DATABASE_URL_ENV}
  --import-from FILE       an earlier version's data file (JSON snapshot and journal): read
                           into a database that holds no center yet, then renamed
                           FILE.imported; nothing happens when FILE is absent
  --fresh                  empty the database and start from the demo inventory
  --admin-token T          the token of the administrator endpoints and /__mock/ (16
                           characters or more; default: a random one, printed at start)
                             env ${ADMIN_TOKEN_ENV}
  --enrolment-codes N      one-time enrolment codes for ${DEMO_CENTER_ID} to issue and print at
                           start, one per tablet (default 1, at most ${MAX_START_ENROLMENT_CODES}; each works 24 h)
  --seed-cards N           demo inventory size when starting fresh (default 5000)
  --seed N                 demo inventory seed
  --latency-ms N           delay every protocol request by N ms
                             env ${FAULT_ENV.latencyMs.env}
  --fail-rate F            answer this share (0..1) of protocol requests 503
                             env ${FAULT_ENV.failRate.env}
  --drop-rate F            commit, then drop the connection, for this share (0..1) of
                           protocol requests ("applied but answer lost")
                             env ${FAULT_ENV.dropRate.env}
  --rate-limit-rate F      answer this share (0..1) of protocol requests 429 (Retry-After: 1)
                             env ${FAULT_ENV.retryAfter429Rate.env}
  --serve-app DIR          also serve the built app from DIR (SPA fallback to index.html)
  --connect-origin URL     another registry origin the served app may reach (its CSP
                           connect-src; repeat for more); the app's own origin always is
  --no-mock-endpoints      turn off the /__mock/ test endpoints
  --quiet                  no request log
  --help                   this text

A flag wins over its environment variable. At start the server prints its URL, the demo
center (${DEMO_CENTER_ID}), the administrator token and, for each enrolment code, the link a
tablet enrols with. No device token exists until a tablet enrols.
`;

export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

export type CommandLine =
  | { help: true }
  | {
      help: false;
      port: number;
      host: string;
      quiet: boolean;
      /** Where the data is, for the start message: a folder, or a server with no password. */
      dataPlace?: string;
      seedCards?: number;
      /** Enrolment codes for DEMO_CENTER_ID that main.ts issues and prints at start. */
      enrolmentCodes: number;
      handler: RegistryHandlerOptions;
    };

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
}

function readNumber(
  source: string,
  raw: string | undefined,
  { min, max, integer }: NumberRule,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new CommandLineError(
      `${source} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

const FAULT_RULES: Record<keyof FaultOptions, NumberRule> = {
  latencyMs: { min: 0, max: MAX_LATENCY_MS, integer: true },
  failRate: { min: 0, max: 1, integer: false },
  dropRate: { min: 0, max: 1, integer: false },
  retryAfter429Rate: { min: 0, max: 1, integer: false },
};

/** Reads argv (without node and the script) and the environment; throws CommandLineError on bad input. */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CommandLine {
  if (argv.some((arg) => arg === '--token' || arg.startsWith('--token=')))
    throw new CommandLineError(
      '--token is gone with protocol v2: there are no center tokens; a tablet enrols with a one-time code (--enrolment-codes N prints N of them)',
    );
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CommandLineError((error as Error).message);
  }
  if (values.help) return { help: true };

  const faults: Partial<FaultOptions> = {};
  for (const [fault, { flag, env: variable }] of Object.entries(FAULT_ENV) as Array<
    [keyof FaultOptions, (typeof FAULT_ENV)[keyof FaultOptions]]
  >) {
    const fromFlag = values[flag];
    const raw = fromFlag ?? env[variable];
    // An empty variable is how a shell unsets one for a single command; it means "not set".
    if (raw === undefined || (fromFlag === undefined && raw === '')) continue;
    const value = readNumber(
      fromFlag !== undefined ? `--${flag}` : variable,
      raw,
      FAULT_RULES[fault],
    );
    if (value !== undefined) faults[fault] = value;
  }

  const handler: RegistryHandlerOptions = {
    faults,
    fresh: values.fresh ?? false,
    mockEndpoints: !values['no-mock-endpoints'],
  };
  const databaseUrl = values['database-url'] ?? (env[DATABASE_URL_ENV] || undefined);
  let dataPlace: string | undefined;
  if (databaseUrl !== undefined) {
    let url: URL;
    const source = values['database-url'] !== undefined ? '--database-url' : DATABASE_URL_ENV;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new CommandLineError(`${source} must be a URL such as postgres://user@host/db`);
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
      throw new CommandLineError(`${source} must start with postgres:// or postgresql://`);
    handler.databaseUrl = databaseUrl;
    // Shown at start: a password in the URL or in its query stays out of it.
    url.password = '';
    url.searchParams.delete('password');
    dataPlace = `PostgreSQL ${url.toString()}`;
  } else if (values.data) {
    handler.dataDir = resolve(values.data);
    dataPlace = handler.dataDir;
  }
  if (values['import-from']) handler.importFrom = resolve(values['import-from']);
  const seedCards = readNumber('--seed-cards', values['seed-cards'], {
    min: 0,
    max: 1_000_000,
    integer: true,
  });
  if (seedCards !== undefined) handler.seedCards = seedCards;
  const seed = readNumber('--seed', values.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  if (seed !== undefined) handler.seed = seed;
  const adminToken = values['admin-token'] ?? (env[ADMIN_TOKEN_ENV] || undefined);
  if (adminToken !== undefined) {
    if (adminToken.length < 16 || /\s/.test(adminToken))
      throw new CommandLineError(
        `${values['admin-token'] !== undefined ? '--admin-token' : ADMIN_TOKEN_ENV} must be 16 characters or more, without spaces`,
      );
    handler.adminToken = adminToken;
  }
  if (values['serve-app']) handler.serveAppDir = resolve(values['serve-app']);
  if (values['connect-origin']) handler.connectSources = values['connect-origin'];
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') throw new CommandLineError('--host must not be empty');

  const parsed: CommandLine = {
    help: false,
    port: readNumber('--port', values.port, { min: 0, max: 65535, integer: true }) ?? DEFAULT_PORT,
    host,
    quiet: values.quiet ?? false,
    enrolmentCodes:
      readNumber('--enrolment-codes', values['enrolment-codes'], {
        min: 0,
        max: MAX_START_ENROLMENT_CODES,
        integer: true,
      }) ?? 1,
    handler,
  };
  if (dataPlace !== undefined) parsed.dataPlace = dataPlace;
  if (seedCards !== undefined) parsed.seedCards = seedCards;
  return parsed;
}
