// My history: newest first, 20 at a time ("show more" follows the API's cursor), filtered by kind
// (money in, money out, game results, admins' grants and debits) and by a date range (UTC days,
// both ends included), with a CSV download of exactly what the filter selects.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  historyCsvUrl,
  type HistoryFilter,
  type HistoryItem,
  type User,
} from '../api';
import { t, useLanguage, type Key } from '../i18n';
import { formatMoney } from '../money';
import { MoneyLine } from './money-line';
import { ErrorRetry, MoreButton, SelectField } from '../fields';

const PAGE = 20;
const kinds: { value: string; label: Key; filter: HistoryFilter }[] = [
  { value: 'all', label: 'history_kind_all', filter: {} },
  { value: 'in', label: 'history_kind_in', filter: { direction: 'credit' } },
  { value: 'out', label: 'history_kind_out', filter: { direction: 'debit' } },
  { value: 'games', label: 'history_kind_games', filter: { reason: 'bank.' } },
  { value: 'admin', label: 'history_kind_admin', filter: { reason: 'admin.' } },
];

// "2026-12-07" -> "2026-12-08": the API's `until` is exclusive, the form's "to" day is included.
function dayAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1));
  return next.toISOString().slice(0, 10);
}

function filterOf(kind: string, from: string, to: string): HistoryFilter {
  const f: HistoryFilter = { ...(kinds.find((k) => k.value === kind)?.filter ?? {}) };
  if (from) f.since = from;
  if (to) f.until = dayAfter(to);
  return f;
}

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    return e.status === 0 ? t('error_network') : e.message || t('error_generic', { status: e.status });
  }
  return String(e);
}

export function HistoryPage({ user }: { user: User }) {
  const lang = useLanguage();
  const [kind, setKind] = useState('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [items, setItems] = useState<HistoryItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const badRange = !!from && !!to && to < from;
  const filter = filterOf(kind, from, to);
  const key = JSON.stringify(filter);

  const latest = useRef(0); // only the newest request's answer counts (filters change quickly)
  const fetchPage = (after: string | null, replace: boolean) => {
    const mine = ++latest.current;
    setBusy(true);
    setError(null);
    return api.transactions(user.id, filter, PAGE, after ?? undefined).then(
      (p) => {
        if (mine !== latest.current) return;
        setItems((now) => (replace ? p.items : [...(now ?? []), ...p.items]));
        setCursor(p.next_cursor);
        setBusy(false);
      },
      (e) => {
        if (mine !== latest.current) return;
        setError(errorText(e));
        setBusy(false);
      },
    );
  };
  useEffect(() => {
    if (badRange) return;
    setItems(null);
    setCursor(null);
    void fetchPage(null, true);
  }, [user.id, key]);

  return (
    <section class="card" aria-labelledby="history-title">
      <h1 id="history-title">{t('history_title')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('history_filters')}>
        <SelectField
          name="kind"
          label="history_kind"
          value={kind}
          choices={kinds}
          onChange={setKind}
        />
        <label>
          <span>{t('history_from')}</span>
          <input
            type="date"
            name="from"
            value={from}
            max={to || undefined}
            onChange={(e) => setFrom((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          <span>{t('history_to')}</span>
          <input
            type="date"
            name="to"
            value={to}
            min={from || undefined}
            onChange={(e) => setTo((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
      </form>
      <p class="muted hint">{t('history_utc')}</p>
      {badRange && (
        <p class="error" role="alert">
          {t('history_bad_range')}
        </p>
      )}
      {error && (
        <ErrorRetry message={error} onRetry={() => fetchPage(null, true)} />
      )}
      {!badRange && (
        <a
          class="button secondary"
          href={historyCsvUrl(user.id, filter)}
          download={`lucas-history-${user.id}.csv`}
          data-testid="history-csv"
        >
          {t('history_csv')}
        </a>
      )}
      {items === null && !error && !badRange && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('history_empty')}</p>}
      <ul class="rows" data-testid="history" aria-busy={busy}>
        {items?.map((i) => (
          <li key={i.id}>
            <MoneyLine
              reason={i.reason}
              metadata={i.metadata}
              amount={i.amount}
              time={i.created_at}
              lang={lang}
              extra={t('history_balance_after', { balance: formatMoney(i.balance_after, lang) })}
            />
          </li>
        ))}
      </ul>
      {cursor && (
        <MoreButton testid="history-more" busy={busy} onMore={() => fetchPage(cursor, false)} />
      )}
    </section>
  );
}
