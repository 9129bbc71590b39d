// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonNestingDepth, parseJsonBody } from './json-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('jsonNestingDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['[[]]', 2],
    ['{"events":[{"recipient":{}}]}', 4],
    ['{"a":"[[[[[["}', 1],
    ['{"a":"\\"[[[[","b":[]}', 2],
    ['{"a":"\\\\","b":[[]]}', 3],
    ['[{}, {}, [{}]]', 3],
  ])('%s nests %i deep', (text, depth) => {
    expect(jsonNestingDepth(bytes(text))).toBe(depth);
  });

  it('stops counting once past the limit', () => {
    expect(jsonNestingDepth(bytes('['.repeat(1_000_000)), 8)).toBe(9);
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
    ['not JSON', '{"events": [', 'not-json'],
    ['text', 'hello', 'not-json'],
  ])('refuses a body %s', (_name, text, problem) => {
    expect(parseJsonBody(bytes(text))).toEqual({ ok: false, problem });
  });

  it('reads a body exactly at the limit', () => {
    const text = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseJsonBody(bytes(text)).ok).toBe(true);
  });
});
