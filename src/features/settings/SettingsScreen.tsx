import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { switchCenter } from '../../db/center.ts';
import { endShift, MAX_RETENTION_DAYS, updateSettings } from '../../db/settings.ts';
import { toAsciiDigits } from '../../domain/digits.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useI18n } from '../../ui/i18n.tsx';
import { useServices, useSettings } from '../../services/services.tsx';

/** `children`: device panels the app composes in (storage, installation), shown last. */
export function SettingsScreen({ children }: { children?: ReactNode }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { db, syncEngine } = useServices();
  const settings = useSettings();
  const [draft, setDraft] = useState<{ centerId: string; deviceToken: string } | null>(null);
  const [saved, setSaved] = useState<'saved' | 'switched' | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const values = draft ?? { centerId: settings.centerId, deviceToken: settings.deviceToken };
  // The box shows the tap at once; the stored setting arrives a moment later through the live
  // query, and until then a screen reader would read out the old state.
  const [proxyDraft, setProxyDraft] = useState<boolean | null>(null);
  const proxyAllowed = proxyDraft ?? settings.proxyAllowed;
  useEffect(() => {
    if (proxyDraft === settings.proxyAllowed) setProxyDraft(null);
  }, [proxyDraft, settings.proxyAllowed]);

  // Another center is one deliberate step: refused while this center's handovers are unsent or
  // wait for a supervisor, and otherwise everything of this center leaves the tablet with it.
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaveError(null);
    try {
      const outcome = await switchCenter(db, values);
      setDraft(null);
      setSaved(outcome === 'switched' ? 'switched' : 'saved');
      // The new center's inventory, or the old one's with the new token, at once.
      syncEngine?.syncSoon();
    } catch (error) {
      setSaved(null);
      setSaveError(describeCommandError(error, i18n));
    }
  };

  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settingsTitle')}</h1>
      <fieldset className="panel">
        <legend>{t('settingsLanguage')}</legend>
        {(['fa', 'en'] as const).map((language) => (
          <label key={language} className="choice">
            <input
              type="radio"
              name="language"
              checked={settings.language === language}
              onChange={() => void updateSettings(db, { language })}
            />
            <span lang={language}>{language === 'fa' ? 'فارسی' : 'English'}</span>
          </label>
        ))}
      </fieldset>
      <div className="panel">
        <label className="choice">
          <input
            type="checkbox"
            checked={proxyAllowed}
            onChange={(event) => {
              setProxyDraft(event.target.checked);
              void updateSettings(db, { proxyAllowed: event.target.checked });
            }}
          />
          <span>{t('settingsProxyAllowed')}</span>
        </label>
      </div>
      <RetentionForm />
      <form className="panel" onSubmit={save}>
        <label className="field">
          <span>{t('settingsCenterId')}</span>
          <input
            value={values.centerId}
            onChange={(event) => (
              setSaved(null),
              setDraft({ ...values, centerId: event.target.value })
            )}
            dir="ltr"
          />
        </label>
        <label className="field">
          <span>{t('settingsDeviceToken')}</span>
          <input
            value={values.deviceToken}
            onChange={(event) => (
              setSaved(null),
              setDraft({ ...values, deviceToken: event.target.value })
            )}
            dir="ltr"
          />
        </label>
        <p>
          {t('settingsDeviceId')}: <bdi className="code">{settings.deviceId}</bdi>
        </p>
        {saved ? (
          <p className="notice notice-success" role="status">
            {t(saved === 'switched' ? 'settingsCenterSwitched' : 'settingsSaved')}
          </p>
        ) : null}
        <ErrorNotice message={saveError} />
        <button type="submit" className="button button-primary">
          {t('settingsSave')}
        </button>
      </form>
      {settings.shift ? (
        <div className="panel">
          <p>{t('shiftOnDuty', { name: settings.shift.staffName })}</p>
          <button type="button" className="button" onClick={() => void endShift(db)}>
            {t('shiftEnd')}
          </button>
        </div>
      ) : null}
      {children}
      <p className="muted">{t('settingsVersion', { version: __TAHVIL_BUILD_ID__ })}</p>
    </section>
  );
}

/** Days a ready card may wait before the daily report lists it for return; typed in any digits. */
function RetentionForm() {
  const { t, digits } = useI18n();
  const { db } = useServices();
  const { retentionDays } = useSettings();
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState(false);
  const [saved, setSaved] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const text = toAsciiDigits(draft ?? String(retentionDays)).trim();
    const days = Number(text);
    if (!/^\d+$/.test(text) || days < 1 || days > MAX_RETENTION_DAYS) {
      setProblem(true);
      return;
    }
    await updateSettings(db, { retentionDays: days });
    setDraft(null);
    setProblem(false);
    setSaved(true);
  };

  return (
    <form className="panel" onSubmit={save} noValidate>
      <label className="field">
        <span>{t('settingsRetentionDays')}</span>
        <input
          inputMode="numeric"
          value={draft ?? digits(retentionDays)}
          aria-invalid={problem || undefined}
          aria-describedby="retention-hint"
          onChange={(event) => {
            setSaved(false);
            setProblem(false);
            setDraft(event.target.value);
          }}
        />
      </label>
      <p id="retention-hint" className="muted">
        {t('settingsRetentionHint')}
      </p>
      {problem ? (
        <p className="field-error" role="alert">
          {t('settingsRetentionInvalid')}
        </p>
      ) : null}
      {saved ? (
        <p className="notice notice-success" role="status">
          {t('settingsSaved')}
        </p>
      ) : null}
      <button type="submit" className="button">
        {t('settingsRetentionSave')}
      </button>
    </form>
  );
}
