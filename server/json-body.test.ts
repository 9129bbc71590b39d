// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JSON_ENTRIES, MAX_JSON_DEPTH, jsonShape, parseJsonBody } from './json-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('jsonShape', () => {
  it.each([
    ['1', 0, 0],
    ['{}', 1, 1],
    ['[[]]', 2, 1],
    ['{"events":[{"recipient":{}}]}', 4, 1],
    ['{"a":"[[[[[["}', 1, 1],
    ['{"a":"\\"[[[[","b":[]}', 2, 2],
    ['{"a":"\\\\","b":[[]]}', 3, 2],
    ['[{}, {}, [{}]]', 3, 3],
    ['{"a":"1,2,3,4"}', 1, 1],
    ['[[1,2,3],[4]]', 2, 3],
    ['{"events":[{"a":1,"b":2},{"c":3}]}', 3, 2],
  ])('%s nests %i deep and %i wide', (text, depth, widest) => {
    expect(jsonShape(bytes(text))).toEqual({ depth, widest });
  });

  it('stops counting once past a limit', () => {
    expect(jsonShape(bytes('['.repeat(1_000_000)), { maxDepth: 8, maxEntries: 10 }).depth).toBe(9);
    expect(
      jsonShape(bytes(`[${'1,'.repeat(1_000_000)}1]`), { maxDepth: 8, maxEntries: 10 }).widest,
    ).toBe(11);
  });
});

describe('parseJsonBody', () => {
  it('reads a push body', () => {
    expect(parseJsonBody(bytes('{"events":[{"recipient":{"kind":"holder"}}]}'))).toEqual({
      ok: true,
      value: { events: [{ recipient: { kind: 'holder' } }] },
    });
  });

  it.each([
    [
      'nested past the limit',
      `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`,
      'too-deep',
    ],
    ['a million brackets deep', '['.repeat(1_000_000), 'too-deep'],
    ['wider than the default', `[${'0,'.repeat(DEFAULT_MAX_JSON_ENTRIES)}0]`, 'too-wide'],
    [
      'with an object of too many members',
      `{${Array.from({ length: 100 }, (_, i) => `"k${i}":0`).join(',')}}`,
      'too-wide',
    ],
    ['not JSON', '{"events": [', 'not-json'],
    ['text', 'hello', 'not-json'],
  ])('refuses a body %s', (_name, text, problem) => {
    expect(parseJsonBody(bytes(text))).toEqual({ ok: false, problem });
  });

  it('reads a list as wide as the route allows', () => {
    const text = `[${'0,'.repeat(499)}0]`;
    expect(parseJsonBody(bytes(text), { maxEntries: 500 }).ok).toBe(true);
    expect(parseJsonBody(bytes(`[0,${text.slice(1)}`), { maxEntries: 500 })).toEqual({
      ok: false,
      problem: 'too-wide',
    });
  });

  it('reads a body exactly at the limit', () => {
    const text = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonBody(bytes(text)).ok).toBe(true);
  });
});
