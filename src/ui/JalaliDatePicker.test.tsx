import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { UiLanguage } from '../domain/jalali.ts';
import type { JalaliDatePickerLabels } from './JalaliDatePicker.tsx';
import { JalaliDatePicker } from './JalaliDatePicker.tsx';

// Weekdays of the days used here, from their Gregorian dates (see jalali.test.ts):
// 1405-01-01 = 2026-03-21, a Saturday; 1405-09-01 = 2026-11-22, a Sunday;
// 1405-09-04 = 2026-11-25, a Wednesday. 1403 is a leap year, 1404 and 1405 are not.
const LABELS: JalaliDatePickerLabels = {
  group: 'Report day',
  previousDay: 'Previous day',
  nextDay: 'Next day',
  today: 'Today',
  calendar: 'Calendar',
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  weekdays: ['Saturday', 'Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  weekdaysShort: ['Sa', 'Su', 'Mo', 'Tu', 'We', 'Th', 'Fr'],
  monthNames: [
    'Farvardin',
    'Ordibehesht',
    'Khordad',
    'Tir',
    'Mordad',
    'Shahrivar',
    'Mehr',
    'Aban',
    'Azar',
    'Dey',
    'Bahman',
    'Esfand',
  ],
};

const FA_LABELS: JalaliDatePickerLabels = {
  ...LABELS,
  weekdays: ['شنبه', 'یکشنبه', 'دوشنبه', 'سه‌شنبه', 'چهارشنبه', 'پنجشنبه', 'جمعه'],
  weekdaysShort: ['ش', 'ی', 'د', 'س', 'چ', 'پ', 'ج'],
  monthNames: [
    'فروردین',
    'اردیبهشت',
    'خرداد',
    'تیر',
    'مرداد',
    'شهریور',
    'مهر',
    'آبان',
    'آذر',
    'دی',
    'بهمن',
    'اسفند',
  ],
};

function renderPicker({
  value,
  max,
  language = 'en',
}: {
  value: string;
  max: string;
  language?: UiLanguage;
}) {
  const onChange = vi.fn<(dayKey: string) => void>();
  render(
    <JalaliDatePicker
      value={value}
      max={max}
      onChange={onChange}
      language={language}
      labels={language === 'fa' ? FA_LABELS : LABELS}
    />,
  );
  return { onChange, user: userEvent.setup() };
}

/** Like the app: the parent holds the value. */
function ControlledPicker({ initial, max }: { initial: string; max: string }) {
  const [value, setValue] = useState(initial);
  return (
    <JalaliDatePicker value={value} max={max} onChange={setValue} language="en" labels={LABELS} />
  );
}

async function openGrid(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Calendar' }));
  return screen.getByRole('table');
}

function dayButtons(grid: HTMLElement) {
  return within(grid).getAllByRole('button');
}

describe('JalaliDatePicker, day by day', () => {
  it('shows the chosen day with its weekday', () => {
    renderPicker({ value: '1405-09-04', max: '1405-09-10' });
    expect(screen.getByRole('group', { name: 'Report day' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Wednesday 4 Azar 1405 AP');
  });

  it('shows the chosen day in Persian with Persian digits only', () => {
    renderPicker({ value: '1405-09-04', max: '1405-09-10', language: 'fa' });
    const shown = screen.getByRole('status');
    expect(shown).toHaveTextContent('چهارشنبه ۴ آذر ۱۴۰۵');
    expect(shown.textContent).not.toMatch(/[0-9]/);
  });

  it.each([
    ['previous day', 'Previous day', '1405-09-04', '1405-09-03'],
    ['previous day, back into a leap year', 'Previous day', '1404-01-01', '1403-12-30'],
    ['next day', 'Next day', '1405-09-04', '1405-09-05'],
    ['next day, across Nowruz', 'Next day', '1405-12-29', '1406-01-01'],
  ])('%s: %s from %s → %s', async (_name, button, value, expected) => {
    const { onChange, user } = renderPicker({ value, max: '1406-01-10' });
    await user.click(screen.getByRole('button', { name: button }));
    expect(onChange).toHaveBeenCalledExactlyOnceWith(expected);
  });

  it('allows the next day before max', () => {
    renderPicker({ value: '1405-09-03', max: '1405-09-04' });
    expect(screen.getByRole('button', { name: 'Next day' })).not.toHaveAttribute('aria-disabled');
  });

  it('disables the next day at max, keeping it focusable', async () => {
    const { onChange, user } = renderPicker({ value: '1405-09-04', max: '1405-09-04' });
    const next = screen.getByRole('button', { name: 'Next day' });
    expect(next).toHaveAttribute('aria-disabled', 'true');
    await user.click(next);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('keeps focus on next day when a step reaches max', async () => {
    const user = userEvent.setup();
    render(<ControlledPicker initial="1405-09-03" max="1405-09-04" />);
    const next = screen.getByRole('button', { name: 'Next day' });
    await user.click(next);
    expect(screen.getByRole('status')).toHaveTextContent('4 Azar 1405 AP');
    expect(next).toHaveAttribute('aria-disabled', 'true');
    expect(next).toHaveFocus();
  });

  it('jumps to max with today', async () => {
    const { onChange, user } = renderPicker({ value: '1405-08-20', max: '1405-09-04' });
    await user.click(screen.getByRole('button', { name: 'Today' }));
    expect(onChange).toHaveBeenCalledExactlyOnceWith('1405-09-04');
  });
});

describe('JalaliDatePicker, month grid', () => {
  it('opens on the chosen day’s month and marks that day pressed', async () => {
    const { user } = renderPicker({ value: '1405-09-04', max: '1405-09-10' });
    const toggle = screen.getByRole('button', { name: 'Calendar' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    const grid = await openGrid(user);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(grid).toHaveAccessibleName('Azar 1405');
    const pressed = dayButtons(grid).filter(
      (button) => button.getAttribute('aria-pressed') === 'true',
    );
    expect(pressed).toEqual([within(grid).getByRole('button', { name: '4 Azar 1405 AP' })]);
    expect(within(grid).getByRole('button', { name: '3 Azar 1405 AP' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
  });

  it.each([
    ['Esfand of leap year 1403', '1403-12-10', 'Esfand 1403', 30],
    ['Esfand of common year 1404', '1404-12-10', 'Esfand 1404', 29],
    ['Farvardin, 31 days', '1405-01-10', 'Farvardin 1405', 31],
    ['Mehr, 30 days', '1405-07-10', 'Mehr 1405', 30],
  ])('shows every day of %s', async (_name, value, title, days) => {
    const { user } = renderPicker({ value, max: '1406-01-01' });
    const grid = await openGrid(user);
    expect(grid).toHaveAccessibleName(title);
    const buttons = dayButtons(grid);
    expect(buttons).toHaveLength(days);
    expect(buttons.at(-1)).toHaveTextContent(String(days));
  });

  it('starts the week on Saturday', async () => {
    const { user } = renderPicker({ value: '1405-09-04', max: '1405-09-10' });
    const grid = await openGrid(user);
    const headers = within(grid).getAllByRole('columnheader');
    expect(headers.map((header) => header.textContent)).toEqual([
      'Sa',
      'Su',
      'Mo',
      'Tu',
      'We',
      'Th',
      'Fr',
    ]);
    expect(headers[0]).toHaveAccessibleName('Saturday');
  });

  it.each([
    ['1 Azar 1405 is a Sunday: one empty cell first', '1405-09-04', 1],
    ['1 Farvardin 1405 is a Saturday: no empty cell', '1405-01-04', 0],
  ])('%s', async (_name, value, emptyCells) => {
    const { user } = renderPicker({ value, max: '1405-12-29' });
    const grid = await openGrid(user);
    const firstWeek = within(grid).getAllByRole('row')[1]!;
    const cells = within(firstWeek).getAllByRole('cell');
    expect(cells).toHaveLength(7);
    cells.slice(0, emptyCells).forEach((cell) => expect(cell).toBeEmptyDOMElement());
    expect(within(cells[emptyCells]!).getByRole('button')).toHaveTextContent(/^1$/);
  });

  it('disables the days after max', async () => {
    const { onChange, user } = renderPicker({ value: '1405-09-01', max: '1405-09-04' });
    const grid = await openGrid(user);
    expect(within(grid).getByRole('button', { name: '4 Azar 1405 AP' })).toBeEnabled();
    expect(within(grid).getByRole('button', { name: '5 Azar 1405 AP' })).toBeDisabled();
    expect(within(grid).getByRole('button', { name: '30 Azar 1405 AP' })).toBeDisabled();
    await user.click(within(grid).getByRole('button', { name: '5 Azar 1405 AP' }));
    expect(onChange).not.toHaveBeenCalled();
  });

  it('marks max as the current date', async () => {
    const { user } = renderPicker({ value: '1405-09-01', max: '1405-09-04' });
    const grid = await openGrid(user);
    expect(within(grid).getByRole('button', { name: '4 Azar 1405 AP' })).toHaveAttribute(
      'aria-current',
      'date',
    );
    expect(within(grid).getByRole('button', { name: '1 Azar 1405 AP' })).not.toHaveAttribute(
      'aria-current',
    );
  });

  it('picks a day, closes the grid and returns focus to the toggle', async () => {
    const { onChange, user } = renderPicker({ value: '1405-09-04', max: '1405-09-10' });
    const grid = await openGrid(user);
    await user.click(within(grid).getByRole('button', { name: '2 Azar 1405 AP' }));
    expect(onChange).toHaveBeenCalledExactlyOnceWith('1405-09-02');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Calendar' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveFocus();
  });

  it('closes on Escape without choosing', async () => {
    const { onChange, user } = renderPicker({ value: '1405-09-04', max: '1405-09-10' });
    const grid = await openGrid(user);
    within(grid).getByRole('button', { name: '2 Azar 1405 AP' }).focus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Calendar' })).toHaveFocus();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('moves back across Nowruz into the previous year', async () => {
    const { user } = renderPicker({ value: '1405-01-10', max: '1405-09-04' });
    await openGrid(user);
    await user.click(screen.getByRole('button', { name: 'Previous month' }));
    const grid = screen.getByRole('table');
    expect(grid).toHaveAccessibleName('Esfand 1404');
    expect(dayButtons(grid)).toHaveLength(29);
  });

  it('moves forward until the month of max, and no further', async () => {
    const { user } = renderPicker({ value: '1405-08-20', max: '1405-09-04' });
    await openGrid(user);
    const nextMonth = screen.getByRole('button', { name: 'Next month' });
    expect(nextMonth).not.toHaveAttribute('aria-disabled');
    await user.click(nextMonth);
    expect(screen.getByRole('table')).toHaveAccessibleName('Azar 1405');
    expect(nextMonth).toHaveAttribute('aria-disabled', 'true');
    await user.click(nextMonth);
    expect(screen.getByRole('table')).toHaveAccessibleName('Azar 1405');
  });

  it('follows the chosen day while open', async () => {
    const user = userEvent.setup();
    render(<ControlledPicker initial="1405-08-30" max="1405-09-10" />);
    await openGrid(user);
    await user.click(screen.getByRole('button', { name: 'Next day' }));
    const grid = screen.getByRole('table');
    expect(grid).toHaveAccessibleName('Azar 1405');
    expect(within(grid).getByRole('button', { name: '1 Azar 1405 AP' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });

  it('writes the grid in Persian digits in Persian', async () => {
    const { user } = renderPicker({ value: '1405-09-04', max: '1405-09-10', language: 'fa' });
    const grid = await openGrid(user);
    expect(grid).toHaveAccessibleName('آذر ۱۴۰۵');
    expect(within(grid).getByRole('button', { name: '۴ آذر ۱۴۰۵' })).toHaveTextContent(/^۴$/);
    expect(grid.textContent).not.toMatch(/[0-9]/);
  });
});

describe('step arrows', () => {
  it.each([
    ['en', '‹', '›'],
    ['fa', '›', '‹'],
  ] as const)(
    'in %s, "previous" points %s and "next" points %s: the way days run in the language',
    (language, back, forward) => {
      renderPicker({ value: '1405-09-03', max: '1405-09-04', language });
      const labels = language === 'fa' ? FA_LABELS : LABELS;
      expect(screen.getByRole('button', { name: labels.previousDay })).toHaveTextContent(back);
      expect(screen.getByRole('button', { name: labels.nextDay })).toHaveTextContent(forward);
    },
  );
});
