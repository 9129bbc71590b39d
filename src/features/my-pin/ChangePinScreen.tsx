import { useState, type FormEvent } from 'react';
import { changeOwnPin, type PinChangeResult } from '../../sync/pin-change.ts';
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS } from '../../domain/pin-verifier.ts';
import { toAsciiDigits } from '../../domain/digits.ts';
import { useI18n, type I18n } from '../../ui/i18n.tsx';
import { useServices, useSettings } from '../../services/services.tsx';

type Failure = Exclude<PinChangeResult, { ok: true }>;

/** Why the PIN did not change, in the clerk's words. */
function describeFailure(failure: Failure, { t, digits }: I18n): string {
  switch (failure.problem) {
    case 'pin-invalid':
      return t(failure.field === 'currentPin' ? 'myPinCurrentInvalid' : 'myPinNewInvalid', {
        min: digits(String(PIN_MIN_DIGITS)),
        max: digits(String(PIN_MAX_DIGITS)),
      });
    case 'pin-wrong':
      return t('myPinWrong');
    case 'pin-weak':
      return t('myPinWeak');
    case 'rate-limited':
      return t('myPinRateLimited', {
        minutes: digits(String(Math.max(1, Math.ceil((failure.retryAfterSeconds ?? 900) / 60)))),
      });
    case 'offline':
      return t('myPinOffline');
    case 'staff-inactive':
    case 'staff-not-found':
    case 'signed-out':
      return t('myPinNotOnRoster');
    case 'not-enrolled':
    case 'not-registered':
    case 'device-withdrawn':
      return t('myPinNotEnrolled');
    case 'server-error':
    case 'bad-response':
      return t('myPinUnclear');
  }
}

/**
 * The member signed in changes their own PIN, online: the registry checks the current one and
 * refuses a weak new one (protocol 2.1); every tablet of the center has the new one at its next
 * pull, this one at once. The PINs live in this form's state only, cleared after each try.
 */
export function ChangePinScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { db, fetch, now } = useServices();
  const { shift } = useSettings();
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');
  const [repeatedPin, setRepeatedPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  const clearFields = () => {
    setCurrentPin('');
    setNewPin('');
    setRepeatedPin('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (toAsciiDigits(newPin) !== toAsciiDigits(repeatedPin)) {
      clearFields();
      setOutcome({ ok: false, text: t('myPinMismatch') });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const result = await changeOwnPin(db, { currentPin, newPin }, { fetch, now });
      setOutcome(
        result.ok
          ? { ok: true, text: t('myPinChanged') }
          : { ok: false, text: describeFailure(result, i18n) },
      );
    } finally {
      setBusy(false);
      clearFields();
    }
  };

  const pinField = (label: string, value: string, onChange: (value: string) => void) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={PIN_MAX_DIGITS * 2}
        value={value}
        disabled={busy}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );

  return (
    <section className="screen" aria-labelledby="my-pin-title">
      <h1 id="my-pin-title">{t('myPinTitle')}</h1>
      <p className="muted">{t('myPinIntro', { name: shift?.staffName ?? '' })}</p>
      <form className="panel" onSubmit={(event) => void submit(event)}>
        {pinField(t('myPinCurrent'), currentPin, setCurrentPin)}
        {pinField(t('myPinNew'), newPin, setNewPin)}
        {pinField(t('myPinRepeat'), repeatedPin, setRepeatedPin)}
        {outcome ? (
          <p
            className={outcome.ok ? 'notice notice-success' : 'notice notice-warning'}
            role={outcome.ok ? 'status' : 'alert'}
          >
            {outcome.text}
          </p>
        ) : null}
        <button
          type="submit"
          className="button button-primary button-large"
          disabled={busy || currentPin === '' || newPin === ''}
        >
          {t(busy ? 'myPinSaving' : 'myPinSave')}
        </button>
      </form>
    </section>
  );
}
