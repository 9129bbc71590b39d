// The registry's load run (issue 15, "Load"; npm run load -- [options]): on a PostgreSQL server
// (TAHVIL_TEST_POSTGRES_URL), a registry in this process on a fresh database, loaded with the
// national figures (756,000 ready cards over 2,000 centers: load time, database size, bytes a
// card), then hundreds of simulated tablets pushing signed handovers and pulling over loopback
// HTTP, then pgbench on the same server running the same push transaction with no registry
// around it: the physical anchor the registry's events/s is measured against. Prints a table
// and one JSON line; exits 1 on any refused event, failed request or broken count, and, with
// --check, on a ratio below the issue's 0.6. Must stay true: loopback only, bounded in time
// (--seconds for each timed phase) and in requests (a tablet pushes each batch once, at most
// --concurrency requests in flight); nothing timed signs or serializes an event; both databases
// are dropped at the end, whatever failed; a figure is printed with what it was measured over.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import {
  DAY_FEED_TIME_ZONE,
  MAX_PULL_LIMIT,
  MAX_PUSH_EVENTS,
} from '../../src/protocol/protocol.ts';
import { jalaliDayKey } from '../../src/domain/jalali.ts';
import { openPostgres } from '../../server/database/sql.ts';
import type { RegistryHandler } from '../../server/handler.ts';
import { createRegistryHandler } from '../../server/handler.ts';
import { createRegistryServer } from '../../server/http-server.ts';
import { TEST_POSTGRES_URL, testPostgresDatabase } from '../../server/test-helpers.ts';
import { TEST_CLERK } from '../factories/staff.ts';
import type { AnchorRun } from './anchor.ts';
import {
  anchorScript,
  findPgbench,
  prepareAnchorDatabase,
  runPgbench,
  templates,
} from './anchor.ts';
import type { CpuUse } from './measures.ts';
import {
  count,
  cpuMark,
  cpuSince,
  describeCpu,
  megabytes,
  ms,
  printTable,
  rate,
  round,
  watchPostgresOf,
} from './measures.ts';
import {
  cardsOfCenter,
  databaseSize,
  loadNationalCards,
  nationalCenterIds,
  vacuumCenterTables,
} from './national.ts';
import { enrolTablets, prepareTablets } from './tablets.ts';
import type { TrafficResult } from './traffic.ts';
import { runTrafficOnThread } from './traffic.ts';

/** The issue's target: the registry keeps at least this share of what the database can do. */
const TARGET_RATIO = 0.6;
/** The pull page the issue asks for, within what the protocol allows. */
const PULL_LIMIT = Math.min(2000, MAX_PULL_LIMIT);

const DEFAULTS = {
  centers: 200,
  'tablets-per-center': 3,
  seconds: 30,
  batch: 100,
  'national-cards': 756_000,
  'national-centers': 2000,
  concurrency: 32,
  'pull-every': 5,
  /** pgbench's clients; 0 takes --concurrency, as the issue asks. */
  'anchor-clients': 0,
} as const;
type NumberOption = keyof typeof DEFAULTS;

const USAGE = `usage: npx tsx tests/load/run.ts [--centers ${DEFAULTS.centers}] [--tablets-per-center ${DEFAULTS['tablets-per-center']}]
  [--seconds ${DEFAULTS.seconds}] [--batch ${DEFAULTS.batch}] [--national-cards ${DEFAULTS['national-cards']}]
  [--national-centers ${DEFAULTS['national-centers']}] [--concurrency ${DEFAULTS.concurrency}] [--pull-every ${DEFAULTS['pull-every']}]
  [--anchor-clients N (default: --concurrency)] [--check]
needs TAHVIL_TEST_POSTGRES_URL, a PostgreSQL server it may create databases on`;

function usageError(message: string): never {
  console.error(`load: ${message}\n${USAGE}`);
  process.exit(2);
}

