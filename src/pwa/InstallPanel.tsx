import { useI18n } from '../ui/i18n.tsx';
import { promptInstall, useInstallState } from './install-prompt.ts';

/** The browser's install offer where it makes one, and the menu route where it does not. */
export function InstallPanel() {
  const { t } = useI18n();
  const { canPrompt, installed } = useInstallState();
  return (
    <section className="panel device-panel" aria-labelledby="install-title">
      <h2 id="install-title">{t('installTitle')}</h2>
      {installed ? (
        <p className="notice notice-success">{t('installDone')}</p>
      ) : (
        <>
          {canPrompt ? (
            <button
              type="button"
              className="button button-primary"
              onClick={() => void promptInstall()}
            >
              {t('installButton')}
            </button>
          ) : null}
          <p className="muted">{t('installMenuNote')}</p>
        </>
      )}
    </section>
  );
}
