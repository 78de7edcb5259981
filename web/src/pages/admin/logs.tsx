// Live logs (admins and the owner): the node's latest log lines, newest first, filtered by the
// lowest level and a text; new lines arrive over the WebSocket topic "admin.logs" while the page
// is open (pause stops following, resume catches up over REST). Counts per level since the node
// started show how many warnings and errors there were. The server refuses moderators.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Schemas } from '../../api/client';
import { adminApi } from '../../api/admin';
import { SelectField, type Choice } from '../../fields';
import { t } from '../../i18n';
import { listen, subscribe } from '../../live';
import { LiveStatusDot } from '../../live_status';
import { ErrorNote } from './common';

export type LogLine = Schemas['LogLine'];
type Level = LogLine['level'];
type Counts = Schemas['LogPage']['counts'];
type Frame = Schemas['WsLogLines'];

const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
const rank = (l: Level) => LEVELS.indexOf(l);
const CHOICES: readonly Choice[] = LEVELS.map((l) => ({ value: l, label: `admin_logs_level_${l}` as const }));
const KEEP = 500; // lines shown at most; older ones fall off the bottom
const PAGE = 1000; // lines per read (the server keeps 2000)

// 12:02:09.512 in UTC from an RFC 3339 time (the lines' own zone, like the server's log).
const clock = (iso: string) => iso.slice(11, 23);

export function matches(line: LogLine, level: Level, text: string): boolean {
  return rank(line.level) >= rank(level) && (text === '' || line.msg.includes(text));
}

// New lines (any order, maybe repeated) on top of the shown ones (newest first), at most KEEP.
export function merge(shown: LogLine[], fresh: LogLine[]): LogLine[] {
  const top = shown.length > 0 ? shown[0].seq : 0;
  const add = fresh.filter((l) => l.seq > top).sort((a, b) => b.seq - a.seq);
  return add.length === 0 ? shown : [...add, ...shown].slice(0, KEEP);
}

function Line({ line }: { line: LogLine }) {
  return (
    <li class={`log-line ${line.level}`} data-seq={line.seq} data-level={line.level}>
      <time dateTime={line.time}>{clock(line.time)}</time>
      <span class="log-level">{line.level}</span>
      <span class="log-msg">
        {line.msg}
        {line.cut && <span class="muted"> {t('admin_logs_cut')}</span>}
      </span>
    </li>
  );
}

