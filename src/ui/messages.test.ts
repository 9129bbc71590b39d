import { describe, expect, it } from 'vitest';
import { placeholdersOf } from './i18n.tsx';
import { en, fa, type MessageKey } from './messages.ts';

const keys = Object.keys(fa) as MessageKey[];

describe('the fa and en catalogues', () => {
  it('have the same keys', () => {
    expect(Object.keys(en).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('%s uses the same {placeholders} in both languages', (key) => {
    expect(placeholdersOf(en[key])).toEqual(placeholdersOf(fa[key]));
  });

  it('leave no message empty', () => {
    const empty = keys.filter((key) => !fa[key].trim() || !en[key].trim());
    expect(empty).toEqual([]);
  });
});

describe('placeholdersOf', () => {
  it.each([
    ['no placeholder', []],
    ['{count} of {total}', ['count', 'total']],
    ['{name} and {name} again', ['name']],
    ['braces without a name {} or { x }', []],
  ])('finds in %j the names %j', (message, names) => {
    expect(placeholdersOf(message)).toEqual(names);
  });
});
