// Command line for the mock registry: `tsx server/main.ts --port 8787 --data var/registry`.
// Must stay true: the database is migrated and seeded before the server listens, and a stop
// signal lets requests in progress commit before the database closes; a database that does not
// open, or an earlier data file that does not import, stops it with exit code 1, never reseeded
// over; no device token is printed or built in: the banner prints one-time enrolment codes and
// the demo staff's fresh PINs, each committed (a PIN as its verifier) before it is shown.
import {
  DEMO_CENTER_ID,
  ENROLMENT_CODE_DEFAULT_MINUTES,
  ENROL_APP_PATH,
  centerStaffAdminPath,
  enrolmentCodesPath,
} from '../src/protocol/protocol.ts';
import { formatEnrolmentCode } from '../src/domain/enrolment-code.ts';
import { CommandLineError, USAGE, parseCommandLine } from './cli-options.ts';
import type { DemoStaffPin } from './demo-staff.ts';
import { refreshDemoStaff } from './demo-staff.ts';
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
  const { port, host, quiet, dataPlace, seedCards, enrolmentCodes, handler: options } = commandLine;

  const started = performance.now();
  let handler;
  const codes: Array<{ code: string; expiresAt: string }> = [];
  let demoStaff: DemoStaffPin[] = [];
  try {
    handler = await createRegistryHandler(options);
    if (handler.started.imported !== null)
      process.stdout.write(`imported the earlier data file; kept as ${handler.started.imported}\n`);
    if (handler.started.importSkipped !== null)
      process.stderr.write(
        `note: ${handler.started.importSkipped} not imported: the database already holds centers (an earlier data file is read only into a new database)\n`,
      );
    await handler.state.ensureCenter(DEMO_CENTER_ID);
    for (let index = 0; index < enrolmentCodes; index++) {
      const { code, stored } = await handler.state.devices.issueCode(
        DEMO_CENTER_ID,
        ENROLMENT_CODE_DEFAULT_MINUTES,
      );
      codes.push({ code, expiresAt: stored.expiresAt });
    }
    // The seeded inventory, the codes and the PINs' verifiers are committed before anyone sees them.
    demoStaff = await refreshDemoStaff(handler.state);
  } catch (error) {
    process.stderr.write(`mock registry: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const registry = handler;
  const cardCount = await registry.state.cardCount(DEMO_CENTER_ID);
  const profile = await registry.state.centerProfile(DEMO_CENTER_ID);
  if (seedCards !== undefined && !registry.started.seeded && cardCount !== seedCards) {
    process.stderr.write(
      `note: --seed-cards ${seedCards} ignored: ${dataPlace ?? 'the database'} already holds ${cardCount} cards (use --fresh to reseed)\n`,
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
    const origin = `http://${shownHost}:${boundPort}`;
    const lines = [
      `mock registry listening on ${origin}  (started in ${(performance.now() - started).toFixed(0)} ms)`,
      `  center ${DEMO_CENTER_ID} (${profile?.name ?? DEMO_CENTER_ID}), ${cardCount} cards`,
      `  administrator token (for /api/v2/admin/ and /__mock/) ${registry.adminToken}`,
      ...codes.map(
        ({ code, expiresAt }) =>
          `  enrolment code ${formatEnrolmentCode(code)} (one tablet, until ${expiresAt}): ${origin}${ENROL_APP_PATH}?code=${code}`,
      ),
      ...demoStaff.map(({ staffId, name, role, pin }) =>
        pin === null
          ? `  staff ${staffId} ${name} (${role}), deactivated`
          : `  staff ${staffId} ${name} (${role}), PIN ${pin}`,
      ),
      `  another code: curl -X POST -H 'Authorization: Bearer ${registry.adminToken}' ${origin}${enrolmentCodesPath(DEMO_CENTER_ID)}`,
      `  more staff: curl -X POST -H 'Authorization: Bearer ${registry.adminToken}' -H 'Content-Type: application/json' -d '{"staffId":"S-102","name":"…","role":"clerk","pin":"…"}' ${origin}${centerStaffAdminPath(DEMO_CENTER_ID)}`,
      `  data ${dataPlace ?? '(in memory only)'}`,
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
      .then(() => registry.close())
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
