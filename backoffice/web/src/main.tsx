/**
 * The operators' web app: sign-in, the fleet and a point's alarms. Hash routes (`#/`,
 * `#/sites/<id>/alarms`) so the backoffice serves one page. German first; English by the button
 * or `?lang=en`.
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, createApi, type Session } from './api.ts';
import { I18nContext, initialLang, translator, useI18n, type Lang } from './i18n.ts';
import { Login } from './pages/Login.tsx';
import { FleetPage } from './pages/Fleet.tsx';
import { AlarmsPage } from './pages/Alarms.tsx';
import { EnrolPage } from './pages/Enrol.tsx';
import { MembersPage } from './pages/Members.tsx';
import { OpeningRulesPage } from './pages/OpeningRules.tsx';
import { ParcelsPage } from './pages/Parcels.tsx';
import { NotificationsPage } from './pages/Notifications.tsx';
import { errorText } from './errors.ts';
import './styles.css';

type Route =
  | { page: 'fleet' }
  | { page: 'alarms'; siteId: string }
  | { page: 'members' }
  | { page: 'opening-rules' | 'parcels'; siteId: string | null }
  | { page: 'notifications' };

export function parseRoute(hash: string): Route {
  if (hash === '#/notifications') return { page: 'notifications' };
  const m = /^#\/sites\/([^/]+)\/alarms$/.exec(hash);
  if (m?.[1]) return { page: 'alarms', siteId: decodeURIComponent(m[1]) };
  if (hash === '#/members') return { page: 'members' };
  const p = /^#\/(opening-rules|parcels)(?:\/([^/]+))?$/.exec(hash);
  if (p?.[1]) return { page: p[1] as 'opening-rules' | 'parcels', siteId: p[2] ? decodeURIComponent(p[2]) : null };
  return { page: 'fleet' };
}

/** The signed-in sections; the current one is marked for screen readers. */
function PageLinks({ route, mailed }: { route: Route; mailed: boolean }) {
  const { t } = useI18n();
  const links = [
    ['fleet', '#/', t('navFleet')],
    ['members', '#/members', t('navMembers')],
    ['opening-rules', '#/opening-rules', t('navRules')],
    ['parcels', '#/parcels', t('navParcels')],
    // Accountants get no alarm e-mails (http/permissions.ts).
    ...(mailed ? ([['notifications', '#/notifications', t('notificationsNav')]] as const) : []),
  ] as const;
  return (
    <nav class="pages" aria-label={t('navLabel')}>
      {links.map(([page, href, label]) => (
        <a key={page} href={href} aria-current={route.page === page || (page === 'fleet' && route.page === 'alarms') ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

const LANG_KEY = 'dorfpunkt.lang';

function rememberedLang(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

function App() {
  const api = useMemo(() => createApi(), []);
  const [lang, setLang] = useState<Lang>(() => initialLang(location.search, rememberedLang()));
  const i18n = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  const { t } = i18n;
  const [session, setSession] = useState<Session | null | 'checking'>('checking');
  const [notice, setNotice] = useState<string | null>(null);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('appName');
  }, [lang]);

  useEffect(() => {
    const onHash = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    api.me().then(
      (s) => setSession(s),
      (e: unknown) => {
        setSession(null);
        if (!(e instanceof ApiError && e.status === 401)) setNotice(errorText(t, lang, e, Date.now()));
      },
    );
  }, [api]);

  const switchLang = (): void => {
    const next: Lang = lang === 'de' ? 'en' : 'de';
    setLang(next);
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  };

  const sessionEnded = (): void => {
    setSession(null);
    setNotice(t('errSessionEnded'));
  };

  const signOut = async (): Promise<void> => {
    try {
      await api.logout();
    } finally {
      setSession(null);
      setNotice(null);
    }
  };

  const signedIn = session !== null && session !== 'checking';
  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="top">
        <p class="brand">{t('appName')}</p>
        <nav aria-label={t('appName')}>
          {signedIn ? (
            <span class="who" data-testid="signed-in-as">
              {t('signedInAs', { name: session.user.displayName || session.user.username })}
            </span>
          ) : null}
          <button type="button" onClick={switchLang} lang={lang === 'de' ? 'en' : 'de'} aria-label={t('switchLanguageLabel')} data-testid="lang-switch">
            {t('switchLanguage')}
          </button>
          {signedIn ? (
            <button type="button" onClick={() => void signOut()}>
              {t('signOut')}
            </button>
          ) : null}
        </nav>
      </header>
      {signedIn && !session.enrolmentRequired ? <PageLinks route={route} mailed={session.user.role !== 'accountant'} /> : null}
      <main id="main" tabIndex={-1}>
        {signedIn && notice ? (
          <p class="message info" role="status" data-testid="app-notice">
            {notice}
          </p>
        ) : null}
        {session === 'checking' ? (
          <p role="status">{t('loading')}</p>
        ) : session === null ? (
          <Login
            api={api}
            notice={notice}
            onSignedIn={(s) => {
              setNotice(null);
              setSession(s);
            }}
          />
        ) : session.enrolmentRequired ? (
          <EnrolPage
            api={api}
            onEnrolled={(s) => {
              setSession(s);
              setNotice(t('enrolDone'));
            }}
          />
        ) : route.page === 'notifications' ? (
          <NotificationsPage api={api} onSessionEnded={sessionEnded} />
        ) : route.page === 'alarms' ? (
          <AlarmsPage api={api} siteId={route.siteId} onSessionEnded={sessionEnded} />
        ) : route.page === 'members' ? (
          <MembersPage api={api} onSessionEnded={sessionEnded} />
        ) : route.page === 'opening-rules' ? (
          <OpeningRulesPage api={api} siteId={route.siteId} onSessionEnded={sessionEnded} />
        ) : route.page === 'parcels' ? (
          <ParcelsPage api={api} siteId={route.siteId} onSessionEnded={sessionEnded} />
        ) : (
          <FleetPage api={api} onSessionEnded={sessionEnded} />
        )}
      </main>
    </I18nContext.Provider>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
