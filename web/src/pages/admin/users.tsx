// Users: open a user by Telegram id: the profile (full for admins, public otherwise), balance,
// transactions, nickname links; ban with a reason and an optional end, or unban. Each part shows
// the service's refusal on its own.
import { useEffect, useState } from 'preact/hooks';
import type { Schemas, User } from '../../api';
import { adminApi, type Link, type LinkClaim, type Profile, type Transaction, type UnclaimedCredit } from '../../api/admin';
import { t } from '../../i18n';
import { describe, ErrorNote, Facts, money, PagedList, usePaged, when } from './common';

const RANK: Record<string, number> = { user: 0, moderator: 1, admin: 2, owner: 3 };
const rank = (role: string | undefined) => RANK[role ?? 'user'] ?? 0;

function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setValue(null);
    setError(null);
    load().then(
      (v) => live && setValue(v),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, deps);
  return { value, error, setValue };
}

function BanForm({ profile, onChange }: { profile: Profile; onChange: (p: Profile) => void }) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Ban and unban answer with the full record (AdminUserRecord): the profile as an admin sees it.
  const act = async (action: () => Promise<Schemas['AdminUserRecord']>) => {
    setBusy(true);
    setError(null);
    try {
      onChange({ ...(await action()), visibility: 'full' });
      setReason('');
      setUntil('');
    } catch (e) {
      setError(describe(e).text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="admin-ban">
      {error && (
        <p class="error" role="alert" data-testid="ban-error">
          {error}
        </p>
      )}
      {profile.ban ? (
        <button type="button" disabled={busy} onClick={() => act(() => adminApi.unban(profile.id))} data-testid="unban">
          {t('admin_user_unban')}
        </button>
      ) : (
        <form
          class="admin-form"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => adminApi.ban(profile.id, reason, until || null));
          }}
        >
          <label for="ban-reason">{t('admin_user_ban_reason')}</label>
          <input id="ban-reason" required maxLength={500} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <label for="ban-until">{t('admin_user_ban_until')}</label>
          <input id="ban-until" type="date" value={until} onInput={(e) => setUntil((e.target as HTMLInputElement).value)} />
          <p class="muted hint">{t('admin_user_ban_until_hint')}</p>
          <button type="submit" class="danger" disabled={busy} data-testid="ban">
            {t('admin_user_ban')}
          </button>
        </form>
      )}
    </div>
  );
}

