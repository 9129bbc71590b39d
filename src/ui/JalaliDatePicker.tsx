import type { KeyboardEvent } from 'react';
import { useId, useMemo, useRef, useState } from 'react';
import { toPersianDigits } from '../domain/digits.ts';
import type { UiLanguage } from '../domain/jalali.ts';
import {
  addJalaliDays,
  dayKeyOf,
  formatJalaliDate,
  jalaliDayStart,
  jalaliMonthLength,
  jalaliWeekday,
} from '../domain/jalali.ts';

type Seven<T> = readonly [T, T, T, T, T, T, T];
type Twelve<T> = readonly [T, T, T, T, T, T, T, T, T, T, T, T];

/** Every string the picker shows or announces; the app's messages fill it. */
export interface JalaliDatePickerLabels {
  /** The whole picker's accessible name, e.g. "Report day". */
  group: string;
  previousDay: string;
  nextDay: string;
  /** The button that jumps to `max`, the center's today. */
  today: string;
  /** The toggle that shows and hides the month grid. */
  calendar: string;
  previousMonth: string;
  nextMonth: string;
  /** Saturday first, full names: shown beside the chosen day and read out for each column. */
  weekdays: Seven<string>;
  /** Saturday first, the short forms shown above the grid's columns (ش ی د س چ پ ج). */
  weekdaysShort: Seven<string>;
  /** Farvardin first. */
  monthNames: Twelve<string>;
}

export interface JalaliDatePickerProps {
  /** The chosen day, `YYYY-MM-DD` in ASCII digits. */
  value: string;
  onChange: (dayKey: string) => void;
  /** The last day that can be chosen, normally the center's today; "today" jumps to it. */
  max: string;
  language: UiLanguage;
  labels: JalaliDatePickerLabels;
  /** Put on the picker's outermost element. */
  id?: string;
}

// Day keys are calendar dates, not instants: worked on in UTC, which has no clock changes,
// every day is exactly DAY_MS long and formatting shows the date itself.
const CALENDAR_ZONE = 'UTC';
const DAY_MS = 86_400_000;

interface MonthView {
  year: number;
  month: number;
}

function monthOf(dayKey: string): MonthView {
  const [year, month] = dayKey.split('-').map(Number) as [number, number];
  return { year, month };
}

function shiftMonth({ year, month }: MonthView, delta: 1 | -1): MonthView {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function numeral(value: number, language: UiLanguage): string {
  return language === 'fa' ? toPersianDigits(String(value)) : String(value);
}

/**
 * A touch-sized Jalali day picker: step a day back or forward, jump to today, or open a month
 * grid (Saturday first) and tap a day. Days after `max` cannot be chosen.
 */
export function JalaliDatePicker({
  value,
  onChange,
  max,
  language,
  labels,
  id,
}: JalaliDatePickerProps) {
  const [open, setOpen] = useState(false);
  const [view, setView] = useState<MonthView>(() => monthOf(value));
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const atMax = value >= max;

  const choose = (dayKey: string) => {
    if (dayKey !== value) onChange(dayKey);
    setView(monthOf(dayKey));
  };
  const close = () => {
    setOpen(false);
    // The grid's buttons go away with it: hand focus back to the toggle rather than to <body>.
    toggleRef.current?.focus();
  };
  const onPanelKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  };

  return (
    <div className="jalali-picker" role="group" aria-label={labels.group} id={id}>
      <div className="jalali-picker-bar">
        <StepButton
          direction="back"
          label={labels.previousDay}
          language={language}
          onStep={() => choose(addJalaliDays(value, -1, CALENDAR_ZONE))}
        />
        <output className="jalali-picker-value">
          <span className="jalali-picker-weekday">{labels.weekdays[jalaliWeekday(value)]}</span>{' '}
          <span className="jalali-picker-date">{formatDayKey(value, language)}</span>
        </output>
        <StepButton
          direction="forward"
          label={labels.nextDay}
          language={language}
          atLimit={atMax}
          onStep={() => choose(addJalaliDays(value, 1, CALENDAR_ZONE))}
        />
        <button type="button" className="button jalali-picker-today" onClick={() => choose(max)}>
          {labels.today}
        </button>
        <button
          ref={toggleRef}
          type="button"
          className="button jalali-picker-toggle"
          aria-expanded={open}
          aria-controls={open ? panelId : undefined}
          onClick={() => {
            if (!open) setView(monthOf(value));
            setOpen(!open);
          }}
        >
          {labels.calendar}
        </button>
      </div>
      {open && (
        <div className="jalali-picker-panel" id={panelId} onKeyDown={onPanelKeyDown}>
          <MonthGrid
            view={view}
            value={value}
            max={max}
            language={language}
            labels={labels}
            onShift={(delta) => setView(shiftMonth(view, delta))}
            onPick={(dayKey) => {
              if (dayKey !== value) onChange(dayKey);
              close();
            }}
          />
        </div>
      )}
    </div>
  );
}

