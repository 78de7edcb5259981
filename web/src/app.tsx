// The shell: header (navigation, language, sign-out), the page for the current route, and the
// rule that every page but /login needs a session.
import { useEffect } from 'preact/hooks';
import { setLanguage, t, useLanguage, type Lang } from './i18n';
import type { User } from './api';
import { AdminRoute, isStaff } from './pages/admin/entry';
import { HomePage } from './pages/home';
import { LoginPage } from './pages/login';
import { SessionsPage } from './pages/sessions';
import { navigate, onLinkClick, route } from './router';
import { logout, session } from './session';

function Nav({ path, user }: { path: string; user: User }) {
  const link = (href: string, label: string) => (
    <a href={href} onClick={onLinkClick} aria-current={path === href ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <nav aria-label="main">
      {link('/', t('nav_home'))}
      {link('/sessions', t('nav_sessions'))}
      {isStaff(user) && link('/admin', t('admin_nav'))}
    </nav>
  );
}

function LanguageSwitch({ lang }: { lang: Lang }) {
  return (
    <div class="lang" role="group" aria-label={t('language')}>
      {(['ru', 'en'] as const).map((l) => (
        <button
          type="button"
          key={l}
          aria-pressed={lang === l}
          lang={l}
          onClick={() => setLanguage(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

export function App() {
  const lang = useLanguage();
  const path = route.use();
  const s = session.use();

  useEffect(() => {
    if (s.status === 'anonymous' && path !== '/login') navigate('/login', true);
    if (s.status === 'signed-in' && path === '/login') navigate('/', true);
  }, [s.status, path]);

  let page;
  if (s.status === 'unknown') {
    page = <p class="muted">{t('loading')}</p>;
  } else if (path === '/login' || s.status === 'anonymous') {
    page = <LoginPage />;
  } else if (path === '/') {
    page = <HomePage user={s.user} />;
  } else if (path === '/sessions') {
    page = <SessionsPage />;
  } else if (path === '/admin' || path.startsWith('/admin/')) {
    page = <AdminRoute path={path} user={s.user} />;
  } else {
    page = (
      <section class="card">
        <h1>{t('not_found_title')}</h1>
        <a class="button" href="/" onClick={onLinkClick}>
          {t('not_found_back')}
        </a>
      </section>
    );
  }

  return (
    <>
      <header class="top">
        <a class="brand" href="/" onClick={onLinkClick}>
          {t('app_name')}
        </a>
        {s.status === 'signed-in' && <Nav path={path} user={s.user} />}
        <div class="tools">
          <LanguageSwitch lang={lang} />
          {s.status === 'signed-in' && (
            <button type="button" data-testid="logout" onClick={() => logout().then(() => navigate('/login', true))}>
              {t('logout')}
            </button>
          )}
        </div>
      </header>
      <main id="main">{page}</main>
    </>
  );
}
