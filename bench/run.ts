// `npm run bench`: times the app's storage, search and counter code at 100,000 cards in headless
// Chromium with a persistent (on-disk) profile, against plain IndexedDB doing the same work, the
// keystroke-to-painted-results time of the real built search screen, and the sync engine's
// initial pull and outbox push against an in-process mock registry on PGlite in a folder, and the
// import of an inventory manifest through the app's real worker pipeline (time, rows/s, the peak
// JS heap of page and worker, the longest main-thread stall). Must stay true: a fresh profile
// and registry each run, budgets are never loosened (runner/budgets.ts), and `--check` fails
// when one is missed (the sync, import and storage figures have no budget: they are reported
// only).
// The steps run in the bench page (page/steps/), each driven from runner/steps/, in this order.
import { mkdtemp, rm } from 'node:fs/promises';
import { DEMO_CENTER_ID } from '../src/protocol/protocol.ts';
import { makePinVerifier } from '../src/domain/pin-verifier.ts';
import { BENCH_STAFF_ID, BENCH_STAFF_NAME, BENCH_STAFF_PIN } from './page/clerk.ts';
import os from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { BENCH_BASE } from './runner/static-server.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './runner/cli-options.ts';
import { buildPages } from './runner/build.ts';
import { startRegistryAndServer } from './runner/registry.ts';
import { forwardConsole, launchChromium } from './runner/chromium.ts';
import { missedBudgets } from './runner/budgets.ts';
import { round2 } from './runner/metrics.ts';
import { metricList, printSummary, printTable, writeResults } from './runner/report.ts';
import { progress } from './runner/progress.ts';
import { STORAGE_SETTLE_MS } from './runner/settle.ts';
import { measureStore } from './runner/steps/store-cards.ts';
import { measureCodeLookup } from './runner/steps/code-lookup.ts';
import { measureNameSearch } from './runner/steps/name-search.ts';
import { measureKeystrokes } from './runner/steps/keystrokes.ts';
import { measureHandover } from './runner/steps/handover-commit.ts';
import { measureCounters } from './runner/steps/counters.ts';
import { TABLET_CPU_THROTTLE_RATE } from './runner/cpu-throttle.ts';
import { measurePinCheck } from './runner/steps/pin-check.ts';
import { measureInitialPull } from './runner/steps/initial-pull.ts';
import { measurePushOutbox } from './runner/steps/push-outbox.ts';
import { measureLinkPull } from './runner/steps/link-pull.ts';
import { measureManifestImports } from './runner/steps/manifest-import.ts';
import { measureStorageBytes } from './runner/steps/storage-bytes.ts';

// The machine is shared: the load when the run starts and ends says how noisy it was.
const loadAtStart = os.loadavg();
let interrupted = false;