function formatDayKey(dayKey: string, language: UiLanguage): string {
  return formatJalaliDate(jalaliDayStart(dayKey, CALENDAR_ZONE), language, CALENDAR_ZONE);
}

interface DayCell {
  day: number;
  dayKey: string;
  name: string;
}

interface MonthGridProps {
  view: MonthView;
  value: string;
  max: string;
  language: UiLanguage;
  labels: JalaliDatePickerLabels;
  onShift: (delta: 1 | -1) => void;
  onPick: (dayKey: string) => void;
}

function MonthGrid({ view, value, max, language, labels, onShift, onPick }: MonthGridProps) {
  const titleId = useId();
  const weeks = useMemo(() => {
    const firstKey = dayKeyOf(view.year, view.month, 1);
    const firstStart = jalaliDayStart(firstKey, CALENDAR_ZONE).getTime();
    const cells: (DayCell | null)[] = Array.from({ length: jalaliWeekday(firstKey) }, () => null);
    const length = jalaliMonthLength(view.year, view.month);
    for (let day = 1; day <= length; day += 1) {
      const name = formatJalaliDate(
        new Date(firstStart + (day - 1) * DAY_MS),
        language,
        CALENDAR_ZONE,
      );
      cells.push({ day, dayKey: dayKeyOf(view.year, view.month, day), name });
    }
    while (cells.length % 7 !== 0) cells.push(null);
    const rows: (DayCell | null)[][] = [];
    for (let start = 0; start < cells.length; start += 7) rows.push(cells.slice(start, start + 7));
    return rows;
  }, [view.year, view.month, language]);

  // Keys are fixed-width, so a month's `YYYY-MM` prefix orders as a string too.
  const lastMonth = max.slice(0, 7) <= dayKeyOf(view.year, view.month, 1).slice(0, 7);

  return (
    <>
      <div className="jalali-picker-month-bar">
        <StepButton
          direction="back"
          label={labels.previousMonth}
          language={language}
          onStep={() => onShift(-1)}
        />
        <span className="jalali-picker-month-name" id={titleId} aria-live="polite">
          {labels.monthNames[view.month - 1]} {numeral(view.year, language)}
        </span>
        <StepButton
          direction="forward"
          label={labels.nextMonth}
          language={language}
          atLimit={lastMonth}
          onStep={() => onShift(1)}
        />
      </div>
      <table className="jalali-picker-grid" aria-labelledby={titleId}>
        <thead>
          <tr>
            {labels.weekdaysShort.map((short, index) => (
              <th key={index} scope="col" aria-label={labels.weekdays[index]}>
                {short}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, row) => (
            <tr key={row}>
              {week.map((cell, column) => (
                <td key={column}>
                  {cell && (
                    <button
                      type="button"
                      className="jalali-picker-day"
                      aria-label={cell.name}
                      aria-pressed={cell.dayKey === value}
                      aria-current={cell.dayKey === max ? 'date' : undefined}
                      disabled={cell.dayKey > max}
                      onClick={() => onPick(cell.dayKey)}
                    >
                      {numeral(cell.day, language)}
                    </button>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface StepButtonProps {
  direction: 'back' | 'forward';
  label: string;
  language: UiLanguage;
  /** At the last day or month that may be chosen: the button stays but does nothing. */
  atLimit?: boolean;
  onStep: () => void;
}

/**
 * A previous/next button. At its limit it is aria-disabled, not disabled: a button that disables
 * itself under the finger or the keyboard would drop focus to <body>. Back points right in
 * Persian, where days run from right to left; the glyph is chosen here with its own direction
 * fixed, instead of leaning on bidi mirroring of ‹ ›.
 */
function StepButton({ direction, label, language, atLimit = false, onStep }: StepButtonProps) {
  const pointsRight = (direction === 'forward') === (language === 'en');
  return (
    <button
      type="button"
      className="button jalali-picker-step"
      aria-label={label}
      aria-disabled={atLimit || undefined}
      onClick={() => {
        if (!atLimit) onStep();
      }}
    >
      <span aria-hidden="true" dir="ltr">
        {pointsRight ? '›' : '‹'}
      </span>
    </button>
  );
}
