// Backups: the encrypted backups, newest first; admins and the owner may verify one (every copy
// checked and restored into a scratch database on the server). Without backup.key_file the
// node makes no backups: the page says so and how to turn them on.
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../api';
import { adminApi, type Backup, type BackupList, type BackupVerify } from '../../api/admin';
import { t } from '../../i18n';
import { ErrorNote, Facts, when } from './common';
import { mayAct } from './jobs';

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function BackupItem({ b, me }: { b: Backup; me: User }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<BackupVerify | null>(null);
  const verify = () => {
    setBusy(true);
    setError(null);
    setResult(null);
    adminApi.verifyBackup(b.id).then(
      (r) => {
        setBusy(false);
        setResult(r);
      },
      (e) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  return (
    <li class={result && !result.ok ? 'backup-item alert' : 'backup-item'} data-backup={b.id}>
      <div class="admin-item-head">
        <strong class="backup-id">{b.id}</strong>
        <span class="badge">{b.kind === 'full' ? t('admin_backups_full') : t('admin_backups_incremental')}</span>
      </div>
      <Facts
        rows={[
          [t('admin_backups_created'), when(b.created_at)],
          [t('admin_backups_size'), t('admin_backups_size_value', { size: size(b.bytes), rows: b.rows, tables: b.tables })],
          ...(b.base ? [[t('admin_backups_base'), b.base] as [string, string]] : []),
        ]}
      />
      {result && (
        <p class={result.ok ? 'status ok' : 'error'} role="status" data-testid="backup-verify-result">
          {result.ok ? t('admin_backups_verified', { s: result.seconds.toFixed(2) }) : t('admin_backups_damaged', { problem: result.problem })}
        </p>
      )}
      {error !== null && <ErrorNote error={error} />}
      {mayAct(me) && (
        <div class="actions">
          <button type="button" disabled={busy} onClick={verify} data-testid="backup-verify">
            {busy ? t('admin_backups_verifying') : t('admin_backups_verify')}
          </button>
        </div>
      )}
    </li>
  );
}

export function BackupsPage({ me }: { me: User }) {
  const [list, setList] = useState<BackupList | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    adminApi.backups().then(setList, setError);
  }, []);
  return (
    <>
      <h1>{t('admin_backups_title')}</h1>
      <section class="card admin-section" aria-labelledby="backups-title">
        <h2 id="backups-title">{t('admin_backups_list')}</h2>
        {error !== null && <ErrorNote error={error} />}
        {!list && error === null && <p class="muted">{t('loading')}</p>}
        {list && !list.configured && (
          <div data-testid="backups-not-configured">
            <p>{t('admin_backups_not_configured')}</p>
            <p class="hint muted">{t('admin_backups_how')}</p>
          </div>
        )}
        {list?.configured && list.items.length === 0 && (
          <p class="muted" data-testid="backups-empty">
            {t('admin_backups_empty')}
          </p>
        )}
        {list?.configured && list.items.length > 0 && (
          <ul class="admin-list" data-testid="backups">
            {list.items.map((b) => (
              <BackupItem key={b.id} b={b} me={me} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
