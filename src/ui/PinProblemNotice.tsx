import type { ReactNode } from 'react';
import { PIN_MIN_DIGITS } from '../domain/pin-verifier.ts';
import type { PinCheckProblem } from '../domain/pin-lockout.ts';
import { useI18n } from './i18n.tsx';
import { formatMinutesSeconds, useRemainingMs } from './use-countdown.ts';

/** What the screen says about a PIN: a check's answer, with a lockout's end as an instant. */
export type PinProblem =
  | { problem: 'unknown-staff' | 'inactive' | 'not-supervisor' | 'too-short' }
  | { problem: 'locked-out'; untilMs: number }
  | { problem: 'wrong-pin'; triesLeft: number };

/** `failure` as the screen keeps it; a lockout's remaining time counted from `nowMs`. */
export function pinProblemOf(failure: PinCheckProblem, nowMs: number): PinProblem {
  if (failure.problem === 'locked-out')
    return { problem: 'locked-out', untilMs: nowMs + failure.remainingMs };
  return failure;
}

/**
 * A PIN problem in words, announced at once. A lockout counts down (m:ss, in the interface's
 * digits) and says when it is over; `lockoutAction` (a supervisor's clearing) shows beside it.
 */
export function PinProblemNotice({
  problem,
  staffId,
  now,
  lockoutAction,
}: {
  problem: PinProblem;
  staffId: string;
  now: () => Date;
  lockoutAction?: ReactNode;
}) {
  const { t, digits } = useI18n();
  const remainingMs = useRemainingMs(
    problem.problem === 'locked-out' ? problem.untilMs : null,
    now,
  );
  if (problem.problem === 'locked-out') {
    if (remainingMs === 0)
      return (
        <p className="notice" role="status">
          {t('signInLockoutEnded')}
        </p>
      );
    return (
      <div className="notice notice-danger pin-problem">
        <p role="alert">{t('signInLockedOut')}</p>
        {/* Not a live region: a screen reader is told once, not every second. */}
        <p role="timer" aria-live="off" className="lockout-timer">
          {t('signInLockedOutTimeLeft', { time: digits(formatMinutesSeconds(remainingMs)) })}
        </p>
        {lockoutAction}
      </div>
    );
  }
  const text =
    problem.problem === 'wrong-pin'
      ? t('signInWrongPin', { tries: problem.triesLeft })
      : problem.problem === 'unknown-staff'
        ? t('signInUnknownStaff', { id: staffId })
        : problem.problem === 'inactive'
          ? t('signInInactive')
          : problem.problem === 'not-supervisor'
            ? t('signInNotSupervisor')
            : t('signInPinTooShort', { min: PIN_MIN_DIGITS });
  return (
    <p className="notice notice-danger pin-problem" role="alert">
      {text}
    </p>
  );
}
