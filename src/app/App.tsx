import { Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { liveQuery } from 'dexie';
import { I18nProvider, useI18n } from '../ui/i18n.tsx';
import {
  ServicesProvider,
  SettingsProvider,
  useServices,
  useSettings,
  useSyncState,
  type Services,
} from '../services/services.tsx';
import { isEnrolled, updateSettings } from '../db/settings.ts';
import { newestEventSeq } from '../db/outbox.ts';
import { erasePersonalDetails } from '../db/retention.ts';
import { SearchScreen } from '../features/search/SearchScreen.tsx';
import { CardScreen } from '../features/card/CardScreen.tsx';
import { SignInScreen } from '../features/sign-in/SignInScreen.tsx';
import { LockScreen } from '../features/sign-in/LockScreen.tsx';
import type { SignedIn } from '../features/sign-in/PinStep.tsx';
import { dropAllHandoverDrafts, isHandoverPath } from '../features/card/handover-draft.ts';
import { lockShift } from '../db/staff.ts';
import { MemberMenu } from './MemberMenu.tsx';
import { permission, type CounterAction } from '../domain/staff-roles.ts';
import { SupervisorOnly } from './SupervisorOnly.tsx';
import { useIdleLock } from './use-idle-lock.ts';
import { useScanAnywhere } from './use-scan-anywhere.ts';
import { hasUnsavedWork } from '../services/unsaved-work.ts';
import { cardPath, findScannedCard, type SearchScreenState } from '../services/counter-flow.ts';
import { ConfirmDialog } from '../ui/ConfirmDialog.tsx';
import { SyncIndicator } from '../features/sync-status/SyncIndicator.tsx';
import { ClockWarning } from '../features/sync-status/ClockWarning.tsx';
import { useImportRunning } from '../features/import/import-store.ts';
// In the main chunk: a fresh tablet's first screen. Lazy, it took a fresh tablet 240 ms longer
// to show (median of 7, 4 Mbit/s, 100 ms, CPU ÷4) to save 1.9 kB gzipped on every other start.
import { EnrolmentScreen } from '../features/enrolment/EnrolmentScreen.tsx';
import { WithdrawnNotice } from '../features/enrolment/WithdrawnNotice.tsx';
import type { UpdateHandle } from '../pwa/register-service-worker.ts';
import { UpdateBanner, type UpdateHold } from '../pwa/UpdateBanner.tsx';
import { requestPersistentStorage } from '../pwa/storage-persistence.ts';
import { onAppInstalled } from '../pwa/install-prompt.ts';
import { lazyScreen } from './lazy-screen.ts';

// The counter's hot path (search, the card and its handover form, sign-in and the lock) and
// enrolment are in the main chunk; the other screens load when first shown.
const TodayScreen = lazyScreen(() =>
  import('../features/today/TodayScreen.tsx').then((m) => m.TodayScreen),
);
const ReceiptScreen = lazyScreen(() =>
  import('../features/receipt/ReceiptScreen.tsx').then((m) => m.ReceiptScreen),
);
const ChangePinScreen = lazyScreen(() =>
  import('../features/my-pin/ChangePinScreen.tsx').then((m) => m.ChangePinScreen),
);
const SettingsScreen = lazyScreen(() =>
  import('../features/settings/SettingsScreen.tsx').then((m) => m.SettingsScreen),
);
const AttentionScreen = lazyScreen(() =>
  import('../features/attention/AttentionScreen.tsx').then((m) => m.AttentionScreen),
);
const ImportScreen = lazyScreen(() =>
  import('../features/import/ImportScreen.tsx').then((m) => m.ImportScreen),
);
const ReportScreen = lazyScreen(() =>
  import('../features/report/ReportScreen.tsx').then((m) => m.ReportScreen),
);
const LeaveCenterPanel = lazyScreen(() =>
  import('../features/enrolment/LeaveCenterPanel.tsx').then((m) => m.LeaveCenterPanel),
);
const InstallPanel = lazyScreen(() =>
  import('../pwa/InstallPanel.tsx').then((m) => m.InstallPanel),
);
const StoragePanel = lazyScreen(() =>
  import('../pwa/StoragePanel.tsx').then((m) => m.StoragePanel),
);

export function App({ services, updates }: { services: Services; updates?: UpdateHandle }) {
  return (
    <ServicesProvider services={services}>
      <SettingsProvider>
        <LocalizedShell updates={updates} />
      </SettingsProvider>
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
  useStoragePersistenceRequest();
  usePersonalDetailsSweep();
  const databaseChange = useDatabaseUpgradeGuard();
  return (
    <I18nProvider language={settings.language}>
      {databaseChange ? <DatabaseChangedNotice change={databaseChange} /> : null}
      <Layout updates={updates} />
    </I18nProvider>
  );
}

/** How often personal details whose time is up are looked for, besides after every sync. */
export const DETAILS_SWEEP_INTERVAL_MS = 60 * 60_000;

/**
 * The retention rule holds whatever the sync does: a tablet offline for weeks, or withdrawn (the
 * answer to a lost one), erases what is due at start and every hour, by the last rules it had.
 */
function usePersonalDetailsSweep() {
  const { db, now } = useServices();
  const { deviceId, rules } = useSettings();
  const retentionDays = rules.detailsRetentionDays;
  useEffect(() => {
    if (!deviceId) return undefined;
    const sweep = () => void erasePersonalDetails(db, now(), retentionDays).catch(() => undefined);
    sweep();
    const timer = window.setInterval(sweep, DETAILS_SWEEP_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [db, now, deviceId, retentionDays]);
}

/**
 * The first handover of a visit, or installing the app, asks the browser to keep this device's
 * data: that is when there is something here worth keeping, and when browsers tend to agree.
 */
function useStoragePersistenceRequest() {
  const { db } = useServices();
  useEffect(() => {
    let asked = false;
    const stopWatchingEvents = subscribeToNewEvents(db, () => {
      if (asked) return;
      asked = true;
      void requestPersistentStorage();
    });
    const stopListening = onAppInstalled(() => void requestPersistentStorage());
    return () => {
      stopWatchingEvents();
      stopListening();
    };
  }, [db]);
}

type DatabaseChange = 'upgraded-elsewhere' | 'upgrade-blocked';

/**
 * A newer version opened in another tab upgrades the database schema: this tab's connection is
 * closed (Dexie's default, so the other tab is not kept waiting) and it must reload to run the
 * new code. The reverse case, this tab's upgrade waiting on an old tab, is shown too.
 */
function useDatabaseUpgradeGuard(): DatabaseChange | null {
  const { db, syncEngine } = useServices();
  const [change, setChange] = useState<DatabaseChange | null>(null);
  useEffect(() => {
    const upgradedElsewhere = () => {
      syncEngine?.stop();
      setChange('upgraded-elsewhere');
    };
    const blocked = () => setChange((current) => current ?? 'upgrade-blocked');
    db.on('versionchange', upgradedElsewhere);
    db.on('blocked', blocked);
    return () => {
      db.on('versionchange').unsubscribe(upgradedElsewhere);
      db.on('blocked').unsubscribe(blocked);
    };
  }, [db, syncEngine]);
  return change;
}

function DatabaseChangedNotice({ change }: { change: DatabaseChange }) {
  const { t } = useI18n();
  if (change === 'upgrade-blocked') {
    return (
      <div className="update-banner" role="alert">
        {t('dbUpgradeBlocked')}
      </div>
    );
  }
  return (
    <div className="blocking-overlay">
      <div
        className="panel"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="db-upgraded-title"
        aria-describedby="db-upgraded-body"
      >
        <h2 id="db-upgraded-title">{t('dbUpgradedTitle')}</h2>
        <p id="db-upgraded-body">{t('dbUpgradedBody')}</p>
        <button
          type="button"
          className="button button-primary"
          autoFocus
          onClick={() => window.location.reload()}
        >
          {t('dbUpgradedReload')}
        </button>
      </div>
    </div>
  );
}

/**
 * Calls `onNewEvent` whenever an event is recorded, in this tab or another. It watches the newest
 * event's key, not the pending count: a failed push puts events back to pending, and reacting to
 * that would cut every backoff short.
 */
function subscribeToNewEvents(db: Services['db'], onNewEvent: () => void): () => void {
  let newestSeen: number | undefined;
  const subscription = liveQuery(() => newestEventSeq(db)).subscribe({
    next: (seq) => {
      if (newestSeen !== undefined && seq > newestSeen) onNewEvent();
      newestSeen = seq;
    },
  });
  return () => subscription.unsubscribe();
}

/** A new outbox event asks the engine to sync shortly, so a burst of handovers goes together. */
function useSyncAfterNewEvents() {
  const { db, syncEngine } = useServices();
  useEffect(
    () => (syncEngine ? subscribeToNewEvents(db, () => syncEngine.syncSoon()) : undefined),
    [db, syncEngine],
  );
}

/**
 * The open handover form is kept (in memory) only while its route is on screen, a lock included;
 * every draft goes when the shift changes hands or ends, and the counter then opens at search.
 */
function useHandoverDraftsFollowShift(staffId: string | null, settingsRead: boolean) {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const lastStaffId = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (!isHandoverPath(pathname)) dropAllHandoverDrafts();
  }, [pathname]);
  // Drafts belong to this running app; one rendered after it (a test's next app) starts empty.
  useEffect(() => () => dropAllHandoverDrafts(), []);
  useEffect(() => {
    if (!settingsRead) return;
    const before = lastStaffId.current;
    lastStaffId.current = staffId;
    // Another tab, or this one, put someone else on shift (or ended it).
    if (before !== undefined && before !== null && before !== staffId) {
      dropAllHandoverDrafts();
      void navigate('/', { replace: true });
    }
  }, [staffId, settingsRead, navigate]);
}

function Layout({ updates }: { updates?: UpdateHandle }) {
  const { t, language } = useI18n();
  const { db, syncEngine, now } = useServices();
  const settings = useSettings();
  const location = useLocation();
  const navigate = useNavigate();
  const { shift } = settings;
  const enrolled = isEnrolled(settings);
  const locked = shift?.locked ?? false;
  /** `screen` for a supervisor, or behind the approval gate for a clerk (for that visit). */
  const forSupervisor = (action: CounterAction, screenName: string, screen: ReactNode) => (
    <SupervisorOnly key={shift?.staffId} action={action} screenName={screenName}>
      {screen}
    </SupervisorOnly>
  );
  const working = enrolled && shift !== null && !locked;
  useHandoverDraftsFollowShift(shift?.staffId ?? null, settings.deviceId !== '');
  const lock = useCallback(() => void lockShift(db), [db]);
  useIdleLock({
    enabled: working,
    idleMinutes: settings.rules.idleLockMinutes,
    now,
    onIdle: lock,
  });
  const onSignedIn = useCallback(
    (result: SignedIn) => {
      // Someone new: nothing of the last member's open work stays (signIn ended their shift).
      if (!result.continued) {
        dropAllHandoverDrafts();
        void navigate('/', { replace: true });
      }
    },
    [navigate],
  );
  const scanLeave = useOpenScannedCard(working);
  const syncState = useSyncState();
  const importRunning = useImportRunning(db);
  const updateHold: UpdateHold = isHandoverPath(location.pathname)
    ? 'handover'
    : syncState.status === 'syncing'
      ? 'sync'
      : importRunning
        ? 'import'
        : null;
  // No new sync request once the update starts: a request through the old service worker
  // wakes it while the new one is taking over, and Chromium can then leave the new one waiting.
  const stopSyncForUpdate = useCallback(() => syncEngine?.stop(), [syncEngine]);

  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className={`app-header${working ? ' app-header-working' : ''}`}>
        <div className="brand">
          <img src="/icons/tahvil.svg" alt="" width={36} height={36} />
          <span>
            <strong>{t('appName')}</strong>
            <span className="tagline">{t('appTagline')}</span>
          </span>
        </div>
        {/* No way anywhere while no one is signed in or the screen is locked. */}
        {working && shift ? (
          <nav aria-label={t('appName')} className="main-nav">
            <NavLink to="/" end>
              {t('navSearch')}
            </NavLink>
            <NavLink to="/today">{t('navToday')}</NavLink>
            <NavLink to="/attention">{t('navAttention')}</NavLink>
            <NavLink to="/report">{t('navReport')}</NavLink>
            {permission(shift.role, 'import-manifest') === 'allowed' ? (
              <NavLink to="/import">{t('navImport')}</NavLink>
            ) : null}
            {permission(shift.role, 'change-local-settings') === 'allowed' ? (
              <NavLink to="/settings">{t('navSettings')}</NavLink>
            ) : null}
          </nav>
        ) : null}
        <div className="header-tools">
          {working && shift ? (
            <>
              <MemberMenu shift={shift} />
              <button
                type="button"
                className="button button-small"
                aria-label={t('lockButtonLabel')}
                onClick={lock}
              >
                {t('lockButton')}
              </button>
            </>
          ) : null}
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
        {/* A tablet of no center has nothing to sync: no red "sync error" on a fresh tablet. */}
        {isEnrolled(settings) ? <SyncIndicator /> : null}
        <ClockWarning />
      </header>
      {updates ? (
        <UpdateBanner updates={updates} hold={updateHold} beforeUpdate={stopSyncForUpdate} />
      ) : null}
      <main id="main" className="app-main">
        <WithdrawnNotice />
        {/* deviceId is empty only until the settings are read: no screen shows meanwhile, so
            none flashes up and is replaced (a search box, then the enrolment form). */}
        {/* Quiet while a screen's chunk loads (from the precache: a few milliseconds). */}
        <Suspense fallback={null}>
          {!settings.deviceId ? null : !isEnrolled(settings) ? (
            <EnrolmentScreen />
          ) : !shift ? (
            <SignInScreen onSignedIn={onSignedIn} />
          ) : shift.locked ? (
            // Instead of the routes, not over them: nothing personal is left in the page.
            <LockScreen shift={shift} onSignedIn={onSignedIn} />
          ) : (
            <Routes>
              {/* Enrolling anew erases this center from the tablet: a supervisor's decision. */}
              <Route
                path="/enrol"
                element={forSupervisor(
                  'change-local-settings',
                  t('enrolTitle'),
                  <EnrolmentScreen />,
                )}
              />
              <Route path="/" element={<SearchScreen />} />
              <Route path="/cards/:cardId" element={<CardScreen />} />
              {/* The handover form is on the card's page; the old address of the form leads there. */}
              <Route path="/cards/:cardId/handover" element={<CardScreen />} />
              <Route path="/today" element={<TodayScreen />} />
              <Route path="/receipts/:eventId" element={<ReceiptScreen />} />
              <Route path="/my-pin" element={<ChangePinScreen />} />
              <Route path="/attention" element={<AttentionScreen />} />
              <Route path="/report" element={<ReportScreen />} />
              <Route
                path="/import"
                element={forSupervisor('import-manifest', t('navImport'), <ImportScreen />)}
              />
              <Route
                path="/settings"
                element={forSupervisor(
                  'change-local-settings',
                  t('navSettings'),
                  <SettingsScreen>
                    <LeaveCenterPanel />
                    <StoragePanel />
                    <InstallPanel />
                  </SettingsScreen>,
                )}
              />
              <Route path="*" element={<SearchScreen />} />
            </Routes>
          )}
        </Suspense>
      </main>
      {scanLeave ? (
        <ConfirmDialog
          title={t('scanLeaveTitle')}
          body={t('scanLeaveBody')}
          confirmLabel={t('scanLeaveConfirm')}
          cancelLabel={t('scanLeaveStay')}
          onConfirm={scanLeave.leave}
          onCancel={scanLeave.stay}
        />
      ) : null}
    </div>
  );
}

/**
 * A scan from anywhere opens the scanned card: a code that names one card opens it, anything else
 * shows in the search box with its results. A form with something entered asks first; the answer
 * is what this returns while the question is open.
 */
/** Where a scan leads: a card's page, or search with the code in the box. */
interface ScanTarget {
  path: string;
  state?: SearchScreenState;
}

function useOpenScannedCard(working: boolean): { leave: () => void; stay: () => void } | null {
  const { db } = useServices();
  const navigate = useNavigate();
  const location = useLocation();
  const [waiting, setWaiting] = useState<ScanTarget | null>(null);
  const go = useCallback(
    ({ path, state }: ScanTarget) => void navigate(path, { state }),
    [navigate],
  );
  const onScan = useCallback(
    async (scanned: string) => {
      // Read as the search box and the camera read it (services/counter-flow.ts).
      const { cardId, code } = await findScannedCard(db, scanned);
      if (cardId && location.pathname === cardPath(cardId)) return;
      const target: ScanTarget = cardId
        ? { path: cardPath(cardId) }
        : { path: '/', state: { query: code } };
      if (hasUnsavedWork()) setWaiting(target);
      else go(target);
    },
    [db, go, location.pathname],
  );
  useScanAnywhere({ enabled: working, onScan: (scanned) => void onScan(scanned) });
  if (!waiting) return null;
  return {
    leave: () => {
      setWaiting(null);
      go(waiting);
    },
    stay: () => setWaiting(null),
  };
}
