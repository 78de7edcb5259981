// My notifications: newest first, 20 at a time ("show more" pages on by id), money in and out in
// the words and format of the other money lines (MoneyLine), filtered by type. Opening the page
// marks everything it shows read (up to the newest notification shown); the ones that were unread
// stay highlighted for this visit. A notification that arrives over the WebSocket while the page
// is open joins the top as new and counts in the navigation's badge until it is marked read (the
// button, or the next visit).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Notification, type NotificationQuery, type User } from '../api';
import { formatTime, t, useLanguage, type Key, type Lang } from '../i18n';
import { listen, type LiveMessage } from '../live';
import { formatMoney } from '../money';
import { refreshUnread, settleUnread, unread } from '../notifications';
import { MoneyLine } from './money-line';
import { moneyEvent } from './reasons';
import { LiveStatusDot } from '../live_status';
import { onLinkClick } from '../router';
import { ErrorRetry, MoreButton, SelectField } from '../fields';

const PAGE = 20;
const types: { value: string; label: Key }[] = [
  { value: '', label: 'notifications_type_all' },
  { value: 'money.credited', label: 'notifications_type_credited' },
  { value: 'money.debited', label: 'notifications_type_debited' },
];

// A trade's notifications (their data: the trade's id, state and version) link to the trades.
const tradeEvents: Record<string, Key> = {
  'trade.offered': 'trade_event_offered',
  'trade.changed': 'trade_event_changed',
  'trade.accepted': 'trade_event_accepted',
  'trade.declined': 'trade_event_declined',
  'trade.cancelled': 'trade_event_cancelled',
  'trade.expired': 'trade_event_expired',
};

// An auction's notifications (their data: the auction's id, state and amount) link to it.
const auctionEvents: Record<string, Key> = {
  'auction.outbid': 'auction_event_outbid',
  'auction.won': 'auction_event_won',
  'auction.sold': 'auction_event_sold',
  'auction.unsold': 'auction_event_unsold',
};

interface Shown {
  n: Notification;
  isNew: boolean; // unread when it was shown
  live: boolean; // came over the WebSocket while the page was open
}

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    return e.status === 0 ? t('error_network') : e.message || t('error_generic', { status: e.status });
  }
  return String(e);
}

function Line({ n, lang }: { n: Notification; lang: Lang }) {
  const money = moneyEvent(n.type, n.data);
  if (money) {
    return (
      <MoneyLine
        reason={money.reason}
        metadata={{}}
        amount={money.amount}
        time={n.created_at}
        lang={lang}
        extra={
          money.balance
            ? t('history_balance_after', { balance: formatMoney(money.balance, lang) })
            : undefined
        }
      />
    );
  }
  const event = tradeEvents[n.type];
  if (event) {
    const id = (n.data as { id?: unknown } | null)?.id;
    return (
      <span class="what">
        <a class="line-link" href="/trades" onClick={onLinkClick}>
          {t('notifications_trade', { id: typeof id === 'number' ? id : '?', event: t(event) })}
        </a>
        <span class="muted when">{formatTime(n.created_at, lang)}</span>
      </span>
    );
  }
  const auctionEvent = auctionEvents[n.type];
  if (auctionEvent) {
    const d = n.data as { id?: unknown; amount?: unknown } | null;
    const id = typeof d?.id === 'number' ? d.id : 0;
    const amount = typeof d?.amount === 'string' ? formatMoney({ currency: 'COIN', amount: d.amount }, lang) : '';
    return (
      <span class="what">
        <a class="line-link" href={id ? `/auctions/${id}` : '/auctions'} onClick={onLinkClick} data-testid="auction-notification">
          {t(auctionEvent, { id: id || '?', amount })}
        </a>
        <span class="muted when">{formatTime(n.created_at, lang)}</span>
      </span>
    );
  }
  return (
    <span class="what">
      {t('notifications_other', { type: n.type })}
      <span class="muted when">{formatTime(n.created_at, lang)}</span>
    </span>
  );
}

