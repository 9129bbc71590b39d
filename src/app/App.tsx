import { useEffect, useSyncExternalStore } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { liveQuery } from 'dexie';
import { I18nProvider, useI18n } from '../ui/i18n.tsx';
import { ServicesProvider, useServices, useSettings, type Services } from '../services/services.tsx';
import { updateSettings } from '../db/settings.ts';
import { SearchScreen } from '../features/search/SearchScreen.tsx';
import { CardScreen } from '../features/card/CardScreen.tsx';
import { HandoverScreen } from '../features/card/HandoverScreen.tsx';
import { TodayScreen } from '../features/today/TodayScreen.tsx';
import { ShiftScreen } from '../features/shift/ShiftScreen.tsx';
import { SettingsScreen } from '../features/settings/SettingsScreen.tsx';
import { SyncIndicator } from '../features/sync-status/SyncIndicator.tsx';
import { AttentionScreen } from '../features/attention/AttentionScreen.tsx';
import type { UpdateHandle } from '../pwa/register-service-worker.ts';

export function TahvilApp({ services, updates }: { services: Services; updates?: UpdateHandle }) {
  return (
    <ServicesProvider services={services}>
      <LocalizedShell updates={updates} />
    </ServicesProvider>
  );
}

function LocalizedShell({ updates }: { updates?: UpdateHandle }) {
  const settings = useSettings();
  useEffect(() => {
    document.documentElement.lang = settings.language;
    document.documentElement.dir = settings.language === 'fa' ? 'rtl' : 'ltr';
  }, [settings.language]);
  useSyncAfterNewEvents();
  return (
    <I18nProvider language={settings.language}>
      <Layout updates={updates} />
    </I18nProvider>
  );
}

/**
 * A new outbox event, from this tab or another, asks the engine to sync shortly. It watches the
 * newest event's key, not the pending count: a failed push puts events back to pending, and
 * reacting to that would cut every backoff short.
 */
function useSyncAfterNewEvents() {
  const { db, syncEngine } = useServices();
  useEffect(() => {
    if (!syncEngine) return;
    let newestSeen: number | undefined;
    const subscription = liveQuery(() => db.events.orderBy('seq').lastKey()).subscribe({
      next: (newest) => {
        const seq = typeof newest === 'number' ? newest : 0;
        if (newestSeen !== undefined && seq > newestSeen) syncEngine.syncSoon();
        newestSeen = seq;
      },
    });
    return () => subscription.unsubscribe();
  }, [db, syncEngine]);
}

const noUpdates = () => () => undefined;

function Layout({ updates }: { updates?: UpdateHandle }) {
  const { t, language } = useI18n();
  const { db } = useServices();
  const settings = useSettings();
  const updateAvailable = useSyncExternalStore(updates?.subscribe ?? noUpdates, () => updates?.updateAvailable() ?? false);

  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">
          <img src="/icons/tahvil.svg" alt="" width={36} height={36} />
          <span>
            <strong>{t('appName')}</strong>
            <span className="tagline">{t('appTagline')}</span>
          </span>
        </div>
        <nav aria-label={t('appName')} className="main-nav">
          <NavLink to="/" end>
            {t('navSearch')}
          </NavLink>
          <NavLink to="/today">{t('navToday')}</NavLink>
          <NavLink to="/attention">{t('navAttention')}</NavLink>
          <NavLink to="/settings">{t('navSettings')}</NavLink>
        </nav>
        <div className="header-tools">
          {settings.shift ? <span className="on-duty">{t('shiftOnDuty', { name: settings.shift.staffName })}</span> : null}
          <button
            type="button"
            className="button button-small"
            lang={language === 'fa' ? 'en' : 'fa'}
            aria-label={t('switchLanguageLabel')}
            onClick={() => void updateSettings(db, { language: language === 'fa' ? 'en' : 'fa' })}
          >
            {t('switchLanguage')}
          </button>
        </div>
        <SyncIndicator />
      </header>
      {updateAvailable && updates ? (
        <div className="update-banner" role="status">
          <span>{t('updateAvailable')}</span>
          <button type="button" className="button button-small" onClick={() => void updates.applyUpdate()}>
            {t('updateApply')}
          </button>
        </div>
      ) : null}
      <main id="main" className="app-main">
        {settings.deviceId && !settings.shift ? (
          <ShiftScreen />
        ) : (
          <Routes>
            <Route path="/" element={<SearchScreen />} />
            <Route path="/cards/:cardId" element={<CardScreen />} />
            <Route path="/cards/:cardId/handover" element={<HandoverScreen />} />
            <Route path="/today" element={<TodayScreen />} />
            <Route path="/attention" element={<AttentionScreen />} />
            <Route path="/settings" element={<SettingsScreen />} />
            <Route path="*" element={<SearchScreen />} />
          </Routes>
        )}
      </main>
    </div>
  );
}
