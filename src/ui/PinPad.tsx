import { useEffect, useRef, type KeyboardEvent } from 'react';
import { toAsciiDigits } from '../domain/digits.ts';
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS } from '../domain/pin-verifier.ts';
import { useI18n } from './i18n.tsx';

const DIGIT_ROWS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** A digit typed in any script (Latin, Persian, Arabic-Indic), as ASCII; null for any other key. */
function typedDigit(key: string): string | null {
  const ascii = toAsciiDigits(key);
  return /^[0-9]$/.test(ascii) ? ascii : null;
}

export interface PinPadProps {
  /** The digits typed so far, ASCII. Never stored anywhere: the caller keeps it in state only. */
  value: string;
  onChange: (value: string) => void;
  onSubmit: () => void;
  /** While a PIN is being checked: keys do nothing. */
  busy?: boolean;
  /** What the keypad is for, read out to screen readers ("PIN for Maryam Ahmadi"). */
  label: string;
  autoFocus?: boolean;
}

/**
 * A PIN keypad: dots for the digits typed, and 3×4 keys (1–9, delete, 0, OK) in the interface's
 * digits. A physical keyboard works too while the keypad has focus: digits in any script,
 * Backspace, Enter. Keys are laid out left to right in both languages, as on a phone.
 */
export function PinPad({ value, onChange, onSubmit, busy = false, label, autoFocus }: PinPadProps) {
  const { t, digits } = useI18n();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (autoFocus) root.current?.focus();
  }, [autoFocus]);
  // A key that became disabled (OK once the digits are cleared) drops the focus to the page:
  // it comes back to the keypad, so the keyboard keeps typing into it.
  useEffect(() => {
    const active = document.activeElement;
    if (autoFocus && (active === null || active === document.body)) root.current?.focus();
  }, [autoFocus, busy, value]);

  const press = (digit: string) => {
    if (busy || value.length >= PIN_MAX_DIGITS) return;
    onChange(value + digit);
  };
  const erase = () => {
    if (!busy) onChange(value.slice(0, -1));
  };
  const submit = () => {
    if (!busy && value.length > 0) onSubmit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const digit = typedDigit(event.key);
    // Handled here, not by the focused key's own activation: Enter on the "5" key submits, it
    // does not also type a 5.
    if (digit !== null) press(digit);
    else if (event.key === 'Backspace') erase();
    else if (event.key === 'Delete') onChange('');
    else if (event.key === 'Enter') submit();
    else return;
    event.preventDefault();
  };

  const dotCount = Math.max(PIN_MIN_DIGITS, value.length);
  return (
    <div
      ref={root}
      className="pin-pad"
      role="group"
      aria-label={label}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="pin-dots" aria-hidden="true" dir="ltr">
        {Array.from({ length: dotCount }, (_, index) => (
          <span
            key={index}
            className={index < value.length ? 'pin-dot pin-dot-filled' : 'pin-dot'}
          />
        ))}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {t('pinDigitsTyped', { count: value.length })}
      </p>
      <div className="pin-keys" role="group" aria-label={t('pinKeypad')} dir="ltr">
        {DIGIT_ROWS.map((digit) => (
          <button
            key={digit}
            type="button"
            className="pin-key"
            disabled={busy}
            onClick={() => press(digit)}
          >
            {digits(digit)}
          </button>
        ))}
        <button
          type="button"
          className="pin-key pin-key-erase"
          aria-label={t('pinKeyClear')}
          disabled={busy || value.length === 0}
          onClick={erase}
        >
          <span aria-hidden="true">⌫</span>
        </button>
        <button type="button" className="pin-key" disabled={busy} onClick={() => press('0')}>
          {digits('0')}
        </button>
        <button
          type="button"
          className="pin-key pin-key-ok"
          disabled={busy || value.length === 0}
          onClick={submit}
        >
          {t('pinKeyOk')}
        </button>
      </div>
    </div>
  );
}
