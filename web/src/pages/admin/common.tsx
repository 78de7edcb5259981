// Shared pieces of the admin pages: the server's refusals in the user's language, paged lists,
// and small formatting helpers.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import type { Money } from '../../api';
import type { Page } from '../../api/admin';
import { formatTime, language, t, type Key } from '../../i18n';

// A failure as the user should read it: what happened (localized, by status) and the server's
// own words.
export function describe(e: unknown): { text: string; refused: boolean } {
  if (!(e instanceof ApiError)) return { text: t('admin_error_generic', { status: '?', reason: String(e) }), refused: false };
  const reason = e.message || e.code;
  const by: Record<number, Key> = {
    0: 'admin_error_network',
    400: 'admin_error_invalid',
    401: 'admin_error_signed_out',
    403: 'admin_error_refused',
    404: 'admin_error_not_found',
    409: 'admin_error_conflict',
    422: 'admin_error_invalid',
    429: 'admin_error_rate_limited',
  };
  const key = by[e.status] ?? 'admin_error_generic';
  return { text: t(key, { status: e.status, reason }), refused: e.status === 403 };
}

export function ErrorNote({ error, testid }: { error: unknown; testid?: string }) {
  const { text, refused } = describe(error);
  return (
    <p class={refused ? 'error refused' : 'error'} role="alert" data-testid={testid ?? (refused ? 'admin-refused' : 'admin-error')}>
      {text}
    </p>
  );
}

export const when = (iso: string | null | undefined) => (iso ? formatTime(iso, language.get()) : '—');
// Coins as the home page names them; other currencies by their code.
export const money = (m: Money) => `${m.amount} ${m.currency === 'COIN' ? t('home_coins') : m.currency}`;
export const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

// A cursor-paged list: first page on mount, when deps change and on reload(); "more" appends
// the next page.
export function usePaged<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, deps: unknown[] = []) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const load = useCallback((cursor: string | null) => {
    const g = cursor === null ? ++generation.current : generation.current;
    setBusy(true);
    if (cursor === null) setError(null);
    fetchRef.current(cursor).then(
      (p) => {
        if (g !== generation.current) return;
        setItems((old) => (cursor === null || !old ? p.items : [...old, ...p.items]));
        setNext(p.next_cursor);
        setBusy(false);
      },
      (e) => {
        if (g !== generation.current) return;
        setError(e);
        setBusy(false);
      },
    );
  }, []);
  const reload = useCallback(() => load(null), [load]);
  useEffect(reload, deps);
  return { items, next, error, busy, reload, more: () => next && load(next) };
}

// Loading, error, empty and "more" around a paged list.
export function PagedList<T>({
  list,
  empty,
  testid,
  children,
}: {
  list: ReturnType<typeof usePaged<T>>;
  empty: string;
  testid: string;
  children: (item: T) => ComponentChildren;
}) {
  return (
    <div aria-busy={list.busy}>
      {list.error !== null && <ErrorNote error={list.error} />}
      {list.items === null && list.error === null && <p class="muted">{t('loading')}</p>}
      {list.items?.length === 0 && (
        <p class="muted" data-testid={`${testid}-empty`}>
          {empty}
        </p>
      )}
      {list.items && list.items.length > 0 && (
        <ul class="admin-list" data-testid={testid}>
          {list.items.map(children)}
        </ul>
      )}
      {list.next && (
        <button type="button" class="secondary" disabled={list.busy} onClick={list.more}>
          {t('admin_more')}
        </button>
      )}
    </div>
  );
}

// A row of label: value facts.
export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
