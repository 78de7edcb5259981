// Users: search by Telegram id, @username or part of a name (moderators and admins; the server
// decides), paged results, each a link to the user's page (/admin/users/{id}).
import { useState } from 'preact/hooks';
import { adminApi, type AdminUser } from '../../api/admin';
import { t } from '../../i18n';
import { onLinkClick } from '../../router';
import { PagedList, usePaged } from './common';

export function roleName(role: string): string {
  return t(`admin_role_${role}` as 'admin_role_user');
}

function Results({ q }: { q: string }) {
  const list = usePaged((cursor) => adminApi.searchUsers(q, cursor), [q]);
  return (
    <section class="card admin-section" aria-labelledby="user-results-title">
      <h2 id="user-results-title">{t('admin_users_results')}</h2>
      <PagedList list={list} empty={t('admin_users_none')} testid="user-results">
        {(u: AdminUser) => (
          <li key={u.id} data-user={u.id}>
            <a class="user-link" href={`/admin/users/${u.id}`} onClick={onLinkClick}>
              <strong>{u.display_name || (u.username ? `@${u.username}` : String(u.id))}</strong>
            </a>
            <div class="muted">
              {[u.username ? `@${u.username}` : null, `id ${u.id}`, roleName(u.role)].filter(Boolean).join(' · ')}
              {u.ban && <span class="badge warn"> {t('admin_users_banned_badge')}</span>}
            </div>
          </li>
        )}
      </PagedList>
    </section>
  );
}

export function UsersPage() {
  const [text, setText] = useState('');
  const [q, setQ] = useState<string | null>(null);
  return (
    <>
      <h1>{t('admin_users_title')}</h1>
      <form
        class="card admin-form search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) setQ(text.trim());
        }}
      >
        <label for="user-search">{t('admin_users_search')}</label>
        <div class="row">
          <input
            id="user-search"
            type="search"
            autoComplete="off"
            required
            maxLength={64}
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="user-search">
            {t('admin_users_find')}
          </button>
        </div>
        <p class="muted hint">{t('admin_users_search_hint')}</p>
      </form>
      {q !== null && <Results key={q} q={q} />}
    </>
  );
}
