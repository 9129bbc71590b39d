import { afterEach, describe, expect, it } from 'vitest';
import {
  EMPTY_HANDOVER_DRAFT,
  dropAllHandoverDrafts,
  dropHandoverDraft,
  isHandoverPath,
  keepHandoverDraft,
  readHandoverDraft,
} from './handover-draft.ts';

const ticked = {
  ...EMPTY_HANDOVER_DRAFT,
  checks: { ...EMPTY_HANDOVER_DRAFT.checks, identityVerified: true },
};

afterEach(() => dropAllHandoverDrafts());

describe('handover drafts', () => {
  it('give a draft back only to the member who kept it, for that card', () => {
    keepHandoverDraft('S-07', 'C-1', ticked);
    expect(readHandoverDraft('S-07', 'C-1')).toEqual(ticked);
    expect(readHandoverDraft('S-03', 'C-1')).toBeUndefined();
    expect(readHandoverDraft('S-07', 'C-2')).toBeUndefined();
  });

  it('drop one draft, or all of them', () => {
    keepHandoverDraft('S-07', 'C-1', ticked);
    keepHandoverDraft('S-07', 'C-2', ticked);
    dropHandoverDraft('S-07', 'C-1');
    expect(readHandoverDraft('S-07', 'C-1')).toBeUndefined();
    expect(readHandoverDraft('S-07', 'C-2')).toEqual(ticked);
    dropAllHandoverDrafts();
    expect(readHandoverDraft('S-07', 'C-2')).toBeUndefined();
  });

  it.each([
    ['/cards/C-1/handover', true],
    ['/cards/C%2F1/handover', true],
    ['/cards/C-1', false],
    ['/', false],
    ['/cards/C-1/handover/x', false],
  ])('%s is the handover form: %s', (path, expected) => {
    expect(isHandoverPath(path)).toBe(expected);
  });
});
