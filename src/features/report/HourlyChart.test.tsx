import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../../ui/i18n.tsx';
import type { UiLanguage } from '../../domain/jalali.ts';
import HourlyChart, { countTicks, hoursShown } from './HourlyChart.tsx';

function day(counts: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, hour) => counts[hour] ?? 0);
}

function renderChart(byHour: number[], language: UiLanguage) {
  return render(
    <I18nProvider language={language}>
      <HourlyChart byHour={byHour} />
    </I18nProvider>,
  );
}

/** Each drawn hour's label and the horizontal middle of its band, left to right. */
function hourPositions(container: HTMLElement) {
  return [...container.querySelectorAll('svg g[data-hour]')]
    .map((group) => {
      const labels = group.querySelectorAll('text');
      const hourText = labels[labels.length - 1]!;
      return {
        hour: Number(group.getAttribute('data-hour')),
        x: Number(hourText.getAttribute('x')),
      };
    })
    .sort((a, b) => a.x - b.x)
    .map((entry) => entry.hour);
}

describe('hoursShown', () => {
  it.each([
    ['an empty day: the working day 07–19', day({}), 7, 19],
    ['a handover at 23 widens to 23', day({ 23: 1 }), 7, 23],
    ['a handover at 05 widens to 05', day({ 5: 2, 9: 1 }), 5, 19],
  ])('%s', (_, byHour, first, last) => {
    const hours = hoursShown(byHour).map((bar) => bar.hour);
    expect(hours[0]).toBe(first);
    expect(hours[hours.length - 1]).toBe(last);
    expect(hours).toHaveLength(last - first + 1);
  });
});

describe('countTicks', () => {
  it.each([
    [0, [0, 1]],
    [1, [0, 1]],
    [3, [0, 1, 2, 3]],
    [4, [0, 1, 2, 3, 4]],
    [7, [0, 2, 4, 6, 8]],
    [18, [0, 5, 10, 15, 20]],
    [95, [0, 50, 100]],
    [120, [0, 50, 100, 150]],
  ])('a peak of %i', (peak, ticks) => {
    expect(countTicks(peak)).toEqual(ticks);
  });
});

describe('HourlyChart', () => {
  it('is an image named by the busiest hour, in Persian digits, with a table of every hour', () => {
    renderChart(day({ 9: 3, 14: 12 }), 'fa');
    expect(screen.getByRole('img', { name: 'شلوغ‌ترین ساعت: ۱۴ با ۱۲ تحویل' })).toBeVisible();
    const table = screen.getByRole('table', { name: 'تحویل در هر ساعت' });
    expect(within(table).getByRole('columnheader', { name: 'ساعت' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: '۱۴ ۱۲' })).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: '۰۷ ۰' })).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 13);
  });

  it('draws a bar for each busy hour, as tall as its count, labelled with it', () => {
    const { container } = renderChart(day({ 9: 3, 14: 12 }), 'en');
    const bars = [...container.querySelectorAll('svg rect')];
    expect(bars).toHaveLength(2);
    const [nine, fourteen] = bars.map((bar) => Number(bar.getAttribute('height')));
    expect(fourteen! / nine!).toBeCloseTo(12 / 3);
    const texts = [...container.querySelectorAll('svg text')].map((text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(['3', '12', '09', '14', '0', '15']));
  });

  it('runs time left to right in English and right to left in Persian, digits to match', () => {
    const byHour = day({ 10: 1 });
    const english = renderChart(byHour, 'en');
    expect(hourPositions(english.container)).toEqual([
      7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect(english.container.querySelector('svg g[data-hour="7"] text')?.textContent).toBe('07');
    english.unmount();
    const persian = renderChart(byHour, 'fa');
    expect(hourPositions(persian.container)).toEqual([
      19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
    ]);
    expect(persian.container.querySelector('svg g[data-hour="7"] text')?.textContent).toBe('۰۷');
  });

  it('says so when every handover of the day was voided', () => {
    renderChart(day({}), 'en');
    expect(
      screen.getByRole('img', { name: 'Every handover of this day was voided.' }),
    ).toBeVisible();
  });
});
