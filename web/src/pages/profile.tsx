// Profile and settings: who I am, the app's language (remembered in this browser, as the header's
// switch), my game nicknames — verified links, claims waiting for an admin or rejected — and the
// credits waiting for a claimed nickname until its claim is approved.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type PlayerLinks, type User } from '../api';
import { formatTime, setLanguage, t, useLanguage, type Key } from '../i18n';
import { formatMoney } from '../money';
import { gameName } from './reasons';
import { ErrorRetry } from '../fields';

const claimState: Record<string, Key> = {
  pending: 'profile_state_pending',
  approved: 'profile_state_verified',
  rejected: 'profile_state_rejected',
};

export function ProfilePage({ user }: { user: User }) {
  const lang = useLanguage();
  const [links, setLinks] = useState<PlayerLinks | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    api.links(user.id).then(setLinks, (e) =>
      setError(e instanceof ApiError ? e.message || t('error_network') : String(e)),
    );
  };
  useEffect(load, [user.id]);

  // Approved claims are the verified links themselves: list each nickname once.
  const verified = new Set(links?.links.map((l) => `${l.game}\n${l.nickname}`));
  const claims = links?.claims.filter(
    (c) => !(c.status === 'approved' && verified.has(`${c.game}\n${c.nickname}`)),
  );
  const nothing = links && links.links.length === 0 && (claims?.length ?? 0) === 0;

  return (
    <>
      <section class="card" aria-labelledby="profile-title">
        <h1 id="profile-title">{t('profile_title')}</h1>
        <dl class="facts">
          <dt>{t('profile_name')}</dt>
          <dd>{user.display_name || '—'}</dd>
          <dt>{t('profile_username')}</dt>
          <dd>{user.username ? `@${user.username}` : '—'}</dd>
          <dt>{t('profile_id')}</dt>
          <dd>{user.id}</dd>
        </dl>
        <fieldset class="choice">
          <legend>{t('profile_language')}</legend>
          {(['ru', 'en'] as const).map((l) => (
            <label key={l} class="radio">
              <input
                type="radio"
                name="language"
                value={l}
                checked={lang === l}
                onChange={() => setLanguage(l)}
              />
              <span lang={l}>{l === 'ru' ? 'Русский' : 'English'}</span>
            </label>
          ))}
        </fieldset>
        <p class="muted hint">{t('profile_language_hint')}</p>
      </section>

      <section class="card" aria-labelledby="links-title">
        <h2 id="links-title">{t('profile_links')}</h2>
        <p class="muted">{t('profile_links_intro')}</p>
        {error && (
          <ErrorRetry message={error} onRetry={load} />
        )}
        {!links && !error && <p class="muted">{t('loading')}</p>}
        {nothing && <p data-testid="links-empty">{t('profile_links_empty')}</p>}
        <ul class="rows" data-testid="links">
          {links?.links.map((l) => (
            <li key={`l-${l.game}-${l.nickname}`}>
              <span class="what">
                <strong>{l.nickname}</strong>
                <span class="muted when">
                  {gameName(l.game)} · {t('profile_since', { when: formatTime(l.verified_at, lang) })}
                </span>
              </span>
              <span class="state verified">{t('profile_state_verified')}</span>
            </li>
          ))}
          {claims?.map((c) => (
            <li key={`c-${c.id}`}>
              <span class="what">
                <strong>{c.nickname}</strong>
                <span class="muted when">
                  {gameName(c.game)} · {t('profile_claimed', { when: formatTime(c.created_at, lang) })}
                  {c.status === 'rejected' && c.note ? ` · ${c.note}` : ''}
                </span>
              </span>
              <span class={`state ${c.status}`}>{t(claimState[c.status] ?? 'profile_state_pending')}</span>
            </li>
          ))}
        </ul>
        {links && links.waiting.length > 0 && (
          <>
            <h2>{t('profile_waiting')}</h2>
            <p class="muted">{t('profile_waiting_intro')}</p>
            <ul class="rows" data-testid="waiting">
              {links.waiting.map((w) => (
                <li key={`w-${w.id}`}>
                  <span class="what">
                    {w.nickname} · {gameName(w.game)}
                    <span class="muted when">
                      {t('profile_waiting_until', { when: formatTime(w.expires_at, lang) })}
                    </span>
                  </span>
                  <span class="sum plus">{formatMoney(w.amount, lang, true)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