function readOptions(): Record<NumberOption, number> & { check: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        ...(Object.fromEntries(
          Object.keys(DEFAULTS).map((name) => [name, { type: 'string' }]),
        ) as Record<NumberOption, { type: 'string' }>),
        check: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const options = { ...DEFAULTS, check: parsed.values.check === true } as Record<
    NumberOption,
    number
  > & { check: boolean };
  for (const name of Object.keys(DEFAULTS) as NumberOption[]) {
    const raw = parsed.values[name] as string | undefined;
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < 1)
      usageError(`--${name} must be a whole number of at least 1, got ${raw}`);
    options[name] = value;
  }
  if (options['anchor-clients'] === 0) options['anchor-clients'] = options.concurrency;
  if (options.batch > MAX_PUSH_EVENTS)
    usageError(`--batch is at most ${MAX_PUSH_EVENTS} (the protocol's push limit)`);
  if (options.centers > options['national-centers'])
    usageError('--centers cannot exceed --national-centers: the load centers are national ones');
  const smallest = Math.floor(options['national-cards'] / options['national-centers']);
  if (Math.floor(smallest / options['tablets-per-center']) < options.batch)
    usageError(
      `a center holds ${smallest} cards, ${Math.floor(smallest / options['tablets-per-center'])} a tablet: fewer than one --batch of ${options.batch}`,
    );
  return options;
}

const options = readOptions();
if (TEST_POSTGRES_URL === undefined) {
  console.error(`load: TAHVIL_TEST_POSTGRES_URL is not set. The load run needs a PostgreSQL server it may create
databases on. Start a throwaway one and export the URL it prints:
  export TAHVIL_TEST_POSTGRES_URL=$(scripts/postgres-cluster.sh start)`);
  process.exit(2);
}
// Loopback only: the figures compare a registry and pgbench on the machine the server runs on.
const postgresHost = new URL(TEST_POSTGRES_URL).hostname.replace(/^\[|\]$/g, '');
if (!/^(localhost|127\.[0-9.]+|::1|)$/.test(postgresHost)) {
  console.error(
    `load: TAHVIL_TEST_POSTGRES_URL names ${postgresHost}: the load run talks to a server on this machine only (127.0.0.1)`,
  );
  process.exit(2);
}
const pgbench = findPgbench();
if (pgbench === undefined) {
  console.error(
    'load: pgbench not found (looked at $PGBENCH, /usr/bin/pgbench, /usr/lib/postgresql/*/bin): apt-get install postgresql-client, or set PGBENCH',
  );
  process.exit(2);
}
try {
  const probe = await openPostgres(TEST_POSTGRES_URL, 1);
  try {
    // The server's CPU is read from /proc: only when it runs on this machine, as it must here.
    const [backend] = await probe.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    if (!watchPostgresOf(backend!.pid))
      console.warn('load: the PostgreSQL server is not on this machine: its CPU is not shown');
  } finally {
    await probe.close();
  }
} catch (error) {
  console.error(`load: cannot reach the PostgreSQL server at TAHVIL_TEST_POSTGRES_URL (${(error as Error).message}).
Start one with: export TAHVIL_TEST_POSTGRES_URL=$(scripts/postgres-cluster.sh start)`);
  process.exit(2);
}

const runStarted = performance.now();
function step(message: string): void {
  const seconds = ((performance.now() - runStarted) / 1000).toFixed(1).padStart(6);
  console.log(`[${seconds} s] ${message}`);
}

// Ctrl-C stops the timed phases and still drops the databases; a second one leaves at once.
let interrupted = false;
/** Ends the timed phase running now (the traffic's thread, or pgbench). */
let stopTimedPhase: (() => void) | undefined;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  console.error('\nload: interrupted; cleaning up (Ctrl-C again to leave now)');
  stopTimedPhase?.();
});

const databases: string[] = [];
let handler: RegistryHandler | undefined;
let server: Server | undefined;
const failures: string[] = [];

