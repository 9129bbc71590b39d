import { describe, expect, it } from 'vitest';
import { pinWeakness, weakPinPattern } from './pin-policy.ts';
import { TEST_CLERK } from '../../tests/factories/staff.ts';

describe('weakPinPattern', () => {
  it.each([
    ['0000', 'repeated-digit'],
    ['77777777', 'repeated-digit'],
    ['1234', 'ascending-run'],
    ['0123456', 'ascending-run'],
    ['23456789', 'ascending-run'],
    ['8765', 'descending-run'],
    ['9876543210'.slice(0, 8), 'descending-run'],
    ['3210', 'descending-run'],
    ['123', 'not-digits'],
    ['123456789', 'not-digits'],
    ['12a4', 'not-digits'],
    ['۱۳۵۷', 'not-digits'],
    [' 1357', 'not-digits'],
    ['', 'not-digits'],
    ['1357', null],
    ['2580', null],
    ['8901', null],
    ['7890', null],
    ['2109', null],
    ['1233', null],
    ['1212', null],
    ['482913', null],
    ['13579', null],
  ] as const)('%j → %s', (pin, expected) => {
    expect(weakPinPattern(pin)).toBe(expected);
  });
});

describe('pinWeakness', () => {
  it('refuses the PIN the current verifier was made from, and takes another', async () => {
    expect(await pinWeakness(TEST_CLERK.pin, TEST_CLERK.pinVerifier)).toBe('current-pin');
    expect(await pinWeakness('1357', TEST_CLERK.pinVerifier)).toBeNull();
  });

  it('judges the digits first and needs no verifier for them', async () => {
    expect(await pinWeakness('1111', null)).toBe('repeated-digit');
    expect(await pinWeakness('1357', null)).toBeNull();
  });
});
