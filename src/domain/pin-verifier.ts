// PIN verifiers (issue 12; decision 021): a staff member's PIN never leaves the registry's
// admin form and is never stored anywhere. The registry keeps, and tablets pull, only a salted,
// slow PBKDF2-HMAC-SHA256 of it, which a tablet checks a typed PIN against with WebCrypto, so
// sign-in works with no network. Must stay true: the comparison takes the same time whatever
// differs, and a verifier this code cannot read verifies nothing.
import { toAsciiDigits } from './digits.ts';
import { fromBase64Url, toBase64Url } from './event-signature.ts';
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS, type PinVerifier } from '../protocol/protocol.ts';

export { PIN_MAX_DIGITS, PIN_MIN_DIGITS, type PinVerifier };

export const PIN_VERIFIER_ALGORITHM = 'PBKDF2-SHA256';
/**
 * OWASP's 2023 figure for PBKDF2-HMAC-SHA256. One check takes about 90 ms on the bench machine's
 * Node and 3–4 times that on a mid-range tablet: slow for a guesser, still a moment for a clerk.
 */
export const PIN_ITERATIONS = 600_000;
/** Fewer would make a stolen verifier cheap to search; a verifier below this is refused. */
export const MIN_PIN_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

export type PinProblem = 'empty' | 'not-digits' | 'too-short' | 'too-long';

/** A PIN as typed, in any digit script: its ASCII digits, or why it cannot be one. */
export function parsePin(
  typed: string,
): { ok: true; pin: string } | { ok: false; problem: PinProblem } {
  const pin = toAsciiDigits(typed).replace(/\s/g, '');
  if (pin === '') return { ok: false, problem: 'empty' };
  if (!/^[0-9]+$/.test(pin)) return { ok: false, problem: 'not-digits' };
  if (pin.length < PIN_MIN_DIGITS) return { ok: false, problem: 'too-short' };
  if (pin.length > PIN_MAX_DIGITS) return { ok: false, problem: 'too-long' };
  return { ok: true, pin };
}

/** PBKDF2-HMAC-SHA256 of `secret` (UTF-8) with `salt`: `bytes` bytes. */
export async function pbkdf2Sha256(
  secret: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  bytes: number = HASH_BYTES,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

/** A new verifier of `pin` (ASCII digits, as parsePin gives it) with a fresh random salt. */
export async function makePinVerifier(
  pin: string,
  iterations: number = PIN_ITERATIONS,
): Promise<PinVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await pbkdf2Sha256(pin, salt, iterations);
  return {
    algorithm: PIN_VERIFIER_ALGORITHM,
    iterations,
    salt: toBase64Url(salt),
    hash: toBase64Url(hash),
  };
}

/** True for a verifier this code can check: the algorithm, enough iterations, the sizes. */
export function isPinVerifier(value: unknown): value is PinVerifier {
  if (typeof value !== 'object' || value === null) return false;
  const verifier = value as Partial<PinVerifier>;
  if (verifier.algorithm !== PIN_VERIFIER_ALGORITHM) return false;
  if (
    typeof verifier.iterations !== 'number' ||
    !Number.isInteger(verifier.iterations) ||
    verifier.iterations < MIN_PIN_ITERATIONS ||
    verifier.iterations > 10_000_000
  )
    return false;
  try {
    return (
      typeof verifier.salt === 'string' &&
      typeof verifier.hash === 'string' &&
      fromBase64Url(verifier.salt).length === SALT_BYTES &&
      fromBase64Url(verifier.hash).length === HASH_BYTES
    );
  } catch {
    return false;
  }
}

/** Whether `typed` is the PIN `verifier` was made from. False for a verifier it cannot read. */
export async function verifyPin(typed: string, verifier: unknown): Promise<boolean> {
  const parsed = parsePin(typed);
  if (!parsed.ok || !isPinVerifier(verifier)) return false;
  const hash = await pbkdf2Sha256(parsed.pin, fromBase64Url(verifier.salt), verifier.iterations);
  return sameBytes(hash, fromBase64Url(verifier.hash));
}

/** Compares every byte whatever differs first, so the time says nothing about where. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}
