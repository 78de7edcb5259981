// Jobs: every scheduled job with its schedule, next run and last run (result, duration, error);
// admins and the owner may run one now (the server refuses anyone else, and audits it).
import { useEffect, useState } from 'preact/hooks';
import type { User } from '../../api';
import { adminApi, type Job } from '../../api/admin';
import { t } from '../../i18n';
import { ErrorNote, Facts, when } from './common';

export const mayAct = (me: User) => me.role === 'admin' || me.role === 'owner';

const seconds = (s: number | null) => (s === null ? '—' : t('admin_jobs_seconds', { s: s < 10 ? s.toFixed(2) : s.toFixed(0) }));

function JobItem({ job, me, onRun }: { job: Job; me: User; onRun: (j: Job) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = () => {
    setBusy(true);
    setError(null);
    adminApi.runJob(job.name).then(
      (j) => {
        setBusy(false);
        onRun(j);
      },
      (e) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  const result = job.last_result === null ? t('admin_jobs_never') : job.last_result === 'ok' ? t('admin_jobs_ok') : t('admin_jobs_failed');
  return (
    <li class={job.last_result === 'failed' ? 'job-item alert' : 'job-item'} data-job={job.name}>
      <div class="admin-item-head">
        <strong>{job.name}</strong>
        <span class={job.last_result === 'failed' ? 'badge warn' : 'badge'} data-testid="job-result">
          {job.running ? t('admin_jobs_running') : result}
        </span>
      </div>
      <Facts
        rows={[
          [t('admin_jobs_schedule'), job.schedule],
          [t('admin_jobs_next'), when(job.next_run)],
          [t('admin_jobs_last'), <span data-testid="job-last-run">{when(job.last_started)}</span>],
          [t('admin_jobs_duration'), seconds(job.last_duration_s)],
          [t('admin_jobs_runs'), t('admin_jobs_runs_value', { runs: job.runs, failures: job.failures })],
          ...(job.last_error ? [[t('admin_jobs_error'), job.last_error] as [string, string]] : []),
        ]}
      />
      {error !== null && <ErrorNote error={error} />}
      {mayAct(me) && (
        <div class="actions">
          <button type="button" disabled={busy || job.running} onClick={run} data-testid={`job-run-${job.name}`}>
            {busy ? t('admin_jobs_running') : t('admin_jobs_run')}
          </button>
        </div>
      )}
    </li>
  );
}

export function JobsPage({ me }: { me: User }) {
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState('');
  useEffect(() => {
    adminApi.jobs().then((r) => setJobs(r.items), setError);
  }, []);
  const ran = (j: Job) => {
    setJobs((old) => (old ?? []).map((x) => (x.name === j.name ? j : x)));
    setOutcome(t(j.last_result === 'ok' ? 'admin_jobs_done' : 'admin_jobs_done_failed', { name: j.name }));
  };
  return (
    <>
      <h1>{t('admin_jobs_title')}</h1>
      <section class="card admin-section" aria-labelledby="jobs-title">
        <h2 id="jobs-title">{t('admin_jobs_list')}</h2>
        {!mayAct(me) && <p class="hint muted">{t('admin_jobs_read_only')}</p>}
        {outcome && (
          <p role="status" data-testid="admin-outcome">
            {outcome}
          </p>
        )}
        {error !== null && <ErrorNote error={error} />}
        {!jobs && error === null && <p class="muted">{t('loading')}</p>}
        {jobs && (
          <ul class="admin-list" data-testid="jobs">
            {jobs.map((j) => (
              <JobItem key={j.name} job={j} me={me} onRun={ran} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
