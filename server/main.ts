// Command line for the mock registry: `tsx server/main.ts --port 8787 --data var/mock.json`.
// Must stay true: the data file is on disk before the server listens, and a stop signal waits
// for pending writes, so nothing a client was told is lost on Ctrl-C.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FaultOptions, RegistryHandlerOptions } from './handler.ts';
import { createRegistryHandler } from './handler.ts';
import { DEMO_CENTER_ID } from '../src/sync/protocol.ts';

const USAGE = `Mock card registry (sync protocol v1)

Usage: tsx server/main.ts [options]

  --port N                 port to listen on (default 8787; 0 picks a free one)
  --host H                 address to bind (default 127.0.0.1)
  --data FILE              data file; created with a demo inventory when missing
                           (default: state in memory only, lost on exit)
  --fresh                  ignore an existing data file and start from the demo inventory
  --token T                device token for ${DEMO_CENTER_ID} (default demo-token-${DEMO_CENTER_ID})
  --seed-cards N           demo inventory size when starting fresh (default 5000)
  --seed N                 demo inventory seed
  --latency-ms N           delay every protocol request by N ms
  --fail-rate F            answer this share (0..1) of protocol requests 503
  --drop-rate F            commit, then drop the connection for this share of requests
  --rate-limit-rate F      answer this share of protocol requests 429 (Retry-After: 1)
  --serve-app DIR          also serve the built app from DIR (SPA fallback to index.html)
  --no-mock-endpoints      turn off the /__mock/ test endpoints
  --quiet                  no request log
  --help                   this text
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function numberOption(name: string, raw: string | undefined, { min, max, integer }: { min: number; max: number; integer: boolean }): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        token: { type: 'string' },
        'seed-cards': { type: 'string' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string' },
        'fail-rate': { type: 'string' },
        'drop-rate': { type: 'string' },
        'rate-limit-rate': { type: 'string' },
        'serve-app': { type: 'string' },
        'no-mock-endpoints': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  const port = numberOption('port', values.port, { min: 0, max: 65535, integer: true }) ?? 8787;
  const faults: Partial<FaultOptions> = {};
  const latencyMs = numberOption('latency-ms', values['latency-ms'], { min: 0, max: 120_000, integer: true });
  const failRate = numberOption('fail-rate', values['fail-rate'], { min: 0, max: 1, integer: false });
  const dropRate = numberOption('drop-rate', values['drop-rate'], { min: 0, max: 1, integer: false });
  const rateLimitRate = numberOption('rate-limit-rate', values['rate-limit-rate'], { min: 0, max: 1, integer: false });
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  if (failRate !== undefined) faults.failRate = failRate;
  if (dropRate !== undefined) faults.dropRate = dropRate;
  if (rateLimitRate !== undefined) faults.retryAfter429Rate = rateLimitRate;

  const options: RegistryHandlerOptions = { faults, fresh: values.fresh, mockEndpoints: !values['no-mock-endpoints'] };
  const dataFile = values.data ? resolve(values.data) : undefined;
  if (dataFile) {
    mkdirSync(dirname(dataFile), { recursive: true });
    options.dataFile = dataFile;
  }
  const seedCards = numberOption('seed-cards', values['seed-cards'], { min: 0, max: 1_000_000, integer: true });
  if (seedCards !== undefined) options.seedCards = seedCards;
  const seed = numberOption('seed', values.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  if (seed !== undefined) options.seed = seed;
  if (values.token !== undefined) {
    if (values.token.trim() === '') fail('--token must not be empty');
    options.tokens = { [DEMO_CENTER_ID]: values.token };
  }
  if (values['serve-app']) options.serveAppDir = resolve(values['serve-app']);

  const started = performance.now();
  let handler;
  try {
    handler = createRegistryHandler(options);
    // The seeded inventory goes to disk before anyone can see it.
    await handler.flush();
  } catch (error) {
    process.stderr.write(`mock registry: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const registry = handler;
  const cardCount = registry.state.cardCount(DEMO_CENTER_ID);
  if (seedCards !== undefined && dataFile && !values.fresh && cardCount !== seedCards) {
    process.stderr.write(`note: --seed-cards ${seedCards} ignored: ${dataFile} already holds ${cardCount} cards (use --fresh to reseed)\n`);
  }

  const server = createServer((req, res) => {
    if (!values.quiet) {
      const begun = performance.now();
      res.on('close', () => {
        const status = res.writableFinished ? String(res.statusCode) : 'dropped';
        process.stdout.write(`${req.method} ${req.url} ${status} ${(performance.now() - begun).toFixed(1)}ms\n`);
      });
    }
    registry(req, res);
  });
  server.on('error', (error) => {
    process.stderr.write(`mock registry: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(port, values.host, () => {
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = values.host.includes(':') ? `[${values.host}]` : values.host;
    const lines = [
      `mock registry listening on http://${shownHost}:${boundPort}  (started in ${(performance.now() - started).toFixed(0)} ms)`,
      `  center ${DEMO_CENTER_ID}, device token ${registry.state.tokenOf(DEMO_CENTER_ID)}, ${cardCount} cards`,
      `  data ${dataFile ?? '(in memory only)'}`,
    ];
    const f = registry.faults();
    if (f.latencyMs || f.failRate || f.dropRate || f.retryAfter429Rate) {
      lines.push(`  faults latency ${f.latencyMs} ms, fail ${f.failRate}, drop ${f.dropRate}, 429 ${f.retryAfter429Rate}`);
    }
    if (options.serveAppDir) lines.push(`  serving app from ${options.serveAppDir}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    // Requests in progress get a moment to finish their write and answer; then we go anyway.
    const deadline = setTimeout(() => server.closeAllConnections(), 2000);
    deadline.unref();
    closed
      .then(() => registry.flush())
      .catch((error: unknown) => {
        process.stderr.write(`mock registry: ${(error as Error).message}\n`);
        process.exitCode = 1;
      })
      .finally(() => process.exit());
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
