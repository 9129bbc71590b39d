// The per-hour bar chart of the report: an SVG drawn here (a charting library cost 107 KB
// gzipped for one chart of at most 24 bars), loaded with this screen only. The chart is an image
// to screen readers, named by a sentence that says what it shows; a table they can read holds
// every hour's number, as the CSV and the per-clerk table hold the rest.
import { useI18n } from '../../ui/i18n.tsx';

/** Hours outside the counter's working day are left out unless something happened in them. */
const WORKDAY_FIRST_HOUR = 7;
const WORKDAY_LAST_HOUR = 19;

// The drawing's own units; the SVG scales to the panel's width, text with it.
const VIEW_WIDTH = 720;
const VIEW_HEIGHT = 240;
const AXIS_WIDTH = 36;
const EDGE = 8;
const TOP = 20; // room for the count above the tallest bar
const BOTTOM = 26; // room for the hours
const FONT_SIZE = 12;
const BAR_SHARE = 0.7;
const BAR_COLOR = '#0f6b4f';
const GRID_COLOR = '#d9dfdc';

export interface HourBar {
  hour: number;
  handovers: number;
}

/** The hours drawn: the working day, widened to any hour something happened in. */
export function hoursShown(byHour: readonly number[]): HourBar[] {
  const busy = byHour.flatMap((value, hour) => (value > 0 ? [hour] : []));
  const first = Math.min(WORKDAY_FIRST_HOUR, ...busy);
  const last = Math.max(WORKDAY_LAST_HOUR, ...busy);
  return byHour.slice(first, last + 1).map((handovers, i) => ({ hour: first + i, handovers }));
}

/** Whole-number ticks from 0 to at least `peak`, about four steps of 1, 2 or 5 × 10ⁿ. */
export function countTicks(peak: number): number[] {
  const target = Math.max(peak, 1) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(target, 1)));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= target)!,
  );
  const top = Math.max(step, Math.ceil(peak / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

export default function HourlyChart({ byHour }: { byHour: readonly number[] }) {
  const { t, digits, dir } = useI18n();
  const data = hoursShown(byHour);
  const peak = data.reduce(
    (best, entry) => (entry.handovers > best.handovers ? entry : best),
    data[0]!,
  );
  const hourLabel = (hour: number) => digits(String(hour).padStart(2, '0'));
  const summary =
    peak.handovers === 0
      ? t('reportByHourNone')
      : t('reportByHourSummary', { hour: hourLabel(peak.hour), count: peak.handovers });

  const ticks = countTicks(peak.handovers);
  const top = ticks[ticks.length - 1]!;
  const rtl = dir === 'rtl';
  // In Persian, time runs from right to left like the text, and the count axis is on the right.
  const plotStart = rtl ? EDGE : AXIS_WIDTH;
  const plotEnd = VIEW_WIDTH - (rtl ? AXIS_WIDTH : EDGE);
  const plotBottom = VIEW_HEIGHT - BOTTOM;
  const band = (plotEnd - plotStart) / data.length;
  const barWidth = band * BAR_SHARE;
  const bandStart = (i: number) => (rtl ? plotEnd - (i + 1) * band : plotStart + i * band);
  const y = (value: number) => plotBottom - ((plotBottom - TOP) * value) / top;

  return (
    <div className="hourly-chart">
      {/* direction="ltr": the drawing's coordinates are its own; every label is digits only. */}
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
        width="100%"
        direction="ltr"
        fontSize={FONT_SIZE}
        fill="currentColor"
      >
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              x1={plotStart}
              x2={plotEnd}
              y1={y(tick)}
              y2={y(tick)}
              stroke={GRID_COLOR}
              strokeWidth={1}
            />
            <text
              x={rtl ? plotEnd + 6 : plotStart - 6}
              y={y(tick)}
              dominantBaseline="central"
              textAnchor={rtl ? 'start' : 'end'}
            >
              {digits(tick)}
            </text>
          </g>
        ))}
        {data.map(({ hour, handovers }, i) => {
          const x = bandStart(i) + (band - barWidth) / 2;
          const middle = bandStart(i) + band / 2;
          return (
            <g key={hour} data-hour={hour}>
              {handovers > 0 ? (
                <>
                  <rect
                    x={x}
                    y={y(handovers)}
                    width={barWidth}
                    height={plotBottom - y(handovers)}
                    rx={3}
                    fill={BAR_COLOR}
                  />
                  <text x={middle} y={y(handovers) - 5} textAnchor="middle">
                    {digits(handovers)}
                  </text>
                </>
              ) : null}
              <text x={middle} y={plotBottom + 17} textAnchor="middle">
                {hourLabel(hour)}
              </text>
            </g>
          );
        })}
      </svg>
      {/* The same sentence for sighted readers; hidden from screen readers, who heard it as the chart's name. */}
      <p className="muted" aria-hidden="true">
        {summary}
      </p>
      {/* Every hour's number for screen readers, which cannot read the bars. */}
      <table className="visually-hidden">
        <caption>{t('reportByHour')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reportHour')}</th>
            <th scope="col">{t('reportHandoversAxis')}</th>
          </tr>
        </thead>
        <tbody>
          {data.map(({ hour, handovers }) => (
            <tr key={hour}>
              <th scope="row">{hourLabel(hour)}</th>
              <td>{digits(handovers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
