// A new tablet's first pull of the center's inventory, over a slow link: staff see how far it
// is, in cards, rather than a spinner. Every state of the bar is recorded in the page as it
// happens, so the check does not race the pull.
import { expect, test } from './fixtures.ts';
import { MockRegistry } from './registry.ts';

interface ProgressSample {
  label: string;
  value: string | null;
  max: string | null;
}

test('a new tablet shows a progress bar in cards while the inventory first arrives', async ({
  page,
}) => {
  const registry = await MockRegistry.create();
  // 12,000 demo cards come in pages of 5,000; a slow registry keeps each page on screen a while.
  await registry.start(['--seed-cards', '12000', '--latency-ms', '1500']);
  try {
    await page.addInitScript(() => {
      const samples: ProgressSample[] = [];
      (window as unknown as { progressSamples: ProgressSample[] }).progressSamples = samples;
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (!bar) return;
        const label =
          document.getElementById(bar.getAttribute('aria-labelledby') ?? '')?.textContent ?? '';
        const sample = { label, value: bar.getAttribute('value'), max: bar.getAttribute('max') };
        const last = samples[samples.length - 1];
        if (!last || last.label !== sample.label || last.value !== sample.value)
          samples.push(sample);
      }).observe(document, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    });
    // A new tablet opens the link the registry printed at start, and enrols with one tap.
    const [printedLink] = registry.printedEnrolmentLinks();
    expect(printedLink, 'the registry printed an enrolment link').toMatch(/\/enrol\?code=\d{12}$/);
    await page.goto(printedLink!);
    await page.getByRole('button', { name: 'ثبت دستگاه' }).click();
    await expect(
      page.getByRole('progressbar', { name: /دریافت موجودی مرکز: .* از ۱۲٬۰۰۰ کارت/ }),
    ).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: 'test-results/screens/first-pull-fa.png' });
    await expect(page.getByText('همگام', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('progressbar')).toHaveCount(0);

    const samples = await page.evaluate(
      () => (window as unknown as { progressSamples: ProgressSample[] }).progressSamples,
    );
    expect(samples).toEqual([
      // Before the first page answers, no count: "0 cards so far" would read as an empty center.
      { label: 'در حال دریافت نخستین بخش موجودی مرکز…', value: null, max: null },
      { label: 'دریافت موجودی مرکز: ۵٬۰۰۰ از ۱۲٬۰۰۰ کارت', value: '5000', max: '12000' },
      { label: 'دریافت موجودی مرکز: ۱۰٬۰۰۰ از ۱۲٬۰۰۰ کارت', value: '10000', max: '12000' },
      { label: 'دریافت موجودی مرکز: ۱۲٬۰۰۰ از ۱۲٬۰۰۰ کارت', value: '12000', max: '12000' },
    ]);
  } finally {
    await registry.dispose();
  }
});
