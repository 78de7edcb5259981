// Audit: search the log by actor, action (a prefix: "admin." matches every admin action) and time,
// verify the hash chain, and export the results shown as CSV (made here, in the browser).
import { useState } from 'preact/hooks';
import { adminApi, type AuditEntry, type AuditQuery, type AuditVerify } from '../../api/admin';
import { t } from '../../i18n';
import { ErrorNote, PagedList, usePaged, when } from './common';

const COLUMNS = ['seq', 'at', 'actor', 'action', 'target', 'ip', 'result', 'details', 'source', 'prev_hash', 'hash'] as const;

// RFC 4180 cells; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
const cell = (v: unknown): string => {
  let s = typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const auditCsv = (rows: AuditEntry[]) =>
  [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Verify() {
  const [result, setResult] = useState<AuditVerify | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const verify = () => {
    setBusy(true);
    setError(null);
    setResult(null);
    adminApi.verifyAudit().then(
      (r) => {
        setResult(r);
        setBusy(false);
      },
      (e) => {
        setError(e);
        setBusy(false);
      },
    );
  };
  return (
    <section class="card admin-section" aria-labelledby="verify-title">
      <h2 id="verify-title">{t('admin_audit_verify_title')}</h2>
      <button type="button" onClick={verify} disabled={busy} data-testid="audit-verify">
        {busy ? t('loading') : t('admin_audit_verify')}
      </button>
      {error !== null && <ErrorNote error={error} />}
      {result && (
        <p class={result.ok ? 'status ok' : 'error'} role="status" data-testid="audit-verify-result">
          {result.ok
            ? t('admin_audit_intact', { entries: result.entries, checkpoints: result.checkpoints })
            : t('admin_audit_broken', { seq: result.first_bad_seq ?? '?', problem: result.problem })}
        </p>
      )}
    </section>
  );
}

// The search form holds text; the query takes the actor as an integer (a text that is not a
// number goes as NaN, which the server refuses with its reason).
type AuditForm = { [K in keyof AuditQuery]?: string };
function queryOf(form: AuditForm): AuditQuery {
  const q: AuditQuery = {};
  const actor = form.actor?.trim();
  if (actor) q.actor = Number(actor);
  if (form.action) q.action = form.action;
  if (form.since) q.since = form.since;
  if (form.until) q.until = form.until;
  return q;
}

export function AuditPage() {
  const [form, setForm] = useState<AuditForm>({});
  const [query, setQuery] = useState<{ q: AuditQuery; n: number }>({ q: {}, n: 0 });
  const list = usePaged((c) => adminApi.audit(query.q, c), [query]);
  const field = (name: keyof AuditForm) => (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value });
  const search = (e: Event) => {
    e.preventDefault();
    setQuery({ q: queryOf(form), n: query.n + 1 });
  };
  return (
    <>
      <h1>{t('admin_audit_title')}</h1>
      <form class="card admin-form audit-search" onSubmit={search} role="search">
        <div class="grid">
          <div>
            <label for="audit-actor">{t('admin_audit_actor')}</label>
            <input id="audit-actor" inputMode="numeric" value={form.actor ?? ''} onInput={field('actor')} />
          </div>
          <div>
            <label for="audit-action">{t('admin_audit_action')}</label>
            <input id="audit-action" placeholder="admin." value={form.action ?? ''} onInput={field('action')} />
          </div>
          <div>
            <label for="audit-since">{t('admin_audit_since')}</label>
            <input id="audit-since" type="date" value={form.since ?? ''} onInput={field('since')} />
          </div>
          <div>
            <label for="audit-until">{t('admin_audit_until')}</label>
            <input id="audit-until" type="date" value={form.until ?? ''} onInput={field('until')} />
          </div>
        </div>
        <div class="actions">
          <button type="submit" data-testid="audit-search">
            {t('admin_audit_search')}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={!list.items || list.items.length === 0}
            onClick={() => download(`lucas-audit-${new Date().toISOString().slice(0, 10)}.csv`, auditCsv(list.items ?? []))}
            data-testid="audit-export"
          >
            {t('admin_audit_export', { n: list.items?.length ?? 0 })}
          </button>
        </div>
      </form>
      <Verify />
      <section class="card admin-section" aria-labelledby="audit-results-title">
        <h2 id="audit-results-title">{t('admin_audit_results')}</h2>
        <PagedList list={list} empty={t('admin_audit_empty')} testid="audit">
          {(e: AuditEntry) => (
            <li key={e.seq} data-action={e.action}>
              <div class="admin-item-head">
                <strong>{e.action}</strong>
                <span class={e.result === 'ok' ? 'badge' : 'badge warn'}>{e.result}</span>
              </div>
              <div>
                {t('admin_audit_entry', { seq: e.seq, actor: e.actor, target: e.target || '—' })}
              </div>
              <div class="muted">
                {when(e.at)}
                {e.ip ? ` · ${e.ip}` : ''}
              </div>
              {e.details !== null && typeof e.details === 'object' && Object.keys(e.details as object).length > 0 && (
                <pre class="details">{JSON.stringify(e.details)}</pre>
              )}
            </li>
          )}
        </PagedList>
      </section>
    </>
  );
}
