// Parser: the model's state (versions, canary, breaker, review queue) and the drift history
// (PSI of the predicted classes and of the confidence, one point per daily check) as a small
// hand-written SVG chart.
import { useEffect, useState } from 'preact/hooks';
import { adminApi, type DriftReport, type ParserStatus } from '../../api/admin';
import { t } from '../../i18n';
import { ErrorNote, Facts, pct, when } from './common';

function useApi<T>(load: () => Promise<T>) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    load().then(setValue, setError);
  }, []);
  return { value, error };
}

const W = 600;
const H = 200;
const PAD = 28;
const LEFT = 48; // room for the y labels

export function DriftChart({ items }: { items: DriftReport[] }) {
  const points = [...items].reverse(); // oldest first, left to right
  const top = Math.max(0.25, ...points.map((p) => Math.max(p.psi_class, p.psi_confidence))) * 1.1;
  const x = (i: number) => (points.length < 2 ? (LEFT + W - PAD) / 2 : LEFT + (i * (W - LEFT - PAD)) / (points.length - 1));
  const y = (v: number) => H - PAD - (v / top) * (H - 2 * PAD);
  const line = (pick: (p: DriftReport) => number) => points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
  const last = items[0];
  const label = last
    ? t('admin_drift_chart_label', { n: items.length, cls: last.psi_class.toFixed(3), conf: last.psi_confidence.toFixed(3) })
    : '';
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="drift-chart" preserveAspectRatio="xMidYMid meet">
        <line x1={LEFT} y1={H - PAD} x2={W - PAD} y2={H - PAD} class="axis" />
        <line x1={LEFT} y1={PAD} x2={LEFT} y2={H - PAD} class="axis" />
        <text x={LEFT - 6} y={PAD + 4} class="tick" text-anchor="end">
          {top.toFixed(2)}
        </text>
        <text x={LEFT - 6} y={H - PAD + 4} class="tick" text-anchor="end">
          0
        </text>
        <path d={line((p) => p.psi_class)} class="series class" />
        <path d={line((p) => p.psi_confidence)} class="series confidence" />
        {points.map((p, i) => (
          <g key={i}>
            <circle cx={x(i)} cy={y(p.psi_class)} r={p.alert ? 6 : 3.5} class={p.alert ? 'dot alert' : 'dot class'} />
            <circle cx={x(i)} cy={y(p.psi_confidence)} r={3.5} class="dot confidence" />
          </g>
        ))}
        {points.length > 0 && (
          <>
            <text x={LEFT} y={H - 6} class="tick">
              {when(points[0]!.at)}
            </text>
            {points.length > 1 && (
              <text x={W - PAD} y={H - 6} class="tick" text-anchor="end">
                {when(points[points.length - 1]!.at)}
              </text>
            )}
          </>
        )}
      </svg>
      <figcaption class="legend">
        <span class="key class">{t('admin_drift_psi_class')}</span>
        <span class="key confidence">{t('admin_drift_psi_confidence')}</span>
        <span class="key alert">{t('admin_drift_alert')}</span>
      </figcaption>
    </figure>
  );
}

export function ParserPage() {
  const status = useApi<ParserStatus>(() => adminApi.parserStatus());
  const drift = useApi(() => adminApi.drift(30));
  const s = status.value;
  return (
    <>
      <h1>{t('admin_parser_title')}</h1>
      <section class="card admin-section" aria-labelledby="parser-status-title">
        <h2 id="parser-status-title">{t('admin_parser_status')}</h2>
        {status.error !== null && <ErrorNote error={status.error} />}
        {!s && status.error === null && <p class="muted">{t('loading')}</p>}
        {s && (
          <div data-testid="parser-status">
            {s.breaker_open && (
              <p class="error" role="status">
                {t('admin_parser_breaker_open')}
              </p>
            )}
            <Facts
              rows={[
                [t('admin_parser_active'), s.active_model ?? t('admin_parser_rules_only')],
                [t('admin_parser_candidate'), s.candidate_model ? `${s.candidate_model} (${pct(s.canary_share)})` : '—'],
                [t('admin_parser_parses'), t('admin_parser_parses_value', { model: s.model_parses, rules: s.rule_parses, cache: s.cache_hits })],
                [t('admin_parser_review_pending'), String(s.review_pending)],
                [t('admin_parser_untrained'), String(s.corrections_not_trained)],
                [t('admin_parser_incidents'), s.incidents ? `${s.incidents}: ${s.last_incident}` : '0'],
                [
                  t('admin_parser_canary'),
                  s.canary.records
                    ? t('admin_parser_canary_value', {
                        records: s.canary.records,
                        agreement: pct(s.canary.agreement),
                        active: pct(s.canary.active_accuracy),
                        candidate: pct(s.canary.candidate_accuracy),
                      })
                    : '—',
                ],
              ]}
            />
          </div>
        )}
      </section>
      <section class="card admin-section" aria-labelledby="drift-title">
        <h2 id="drift-title">{t('admin_drift_title')}</h2>
        {drift.error !== null && <ErrorNote error={drift.error} />}
        {!drift.value && drift.error === null && <p class="muted">{t('loading')}</p>}
        {drift.value?.items.length === 0 && (
          <p class="muted" data-testid="drift-empty">
            {t('admin_drift_empty')}
          </p>
        )}
        {drift.value && drift.value.items.length > 0 && (
          <>
            <DriftChart items={drift.value.items} />
            <ul class="admin-list compact" data-testid="drift-list">
              {drift.value.items.slice(0, 10).map((d) => (
                <li key={d.at} class={d.alert ? 'alert' : ''}>
                  {when(d.at)} · {d.model_version} · {t('admin_drift_row', { messages: d.messages, cls: d.psi_class.toFixed(3), conf: d.psi_confidence.toFixed(3) })}
                  {d.note ? ` · ${d.note}` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
