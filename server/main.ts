// Command line for the mock registry: `tsx server/main.ts --port 8787 --data var/mock.json`.
// Must stay true: the data file is on disk before the server listens, and a stop signal waits
// for pending writes, so nothing a client was told is lost on Ctrl-C; a data file that does not
// load (decision 013) stops it with exit code 1 before anything is written, never reseeded over.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import { CommandLineError, USAGE, parseCommandLine } from './cli-options.ts';
import { createRegistryHandler } from './handler.ts';
import { createRegistryServer } from './http-server.ts';

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let commandLine;
  try {
    commandLine = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CommandLineError) fail(error.message);
    throw error;
  }
  if (commandLine.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { port, host, quiet, dataFile, seedCards, handler: options } = commandLine;
  if (dataFile) mkdirSync(dirname(dataFile), { recursive: true });

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
  if (seedCards !== undefined && dataFile && !options.fresh && cardCount !== seedCards) {
    process.stderr.write(
      `note: --seed-cards ${seedCards} ignored: ${dataFile} already holds ${cardCount} cards (use --fresh to reseed)\n`,
    );
  }

  const server = createRegistryServer((req, res) => {
    if (!quiet) {
      const begun = performance.now();
      res.on('close', () => {
        const status = res.writableFinished ? String(res.statusCode) : 'dropped';
        process.stdout.write(
          `${req.method} ${req.url} ${status} ${(performance.now() - begun).toFixed(1)}ms\n`,
        );
      });
    }
    registry(req, res);
  });
  server.on('error', (error) => {
    process.stderr.write(`mock registry: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const boundPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    const lines = [
      `mock registry listening on http://${shownHost}:${boundPort}  (started in ${(performance.now() - started).toFixed(0)} ms)`,
      `  center ${DEMO_CENTER_ID}, device token ${registry.state.tokenOf(DEMO_CENTER_ID)}, ${cardCount} cards`,
      ...(options.mockEndpoints === false
        ? []
        : [`  administrator token (for /__mock/) ${registry.adminToken}`]),
      `  data ${dataFile ?? '(in memory only)'}`,
    ];
    const f = registry.faults();
    if (f.latencyMs || f.failRate || f.dropRate || f.retryAfter429Rate) {
      lines.push(
        `  faults latency ${f.latencyMs} ms, fail ${f.failRate}, drop ${f.dropRate}, 429 ${f.retryAfter429Rate}`,
      );
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
