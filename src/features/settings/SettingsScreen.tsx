import { useState, type FormEvent, type ReactNode } from 'react';
import { MAX_RETENTION_DAYS, updateSettings } from '../../db/settings.ts';
import { toAsciiDigits } from '../../domain/digits.ts';
import { formatClockTime, formatJalaliDate } from '../../domain/jalali.ts';
import { useI18n } from '../../ui/i18n.tsx';
import { RadioChoices } from '../../ui/RadioChoices.tsx';
import { useServices, useSettings } from '../../services/services.tsx';

/** `children`: panels the app composes in (leaving the center, storage, installation), shown last. */
export function SettingsScreen({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  const { db } = useServices();
  const settings = useSettings();

  return (
    <section className="screen settings-screen" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settingsTitle')}</h1>
      <fieldset className="panel">
        <legend>{t('settingsLanguage')}</legend>
        <RadioChoices
          name="language"
          choices={[
            ['fa', <span lang="fa">فارسی</span>],
            ['en', <span lang="en">English</span>],
          ]}
          value={settings.language}
          onChange={(language) => void updateSettings(db, { language })}
        />
      </fieldset>
      <fieldset className="panel">
        <legend>{t('settingsSavedSignal')}</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={settings.savedSound}
            onChange={(event) => void updateSettings(db, { savedSound: event.target.checked })}
          />
          <span>{t('settingsSavedSound')}</span>
        </label>
        <p className="hint">{t('settingsSavedSoundHint')}</p>
      </fieldset>
      <CenterPanel />
      <RetentionForm />
      {children}
      <p className="muted">{t('settingsVersion', { version: __TAHVIL_BUILD_ID__ })}</p>
    </section>
  );
}

/** Who this tablet is and the center's rules: the registry's, shown, never edited here. */
function CenterPanel() {
  const { t, digits, language } = useI18n();
  const settings = useSettings();
  const { rules } = settings;
  return (
    <section className="panel" aria-labelledby="center-title">
      <h2 id="center-title">{t('settingsCenter')}</h2>
      <p>
        {t('settingsCenterLine', {
          name: settings.centerName || settings.centerId,
          id: settings.centerId,
        })}
      </p>
      <p>
        {t('settingsDeviceId')}: <bdi className="code">{settings.deviceId}</bdi>
      </p>
      {settings.enrolledAt ? (
        <p>
          {t('settingsEnrolledAt', {
            time: `${formatJalaliDate(new Date(settings.enrolledAt), language, settings.timeZone)} ${formatClockTime(new Date(settings.enrolledAt), language, settings.timeZone)}`,
          })}
        </p>
      ) : null}
      <p>
        {t('settingsRegistry', {
          url: settings.registryUrl || t('settingsRegistrySameOrigin'),
        })}
      </p>
      <h3>{t('settingsRulesTitle')}</h3>
      <ul className="rules-list">
        <li>
          {t(rules.proxyPickupAllowed ? 'settingsRuleProxyAllowed' : 'settingsRuleProxyForbidden')}
        </li>
        <li>{t('settingsRuleIdleLock', { minutes: digits(rules.idleLockMinutes) })}</li>
        <li>{t('settingsRuleRetention', { days: digits(rules.detailsRetentionDays) })}</li>
      </ul>
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
