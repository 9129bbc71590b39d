// The one screen of a tablet that belongs to no center, and the way to enrol with another: the
// registry's address (empty: this app's origin) and the one-time code, which a link
// `/enrol?code=…` (a QR on the administrator's sheet) fills in.
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { isEnrolled } from '../../db/settings.ts';
import { EnrolmentFailed, enrolTablet, type EnrolmentProblem } from '../../sync/enrolment.ts';
import type { EnrolmentCodeProblem } from '../../domain/enrolment-code.ts';
import { describeCommandError } from '../../ui/command-error.ts';
import { ErrorNotice } from '../../ui/ErrorNotice.tsx';
import { useI18n, type I18n, type MessageKey } from '../../ui/i18n.tsx';
import { useServices, useSettings } from '../../services/services.tsx';

const PROBLEM_MESSAGE: Record<EnrolmentProblem, MessageKey> = {
  'registry-url-invalid': 'enrolRegistryUrlInvalid',
  'code-invalid': 'enrolCodeInvalid',
  'code-expired': 'enrolCodeExpired',
  'code-used': 'enrolCodeUsed',
  'rate-limited': 'enrolRateLimited',
  unreachable: 'enrolUnreachable',
  'server-error': 'enrolServerError',
  'device-id-taken': 'enrolDeviceIdTaken',
  'bad-response': 'enrolBadResponse',
};

const CODE_PROBLEM_MESSAGE: Record<EnrolmentCodeProblem, MessageKey> = {
  empty: 'enrolCodeEmpty',
  'not-digits': 'enrolCodeNotDigits',
  'wrong-length': 'enrolCodeWrongLength',
  'check-digit': 'enrolCodeCheckDigit',
};

function describeEnrolmentError(error: unknown, i18n: I18n): string {
  if (error instanceof EnrolmentFailed)
    return i18n.t(
      typeof error.problem === 'string'
        ? PROBLEM_MESSAGE[error.problem]
        : CODE_PROBLEM_MESSAGE[error.problem.code],
    );
  return describeCommandError(error, i18n);
}

export function EnrolmentScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { db, syncEngine, fetch, now } = useServices();
  const settings = useSettings();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const [registryUrl, setRegistryUrl] = useState(settings.registryUrl);
  const [code, setCode] = useState(() => searchParams.get('code') ?? '');
  // The code is in the form now; out of the address bar and the history, where it would stay.
  useEffect(() => {
    if (searchParams.has('code')) void navigate('/enrol', { replace: true });
  }, [searchParams, navigate]);
  const [working, setWorking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [enrolledWith, setEnrolledWith] = useState<string | null>(null);
  const enrolled = isEnrolled(settings);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (working) return;
    setWorking(true);
    setProblem(null);
    try {
      const center = await enrolTablet(db, { registryUrl, code }, { fetch, now });
      setEnrolledWith(center.name || center.centerId);
      setCode('');
      // The new center's inventory, at once, and the schedule again (it stops without a center).
      void syncEngine?.start();
      void navigate('/', { replace: true });
    } catch (error) {
      setProblem(describeEnrolmentError(error, i18n));
    } finally {
      setWorking(false);
    }
  };

  return (
    <section className="screen enrolment-screen" aria-labelledby="enrol-title">
      <h1 id="enrol-title">{t('enrolTitle')}</h1>
      {enrolled ? (
        <p className="notice notice-warning">
          {t('enrolReplaceWarning', { center: settings.centerName || settings.centerId })}
        </p>
      ) : (
        <p className="muted">{t('enrolIntro')}</p>
      )}
      <form className="panel" onSubmit={submit} noValidate>
        <label className="field">
          <span>{t('enrolCode')}</span>
          <input
            name="enrolment-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            dir="ltr"
            value={code}
            aria-describedby="enrol-code-hint"
            aria-invalid={problem !== null || undefined}
            onChange={(event) => setCode(event.target.value)}
          />
        </label>
        <p id="enrol-code-hint" className="muted">
          {t('enrolCodeHint')}
        </p>
        <label className="field">
          <span>{t('enrolRegistryUrl')}</span>
          <input
            name="registry-url"
            type="url"
            inputMode="url"
            autoComplete="url"
            dir="ltr"
            value={registryUrl}
            placeholder={window.location.origin}
            aria-describedby="enrol-url-hint"
            onChange={(event) => setRegistryUrl(event.target.value)}
          />
        </label>
        <p id="enrol-url-hint" className="muted">
          {t('enrolRegistryUrlHint', { origin: window.location.origin })}
        </p>
        <ErrorNotice message={problem} />
        {enrolledWith ? (
          <p className="notice notice-success" role="status">
            {t('enrolDone', { center: enrolledWith })}
          </p>
        ) : null}
        <div className="actions">
          <button
            type="submit"
            className="button button-primary button-large"
            disabled={working}
            aria-busy={working || undefined}
          >
            {working ? t('enrolWorking') : t('enrolSubmit')}
          </button>
          {enrolled ? (
            <button type="button" className="button" onClick={() => void navigate('/settings')}>
              {t('enrolCancel')}
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
