// The shell: header (navigation, language, sign-out), the page for the current route, and the
// rule that every page but /login needs a session. Every page is its own chunk, loaded on first
// visit. On a phone the navigation is a tab bar at the bottom of the screen; wider, it sits in
// the header.
import { useEffect } from 'preact/hooks';
import { setLanguage, t, useLanguage, type Key, type Lang } from './i18n';
import { lazyPage } from './lazy';
import { listen } from './live';
import { countLive, forgetUnread, unread } from './notifications';
import { navigate, onLinkClick, route } from './router';
import { savedAt } from './offline';
import { logout, session } from './session';
import type { User } from './api';
import { AdminRoute, isStaff } from './pages/admin/entry';

const HomePage = lazyPage<{ user: User }>(() => import('./pages/home').then((m) => m.HomePage));
const HistoryPage = lazyPage<{ user: User }>(() =>
  import('./pages/history').then((m) => m.HistoryPage),
);
const LeaderboardsPage = lazyPage<{ user: User }>(() =>
  import('./pages/leaderboards').then((m) => m.LeaderboardsPage),
);
const ProfilePage = lazyPage<{ user: User }>(() =>
  import('./pages/profile').then((m) => m.ProfilePage),
);
const SessionsPage = lazyPage<{ user: User }>(() =>
  import('./pages/sessions').then((m) => m.SessionsPage),
);
const NotificationsPage = lazyPage<{ user: User }>(() =>
  import('./pages/notifications').then((m) => m.NotificationsPage),
);
const ShopPage = lazyPage<{ user: User }>(() => import('./pages/shop').then((m) => m.ShopPage));
const ItemPage = lazyPage<{ user: User; id: number }>(() =>
  import('./pages/item').then((m) => m.ItemPage),
);
const InventoryPage = lazyPage<{ user: User }>(() =>
  import('./pages/inventory').then((m) => m.InventoryPage),
);
const TradesPage = lazyPage<{ user: User }>(() => import('./pages/trades').then((m) => m.TradesPage));
const TradeNewPage = lazyPage<{ user: User }>(() =>
  import('./pages/trade-new').then((m) => m.TradeNewPage),
);
const AuctionsPage = lazyPage<{ user: User }>(() =>
  import('./pages/auctions').then((m) => m.AuctionsPage),
);
const AuctionPage = lazyPage<{ user: User; id: number }>(() =>
  import('./pages/auction').then((m) => m.AuctionPage),
);
const AuctionNewPage = lazyPage<{ user: User }>(() =>
  import('./pages/auction-new').then((m) => m.AuctionNewPage),
);
const LoginPage = lazyPage<object>(() => import('./pages/login').then((m) => m.LoginPage));

// `wide`: not in the phone's tab bar (no room across 320 px); the page links to it instead (My
// items, Trades and Auctions from the shop).
const pages: { path: string; label: Key; Page: typeof HomePage; wide?: boolean }[] = [
  { path: '/', label: 'nav_home', Page: HomePage },
  { path: '/history', label: 'nav_history', Page: HistoryPage },
  { path: '/leaderboards', label: 'nav_leaderboards', Page: LeaderboardsPage },
  { path: '/shop', label: 'nav_shop', Page: ShopPage },
  { path: '/inventory', label: 'nav_inventory', Page: InventoryPage, wide: true },
  { path: '/trades', label: 'nav_trades', Page: TradesPage, wide: true },
  { path: '/auctions', label: 'nav_auctions', Page: AuctionsPage, wide: true },
  { path: '/notifications', label: 'nav_notifications', Page: NotificationsPage },
  { path: '/profile', label: 'nav_profile', Page: ProfilePage },
  { path: '/sessions', label: 'nav_sessions', Page: SessionsPage },
];

// A route without its query ("/trades/new?to=102" -> "/trades/new"): pages read the query.
const bare = (path: string): string => path.split('?')[0] ?? path;

// /shop/17 -> 17: an item of the shop.
const itemId = (path: string): number | null => {
  const m = /^\/shop\/(\d{1,15})$/.exec(path);
  return m ? Number(m[1]) : null;
};

// /auctions/12 -> 12: an auction.
const auctionId = (path: string): number | null => {
  const m = /^\/auctions\/(\d{1,15})$/.exec(path);
  return m ? Number(m[1]) : null;
};

// The section a path belongs to, for the navigation (an item is the shop's, an offer the trades',
// an auction the auctions').
const sectionOf = (path: string): string =>
  itemId(path) !== null
    ? '/shop'
    : path.startsWith('/trades/')
      ? '/trades'
      : path.startsWith('/auctions/')
        ? '/auctions'
        : path;

