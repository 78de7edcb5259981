// Bulk grants (/admin/grants): paste a CSV or choose a file (telegram_id,amount,reason), preview
// every row checked by the server, apply the valid ones — once: applying the same batch again
// moves nothing and says which rows were applied before. Admins only (the server decides).
import { useState } from 'preact/hooks';
import { adminApi, type GrantBatch, type GrantRow } from '../../api/admin';
import { t, type Key } from '../../i18n';
import { ErrorNote, money } from './common';

const STATUS: Record<GrantRow['status'], Key> = {
  valid: 'admin_grants_valid',
  invalid: 'admin_grants_invalid',
  applied: 'admin_grants_applied',
  already_applied: 'admin_grants_already',
  failed: 'admin_grants_failed',
};

function Rows({ batch }: { batch: GrantBatch }) {
  return (
    <ul class="admin-list compact" data-testid="grant-rows">
      {batch.rows.map((r) => (
        <li key={r.line} data-status={r.status} class={r.status === 'invalid' || r.status === 'failed' ? 'alert' : undefined}>
          <div class="admin-item-head">
            <strong>
              {t('admin_grants_line', { line: r.line })} · {r.display_name || r.telegram_id || '—'}
            </strong>
            <span class={r.status === 'invalid' || r.status === 'failed' ? 'error' : 'muted'}>{t(STATUS[r.status])}</span>
          </div>
          <div>
            {r.amount || '—'} · {r.reason || '—'}
          </div>
          {r.problem && (
            <div class="error" data-testid="grant-problem">
              {r.problem}: {r.message}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function GrantsPage() {
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<{ csv: string; batch: GrantBatch } | null>(null);
  const [result, setResult] = useState<GrantBatch | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const check = () =>
    run(async () => {
      setResult(null);
      const batch = await adminApi.previewGrants(csv);
      setPreview({ csv, batch });
    });
  const apply = () =>
    run(async () => {
      if (!preview) return;
      setResult(await adminApi.applyGrants(preview.csv, preview.batch.batch_key));
    });
  const b = preview?.batch;
  return (
    <>
      <h1>{t('admin_grants_title')}</h1>
      <form
        class="card admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          check();
        }}
      >
        <label for="grants-csv">{t('admin_grants_csv')}</label>
        <textarea
          id="grants-csv"
          rows={8}
          required
          placeholder={'telegram_id,amount,reason\n101,12.50,…'}
          value={csv}
          onInput={(e) => {
            setCsv((e.target as HTMLTextAreaElement).value);
            setPreview(null);
            setResult(null);
          }}
        />
        <p class="muted hint">{t('admin_grants_hint')}</p>
        <label for="grants-file">{t('admin_grants_file')}</label>
        <input
          id="grants-file"
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={async (e) => {
            const file = (e.target as HTMLInputElement).files?.[0];
            if (!file) return;
            setCsv(await file.text());
            setPreview(null);
            setResult(null);
          }}
        />
        <button type="submit" disabled={busy || !csv.trim()} data-testid="grants-preview">
          {t('admin_grants_preview')}
        </button>
      </form>
      {error !== null && <ErrorNote error={error} />}
      {b && !result && (
        <section class="card admin-section" aria-labelledby="grants-preview-title" data-testid="grants-preview-result">
          <h2 id="grants-preview-title">{t('admin_grants_preview_title')}</h2>
          <p data-testid="grants-totals">
            {t('admin_grants_totals', { valid: b.valid, invalid: b.invalid, total: money(b.valid_total) })}
          </p>
          <Rows batch={b} />
          <button type="button" disabled={busy || b.valid === 0} onClick={apply} data-testid="grants-apply">
            {t('admin_grants_apply', { n: b.valid, total: money(b.valid_total) })}
          </button>
        </section>
      )}
      {result && (
        <section class="card admin-section" aria-labelledby="grants-result-title" data-testid="grants-result">
          <h2 id="grants-result-title">{t('admin_grants_result_title')}</h2>
          <p role="status" data-testid="grants-result-totals">
            {t('admin_grants_result', {
              applied: result.applied,
              total: money(result.applied_total),
              already: result.already_applied,
              failed: result.failed,
              invalid: result.invalid,
            })}
          </p>
          <Rows batch={result} />
          <button type="button" class="secondary" disabled={busy} onClick={apply} data-testid="grants-reapply">
            {t('admin_grants_reapply')}
          </button>
        </section>
      )}
    </>
  );
}
