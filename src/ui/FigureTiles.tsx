/** How a figure should catch the eye: `main` for the headline, `warning` / `danger` when it needs action. */
export type FigureTone = 'main' | 'warning' | 'danger';

export interface Figure {
  label: string;
  /** Already formatted for the interface language (Persian digits and separators in Persian). */
  value: string;
  tone?: FigureTone | undefined;
}

/** A row of labelled numbers: a description list, so each number is read out with its label. */
export function FigureTiles({ figures }: { figures: readonly Figure[] }) {
  return (
    <dl className="figure-tiles">
      {figures.map(({ label, value, tone }) => (
        <div key={label} className={tone ? `figure-tile figure-tile-${tone}` : 'figure-tile'}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
