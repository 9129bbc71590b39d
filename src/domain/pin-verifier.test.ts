import { describe, expect, it } from 'vitest';
import {
  MIN_PIN_ITERATIONS,
  PIN_ITERATIONS,
  isPinVerifier,
  makePinVerifier,
  parsePin,
  pbkdf2Sha256,
  verifyPin,
} from './pin-verifier.ts';
import { toBase64Url } from './event-signature.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const ascii = (text: string) => new TextEncoder().encode(text);

describe('pbkdf2Sha256', () => {
  // RFC 7914, section 11: the PBKDF2-HMAC-SHA256 test vectors.
  it('gives the RFC 7914 test vectors', async () => {
    expect(hex(await pbkdf2Sha256('passwd', ascii('salt'), 1, 64))).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc' +
        '49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    );
    expect(hex(await pbkdf2Sha256('Password', ascii('NaCl'), 80000, 64))).toBe(
      '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56' +
        'a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d',
    );
  });
});

describe('PIN verifiers', () => {
  // The lowest count a verifier may have, so these tests stay quick; the app uses PIN_ITERATIONS.
  const FAST = MIN_PIN_ITERATIONS;

  it('verify the PIN they were made from, typed in any digit script', async () => {
    const verifier = await makePinVerifier('2486', FAST);
    expect(verifier).toMatchObject({ algorithm: 'PBKDF2-SHA256', iterations: FAST });
    expect(isPinVerifier(verifier)).toBe(true);
    expect(await verifyPin('2486', verifier)).toBe(true);
    expect(await verifyPin('۲۴۸۶', verifier)).toBe(true);
    expect(await verifyPin('٢٤٨٦', verifier)).toBe(true);
  });

  it('refuse any other PIN, and verify nothing with a verifier they cannot read', async () => {
    const verifier = await makePinVerifier('2486', FAST);
    for (const wrong of ['2487', '24860', '0248', '', 'abcd', '248'])
      expect(await verifyPin(wrong, verifier), wrong).toBe(false);
    for (const broken of [
      null,
      { ...verifier, algorithm: 'SHA-256' },
      { ...verifier, iterations: MIN_PIN_ITERATIONS - 1 },
      { ...verifier, iterations: 1.5 },
      { ...verifier, salt: toBase64Url(new Uint8Array(8)) },
      { ...verifier, hash: verifier.hash.slice(2) },
      { ...verifier, hash: '!!' },
    ]) {
      expect(isPinVerifier(broken)).toBe(false);
      expect(await verifyPin('2486', broken)).toBe(false);
    }
  });

  it('salt each verifier anew: the same PIN never gives the same verifier', async () => {
    const [a, b] = await Promise.all([
      makePinVerifier('2486', FAST),
      makePinVerifier('2486', FAST),
    ]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('are made with the chosen count unless asked otherwise', async () => {
    const verifier = await makePinVerifier('2486');
    expect(verifier.iterations).toBe(PIN_ITERATIONS);
    expect(await verifyPin('2486', verifier)).toBe(true);
  });
});

describe('parsePin', () => {
  it('reads 4 to 8 digits in any script and says what is wrong otherwise', () => {
    expect(parsePin(' ۱۲۳۴ ')).toEqual({ ok: true, pin: '1234' });
    expect(parsePin('12345678')).toEqual({ ok: true, pin: '12345678' });
    expect(parsePin('')).toEqual({ ok: false, problem: 'empty' });
    expect(parsePin('12a4')).toEqual({ ok: false, problem: 'not-digits' });
    expect(parsePin('123')).toEqual({ ok: false, problem: 'too-short' });
    expect(parsePin('123456789')).toEqual({ ok: false, problem: 'too-long' });
  });
});
