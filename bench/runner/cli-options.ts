// `npm run bench`'s command line, read without side effects: run.ts prints the usage or the
// error and chooses the exit code.
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Exit 1 when a budget is missed. */
  check: boolean;
  cards: number;
  manifestRows: number;
  /** Cards of the link-emulated pull (step 8b): default `cards`, at most 100,000; 0 skips it. */
  linkCards: number;
  skipBuild: boolean;
}

export const USAGE = `Usage: npm run bench -- [--check] [--cards N] [--manifest-rows N] [--link-cards N] [--skip-build]
  --check            exit 1 when any budget is missed (otherwise exit 0 after printing)
  --cards N          inventory size (default 100000); smaller for a quick run
  --manifest-rows N  rows of the imported manifest file (default 100000)
  --link-cards N     cards of the pull over an emulated 4 Mbit/s, 100 ms link (default: --cards,
                     at most 100000; 0 skips it)
  --skip-build       reuse dist-bench/ from the previous run instead of building again`;

const MIN_CARDS = 1000;
const DEFAULT_LINK_CARDS = 100_000;

export type ParsedBenchArgs =
  { kind: 'run'; options: BenchOptions } | { kind: 'help' } | { kind: 'error'; message: string };

const OPTIONS = {
  check: { type: 'boolean', default: false },
  cards: { type: 'string', default: '100000' },
  'manifest-rows': { type: 'string', default: '100000' },
  'link-cards': { type: 'string' },
  'skip-build': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function parseBenchArgs(args: string[]): ParsedBenchArgs {
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS }));
  } catch (error) {
    // An unknown flag or a flag without its value.
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const cards = Number(values.cards);
  if (!Number.isInteger(cards) || cards < MIN_CARDS)
    return {
      kind: 'error',
      message: `--cards must be a whole number of at least ${MIN_CARDS} (got ${values.cards})`,
    };
  const manifestRows = Number(values['manifest-rows']);
  if (!Number.isInteger(manifestRows) || manifestRows < MIN_CARDS)
    return {
      kind: 'error',
      message: `--manifest-rows must be a whole number of at least ${MIN_CARDS} (got ${values['manifest-rows']})`,
    };
  // The issue asks for the slow link at 100,000 cards; a quick run keeps it as small as itself.
  const linkCards = Number(values['link-cards'] ?? Math.min(cards, DEFAULT_LINK_CARDS));
  if (!Number.isInteger(linkCards) || (linkCards !== 0 && linkCards < MIN_CARDS))
    return {
      kind: 'error',
      message: `--link-cards must be 0 or a whole number of at least ${MIN_CARDS} (got ${values['link-cards']})`,
    };
  return {
    kind: 'run',
    options: {
      check: values.check,
      cards,
      manifestRows,
      linkCards,
      skipBuild: values['skip-build'],
    },
  };
}
