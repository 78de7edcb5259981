// Leaderboards: the boards the server keeps, a period switch, the top 100 with rank changes, my
// own line highlighted (and shown under the top when I am further down). Live: the page subscribes
// to leaderboard.<board>.<period> over the WebSocket and re-reads the board when it changes; the
// time of the last reading is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Board, type BoardEntry, type BoardView, type Period, type User } from '../api';
import { t, useLanguage, type Key, type Lang } from '../i18n';
import { listen, liveStatus, subscribe } from '../live';
import { currencyLabel, formatAmount } from '../money';
import { ErrorRetry } from '../fields';
import { liveStatusText } from '../live_status';

const periodKey: Record<Period, Key> = {
  daily: 'period_daily',
  weekly: 'period_weekly',
  monthly: 'period_monthly',
  all_time: 'period_all_time',
};

// The boards this version knows are named from the catalogues; others by what the server says.
const boardText = (b: Board): { name: string; description: string } =>
  b.name === 'coins'
    ? { name: t('board_coins'), description: t('board_coins_description') }
    : { name: b.description || b.name, description: b.description };

// A points board scores a whole number, a money board a Money (LeaderboardEntry.score).
function score(e: BoardEntry, lang: Lang): string {
  return typeof e.score === 'number'
    ? formatAmount(String(e.score), lang)
    : `${formatAmount(e.score.amount, lang)} ${currencyLabel(e.score.currency)}`;
}

function change(e: BoardEntry): { text: string; label: string } {
  const n = Math.abs(e.rank_change);
  if (e.change === 'new') return { text: '•', label: t('board_new') };
  if (e.change === 'up') return { text: `▲${n}`, label: t('board_up', { n }) };
  if (e.change === 'down') return { text: `▼${n}`, label: t('board_down', { n }) };
  return { text: '–', label: t('board_same') };
}

interface RowProps {
  e: BoardEntry;
  me: boolean;
  lang: Lang;
}

function Row({ e, me, lang }: RowProps) {
  const c = change(e);
  return (
    <li class={me ? 'me' : ''} aria-current={me ? 'true' : undefined} data-user={e.user_id}>
      <span class="rank">{e.rank ?? '—'}</span>
      <span class="who">
        {e.name || `#${e.user_id}`}
        {me && <span class="badge">{t('board_you')}</span>}
      </span>
      <span class="score">{score(e, lang)}</span>
      <span class={`change ${e.change}`} title={c.label} aria-label={c.label}>
        {c.text}
      </span>
    </li>
  );
}

export function LeaderboardsPage({ user }: { user: User }) {
  const lang = useLanguage();
  const status = liveStatus.use();
  const [boards, setBoards] = useState<Board[] | null>(null);
  const [boardName, setBoardName] = useState('');
  const [period, setPeriod] = useState<Period | null>(null);
  const [view, setView] = useState<BoardView | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const board = boards?.find((b) => b.name === boardName);

  useEffect(() => {
    api.boards().then(
      (r) => {
        setBoards(r.boards);
        const first = r.boards[0];
        if (first) {
          setBoardName(first.name);
          setPeriod(first.periods.includes('daily') ? 'daily' : (first.periods[0] ?? 'all_time'));
        }
      },
      (e) => setError(e instanceof ApiError ? e.message || t('error_network') : String(e)),
    );
  }, []);

  const read = () => {
    if (!boardName || !period) return;
    const mine = ++latest.current;
    api.board(boardName, period).then(
      (v) => {
        if (mine !== latest.current) return;
        setView(v);
        setUpdated(new Date());
        setError(null);
      },
      (e) => {
        if (mine !== latest.current) return;
        setError(e instanceof ApiError ? e.message || t('error_network') : String(e));
      },
    );
  };

  useEffect(() => {
    setView(null);
    read();
    if (!boardName || !period) return;
    const topic = `leaderboard.${boardName}.${period}`;
    const unsubscribe = subscribe(topic);
    const unlisten = listen((m) => {
      // A change of this board, or a reconnect (topic messages are not replayed): read it again.
      if ((m.type === 'leaderboard.changed' && 'topic' in m && m.topic === topic) || m.type === 'welcome') read();
    });
    return () => {
      unlisten();
      unsubscribe();
    };
  }, [boardName, period]);

  const mine = (e: BoardEntry) => e.user_id === user.id;
  const meBelow = view?.me && !view.entries.some(mine) ? view.me : null;
  return (
    <section class="card" aria-labelledby="boards-title">
      <h1 id="boards-title">{t('boards_title')}</h1>
      {boards && boards.length > 1 && (
        <div class="switch" role="group" aria-label={t('boards_board')}>
          {boards.map((b) => (
            <button
              type="button"
              key={b.name}
              aria-pressed={b.name === boardName}
              onClick={() => {
                setBoardName(b.name);
                if (!period || !b.periods.includes(period)) setPeriod(b.periods[0] ?? 'all_time');
              }}
            >
              {boardText(b).name}
            </button>
          ))}
        </div>
      )}
      {board && boards?.length === 1 && (
        <p class="muted">
          <strong>{boardText(board).name}.</strong> {boardText(board).description}
        </p>
      )}
      {board && (
        <div class="switch" role="group" aria-label={t('boards_period')} data-testid="periods">
          {board.periods.map((p) => (
            <button
              type="button"
              key={p}
              aria-pressed={p === period}
              data-period={p}
              onClick={() => setPeriod(p)}
            >
              {t(periodKey[p] ?? 'period_all_time')}
            </button>
          ))}
        </div>
      )}
      <p class="muted updated" data-testid="board-updated" role="status">
        {updated
          ? t('boards_updated', {
              time: new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', {
                timeStyle: 'medium',
              }).format(updated),
            })
          : t('loading')}
        {' · '}
        {liveStatusText(status)}
      </p>
      {error && (
        <ErrorRetry message={error} onRetry={read} />
      )}
      {boards?.length === 0 && <p class="muted">{t('boards_none')}</p>}
      {view && view.entries.length === 0 && <p class="muted">{t('boards_empty')}</p>}
      <ol class="board" data-testid="board">
        {view?.entries.map((e) => <Row key={e.user_id} e={e} me={mine(e)} lang={lang} />)}
      </ol>
      {meBelow && (
        <>
          <h2>{t('boards_my_position')}</h2>
          {meBelow.rank === null ? (
            <p class="muted">{t('boards_not_ranked')}</p>
          ) : (
            <ol class="board">
              <Row e={meBelow} me lang={lang} />
            </ol>
          )}
        </>
      )}
    </section>
  );
}