interface Figures {
  national: {
    cards: number;
    centers: number;
    loadSeconds: number;
    generatingSeconds: number;
    cardsPerSecond: number;
    databaseBytes: number;
    emptyDatabaseBytes: number;
    bytesPerCard: number;
    cardsTableBytesPerCard: number;
  };
  signing: { events: number; seconds: number };
  traffic: TrafficResult & { cpu: CpuUse };
  anchor: AnchorRun & { eventsPerSecond: number; cpu: CpuUse };
  ratio: number;
}

async function run(): Promise<Figures> {
  const { centers, batch, seconds, concurrency } = options;
  const anchorClients = options['anchor-clients'];
  const tabletsPerCenter = options['tablets-per-center'];

  step('creating the registry database');
  const registryUrl = await testPostgresDatabase();
  databases.push(registryUrl);
  handler = await createRegistryHandler({
    databaseUrl: registryUrl,
    seedCards: 0,
    mockEndpoints: false,
    cors: false,
  });
  const store = handler.state;
  server = createRegistryServer(handler);
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const empty = await databaseSize(store.db);

  const centerIds = nationalCenterIds(options['national-centers']);
  step(
    `loading ${count(options['national-cards'])} cards over ${count(centerIds.length)} centers (RegistryStore.putCards)`,
  );
  const national = await loadNationalCards(
    store,
    centerIds,
    options['national-cards'],
    (loaded) => step(`  ${count(loaded)} cards`),
    () => interrupted,
  );
  if (interrupted) throw new Error('interrupted');
  await vacuumCenterTables(store.db);
  const size = await databaseSize(store.db);

  const loadCenters = centerIds.slice(0, centers);
  step(`enrolling ${count(centers * tabletsPerCenter)} tablets at ${count(centers)} centers`);
  const devices = await enrolTablets(store, loadCenters, tabletsPerCenter);
  step('signing every handover before the timed phase');
  const signingStarted = performance.now();
  const prepared = await prepareTablets(store, devices, batch);
  const signing = { events: prepared.events, seconds: (performance.now() - signingStarted) / 1000 };
  step(
    `  ${count(prepared.events)} handovers in ${count(prepared.events / batch)} batches of ${batch} (${count(prepared.cardsLeftOver)} ready cards short of a whole batch stay ready)`,
  );

  // Before the load, so the anchor starts from the rows the load started from.
  step('copying the load centers into the anchor database');
  const anchorUrl = await testPostgresDatabase();
  databases.push(anchorUrl);
  await prepareAnchorDatabase(store.db, anchorUrl, loadCenters);

  step(
    `load: ${count(prepared.tablets.length)} tablets for up to ${seconds} s, at most ${concurrency} requests in flight`,
  );
  const trafficMark = cpuMark();
  const onThread = runTrafficOnThread({
    base,
    tablets: prepared.tablets,
    seconds,
    maxInFlight: concurrency,
    pullEvery: options['pull-every'],
    pullLimit: PULL_LIMIT,
  });
  stopTimedPhase = onThread.stop;
  const { result, threadCpuSeconds } = await onThread.done;
  stopTimedPhase = undefined;
  if (interrupted) throw new Error('interrupted');
  const used = cpuSince(trafficMark);
  const tabletsThread = threadCpuSeconds / used.seconds;
  const traffic = {
    ...result,
    cpu: { ...used, tabletsThread, otherThreads: Math.max(0, used.otherThreads - tabletsThread) },
  };

  // What the answers said must be what the registry kept.
  const accepted = traffic.statuses.accepted ?? 0;
  const [kept] = await store.db.query<{ events: number; handed: number }>(
    `SELECT (SELECT count(*) FROM accepted_events WHERE center_id = ANY($1::text[]))::bigint AS events,
            (SELECT count(*) FROM cards WHERE center_id = ANY($1::text[])
                AND status = 'handed_over')::bigint AS handed`,
    [loadCenters],
  );
  if (kept!.events !== accepted || kept!.handed !== accepted)
    failures.push(
      `the registry answered ${accepted} accepted, but holds ${kept!.events} accepted events and ${kept!.handed} handed-over cards`,
    );

  step(
    `anchor: pgbench, ${anchorClients} clients for ${seconds} s, the push transaction of ${batch} events`,
  );
  const cardsPerCenter = Math.min(
    ...loadCenters.map((_, index) =>
      cardsOfCenter(options['national-cards'], centerIds.length, index),
    ),
  );
  const script = anchorScript({
    batch,
    centers,
    centerIdWidth: centerIds[0]!.length - 2,
    tabletsPerCenter,
    cardsPerCenter,
    clients: anchorClients,
    day: jalaliDayKey(new Date(), DAY_FEED_TIME_ZONE),
    // A tablet's batch names one clerk (tablets.ts): one lookup of one id.
    staffId: TEST_CLERK.staffId,
  });
  const anchorMark = cpuMark();
  const bench = await runPgbench({
    pgbench: pgbench!,
    url: anchorUrl,
    script,
    variables: templates(prepared.sampleEvent, prepared.sampleCard),
    clients: anchorClients,
    seconds,
    onStart: (stop) => (stopTimedPhase = stop),
  });
  stopTimedPhase = undefined;
  const anchorCpu = cpuSince(anchorMark);
  if (interrupted) throw new Error('interrupted');
  if (bench.failedTransactions > 0)
    failures.push(`pgbench reported ${bench.failedTransactions} failed transactions`);
  const anchorDb = await openPostgres(anchorUrl, 1);
  try {
    const [rows] = await anchorDb.query<{ events: number }>(
      'SELECT count(*)::bigint AS events FROM accepted_events',
    );
    if (rows!.events < bench.transactions * batch)
      failures.push(
        `pgbench counted ${bench.transactions} transactions of ${batch} events, but the anchor holds ${rows!.events} events`,
      );
  } finally {
    await anchorDb.close();
  }

  const anchorEventsPerSecond = bench.tps * batch;
  const registryEventsPerSecond = accepted / traffic.windowSeconds;
  return {
    national: {
      cards: national.cards,
      centers: national.centers,
      loadSeconds: national.seconds,
      generatingSeconds: national.generatingSeconds,
      cardsPerSecond: national.cardsPerSecond,
      databaseBytes: size.databaseBytes,
      emptyDatabaseBytes: empty.databaseBytes,
      bytesPerCard: (size.databaseBytes - empty.databaseBytes) / national.cards,
      cardsTableBytesPerCard: (size.cardsBytes - empty.cardsBytes) / national.cards,
    },
    signing,
    traffic,
    anchor: { ...bench, eventsPerSecond: anchorEventsPerSecond, cpu: anchorCpu },
    ratio: registryEventsPerSecond / anchorEventsPerSecond,
  };
}

