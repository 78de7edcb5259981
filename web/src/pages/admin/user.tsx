// One user's admin page (/admin/users/{id}): the record, balances in every currency, role, ban,
// grant/debit with a reason, game nicknames, web sessions, the audit trail and the transactions.
// The page is one answer of the server (GET /api/v1/admin/users/{id}); a part the role may not
// read comes back null and says so, and the forms show only where `may` allows.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { adminApi, type Adjustment, type AuditEntry, type Link, type LinkClaim, type Transaction, type UnclaimedCredit, type UserOverview } from '../../api/admin';
import type { Schemas } from '../../api';
import { t } from '../../i18n';
import { onLinkClick } from '../../router';
import { ErrorNote, Facts, money, PagedList, usePaged, when } from './common';
import { AdjustForm, BanForm, RoleForm } from './user_forms';
import { roleName } from './users';

function NoAccess() {
  return (
    <p class="muted" data-testid="user-no-access">
      {t('admin_user_no_access')}
    </p>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="card admin-section" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function History({ id, generation }: { id: number; generation: number }) {
  const history = usePaged((c) => adminApi.transactions(id, c), [generation]);
  return (
    <PagedList list={history} empty={t('admin_user_history_empty')} testid="user-history">
      {(x: Transaction) => (
        <li key={x.id}>
          <div class="admin-item-head">
            <strong>{money(x.amount)}</strong>
            <span class="muted">{x.kind}</span>
          </div>
          <div>{x.reason}</div>
          {typeof x.metadata.note === 'string' && <div class="muted">{x.metadata.note}</div>}
          <div class="muted">
            {when(x.created_at)} · {t('admin_user_balance_after', { amount: money(x.balance_after) })}
          </div>
        </li>
      )}
    </PagedList>
  );
}

function Links({ links }: { links: Schemas['BankPlayerLinks'] }) {
  if (links.links.length + links.claims.length + links.waiting.length === 0) return <p class="muted">{t('admin_user_links_empty')}</p>;
  return (
    <ul class="admin-list compact" data-testid="user-links">
      {links.links.map((l: Link) => (
        <li key={`l-${l.game}-${l.nickname}`}>{t('admin_user_link', { game: l.game, nickname: l.nickname, evidence: l.evidence })}</li>
      ))}
      {links.claims.map((c: LinkClaim) => (
        <li key={`c-${c.id}`}>{t('admin_user_claim', { game: c.game, nickname: c.nickname, status: c.status })}</li>
      ))}
      {links.waiting.map((w: UnclaimedCredit) => (
        <li key={`w-${w.id}`}>{t('admin_user_waiting', { game: w.game, nickname: w.nickname, amount: money(w.amount) })}</li>
      ))}
    </ul>
  );
}

function Trail({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p class="muted">{t('admin_audit_empty')}</p>;
  return (
    <ul class="admin-list compact" data-testid="user-audit">
      {entries.map((e) => (
        <li key={e.seq} data-action={e.action}>
          <div class="admin-item-head">
            <strong>{e.action}</strong>
            <span class="muted">{when(e.at)}</span>
          </div>
          <div class="muted">{t('admin_audit_entry', { seq: e.seq, actor: e.actor, target: e.target })}</div>
          {typeof e.details.note === 'string' && <div>{e.details.note}</div>}
          {typeof e.details.reason === 'string' && <div>{e.details.reason}</div>}
        </li>
      ))}
    </ul>
  );
}

export function UserPage({ id }: { id: number }) {
  const [page, setPage] = useState<UserOverview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [outcome, setOutcome] = useState<Adjustment | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    adminApi.userPage(id).then(
      (p) => live && setPage(p),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, generation]);
  const reload = () => setGeneration((g) => g + 1);
  const back = (
    <a href="/admin/users" onClick={onLinkClick} class="back">
      {t('admin_user_back')}
    </a>
  );
  if (error !== null && page === null) {
    return (
      <>
        {back}
        <ErrorNote error={error} />
      </>
    );
  }
  if (page === null) return <p class="muted">{t('loading')}</p>;
  const u = page.user;
  const currencies = page.balances?.map((b) => b.currency) ?? ['COIN'];
  const roles = page.may.roles;
  return (
    <>
      {back}
      <h1 data-testid="user-title">{u.display_name || (u.username ? `@${u.username}` : String(u.id))}</h1>
      {error !== null && <ErrorNote error={error} />}
      <Section id="user-profile" title={t('admin_user_profile')}>
        <Facts
          rows={[
            [t('admin_user_id'), String(u.id)],
            [t('admin_user_username'), u.username ? `@${u.username}` : '—'],
            [t('admin_user_role'), <span data-testid="user-role">{roleName(u.role)}</span>],
            [t('admin_user_language'), u.language],
            [t('admin_user_last_active'), when(u.last_active_at)],
            [t('admin_user_created'), when(u.created_at)],
          ]}
        />
        <p data-testid="user-ban-state" class={u.ban ? 'error' : 'muted'}>
          {u.ban
            ? t('admin_user_banned', { reason: u.ban.reason, until: u.ban.until ? when(u.ban.until) : t('admin_user_ban_forever') })
            : t('admin_user_not_banned')}
        </p>
        {page.may.ban && <BanForm user={u} onChange={reload} />}
        {roles.some((r) => r !== u.role) && <RoleForm key={u.role} user={u} roles={roles} onChange={reload} />}
      </Section>
      <Section id="user-money" title={t('admin_user_balance')}>
        {page.balances === null ? (
          <NoAccess />
        ) : (
          <ul class="balances" data-testid="user-balances">
            {page.balances.map((b) => (
              <li key={b.currency} class="amount" data-currency={b.currency}>
                {money(b)}
              </li>
            ))}
          </ul>
        )}
        {outcome && (
          <p class="status ok" role="status" data-testid="adjust-outcome">
            {t(outcome.amount.amount.startsWith('-') ? 'admin_adjust_debited' : 'admin_adjust_granted', {
              amount: money({ ...outcome.amount, amount: outcome.amount.amount.replace(/^-/, '') }),
              balance: money(outcome.balance),
            })}
            {outcome.replayed && ` ${t('admin_adjust_replayed')}`}
          </p>
        )}
        {page.may.adjust && (
          <AdjustForm
            userId={u.id}
            currencies={currencies}
            onDone={(a) => {
              setOutcome(a);
              reload();
            }}
          />
        )}
      </Section>
      <Section id="user-links-section" title={t('admin_user_links')}>
        {page.links === null ? <NoAccess /> : <Links links={page.links} />}
      </Section>
      <Section id="user-sessions" title={t('admin_user_sessions')}>
        {page.sessions === null ? (
          <NoAccess />
        ) : (
          <>
            <p data-testid="user-sessions-count">{t('admin_user_sessions_count', { n: page.sessions.count })}</p>
            <ul class="admin-list compact">
              {page.sessions.items.map((s) => (
                <li key={s.id}>
                  {s.method} · {s.last_ip || s.ip} · {when(s.last_seen_at)}
                  <div class="muted">{s.user_agent}</div>
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>
      <Section id="user-trail" title={t('admin_user_audit')}>
        {page.audit === null ? <NoAccess /> : <Trail entries={page.audit} />}
      </Section>
      <Section id="user-history-section" title={t('admin_user_history')}>
        {page.balances === null ? <NoAccess /> : <History id={u.id} generation={generation} />}
      </Section>
    </>
  );
}
