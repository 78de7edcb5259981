// The sign-in page: inside Telegram the Mini App signs in by itself with Telegram's initData; a
// one-time link from the bot (/login#token=...) signs in once; otherwise it explains how to get
// such a link.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AuthConfig } from '../api';
import { suggestLanguage, t, useLanguage, type Key } from '../i18n';
import { navigate } from '../router';
import { signedIn } from '../session';
import { insideTelegram, telegramWebApp } from '../telegram';

type Phase = 'idle' | 'telegram' | 'link';

function linkToken(): string | null {
  const m = /(?:^#|&)token=([0-9a-f]{1,128})/.exec(location.hash);
  return m ? (m[1] ?? null) : null;
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
    const token = linkToken();
    if (token) {
      // The token leaves the address bar at once: it must not stay in history or be shared.
      history.replaceState(null, '', '/login');
      setPhase('link');
      api.signInLink(token).then(
        (s) => {
          signedIn(s);
          navigate('/', true);
        },
        (e) => {
          setPhase('idle');
          setError(
            e instanceof ApiError && e.status === 401
              ? { key: 'login_link_invalid' }
              : { key: 'login_failed', reason: reason(e) },
          );
        },
      );
    } else if (insideTelegram()) {
      setPhase('telegram');
      telegramWebApp()
        .then((app) => {
          suggestLanguage(app.initDataUnsafe?.user?.language_code);
          return api.signInWebApp(app.initData);
        })
        .then(
          (s) => {
            signedIn(s);
            navigate('/', true);
          },
          (e) => {
            setPhase('idle');
            setError(
              e instanceof ApiError && e.status === 401
                ? { key: 'login_webapp_refused' }
                : { key: 'login_failed', reason: reason(e) },
            );
          },
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
          {t(phase === 'telegram' ? 'login_telegram_signing_in' : 'login_link_signing_in')}
        </p>
      )}
      {error && (
        <p class="error" role="alert" data-testid="login-error">
          {t(error.key, { reason: error.reason ?? '' })}
        </p>
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