/** Runs every step once; resolves to the number of budgets missed. */
async function main({ cards, manifestRows, linkCards, skipBuild }: BenchOptions): Promise<number> {
  if (!skipBuild) await buildPages();
  const origin = await startRegistryAndServer(cards);
  const { registry, server } = origin;
  const profileDir = await mkdtemp(join(os.tmpdir(), 'tahvil-bench-profile-'));
  let context: BrowserContext | null = null;
  let cleaning: Promise<void> | null = null;
  // Once only, whether the run ends, fails or is interrupted: close Chromium, then remove its
  // profile; stop serving, close the registry's database, then remove its folder.
  const cleanup = () =>
    (cleaning ??= (async () => {
      await context?.close().catch(() => undefined);
      context = null;
      await origin.close();
      await rm(profileDir, { recursive: true, force: true });
    })());
  const onSignal = () => {
    interrupted = true;
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    progress(`serving on ${server.origin}; profile in ${profileDir}`);
    context = await launchChromium(profileDir);
    const chromiumVersion = context.browser()?.version() ?? null;
    const bench = context.pages()[0] ?? (await context.newPage());
    forwardConsole(bench, 'bench:');
    await bench.goto(`${server.origin}${BENCH_BASE}`);
    await bench.waitForFunction(() => document.body.dataset.ready === 'true');
    const isolated = await bench.evaluate(() => window.tahvilBench.crossOriginIsolated());
    progress(`Chromium ${chromiumVersion}; bench page cross-origin isolated: ${isolated}`);

    progress(`generating ${cards} cards…`);
    const generated = await bench.evaluate((count) => window.tahvilBench.generate(count), cards);
    progress(
      `generated in ${Math.round(generated.ms)} ms: ${JSON.stringify(generated.byStatus)}; write chunk ${generated.chunk}`,
    );
    progress(`schema (app and baseline): ${generated.schema}`);

    const store = await measureStore(bench, cards);
    await bench.evaluate(() => window.tahvilBench.releaseRecords());
    await bench.evaluate(() => window.tahvilBench.prepareAppSettings());
    progress(`letting storage settle for ${STORAGE_SETTLE_MS / 1000} s after the bulk write…`);
    await bench.waitForTimeout(STORAGE_SETTLE_MS);

    const codeLookup = await measureCodeLookup(bench);
    const nameSearch = await measureNameSearch(bench);
    const keystrokes = await measureKeystrokes(context, bench, server);
    // 4b, 5b: the same on a tablet-class CPU (CDP throttling 4×, reset after each).
    const keystrokesCpu4x = await measureKeystrokes(context, bench, server, {
      cpuThrottleRate: TABLET_CPU_THROTTLE_RATE,
    });
    const handover = await measureHandover(bench);
    const handoverCpu4x = await measureHandover(bench, {
      cpuThrottleRate: TABLET_CPU_THROTTLE_RATE,
    });
    const counters = await measureCounters(bench);
    const pinCheck = await measurePinCheck(bench);

    // Last, so the pull's 100,000-card write and its compaction cannot disturb steps 1–6; the
    // registry answers only now, so the real app of step 4 stayed offline and never pulled.
    server.setRegistryOnline(true);
    // The bench clerk is on the center's roster, so the sync tablet's pushes name a member.
    await registry.state.staff.add(DEMO_CENTER_ID, {
      staffId: BENCH_STAFF_ID,
      name: BENCH_STAFF_NAME,
      role: 'clerk',
      pinVerifier: await makePinVerifier(BENCH_STAFF_PIN),
    });
    const { code } = await registry.state.devices.issueCode(DEMO_CENTER_ID, 60);
    // The sync tablet is a page on an origin of its own, as a tablet holds only the app's
    // database: on the bench page's origin its writes would share one LevelDB with the four
    // inventories of step 1 and their compaction.
    const syncOrigin = await server.openOrigin();
    const syncPage = await context.newPage();
    forwardConsole(syncPage, 'sync tablet:');
    let initialPull;
    let push;
    let linkPull;
    try {
      await syncPage.goto(`${syncOrigin.origin}${BENCH_BASE}`);
      await syncPage.waitForFunction(() => document.body.dataset.ready === 'true');
      const tablet = await syncPage.evaluate(
        (enrolmentCode) => window.tahvilBench.prepareSyncTablet(enrolmentCode),
        code,
      );
      initialPull = await measureInitialPull(syncPage, cards, tablet.database);
      push = await measurePushOutbox(syncPage, registry);
      // After the push, so its center's seeding and snapshot cannot disturb steps 7 and 8.
      if (linkCards > 0) linkPull = await measureLinkPull(syncPage, registry, linkCards);
    } finally {
      server.setRegistryOnline(false);
      await syncPage.close();
      await syncOrigin.close();
    }

    // After the sync steps, in a database of its own: its 100,000-row write cannot disturb any figure above.
    const imports = await measureManifestImports(context, bench, manifestRows);
    // Last, on origins of their own: the bench page's origin holds every database above, so its
    // estimate cannot be divided by a card count; nothing follows its writes and their compaction.
    const storage = await measureStorageBytes(context, server, profileDir, cards);

    await cleanup();

    const steps = {
      store,
      codeLookup,
      nameSearch,
      keystrokes,
      keystrokesCpu4x,
      handover,
      handoverCpu4x,
      counters,
      pinCheck,
      initialPull,
      push,
      linkPull,
      imports,
      storage,
    };
    const metrics = metricList(steps);
    for (const metric of metrics) metric.value = round2(metric.value);
    printTable(metrics);
    printSummary(steps, generated.chunk);
    const written = await writeResults(
      {
        chromiumVersion,
        loadAtStart,
        cards,
        manifestRows,
        cardWriteChunk: generated.chunk,
        schema: generated.schema,
      },
      metrics,
    );
    const missed = missedBudgets(metrics);
    console.log(
      `load average (1, 5, 15 min): ${written.loadAverage.atStart.join(', ')} at the start, ${written.loadAverage.atEnd.join(', ')} at the end`,
    );
    progress(
      `wrote ${written.path}; ${missed.length === 0 ? 'every budget held' : `missed: ${missed.map((metric) => metric.id).join(', ')}`}`,
    );
    return missed.length;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const parsed = parseBenchArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(`${parsed.message}\n${USAGE}`);
  process.exit(2);
}
const { options } = parsed;
main(options).then(
  (missed) => process.exit(options.check && missed > 0 ? 1 : 0),
  (error: unknown) => {
    if (interrupted) {
      progress('interrupted: browser closed, profile removed');
      process.exit(130);
    }
    console.error(error);
    process.exit(2);
  },
);
