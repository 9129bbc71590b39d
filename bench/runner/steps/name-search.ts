// Step 3, the runner's part: name-prefix searches, app and baseline in turn
// (bench/page/steps/name-search.ts), reported by word count with the slowest queries.
import type { Page } from '@playwright/test';
import { BUDGETS } from '../budgets.ts';
import { percentileMetric, round2, rounded, summarize } from '../metrics.ts';
import { progress } from '../progress.ts';

const NAME_SEARCH = { samples: 240, warmup: 20 };

export async function measureNameSearch(bench: Page) {
  progress(`step 3: name-prefix search, ${NAME_SEARCH.samples} samples…`);
  const names = await bench.evaluate(
    ({ samples, warmup }) => window.tahvilBench.measureNamePrefix(samples, warmup),
    NAME_SEARCH,
  );
  const withWords = (samples: number[], count: number) =>
    rounded(summarize(samples.filter((_, i) => names.words[i] === count)));
  const metric = percentileMetric(
    'name-prefix-search',
    'name-prefix search (first 50)',
    names.app,
    names.baseline,
    BUDGETS.nameSearchP95Ms,
    {
      byWords: {
        one: withWords(names.app, 1),
        two: withWords(names.app, 2),
        baselineOne: withWords(names.baseline, 1),
        baselineTwo: withWords(names.baseline, 2),
      },
      resultsDifferFromBaseline: names.differing,
      slowestQueries: names.slowest.map((row) => ({
        ...row,
        app: round2(row.app),
        baseline: round2(row.baseline),
      })),
    },
  );
  if (names.differing > 0)
    progress(
      `warning: ${names.differing} name queries disagreed with the baseline cursor (count, cards below 50, or a card not matching)`,
    );
  return metric;
}
