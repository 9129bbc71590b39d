import { describe, expect, it } from 'vitest';
import { isUnsettled, needsAttention, type SyncState } from './event-sync.ts';

describe('needsAttention', () => {
  it.each<[SyncState, string | null | undefined, boolean]>([
    ['pending', undefined, false],
    ['sending', undefined, false],
    ['synced', undefined, false],
    ['local', undefined, false],
    ['conflict', undefined, true],
    ['rejected', undefined, true],
    ['conflict', null, true],
    ['rejected', null, true],
    ['conflict', 'resolution-event', false],
    ['rejected', 'resolution-event', false],
  ])('%s with resolvedByEventId %j → %s', (syncState, resolvedByEventId, expected) => {
    expect(needsAttention({ syncState, resolvedByEventId })).toBe(expected);
  });
});

describe('isUnsettled', () => {
  it.each<[SyncState, string | null | undefined, boolean]>([
    ['pending', undefined, true],
    ['sending', undefined, true],
    ['synced', undefined, false],
    ['local', undefined, false],
    ['conflict', undefined, true],
    ['rejected', null, true],
    ['conflict', 'resolution-1', false],
    ['rejected', 'resolution-1', false],
  ])('%s resolved by %s → %s', (syncState, resolvedByEventId, expected) => {
    expect(isUnsettled({ syncState, resolvedByEventId })).toBe(expected);
  });
});
