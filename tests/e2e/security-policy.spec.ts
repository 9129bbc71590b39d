// The app under the policy the server sends (decision 014), beyond what every other spec shows
// by running with the policy fixture: the one path no screen test reaches (a day's workbook big
// enough that fflate deflates it in a blob: worker), and that the fixture sees a refusal in a
// page and in a worker.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test } from './fixtures.ts';
import { HANDOVER_REPORT_COLUMNS, handoverReportRow } from '../../src/domain/daily-report.ts';
import type { HandoverReportRow } from '../../src/domain/daily-report.ts';
import { createCard } from '../factories/cards.ts';
import { createHandoverRecord } from '../factories/events.ts';

const DIST = path.resolve(import.meta.dirname, '../..', process.env.TAHVIL_DIST ?? 'dist');
// Past fflate's 160 kB per file, where it stops deflating on the main thread: about 400
// handovers of a day; a busy center reaches that.
const BIG_DAY_HANDOVERS = 1000;

test('a day too big to zip on the main thread still downloads as xlsx', async ({
  page,
  registry,
}) => {
  const chunk = readdirSync(path.join(DIST, 'assets')).find((file) =>
    /^report-xlsx-[\w-]+\.js$/.test(file),
  );
  expect(chunk, 'the build has a report-xlsx chunk').toBeDefined();
  const rows: HandoverReportRow[] = Array.from({ length: BIG_DAY_HANDOVERS }, () => {
    const card = createCard();
    return handoverReportRow(
      createHandoverRecord(
        {
          cardId: card.cardId,
          recipient: {
            kind: 'holder',
            nationalCode: card.nationalCode,
            fullName: `${card.firstName} ${card.lastName}`,
          },
        },
        { holderName: `${card.firstName} ${card.lastName}`, holderNationalCode: card.nationalCode },
      ),
      'Asia/Tehran',
    );
  });
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(registry.url);

  // The shipped module, imported by the page as the report screen does, under the served policy.
  const bytes = await page.evaluate(
    async ({ src, rows, headers }) => {
      const { handoverReportXlsx } = (await import(src)) as {
        handoverReportXlsx(
          rows: unknown[],
          layout: { headers: Record<string, string>; rightToLeft: boolean },
        ): Promise<Blob>;
      };
      const xlsx = await handoverReportXlsx(rows, { headers, rightToLeft: true });
      return [...new Uint8Array(await xlsx.arrayBuffer())];
    },
    {
      src: `/assets/${chunk}`,
      rows,
      headers: Object.fromEntries(HANDOVER_REPORT_COLUMNS.map((column) => [column, column])),
    },
  );

  expect(
    workers.some((url) => url.startsWith('blob:')),
    'fflate zipped in a worker',
  ).toBe(true);
  const sheet = strFromU8(unzipSync(new Uint8Array(bytes))['xl/worksheets/sheet1.xml']!);
  expect(sheet.match(/<row\b/g)).toHaveLength(BIG_DAY_HANDOVERS + 1);
});

// The fixture's own checks: what it records is what fails a test at its end. Each test empties the
// list once it has seen the violation it caused.
test('an inline script is refused, and the policy fixture records it', async ({
  page,
  registry,
  policyViolations,
}) => {
  await page.goto(registry.url);
  await page.evaluate(() =>
    document.head.append(
      Object.assign(document.createElement('script'), { textContent: 'window.ran = true' }),
    ),
  );
  expect(await page.evaluate(() => 'ran' in window), 'the inline script did not run').toBe(false);
  await expect.poll(() => policyViolations.join('\n')).toMatch(/inline script.*script-src 'self'/);
  policyViolations.length = 0;
});

test('a worker fetching another origin is refused, and the policy fixture records it', async ({
  page,
  registry,
  policyViolations,
}) => {
  await page.goto(registry.url);
  await page.evaluate(() => {
    const source = "onmessage = () => fetch('http://127.0.0.2:9/').catch(() => {})";
    const probe = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    Object.assign(window, { probe });
  });
  // Asked again until the fixture's listener, added once the worker started, hears a refusal.
  await expect
    .poll(async () => {
      await page.evaluate(() => (window as unknown as { probe: Worker }).probe.postMessage(0));
      return policyViolations.join('\n');
    })
    .toMatch(/in blob:\S+: connect-src refused http:\/\/127\.0\.0\.2:9/);
  // Every message the poll posted may be refused too, and its report can arrive late: stop the
  // worker, wait until no more reports come, then take away only the refusals this test caused,
  // so the fixture still fails on anything else.
  await page.evaluate(() => (window as unknown as { probe: Worker }).probe.terminate());
  let seen = -1;
  await expect
    .poll(
      () => {
        const settled = policyViolations.length === seen;
        seen = policyViolations.length;
        return settled;
      },
      { intervals: [500] },
    )
    .toBe(true);
  const caused = /in blob:\S+: connect-src refused http:\/\/127\.0\.0\.2:9\//;
  const others = policyViolations.filter((violation) => !caused.test(violation));
  policyViolations.splice(0, policyViolations.length, ...others);
});
