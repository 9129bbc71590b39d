import { describe, expect, it } from 'vitest';
import { MAX_STAFF_PULL_LIMIT, type StaffMember } from '../protocol/protocol.ts';
import { isStaffMember, parseStaffMember, parseStaffPullPage } from './staff-member.ts';
import {
  TEST_CLERK,
  TEST_OTHER_CLERK,
  TEST_SUPERVISOR,
  testStaffMember,
} from '../../tests/factories/staff.ts';
import { FIXED_NOW_ISO } from '../../tests/factories/time.ts';

const deactivated = (): StaffMember =>
  testStaffMember(TEST_OTHER_CLERK, {
    active: false,
    deactivatedAt: FIXED_NOW_ISO,
    pinVerifier: null,
    version: 4,
  });

describe('isStaffMember', () => {
  it.each([
    ['an active clerk', testStaffMember(TEST_CLERK)],
    ['an active supervisor', testStaffMember(TEST_SUPERVISOR)],
    ['a deactivated member without a verifier', deactivated()],
    ['version 0', testStaffMember(TEST_CLERK, { version: 0 })],
    ['a name of 200 characters', testStaffMember(TEST_CLERK, { name: 'ن'.repeat(200) })],
    ['an id of 32 characters', testStaffMember(TEST_CLERK, { staffId: 'A.b_c-9'.padEnd(32, 'x') })],
  ])('takes %s', (_name, member) => {
    expect(isStaffMember(member)).toBe(true);
  });

  const verifier = TEST_CLERK.pinVerifier;
  it.each([
    ['no staffId', { staffId: undefined }],
    ['an empty staffId', { staffId: '' }],
    ['a staffId of 33 characters', { staffId: 'x'.repeat(33) }],
    ['a staffId with a space', { staffId: 'S 07' }],
    ['a staffId with a slash', { staffId: 'S/07' }],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name of 201 characters', { name: 'ن'.repeat(201) }],
    ['a name with a control character', { name: 'مریم\u0007' }],
    ['a name that is not text', { name: 7 }],
    ['an unknown role', { role: 'admin' }],
    ['a role in capitals', { role: 'Supervisor' }],
    ['active as text', { active: 'true' }],
    ['deactivatedAt as a number', { deactivatedAt: 0 }],
    ['an active member without a verifier', { pinVerifier: null }],
    ['a verifier of too few iterations', { pinVerifier: { ...verifier, iterations: 1000 } }],
    ['a verifier of another algorithm', { pinVerifier: { ...verifier, algorithm: 'MD5' } }],
    ['a verifier with a short hash', { pinVerifier: { ...verifier, hash: 'AAAA' } }],
    ['a negative version', { version: -1 }],
    ['a fractional version', { version: 1.5 }],
    ['a version as text', { version: '1' }],
    ['no updatedAt', { updatedAt: undefined }],
  ])('refuses %s', (_name, change) => {
    expect(isStaffMember({ ...testStaffMember(TEST_CLERK), ...change })).toBe(false);
  });

  it('refuses a deactivated member whose verifier cannot be read', () => {
    expect(isStaffMember({ ...deactivated(), pinVerifier: { algorithm: 'x' } })).toBe(false);
  });

  it.each([null, undefined, 'S-07', 7, []])('refuses %j', (value) => {
    expect(isStaffMember(value)).toBe(false);
  });
});

describe('parseStaffPullPage', () => {
  it('keeps a valid page, and only the members the protocol defines', () => {
    const member = { ...testStaffMember(TEST_CLERK), extra: 'dropped' };
    const page = parseStaffPullPage({
      items: [member, deactivated()],
      cursor: '4',
      hasMore: true,
      center: 'not a roster member',
    });
    expect(page).toEqual({
      items: [testStaffMember(TEST_CLERK), deactivated()],
      cursor: '4',
      hasMore: true,
    });
    expect(page?.items[0]).not.toHaveProperty('extra');
  });

  it('takes an empty last page', () => {
    expect(parseStaffPullPage({ items: [], cursor: '', hasMore: false })).toEqual({
      items: [],
      cursor: '',
      hasMore: false,
    });
  });

  it.each([
    ['no items', { cursor: '1', hasMore: false }],
    ['items that are not a list', { items: {}, cursor: '1', hasMore: false }],
    ['no cursor', { items: [], hasMore: false }],
    ['a cursor that is a number', { items: [], cursor: 1, hasMore: false }],
    ['hasMore as text', { items: [], cursor: '1', hasMore: 'false' }],
    [
      'one bad member among good ones',
      { items: [testStaffMember(TEST_CLERK), { staffId: 'S-1' }], cursor: '1', hasMore: false },
    ],
    [
      'the same member twice',
      {
        items: [testStaffMember(TEST_CLERK), testStaffMember(TEST_CLERK, { version: 2 })],
        cursor: '2',
        hasMore: false,
      },
    ],
    [
      'more members than a page may hold',
      {
        items: Array.from({ length: MAX_STAFF_PULL_LIMIT + 1 }, (_, index) =>
          testStaffMember(TEST_CLERK, { staffId: `S-${index}`, version: index }),
        ),
        cursor: '1001',
        hasMore: true,
      },
    ],
  ])('refuses a page with %s', (_name, page) => {
    expect(parseStaffPullPage(page)).toBeNull();
  });

  it('takes a full page of distinct members', () => {
    const items = Array.from({ length: MAX_STAFF_PULL_LIMIT }, (_, index) =>
      testStaffMember(TEST_CLERK, { staffId: `S-${index}`, version: index }),
    );
    expect(parseStaffPullPage({ items, cursor: '999', hasMore: true })?.items).toHaveLength(
      MAX_STAFF_PULL_LIMIT,
    );
  });
});

describe('parseStaffMember', () => {
  it('returns a copy without other members, or null for an invalid one', () => {
    expect(parseStaffMember({ ...testStaffMember(TEST_SUPERVISOR), pin: '3690' })).toEqual(
      testStaffMember(TEST_SUPERVISOR),
    );
    expect(parseStaffMember({ ...testStaffMember(TEST_SUPERVISOR), role: 'root' })).toBeNull();
  });
});