function UserView({ id, me }: { id: number; me: User }) {
  const profile = useLoad(() => adminApi.user(id), [id]);
  const balance = useLoad(() => adminApi.balance(id), [id]);
  const links = useLoad(() => adminApi.links(id), [id]);
  const history = usePaged((c) => adminApi.transactions(id, c));
  const p = profile.value;
  const full = p?.visibility === 'full';
  // Who may ban is the service's rule (an admin, over users ranked below); this only hides the form.
  const mayBan = full && rank(me.role) >= rank('admin') && rank(me.role) > rank(p?.role) && me.id !== id;
  return (
    <>
      <section class="card admin-section" aria-labelledby="user-title" data-testid="user-profile">
        <h2 id="user-title">{p ? `${p.display_name || p.username || p.id}` : t('admin_user_title', { id })}</h2>
        {profile.error !== null && <ErrorNote error={profile.error} />}
        {!p && profile.error === null && <p class="muted">{t('loading')}</p>}
        {p && (
          <>
            {!full && <p class="muted" data-testid="user-public-only">{t('admin_user_public_only')}</p>}
            <Facts
              rows={[
                [t('admin_user_id'), String(p.id)],
                ...(full
                  ? ([
                      [t('admin_user_username'), p.username ? `@${p.username}` : '—'],
                      [t('admin_user_role'), p.role ?? '—'],
                      [t('admin_user_language'), p.language ?? '—'],
                      [t('admin_user_last_active'), when(p.last_active_at)],
                    ] as [string, string][])
                  : []),
                [t('admin_user_created'), when(p.created_at)],
              ]}
            />
            {full && (
              <p data-testid="user-ban-state" class={p.ban ? 'error' : 'muted'}>
                {p.ban
                  ? t('admin_user_banned', { reason: p.ban.reason, until: p.ban.until ? when(p.ban.until) : t('admin_user_ban_forever') })
                  : t('admin_user_not_banned')}
              </p>
            )}
            {mayBan && <BanForm profile={p} onChange={(np) => profile.setValue(np)} />}
          </>
        )}
      </section>
      <section class="card admin-section" aria-labelledby="user-balance-title">
        <h2 id="user-balance-title">{t('admin_user_balance')}</h2>
        {balance.error !== null && <ErrorNote error={balance.error} />}
        {balance.value ? (
          <p class="amount" data-testid="user-balance">
            {money(balance.value.balance)}
          </p>
        ) : (
          balance.error === null && <p class="muted">{t('loading')}</p>
        )}
      </section>
      <section class="card admin-section" aria-labelledby="user-links-title">
        <h2 id="user-links-title">{t('admin_user_links')}</h2>
        {links.error !== null && <ErrorNote error={links.error} />}
        {!links.value && links.error === null && <p class="muted">{t('loading')}</p>}
        {links.value && (
          <div data-testid="user-links">
            {links.value.links.length + links.value.claims.length + links.value.waiting.length === 0 && (
              <p class="muted">{t('admin_user_links_empty')}</p>
            )}
            <ul class="admin-list compact">
              {links.value.links.map((l: Link) => (
                <li key={`l-${l.game}-${l.nickname}`}>
                  {t('admin_user_link', { game: l.game, nickname: l.nickname, evidence: l.evidence })}
                </li>
              ))}
              {links.value.claims.map((c: LinkClaim) => (
                <li key={`c-${c.id}`}>{t('admin_user_claim', { game: c.game, nickname: c.nickname, status: c.status })}</li>
              ))}
              {links.value.waiting.map((w: UnclaimedCredit) => (
                <li key={`w-${w.id}`}>{t('admin_user_waiting', { game: w.game, nickname: w.nickname, amount: money(w.amount) })}</li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <section class="card admin-section" aria-labelledby="user-history-title">
        <h2 id="user-history-title">{t('admin_user_history')}</h2>
        <PagedList list={history} empty={t('admin_user_history_empty')} testid="user-history">
          {(x: Transaction) => (
            <li key={x.id}>
              <div class="admin-item-head">
                <strong>{money(x.amount)}</strong>
                <span class="muted">{x.kind}</span>
              </div>
              <div>{x.reason}</div>
              <div class="muted">
                {when(x.created_at)} · {t('admin_user_balance_after', { amount: money(x.balance_after) })}
              </div>
            </li>
          )}
        </PagedList>
      </section>
    </>
  );
}

export function UsersPage({ me }: { me: User }) {
  const [text, setText] = useState('');
  const [id, setId] = useState<number | null>(null);
  const [invalid, setInvalid] = useState(false);
  const open = (e: Event) => {
    e.preventDefault();
    const n = Number(text.trim());
    if (!/^\d{1,19}$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setId(n);
  };
  return (
    <>
      <h1>{t('admin_users_title')}</h1>
      <form class="card admin-form search" onSubmit={open} role="search">
        <label for="user-id">{t('admin_users_by_id')}</label>
        <div class="row">
          <input
            id="user-id"
            inputMode="numeric"
            autoComplete="off"
            value={text}
            aria-invalid={invalid}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          <button type="submit">{t('admin_users_open')}</button>
        </div>
        {invalid && (
          <p class="error" role="alert">
            {t('admin_users_bad_id')}
          </p>
        )}
      </form>
      {id !== null && <UserView key={id} id={id} me={me} />}
    </>
  );
}
