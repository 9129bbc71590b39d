import { useState, type FormEvent } from 'react';
import { startShift } from '../../db/settings.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { useServices, useSettings } from '../../services/services.tsx';

/** Shown instead of the counter until someone starts a shift: every event carries its clerk. */
export function ShiftScreen() {
  const { t, digits } = useI18n();
  const { db, now } = useServices();
  const { recentStaff } = useSettings();
  const [staffId, setStaffId] = useState('');
  const [staffName, setStaffName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const begin = async (id: string, name: string) => {
    if (!id.trim()) return setProblem(t('shiftStaffIdMissing'));
    if (!name.trim()) return setProblem(t('shiftStaffNameMissing'));
    await startShift(db, id, name, now());
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void begin(staffId, staffName);
  };

  return (
    <section className="screen shift-screen" aria-labelledby="shift-title">
      <h1 id="shift-title">{t('shiftTitle')}</h1>
      <p className="muted">{t('shiftIntro')}</p>
      {recentStaff.length > 0 ? (
        <section className="panel" aria-labelledby="recent-staff-title">
          <h2 id="recent-staff-title">{t('shiftRecent')}</h2>
          <ul className="recent-staff">
            {recentStaff.map((staff) => (
              <li key={staff.staffId}>
                <button
                  type="button"
                  className="button"
                  onClick={() => void begin(staff.staffId, staff.staffName)}
                >
                  {staff.staffName} (<bdi>{digits(staff.staffId)}</bdi>)
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <form className="panel" onSubmit={submit}>
        <label className="field">
          <span>{t('shiftStaffId')}</span>
          <input
            autoComplete="off"
            value={staffId}
            onChange={(event) => setStaffId(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('shiftStaffName')}</span>
          <input
            autoComplete="name"
            value={staffName}
            onChange={(event) => setStaffName(event.target.value)}
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
