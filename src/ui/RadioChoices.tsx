import type { ReactNode } from 'react';

/**
 * One choice of several, each a label around its radio button, so the whole label is the
 * target. `tile` draws each as a bordered tile of at least 56 px (the counter's choices).
 */
export function RadioChoices<T extends string>({
  name,
  choices,
  value,
  onChange,
  tile = false,
}: {
  name: string;
  choices: ReadonlyArray<readonly [T, ReactNode]>;
  value: T | null;
  onChange: (value: T) => void;
  tile?: boolean;
}) {
  return (
    <>
      {choices.map(([choice, label]) => (
        <label key={choice} className={tile ? 'choice choice-tile' : 'choice'}>
          <input
            type="radio"
            name={name}
            value={choice}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />
          <span>{label}</span>
        </label>
      ))}
    </>
  );
}