function report(figures: Figures): void {
  const { national, traffic, anchor, signing } = figures;
  const window = traffic.windowSeconds;
  const accepted = traffic.statuses.accepted ?? 0;
  const pushRate = traffic.pushes.count / window;
  const latency = (summary: TrafficResult['pushes']) =>
    `p50 ${ms(summary.p50)}, p95 ${ms(summary.p95)}, p99 ${ms(summary.p99)}, max ${ms(summary.max)} (${count(summary.count)} requests)`;
  printTable('national figures', [
    ['cards / centers', `${count(national.cards)} / ${count(national.centers)}`],
    [
      'load (putCards per center)',
      `${national.loadSeconds.toFixed(1)} s, ${count(national.cardsPerSecond)} cards/s (generating them: ${national.generatingSeconds.toFixed(1)} s of it, overlapped)`,
    ],
    [
      'database size',
      `${megabytes(national.databaseBytes)} (${megabytes(national.emptyDatabaseBytes)} empty)`,
    ],
    [
      'bytes per card',
      `${count(national.bytesPerCard)} (database growth); ${count(national.cardsTableBytesPerCard)} in the cards table with its indexes`,
    ],
  ]);
  printTable(
    `load: registry over loopback HTTP, ${count(options.centers)} centers × ${options['tablets-per-center']} tablets, batch ${options.batch}, ${options.concurrency} in flight`,
    [
      ['signed beforehand', `${count(signing.events)} events in ${signing.seconds.toFixed(1)} s`],
      [
        'measured over',
        `${window.toFixed(1)} s (stopped: ${traffic.stoppedBy}, ${count(traffic.batchesLeft)} batches left)`,
      ],
      ['accepted events/s', rate(accepted / window)],
      ['pushes/s', rate(pushRate)],
      [
        'pull cards/s',
        `${rate(traffic.pulledCards / window)} (${count(traffic.pulls.count)} pulls)`,
      ],
      ['push latency', latency(traffic.pushes)],
      ['pull latency', latency(traffic.pulls)],
      [
        'results',
        Object.entries(traffic.statuses)
          .map(([status, n]) => `${status} ${count(n)}`)
          .join(', ') || 'none',
      ],
      ...Object.entries(traffic.refusals).map(([key, n]): [string, string] => [
        `  ${key}`,
        count(n),
      ]),
      ['request errors', count(traffic.requestErrors)],
      ...traffic.errorSamples.map((sample): [string, string] => ['  e.g.', sample]),
      ['cpu', describeCpu(traffic.cpu)],
      ['cpu per accepted event', perEvent(traffic.cpu, accepted)],
    ],
  );
  printTable(
    `anchor: pgbench on the same server, ${options['anchor-clients']} clients, no registry`,
    [
      [
        'transactions/s',
        `${rate(anchor.tps)} (${count(anchor.transactions)} in ${options.seconds} s)`,
      ],
      ['anchor events/s', `${rate(anchor.eventsPerSecond)} (tps × batch ${options.batch})`],
      ['latency average', ms(anchor.latencyAverageMs)],
      ['failed transactions', count(anchor.failedTransactions)],
      ['cpu', describeCpu(anchor.cpu)],
      ['cpu per event', perEvent(anchor.cpu, anchor.transactions * options.batch)],
      ...anchor.statementLatencies.map((line): [string, string] => [
        '  ms, fails, statement',
        line.slice(0, 110),
      ]),
    ],
  );
  printTable('ratio', [
    [
      'registry ÷ anchor events/s',
      `${figures.ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}${options.check ? ', checked' : ''})`,
    ],
  ]);
  console.log(
    JSON.stringify({
      load: {
        options,
        national: {
          cards: national.cards,
          centers: national.centers,
          loadSeconds: round(national.loadSeconds),
          cardsPerSecond: Math.round(national.cardsPerSecond),
          databaseBytes: national.databaseBytes,
          bytesPerCard: Math.round(national.bytesPerCard),
          cardsTableBytesPerCard: Math.round(national.cardsTableBytesPerCard),
        },
        registry: {
          windowSeconds: round(window, 2),
          stoppedBy: traffic.stoppedBy,
          acceptedEventsPerSecond: round(accepted / window),
          pushesPerSecond: round(pushRate, 2),
          pullCardsPerSecond: round(traffic.pulledCards / window),
          push: roundLatency(traffic.pushes),
          pull: roundLatency(traffic.pulls),
          statuses: traffic.statuses,
          refusals: traffic.refusals,
          requestErrors: traffic.requestErrors,
          cpu: cpuFigures(traffic.cpu, accepted),
        },
        anchor: {
          tps: round(anchor.tps, 2),
          eventsPerSecond: round(anchor.eventsPerSecond),
          transactions: anchor.transactions,
          failedTransactions: anchor.failedTransactions,
          latencyAverageMs: anchor.latencyAverageMs,
          cpu: cpuFigures(anchor.cpu, anchor.transactions * options.batch),
        },
        ratio: round(figures.ratio, 3),
        targetRatio: TARGET_RATIO,
        failures,
      },
    }),
  );
}

