// My sessions: where I am signed in, with a way to end any of them.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type WebSession } from '../api';
import { formatTime, t, useLanguage } from '../i18n';
import { signedOut } from '../session';
import { navigate } from '../router';

export function SessionsPage() {
  const lang = useLanguage();
  const [items, setItems] = useState<WebSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api.sessions().then(
      (r) => setItems(r.items),
      (e) => setError(e instanceof ApiError ? e.message || t('error_network') : String(e)),
    );
  useEffect(() => {
    load();
  }, []);
  const revoke = async (s: WebSession) => {
    try {
      await api.revokeSession(s.id);
      if (s.current) {
        signedOut();
        navigate('/login', true);
        return;
      }
      await load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message || t('error_network') : String(e));
    }
  };
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h1 id="sessions-title">{t('sessions_title')}</h1>
      <p>{t('sessions_intro')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && <p>{t('sessions_empty')}</p>}
      <ul class="sessions" data-testid="sessions">
        {items?.map((s) => (
          <li key={s.id} class={s.current ? 'current' : ''}>
            <div class="session-head">
              <strong>{t(`method_${s.method}`)}</strong>
              {s.current && <span class="badge">{t('sessions_current')}</span>}
            </div>
            <div class="ua">{s.user_agent}</div>
            <div class="muted">{t('sessions_started', { when: formatTime(s.created_at, lang) })}</div>
            <div class="muted">{t('sessions_last_seen', { when: formatTime(s.last_seen_at, lang) })}</div>
            <div class="muted">{t('sessions_ip', { ip: s.last_ip })}</div>
            <button type="button" class="danger" onClick={() => revoke(s)}>
              {t('sessions_revoke')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