export function NotificationsPage({ user }: { user: User }) {
  const lang = useLanguage();
  const badge = unread.use();
  const [type, setType] = useState('');
  const [items, setItems] = useState<Shown[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const newest = useRef(0); // the newest id shown (what "mark read" marks up to)
  const opened = useRef(false); // the opening's reading is done (and marked read)

  const markRead = (upTo: number) =>
    api.markNotificationsRead(upTo).then(
      () => refreshUnread(),
      (e) => setError(errorText(e)),
    );

  const latest = useRef(0); // only the newest request's answer counts
  const fetchPage = (before: number | null, replace: boolean) => {
    const mine = ++latest.current;
    setBusy(true);
    setError(null);
    const query: NotificationQuery = { limit: PAGE };
    if (type) query.type = type;
    if (before !== null) query.before = before;
    return api.notifications(query).then(
      (p) => {
        if (mine !== latest.current) return;
        const page = p.items.map((n) => ({ n, isNew: !n.read, live: false }));
        setItems((now) => {
          if (replace) return page;
          const have = new Set((now ?? []).map((s) => s.n.id));
          return [...(now ?? []), ...page.filter((s) => !have.has(s.n.id))];
        });
        setNext(p.next_before);
        setBusy(false);
        const top = p.items[0]?.id ?? 0;
        newest.current = Math.max(newest.current, top);
        // The first page of every type: the server's count is the badge's; the first one since
        // the page opened is what opening it reads.
        if (replace && !type && before === null) {
          settleUnread(p.unread, top);
          if (!opened.current && p.unread > 0 && top > 0) void markRead(top);
          opened.current = true;
        }
      },
      (e) => {
        if (mine !== latest.current) return;
        setError(errorText(e));
        setBusy(false);
      },
    );
  };
  useEffect(() => {
    setItems(null);
    setNext(null);
    void fetchPage(null, true);
  }, [user.id, type]);

  useEffect(
    () =>
      listen((m: LiveMessage) => {
        // Numbered frames are my stored notifications (topic broadcasts and replies have none).
        if (typeof m.id !== 'number' || (type && m.type !== type)) return;
        const id = m.id;
        const n: Notification = { id, type: m.type, created_at: m.time, data: m.data, read: false };
        newest.current = Math.max(newest.current, id);
        setItems((now) =>
          now === null || now.some((s) => s.n.id === id)
            ? now
            : [{ n, isNew: true, live: true }, ...now],
        );
      }),
    [user.id, type],
  );

  return (
    <section class="card" aria-labelledby="notifications-title">
      <div class="section-head first">
        <h1 id="notifications-title">{t('notifications_title')}</h1>
        <LiveStatusDot />
      </div>
      <div class="notifications-tools">
        <SelectField
          name="type"
          label="notifications_type"
          value={type}
          choices={types}
          onChange={setType}
        />
        {!!badge && newest.current > 0 && (
          <button
            type="button"
            class="secondary"
            data-testid="notifications-mark-read"
            onClick={() => void markRead(newest.current)}
          >
            {t('notifications_mark_read')}
          </button>
        )}
      </div>
      {error && (
        <ErrorRetry message={error} onRetry={() => fetchPage(null, true)} />
      )}
      {items === null && !error && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('notifications_empty')}</p>}
      <ul class="rows" data-testid="notifications" aria-busy={busy} aria-live="polite">
        {items?.map((s) => (
          <li
            key={s.n.id}
            class={`${s.isNew ? 'unread' : ''} ${s.live ? 'fresh' : ''}`.trim() || undefined}
            data-id={s.n.id}
          >
            {s.isNew && <span class="sr-only">{t('notifications_new')}</span>}
            <Line n={s.n} lang={lang} />
          </li>
        ))}
      </ul>
      {next !== null && (
        <MoreButton testid="notifications-more" busy={busy} onMore={() => fetchPage(next, false)} />
      )}
    </section>
  );
}
