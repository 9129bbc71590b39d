import type { ReactNode } from 'react';

/** Labelled facts as a definition list: a card's details, a receipt's fields. */
export function FactList({
  facts,
  className,
}: {
  facts: ReadonlyArray<readonly [string, ReactNode]>;
  className: string;
}) {
  return (
    <dl className={className}>
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