// The unread notifications on the Notifications link: "Уведомления (3)" to a screen reader, a
// count in a bubble to the eye.
function UnreadBadge() {
  const n = unread.use();
  if (!n) return null;
  return (
    <span class="badge" data-testid="unread-badge">
      <span class="sr-only"> (</span>
      {n > 99 ? '99+' : n}
      <span class="sr-only">)</span>
    </span>
  );
}

// On a phone's tab bar the Notifications tab is a bell (its name is still read out): six names
// do not fit across 320 px. The Shop tab is a bag likewise; My items and Trades are linked from
// the shop.
function BellIcon() {
  return (
    <svg class="tab-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path
        d="M18 16v-5a6 6 0 0 0-12 0v5l-2 2h16zM10 20a2 2 0 0 0 4 0"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linejoin="round"
      />
    </svg>
  );
}

// The Shop tab on a phone is a bag, as Notifications is a bell: one more name would not fit.
function BagIcon() {
  return (
    <svg class="tab-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path
        d="M5 8h14l-1 12H6zM9 8V6a3 3 0 0 1 6 0v2"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linejoin="round"
      />
    </svg>
  );
}

function Nav({ path, user }: { path: string; user: User }) {
  return (
    <nav aria-label={t('nav_label')} class="tabs">
      {pages.map((p) => (
        <a
          key={p.path}
          href={p.path}
          onClick={onLinkClick}
          aria-current={sectionOf(bare(path)) === p.path ? 'page' : undefined}
          class={
            p.path === '/notifications'
              ? 'tab-bell'
              : p.path === '/shop'
                ? 'tab-bag'
                : p.wide
                  ? 'tab-wide'
                  : undefined
          }
        >
          {p.path === '/notifications' ? (
            <>
              <BellIcon />
              <span class="tab-label">{t(p.label)}</span>
              <UnreadBadge />
            </>
          ) : p.path === '/shop' ? (
            <>
              <BagIcon />
              <span class="tab-label">{t(p.label)}</span>
            </>
          ) : (
            t(p.label)
          )}
        </a>
      ))}
      {isStaff(user) && (
        <a
          href="/admin"
          onClick={onLinkClick}
          aria-current={path === '/admin' || path.startsWith('/admin/') ? 'page' : undefined}
        >
          {t('admin_nav')}
        </a>
      )}
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

// Shown while what the pages show came from the service worker's cache (no network): since when.
function OfflineBanner({ lang }: { lang: Lang }) {
  const at = savedAt.use();
  if (at === null) return null;
  const time = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', {
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(at));
  return (
    <div class="offline" role="status" data-testid="offline">
      <span>{t('offline_banner', { time })}</span>
      <button type="button" onClick={() => location.reload()}>
        {t('offline_retry')}
      </button>
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

  // While someone is signed in the WebSocket stays open, so the unread badge follows every page
  // (notifications.ts: the server's count on each fresh connection, then one per notification).
  const userId = s.status === 'signed-in' ? s.user.id : 0;
  useEffect(() => {
    if (!userId) return;
    const off = listen(countLive);
    return () => {
      off();
      forgetUnread();
    };
  }, [userId]);

  let page;
  if (s.status === 'unknown') {
    page = <p class="muted">{t('loading')}</p>;
  } else if (path === '/login' || s.status === 'anonymous') {
    page = <LoginPage />;
  } else if (path === '/admin' || path.startsWith('/admin/')) {
    page = <AdminRoute path={path} user={s.user} />;
  } else {
    const found = pages.find((p) => p.path === bare(path));
    const item = itemId(bare(path));
    const auction = auctionId(bare(path));
    page = found ? (
      <found.Page user={s.user} />
    ) : bare(path) === '/trades/new' ? (
      <TradeNewPage key={location.pathname + location.search} user={s.user} />
    ) : bare(path) === '/auctions/new' ? (
      <AuctionNewPage key={location.pathname + location.search} user={s.user} />
    ) : auction !== null ? (
      <AuctionPage user={s.user} id={auction} />
    ) : item !== null ? (
      <ItemPage user={s.user} id={item} />
    ) : (
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
            <button
              type="button"
              data-testid="logout"
              onClick={() => logout().then(() => navigate('/login', true))}
            >
              {t('logout')}
            </button>
          )}
        </div>
      </header>
      <main id="main" class={s.status === 'signed-in' ? 'with-tabs' : ''}>
        <OfflineBanner lang={lang} />
        {page}
      </main>
    </>
  );
}
