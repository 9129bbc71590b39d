// The fault soak's command line (npm run soak -- --runs N --seed S [--clock-past-midnight]):
// runs tests/soak/soak.ts, prints sparse progress and the totals, and exits 1 with the failing
// run's seed, how to replay it alone, its diff and its last actions when the registry and the
// tablets disagree. --clock-past-midnight lets a tablet's clock jump past the registry's
// midnight (SoakOptions.clockPastMidnight).
import { parseArgs } from 'node:util';
import { runSoak, type SoakTotals } from './soak.ts';

const DEFAULT_RUNS = 200;
/** Fixed, so CI runs the same schedules every time; pass --seed to explore others. */
const DEFAULT_SEED = 20261125;

function integerOption(
  value: string | undefined,
  name: string,
  fallback: number,
  minimum: number,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < minimum) {
    console.error(`--${name} must be an integer of at least ${minimum}, got ${value}`);
    process.exit(2);
  }
  return parsed;
}

function printTotals(totals: SoakTotals): void {
  const rows: Array<[string, number | string]> = [
    ['runs', totals.runs],
    [
      'handovers',
      `${totals.handovers} (${totals.sameCardHandovers} of a card the other tablet had)`,
    ],
    ['voids', totals.voids],
    ['refused at the counter', totals.refusedAtCounter],
    ['pushes / requests', `${totals.pushes} / ${totals.requests}`],
    ['503s', totals.unavailable503],
    ['answers lost', totals.answersLost],
    ['429s', totals.rateLimited429],
    ['request timeouts', totals.timeouts],
    ['offline periods', `${totals.offlinePeriods} (${totals.offlineRefusals} requests refused)`],
    ['tab crashes', `${totals.tabCrashes} (${totals.crashesMidPush} with a push on the wire)`],
    [
      'registry kills',
      `${totals.registryKills} (${totals.pushesCutByKill} cut a push off; ${totals.requestsWhileDown} requests met it down)`,
    ],
    [
      'tablet clock jumps',
      `${totals.clockJumps} (${totals.eventsOffClock} events recorded off the clock, ${totals.implausibleTime} refused implausible-time)`,
    ],
    [
      'storage full',
      `${totals.storageFull} handovers refused, nothing half-written${totals.storageFullMisworded > 0 ? ` (${totals.storageFullMisworded} not worded as a full disk)` : ''}`,
    ],
    [
      're-enrolments refused',
      `${totals.reenrolmentsRefused} (${totals.reenrolmentsRefused - totals.reenrolmentsRefusedForAttention} with events unsent, ${totals.reenrolmentsRefusedForAttention} with refused handovers waiting)`,
    ],
    ['accepted events', totals.acceptedEvents],
    ['duplicates answered', totals.duplicatesAnswered],
    ['conflicts', totals.conflicts],
    ['rejected', totals.rejected],
    ['wall time', `${(totals.wallTimeMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('\nsoak totals');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    'clock-past-midnight': { type: 'boolean' },
  },
});
const runs = integerOption(values.runs, 'runs', DEFAULT_RUNS, 1);
const seed = integerOption(values.seed, 'seed', DEFAULT_SEED, 0);
const clockPastMidnight = values['clock-past-midnight'] === true;

console.log(
  `fault soak: ${runs} runs from seed ${seed}${clockPastMidnight ? ", clocks may jump past the registry's midnight" : ''}`,
);
const totals = await runSoak({ runs, seed, clockPastMidnight, log: (line) => console.log(line) });
printTotals(totals);

const failure = totals.failure;
if (failure) {
  console.error(
    `\nFAILED: run ${failure.run} (seed ${failure.seed}): the registry and the tablets disagree`,
  );
  console.error(
    `replay it alone: npm run soak -- --runs 1 --seed ${failure.seed}${clockPastMidnight ? ' --clock-past-midnight' : ''}`,
  );
  console.error('\n--- a tablet\n+++ the registry\n!   anything else');
  for (const line of failure.problems) console.error(line);
  console.error('\nlast actions of the run:');
  for (const line of failure.trace) console.error(`  ${line}`);
  process.exitCode = 1;
} else {
  console.log(
    `\nok: after every run the registry held exactly the tablets' synced events, each once`,
  );
}
