// Which PINs the registry refuses as weak (protocol 2.1, "Staff"; decision 022): the ones a person
// in the queue guesses first. Pure, so the registry and its tests share one rule. Must stay
// true: a PIN that passes here is 4–8 ASCII digits; "equal to the current PIN" is judged only
// against the member's verifier, since no PIN is ever kept.
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS, type PinVerifier, verifyPin } from './pin-verifier.ts';

/** Why a new PIN is refused: not 4–8 ASCII digits, or weak. */
export type PinWeakness =
  'not-digits' | 'repeated-digit' | 'ascending-run' | 'descending-run' | 'current-pin';

const ASCII_PIN = new RegExp(`^[0-9]{${PIN_MIN_DIGITS},${PIN_MAX_DIGITS}}$`);

/**
 * What is wrong with `pin` by its digits alone, or null: not 4–8 ASCII digits; one digit
 * repeated (`0000`); a run up or down by one (`1234`, `8765`). A run does not wrap: `8901` and
 * `2109` are not runs, since no keypad or habit puts 0 after 9 (and refusing them would refuse
 * PINs nobody guesses first).
 */
export function weakPinPattern(pin: string): PinWeakness | null {
  if (!ASCII_PIN.test(pin)) return 'not-digits';
  const steps = new Set<number>();
  for (let index = 1; index < pin.length; index++)
    steps.add(pin.charCodeAt(index) - pin.charCodeAt(index - 1));
  if (steps.size !== 1) return null;
  const [step] = steps;
  if (step === 0) return 'repeated-digit';
  if (step === 1) return 'ascending-run';
  if (step === -1) return 'descending-run';
  return null;
}

/**
 * What is wrong with `pin` as a member's new PIN, or null: weakPinPattern, then whether it is
 * the PIN `current` (the member's verifier now) was made from. The last costs one PBKDF2.
 */
export async function pinWeakness(
  pin: string,
  current: PinVerifier | null | undefined,
): Promise<PinWeakness | null> {
  const pattern = weakPinPattern(pin);
  if (pattern) return pattern;
  if (current && (await verifyPin(pin, current))) return 'current-pin';
  return null;
}

/** A staff-facing sentence for each refusal; never the PIN itself. */
export function pinWeaknessMessage(weakness: PinWeakness): string {
  switch (weakness) {
    case 'not-digits':
      return `a PIN is ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} ASCII digits`;
    case 'repeated-digit':
      return 'a PIN of one digit repeated is too easy to guess';
    case 'ascending-run':
    case 'descending-run':
      return 'a PIN of digits in a run (up or down) is too easy to guess';
    case 'current-pin':
      return 'the new PIN must differ from the current one';
  }
}