/** `PostgreSQL 120 µs, …`: CPU time a phase spent per event, by whom. */
function perEvent(use: CpuUse, events: number): string {
  if (events === 0) return 'n/a';
  const micros = (cores: number) => `${Math.round((cores * use.seconds * 1e6) / events)} µs`;
  const parts = [`PostgreSQL ${micros(use.postgres)}`];
  if (use.pgbench >= 0.005) parts.push(`pgbench ${micros(use.pgbench)}`);
  if (use.mainThread + use.otherThreads >= 0.05)
    parts.push(
      `the registry's main thread ${micros(use.mainThread)}`,
      `other threads ${micros(use.otherThreads)}`,
    );
  if (use.tabletsThread > 0) parts.push(`the tablets' thread ${micros(use.tabletsThread)}`);
  return parts.join(', ');
}

/** The phase's CPU in cores, and PostgreSQL's and the main thread's CPU per event kept. */
function cpuFigures(use: CpuUse, events: number) {
  const perEvent = (cores: number) =>
    events > 0 ? round((cores * use.seconds * 1e6) / events) : null;
  return {
    machineBusyCores: use.machineBusy === null ? null : round(use.machineBusy, 2),
    postgresCores: round(use.postgres, 2),
    pgbenchCores: round(use.pgbench, 2),
    mainThreadCores: round(use.mainThread, 2),
    otherThreadsCores: round(use.otherThreads, 2),
    eventLoopBusy: round(use.eventLoopBusy, 2),
    mainThreadWaitingForCore: round(use.mainThreadWaiting, 2),
    postgresMicrosecondsPerEvent: perEvent(use.postgres),
    mainThreadMicrosecondsPerEvent: perEvent(use.mainThread),
    otherThreadsMicrosecondsPerEvent: perEvent(use.otherThreads),
    tabletsThreadCores: round(use.tabletsThread, 2),
  };
}

