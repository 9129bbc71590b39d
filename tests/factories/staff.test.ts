import { describe, expect, it } from 'vitest';
import { verifyPin } from '../../src/domain/pin-verifier.ts';
import { TEST_ROSTER } from './staff.ts';

describe('the test roster', () => {
  it.each(TEST_ROSTER.map((member) => [member.staffId, member] as const))(
    "%s's verifier is its PIN's and no other member's",
    async (_id, member) => {
      expect(await verifyPin(member.pin, member.pinVerifier)).toBe(true);
      for (const other of TEST_ROSTER.filter((candidate) => candidate !== member))
        expect(await verifyPin(other.pin, member.pinVerifier)).toBe(false);
    },
  );
});
