// The sign-in page: inside Telegram the Mini App signs in by itself with Telegram's initData; a
// one-time link from the bot (/login#token=...) signs in once; where the Login Widget is set up
// (web.login_domain), "Sign in with Telegram" goes to Telegram's own sign-in page, which comes
// back here with the signed user (#tgAuthResult=...); otherwise it explains how to get a link.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AuthConfig, type Schemas, type SignedIn } from '../api';
import { suggestLanguage, t, useLanguage, type Key } from '../i18n';
import { navigate } from '../router';
import { signedIn } from '../session';
import { insideTelegram, telegramWebApp } from '../telegram';

type Phase = 'idle' | 'telegram' | 'link' | 'widget';
type WidgetUser = Schemas['LoginWidgetSignInRequest'];

function linkToken(): string | null {
  const m = /(?:^#|&)token=([0-9a-f]{1,128})/.exec(location.hash);
  return m ? (m[1] ?? null) : null;
}

// What Telegram's sign-in page returned: #tgAuthResult=<base64url of the user object's JSON>, or
// (the widget's redirect mode) the fields as query parameters. Null when neither is there.
function widgetResult(): WidgetUser | null {
  const m = /(?:^#|&)tgAuthResult=([A-Za-z0-9_\-+/=]+)/.exec(location.hash);
  let fields: Record<string, unknown> | null = null;
  if (m?.[1]) {
    try {
      const b64 = m[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) =>
        c.charCodeAt(0),
      );
      const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
    } catch {
      fields = {};
    }
  } else {
    const q = new URLSearchParams(location.search);
    if (q.has('hash') && q.has('id')) fields = Object.fromEntries(q.entries());
  }
  if (fields === null) return null;
  const user: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' || typeof v === 'number') user[k] = v;
  }
  // A malformed answer still goes to the server, which refuses it with its reason.
  return { ...user, id: user.id ?? '', auth_date: user.auth_date ?? '', hash: String(user.hash ?? '') };
}

// Telegram's sign-in page for this bot, returning to this origin's /login.
function telegramSignInUrl(botId: number): string {
  const q = new URLSearchParams({
    bot_id: String(botId),
    origin: location.origin,
    request_access: 'write',
    return_to: `${location.origin}/login`,
  });
  return `https://oauth.telegram.org/auth?${q.toString()}`;
}

function reason(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error_network');
    return e.message || t('error_generic', { status: e.status });
  }
  return String(e);
}

export function LoginPage() {
  useLanguage();
  const [phase, setPhase] = useState<Phase>('idle');
  const [error, setError] = useState<{ key: Key; reason?: string } | null>(null);
  const [config, setConfig] = useState<AuthConfig | null>(null);

  useEffect(() => {
    api.config().then(setConfig, () => setConfig(null));
    // One sign-in attempt: signed in, home; refused (401), the way's own explanation; else why.
    const attempt = (way: Phase, refused: Key, signIn: Promise<SignedIn>) => {
      setPhase(way);
      signIn.then(
        (s) => {
          signedIn(s);
          navigate('/', true);
        },
        (e) => {
          setPhase('idle');
          setError(
            e instanceof ApiError && e.status === 401
              ? { key: refused }
              : { key: 'login_failed', reason: reason(e) },
          );
        },
      );
    };
    const token = linkToken();
    const widget = token ? null : widgetResult();
    if (widget || token) {
      // A link's token or Telegram's signed answer leaves the address bar at once: it must not
      // stay in history or be shared.
      history.replaceState(null, '', '/login');
    }
    if (widget) {
      attempt('widget', 'login_widget_refused', api.signInWidget(widget));
    } else if (token) {
      attempt('link', 'login_link_invalid', api.signInLink(token));
    } else if (insideTelegram()) {
      attempt(
        'telegram',
        'login_webapp_refused',
        telegramWebApp().then((app) => {
          suggestLanguage(app.initDataUnsafe?.user?.language_code);
          return api.signInWebApp(app.initData);
        }),
      );
    }
  }, []);

  const bot = config?.bot_username ? `@${config.bot_username}` : 'Lucas';
  return (
    <section class="card" aria-labelledby="login-title">
      <h1 id="login-title">{t('login_title')}</h1>
      <p>{t('login_intro')}</p>
      {phase !== 'idle' && (
        <p class="status" role="status" data-testid="login-progress">
          {t(phase === 'link' ? 'login_link_signing_in' : 'login_telegram_signing_in')}
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="login-error">
          {t(error.key, { reason: error.reason ?? '' })}
        </p>
      )}
      {phase === 'idle' && config?.widget && !insideTelegram() && (
        <a
          class="button"
          data-testid="login-telegram"
          href={telegramSignInUrl(config.widget.bot_id)}
          rel="noopener"
        >
          {t('login_with_telegram')}
        </a>
      )}
      {phase === 'idle' && (
        <div data-testid="login-link-help">
          <h2>{t('login_link_how_title')}</h2>
          <ol class="steps">
            <li>{t('login_link_how_1', { bot })}</li>
            <li>{t('login_link_how_2')}</li>
            <li>{t('login_link_how_3')}</li>
          </ol>
          {config?.bot_username && (
            <a class="button" href={`https://t.me/${config.bot_username}`} rel="noopener">
              {t('login_open_bot')}
            </a>
          )}
        </div>
      )}
    </section>
  );
}