function roundLatency(summary: TrafficResult['pushes']) {
  return {
    count: summary.count,
    p50: round(summary.p50),
    p95: round(summary.p95),
    p99: round(summary.p99),
    max: round(summary.max),
  };
}

async function cleanUp(): Promise<void> {
  if (server) {
    const closing = server;
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  }
  if (handler) await handler.close();
  if (databases.length === 0) return;
  // DROP DATABASE runs from another database: the server's own `postgres` one.
  const admin = new URL(TEST_POSTGRES_URL!);
  admin.pathname = '/postgres';
  const db = await openPostgres(admin.toString(), 1);
  try {
    for (const url of databases) {
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      await db.exec(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    }
  } finally {
    await db.close();
  }
}

let figures: Figures | undefined;
try {
  figures = await run();
} catch (error) {
  // A mistake in this code shows where it is; a failure of the run says what failed.
  const bug = error instanceof TypeError || error instanceof ReferenceError;
  failures.push(
    interrupted
      ? 'interrupted'
      : `the run stopped: ${bug ? (error as Error).stack : ((error as Error).message ?? String(error))}`,
  );
} finally {
  step('cleaning up: closing the registry, dropping both databases');
  try {
    await cleanUp();
  } catch (error) {
    failures.push(
      `cleaning up failed (drop the tahvil_test_ databases by hand): ${(error as Error).message}`,
    );
  }
}

if (figures) {
  const { traffic } = figures;
  const notAccepted = Object.entries(traffic.statuses).filter(([status]) => status !== 'accepted');
  if (notAccepted.length > 0)
    failures.push(
      `results other than accepted: ${notAccepted.map(([status, n]) => `${status} ${n}`).join(', ')}`,
    );
  if (traffic.requestErrors > 0) failures.push(`${traffic.requestErrors} requests failed`);
  if (traffic.pushes.count === 0) failures.push('no push was answered');
  if (options.check && figures.ratio < TARGET_RATIO)
    failures.push(`ratio ${figures.ratio.toFixed(2)} is below the target ${TARGET_RATIO}`);
  report(figures);
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`load: FAILED: ${failure}`);
  process.exitCode = interrupted ? 130 : 1;
} else {
  console.log('\nload: ok: every event accepted, every request answered, every count kept');
}
