import { afterEach, describe, expect, it } from 'vitest';
import {
  EMPTY_HANDOVER_DRAFT,
  dropAllHandoverDrafts,
  dropHandoverDraft,
  isEmptyHandoverDraft,
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
    ['/', false],
    ['/cards/C-1/handover/x', false],
    ['/cards/C-1', true],
    ['/cards/C%2F1/', true],
    ['/cards', false],
    ['/cards/C-1/receipt', false],
  ])('%s holds a handover form: %s', (path, expected) => {
    expect(isHandoverPath(path)).toBe(expected);
  });
});

describe('isEmptyHandoverDraft', () => {
  it('is true for the untouched form only', () => {
    expect(isEmptyHandoverDraft(EMPTY_HANDOVER_DRAFT)).toBe(true);
    expect(isEmptyHandoverDraft(ticked)).toBe(false);
    expect(isEmptyHandoverDraft({ ...EMPTY_HANDOVER_DRAFT, oldCard: 'none' })).toBe(false);
    expect(isEmptyHandoverDraft({ ...EMPTY_HANDOVER_DRAFT, recipientKind: 'proxy' })).toBe(false);
    expect(
      isEmptyHandoverDraft({
        ...EMPTY_HANDOVER_DRAFT,
        proxy: { ...EMPTY_HANDOVER_DRAFT.proxy, fullName: 'x' },
      }),
    ).toBe(false);
    // Spaces alone are nothing a clerk would miss.
    expect(
      isEmptyHandoverDraft({
        ...EMPTY_HANDOVER_DRAFT,
        proxy: { ...EMPTY_HANDOVER_DRAFT.proxy, relation: '  ' },
      }),
    ).toBe(true);
  });
});
