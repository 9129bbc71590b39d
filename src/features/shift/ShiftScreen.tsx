import { useState, type FormEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { readRoster, signIn } from '../../db/staff.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useServices } from '../../services/services.tsx';

/** Shown instead of the counter until a member of the roster signs in with their PIN. */
export function ShiftScreen() {
  const { t, digits } = useI18n();
  const { db, now } = useServices();
  const roster = useLiveQuery(() => readRoster(db), [db]) ?? [];
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!staffId) return setProblem(t('shiftStaffIdMissing'));
    const result = await signIn(db, staffId, pin, now());
    setPin('');
    if (!result.ok) setProblem(result.problem);
  };

  return (
    <section className="screen shift-screen" aria-labelledby="shift-title">
      <h1 id="shift-title">{t('shiftTitle')}</h1>
      <form className="panel" onSubmit={(event) => void submit(event)}>
        <label className="field">
          <span>{t('shiftStaffId')}</span>
          <select value={staffId} onChange={(event) => setStaffId(event.target.value)}>
            <option value="" />
            {roster
              .filter((member) => member.active)
              .map((member) => (
                <option key={member.staffId} value={member.staffId}>
                  {member.name} ({digits(member.staffId)})
                </option>
              ))}
          </select>
        </label>
        <label className="field">
          <span>PIN</span>
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(event) => setPin(event.target.value)}
          />
        </label>
        {problem ? (
          <p className="notice notice-warning" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit" className="button button-primary button-large">
          {t('shiftStart')}
        </button>
      </form>
    </section>
  );
}
