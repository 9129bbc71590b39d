import { useId, useState, type FormEvent } from 'react';
import { toAsciiDigits } from '../domain/digits.ts';
import { useI18n } from './i18n.tsx';

export interface PickableStaff {
  staffId: string;
  name: string;
}

/** A staff id as typed (any digit script, any case, spaces around): the roster's spelling of it. */
export function findStaff<T extends { staffId: string }>(
  members: readonly T[],
  typed: string,
): T | undefined {
  const wanted = toAsciiDigits(typed).trim().toUpperCase();
  return members.find((member) => member.staffId.toUpperCase() === wanted);
}

/**
 * The members to choose from as big buttons (name and id), and a field to type an id instead.
 * `onPick` gets the typed text tidied (ASCII digits, trimmed): the caller looks it up.
 */
export function StaffPicker({
  members,
  listLabel,
  idLabel,
  onPick,
  typedProblemId,
  onTypedChange,
}: {
  members: readonly PickableStaff[];
  listLabel: string;
  idLabel: string;
  onPick: (staffId: string) => void;
  /** The id of the words saying what is wrong with the typed id; the field is marked with it. */
  typedProblemId?: string;
  onTypedChange?: () => void;
}) {
  const { t, digits } = useI18n();
  const [typed, setTyped] = useState('');
  const idField = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const staffId = toAsciiDigits(typed).trim();
    if (staffId) onPick(staffId);
  };
  return (
    <div className="staff-picker">
      {members.length > 0 ? (
        <ul className="staff-list" aria-label={listLabel}>
          {members.map((member) => (
            <li key={member.staffId}>
              <button type="button" className="staff-button" onClick={() => onPick(member.staffId)}>
                <span className="staff-name">{member.name}</span>
                <bdi className="code staff-id">{digits(member.staffId)}</bdi>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="staff-id-form" onSubmit={submit}>
        <label className="field" htmlFor={idField}>
          <span>{idLabel}</span>
        </label>
        <div className="staff-id-row">
          <input
            id={idField}
            dir="ltr"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            value={typed}
            onChange={(event) => {
              setTyped(event.target.value);
              onTypedChange?.();
            }}
            aria-invalid={typedProblemId !== undefined}
            aria-describedby={[typedProblemId, `${idField}-hint`].filter(Boolean).join(' ')}
          />
          <button type="submit" className="button" disabled={typed.trim() === ''}>
            {t('signInContinue')}
          </button>
        </div>
        <p id={`${idField}-hint`} className="hint">
          {t('signInTypeIdHint')}
        </p>
      </form>
    </div>
  );
}
