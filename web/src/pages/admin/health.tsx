// Health: this node's readiness as badges, and its key series of the last hour or day (sampled
// every minute on the server, kept in memory there) as small line charts, re-read every minute;
// the busiest routes of the window with their 5xx answers.
import { useEffect, useState } from 'preact/hooks';
import { adminApi, type HealthReport, type HealthSeries } from '../../api/admin';
import { language, t, type Key } from '../../i18n';
import { LineChart } from './chart';
import { ErrorNote, pct } from './common';

type Span = 'hour' | 'day';
const MINUTE = 60_000;

// Coins from minor units without floating point in the text: 1250 -> "12.50".
const coins = (minor: number) => {
  const n = Math.round(minor);
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
};

function formatter(s: HealthSeries): (v: number) => string {
  if (s.name === 'bank.credited_minor') return coins;
  if (s.kind === 'ratio') return pct;
  if (s.kind === 'gauge') return (v) => String(Math.round(v));
  return (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
}

const seriesKey = (name: string) => `admin_health_series_${name.replace('.', '_')}` as Key;

function Badge({ ok, label, testid }: { ok: boolean; label: string; testid: string }) {
  return (
    <span class={ok ? 'badge ok' : 'badge warn'} data-testid={testid}>
      {label}
    </span>
  );
}

function Readiness({ r }: { r: HealthReport['readiness'] }) {
  const ready = r.status === 'ready';
  return (
    <div class="badges" data-testid="health-readiness" role="status">
      <Badge ok={ready} label={ready ? t('admin_health_ready') : t('admin_health_unready')} testid="health-ready" />
      {r.database && <Badge ok label={t('admin_health_database', { engine: r.database })} testid="health-database" />}
      {r.redis && (
        <Badge ok={r.redis !== 'down'} label={t('admin_health_redis', { state: t(`admin_health_redis_${r.redis}` as Key) })} testid="health-redis" />
      )}
      {r.node && <span class="muted">{t('admin_health_node', { node: r.node })}</span>}
      {r.problem && <p class="error">{r.problem}</p>}
    </div>
  );
}

export function HealthPage() {
  const [win, setWindow] = useState<Span>('hour');
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    const load = () => {
      setBusy(true);
      adminApi.health(win).then(
        (r) => {
          if (!live) return;
          setReport(r);
          setError(null);
          setBusy(false);
        },
        (e) => {
          if (!live) return;
          setError(e);
          setBusy(false);
        },
      );
    };
    load();
    const timer = setInterval(load, MINUTE);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [win]);

  const shown = report?.window === win ? report : null;
  const to = shown ? Date.parse(shown.now) : 0;
  const from = to - (win === 'hour' ? 60 : 1440) * MINUTE;
  const times = shown ? shown.timestamps.map((s) => Date.parse(s)) : [];
  const tickFormat = new Intl.DateTimeFormat(language.get() === 'en' ? 'en-GB' : 'ru-RU', { hour: '2-digit', minute: '2-digit' });
  return (
    <>
      <h1>{t('admin_health_title')}</h1>
      <section class="card admin-section" aria-labelledby="health-ready-title">
        <h2 id="health-ready-title">{t('admin_health_readiness')}</h2>
        {error !== null && <ErrorNote error={error} />}
        {!report && error === null && <p class="muted">{t('loading')}</p>}
        {report && <Readiness r={report.readiness} />}
      </section>
      <section class="card admin-section" aria-labelledby="health-series-title" aria-busy={busy}>
        <div class="admin-item-head">
          <h2 id="health-series-title">{t('admin_health_series')}</h2>
          <div class="actions" role="group" aria-label={t('admin_health_window')}>
            {(['hour', 'day'] as const).map((w) => (
              <button
                key={w}
                type="button"
                class={w === win ? '' : 'secondary'}
                aria-pressed={w === win}
                data-testid={`health-window-${w}`}
                onClick={() => setWindow(w)}
              >
                {t(w === 'hour' ? 'admin_health_hour' : 'admin_health_day')}
              </button>
            ))}
          </div>
        </div>
        {shown && (
          <>
            <p class="hint muted" data-testid="health-window-note">
              {t('admin_health_note', {
                points: shown.timestamps.length,
                kb: Math.round(shown.memory.bytes / 1024),
                max: Math.round(shown.memory.max_bytes / 1024),
              })}
            </p>
            <div class="charts" data-testid="health-charts" data-window={shown.window}>
              {shown.series.map((s) => (
                <LineChart
                  key={s.name}
                  title={t(seriesKey(s.name))}
                  times={times}
                  values={s.values}
                  from={from}
                  to={to}
                  format={formatter(s)}
                  tick={(ms) => tickFormat.format(new Date(ms))}
                  empty={t('admin_health_no_value')}
                  testid={`health-chart-${s.name}`}
                />
              ))}
            </div>
          </>
        )}
      </section>
      {shown && (
        <section class="card admin-section" aria-labelledby="health-routes-title">
          <h2 id="health-routes-title">{t('admin_health_routes')}</h2>
          {shown.routes.length === 0 ? (
            <p class="muted" data-testid="health-routes-empty">
              {t('admin_health_routes_empty')}
            </p>
          ) : (
            <ul class="admin-list compact" data-testid="health-routes">
              {shown.routes.slice(0, 15).map((r) => (
                <li key={r.route} class={r.errors > 0 ? 'alert' : ''}>
                  <code class="route">{r.route}</code> · {t('admin_health_route_row', { requests: r.requests, errors: r.errors })}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
