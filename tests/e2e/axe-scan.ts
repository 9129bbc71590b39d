// The one axe scan of the end-to-end suite: a screen as it is now, failing the test (softly, so
// the walk goes on) on any serious or critical violation and logging the rest.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect } from './fixtures.ts';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

function describeViolations(violations: Violation[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes.map((node) =>
        [
          `    target: ${node.target.map((part) => JSON.stringify(part)).join(' ')}`,
          `      html: ${node.html}`,
          ...(node.failureSummary ?? '')
            .split('\n')
            .filter(Boolean)
            .map((line) => `      ${line.trim()}`),
        ].join('\n'),
      );
      return [
        `  ${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help} <${violation.helpUrl}>`,
        ...nodes,
      ].join('\n');
    })
    .join('\n');
}

/** Scans the page as it is now; a serious or critical violation fails the test but not the walk. */
export async function scan(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  // An empty page would pass every rule: make sure the scan saw the screen.
  expect(results.passes.length, `${screen}: axe found nothing to check`).toBeGreaterThan(0);
  const blocking = results.violations.filter((violation) =>
    BLOCKING_IMPACTS.has(violation.impact ?? ''),
  );
  const others = results.violations.filter(
    (violation) => !BLOCKING_IMPACTS.has(violation.impact ?? ''),
  );
  if (others.length > 0)
    console.log(`[a11y] ${screen}: moderate or minor (not failing)\n${describeViolations(others)}`);
  expect
    .soft(
      blocking.map(
        (violation) =>
          `${violation.id} (${violation.impact}): ${violation.nodes.length} element(s)`,
      ),
      `${screen}: serious or critical accessibility violations\n${describeViolations(blocking)}\n`,
    )
    .toEqual([]);
}
