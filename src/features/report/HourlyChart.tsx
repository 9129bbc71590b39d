// The per-hour bar chart of the report (recharts, loaded with this screen only). The chart is an
// image to screen readers, named by a sentence that says what it shows; the numbers themselves
// are in the CSV and in the per-clerk table.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { useI18n } from '../../ui/i18n.tsx';

/** Hours outside the counter's working day are left out unless something happened in them. */
const WORKDAY_FIRST_HOUR = 7;
const WORKDAY_LAST_HOUR = 19;

export default function HourlyChart({ byHour }: { byHour: readonly number[] }) {
  const { t, digits, dir } = useI18n();
  const busy = byHour.flatMap((value, hour) => (value > 0 ? [hour] : []));
  const first = Math.min(WORKDAY_FIRST_HOUR, ...busy);
  const last = Math.max(WORKDAY_LAST_HOUR, ...busy);
  const data = byHour
    .slice(first, last + 1)
    .map((handovers, i) => ({ hour: first + i, handovers }));
  const peak = data.reduce(
    (best, entry) => (entry.handovers > best.handovers ? entry : best),
    data[0]!,
  );
  const hourLabel = (hour: number) => digits(String(hour).padStart(2, '0'));
  const summary =
    peak.handovers === 0
      ? t('reportByHourNone')
      : t('reportByHourSummary', { hour: hourLabel(peak.hour), count: peak.handovers });

  return (
    <div className="hourly-chart">
      <div role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
            <CartesianGrid vertical={false} stroke="#d9dfdc" />
            {/* In Persian, time runs from right to left like the text. */}
            <XAxis
              dataKey="hour"
              reversed={dir === 'rtl'}
              tickFormatter={hourLabel}
              interval={0}
              tick={{ fontSize: 12 }}
            />
            <YAxis
              allowDecimals={false}
              orientation={dir === 'rtl' ? 'right' : 'left'}
              tickFormatter={(value: number) => digits(value)}
              width={36}
              tick={{ fontSize: 12 }}
            />
            <Bar
              dataKey="handovers"
              fill="#0f6b4f"
              radius={[4, 4, 0, 0]}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      {/* The same sentence for sighted readers; hidden from screen readers, who heard it as the chart's name. */}
      <p className="muted" aria-hidden="true">
        {summary}
      </p>
    </div>
  );
}