export function LogsPage() {
  const [level, setLevel] = useState<Level>('info');
  const [typed, setTyped] = useState('');
  const [text, setText] = useState('');
  const [lines, setLines] = useState<LogLine[] | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [node, setNode] = useState('');
  const [gap, setGap] = useState(false);
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The last line this page has looked at (shown or filtered out): what "catch up" reads after.
  const cursor = useRef(0);
  const resumed = useRef(false);
  const filter = useRef({ level, text });
  filter.current = { level, text };

  // The text filter applies a moment after typing stops.
  useEffect(() => {
    const timer = setTimeout(() => setText(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);

  // Reads what came after the cursor (everything kept, the first time) with the filter, page by
  // page until the newest line.
  const catchUp = (fresh: boolean) => {
    const { level: l, text: q } = filter.current;
    const stale = () => filter.current.level !== l || filter.current.text !== q; // changed meanwhile
    const read = (after: number, first: boolean): Promise<void> =>
      adminApi.logs({ after, level: l, limit: PAGE, ...(q ? { q } : {}) }).then((page): Promise<void> | undefined => {
        if (stale()) return undefined;
        cursor.current = page.next_after;
        setNode(page.node);
        setCounts(page.counts);
        if (page.gap && !(fresh && first)) setGap(true);
        setLines((old) => merge((fresh && first) || page.restarted ? [] : old ?? [], page.items));
        setError(null);
        return page.next_after < page.last && page.next_after > after ? read(page.next_after, false) : undefined;
      });
    read(fresh ? 0 : cursor.current, true).catch((e: unknown) => {
      if (!stale()) setError(e);
    });
  };

  useEffect(() => {
    setLines(null);
    setGap(false);
    catchUp(true);
  }, [level, text]);

  // Following: frames while not paused; a reconnect (welcome) or resuming reads what was missed.
  useEffect(() => {
    if (paused) return;
    if (resumed.current) catchUp(false); // what came while paused (the first read is the filter's)
    resumed.current = true;
    const unsubscribe = subscribe('admin.logs');
    const unlisten = listen((m) => {
      if (m.type === 'welcome') {
        catchUp(false);
        return;
      }
      if (m.type !== 'log.lines' || !('topic' in m) || m.topic !== 'admin.logs') return;
      const data = m.data as Frame;
      const last = data.lines.length > 0 ? data.lines[data.lines.length - 1].seq : 0;
      if (last <= cursor.current) return;
      if (data.gap) setGap(true);
      const { level: l, text: q } = filter.current;
      setLines((old) => merge(old ?? [], data.lines.filter((x) => x.seq > cursor.current && matches(x, l, q))));
      setCounts((c) => {
        if (!c) return c;
        const next = { ...c };
        for (const x of data.lines) if (x.seq > cursor.current) next[x.level] += 1;
        return next;
      });
      cursor.current = last;
    });
    return () => {
      unlisten();
      unsubscribe();
    };
  }, [paused]);

  return (
    <>
      <div class="admin-item-head">
        <h1>{t('admin_logs_title')}</h1>
        {!paused && <LiveStatusDot />}
      </div>
      <section class="card admin-section" aria-labelledby="logs-filter-title">
        <h2 id="logs-filter-title" class="sr-only">
          {t('admin_logs_filter')}
        </h2>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <SelectField name="level" label="admin_logs_level" value={level} choices={CHOICES} onChange={(v) => setLevel(v as Level)} />
          <label>
            <span>{t('admin_logs_text')}</span>
            <input
              type="search"
              name="q"
              maxLength={200}
              value={typed}
              placeholder={t('admin_logs_text_hint')}
              onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
        </form>
        <div class="actions">
          <button type="button" class={paused ? '' : 'secondary'} aria-pressed={paused} data-testid="logs-pause" onClick={() => setPaused(!paused)}>
            {paused ? t('admin_logs_resume') : t('admin_logs_pause')}
          </button>
          <button type="button" class="secondary" data-testid="logs-clear" onClick={() => setLines([])}>
            {t('admin_logs_clear')}
          </button>
        </div>
        {counts && (
          <p class="badges" data-testid="logs-counts">
            <span class="muted">{t('admin_logs_since_start', { node })}</span>
            <span class={counts.error + counts.critical > 0 ? 'badge warn' : 'badge ok'} data-testid="logs-errors">
              {t('admin_logs_errors', { n: counts.error + counts.critical })}
            </span>
            <span class={counts.warn > 0 ? 'badge warn' : 'badge ok'} data-testid="logs-warnings">
              {t('admin_logs_warnings', { n: counts.warn })}
            </span>
          </p>
        )}
      </section>
      <section class="card admin-section" aria-labelledby="logs-title">
        <h2 id="logs-title">{t('admin_logs_lines')}</h2>
        {error !== null && <ErrorNote error={error} />}
        {gap && (
          <p class="hint" role="status" data-testid="logs-gap">
            {t('admin_logs_gap')}
          </p>
        )}
        {lines === null && error === null && <p class="muted">{t('loading')}</p>}
        {lines?.length === 0 && (
          <p class="muted" data-testid="logs-empty">
            {t('admin_logs_empty')}
          </p>
        )}
        {lines && lines.length > 0 && (
          <ol class="log-lines" data-testid="logs" aria-live={paused ? 'off' : 'polite'} aria-relevant="additions">
            {lines.map((l) => (
              <Line key={l.seq} line={l} />
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
