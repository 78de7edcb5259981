// My trades (/trades): open offers, made and received, and finished ones, newest first, 20 at a
// time ("show more" follows next_before). Each card names the other player, what I get and what I
// give with their market values, the 5 % fee on the coins I receive, the state, the
// scam-protection flags as warnings and, while open, a live countdown to its expiry. A received
// offer: Accept (the version shown; when I would give over ten times what I get, "I understand"
// first) and Decline; my own: Cancel and Change. Every refusal is said in words and moves nothing.
// Showing a received offer records that I saw it (GET /api/v1/trades/{id}), so a change after that
// is flagged; a trade notification on the WebSocket re-reads the list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Trade, type TradeListState, type User } from '../api';
import { formatTime, t, useLanguage, type Key, type Lang } from '../i18n';
import { listen } from '../live';
import { formatMoney } from '../money';
import { onLinkClick } from '../router';
import { ErrorRetry, MoreButton } from '../fields';
import {
  clock,
  Flags,
  hasCoins,
  LowValueWarning,
  reasonOf,
  SideList,
  stateText,
  tradeRefusal,
  Understand,
} from './trade-parts';

const PAGE = 20;
// The WebSocket notifications that change a trade of mine.
const TRADE_EVENTS = new Set([
  'trade.offered',
  'trade.changed',
  'trade.accepted',
  'trade.declined',
  'trade.cancelled',
  'trade.expired',
]);
// Refusals after which the trade is not what the page shows any more: read it again.
const STALE = new Set(['offer_changed', 'expired', 'not_pending', 'not_tradeable']);

interface Notice {
  id: number;
  text: string;
  ok: boolean;
}

const tabs: { value: TradeListState; label: Key }[] = [
  { value: 'pending', label: 'trades_tab_open' },
  { value: 'done', label: 'trades_tab_done' },
];

function TradeCard({
  trade,
  me,
  lang,
  now,
  notice,
  onAccept,
  onCancel,
}: {
  trade: Trade;
  me: number;
  lang: Lang;
  now: number;
  notice: Notice | null;
  onAccept: (trade: Trade, confirm: boolean) => Promise<boolean>;
  onCancel: (trade: Trade) => Promise<void>;
}) {
  const incoming = trade.to === me;
  const get = incoming ? trade.give : trade.want;
  const give = incoming ? trade.want : trade.give;
  const getValue = incoming ? trade.give_value : trade.want_value;
  const giveValue = incoming ? trade.want_value : trade.give_value;
  // The fee on the coins I receive: the recipient receives `give`, the initiator `want`.
  const fee = incoming ? trade.give_fee : trade.want_fee;
  const pending = trade.state === 'pending';
  const left = Math.ceil((Date.parse(trade.expires_at) - now) / 1000);
  const [busy, setBusy] = useState(false);
  // The recipient would give over ten times what they get: Accept again only after "I understand".
  const [confirming, setConfirming] = useState(false);
  const [understood, setUnderstood] = useState(false);
  useEffect(() => {
    setConfirming(false);
    setUnderstood(false);
  }, [trade.version]);

  const accept = async (confirm: boolean) => {
    setBusy(true);
    const ask = await onAccept(trade, confirm);
    setBusy(false);
    setConfirming(ask);
    setUnderstood(false);
  };
  const cancel = async () => {
    setBusy(true);
    await onCancel(trade);
    setBusy(false);
  };

  return (
    <li
      class="trade-card"
      data-trade-id={trade.id}
      data-state={trade.state}
      data-version={trade.version}
      data-direction={incoming ? 'in' : 'out'}
    >
      <div class="trade-head">
        <h2>
          {t(incoming ? 'trade_incoming' : 'trade_outgoing', {
            id: trade.id,
            who: incoming ? trade.from : trade.to,
          })}
        </h2>
        <span class={`state ${trade.state}`} data-testid="trade-state">
          {stateText(trade.state)}
        </span>
      </div>
      <div class="trade-sides">
        <section>
          <h3>{t('trade_you_get')}</h3>
          <SideList side={get} lang={lang} testid="trade-get" />
          <p class="muted" data-testid="trade-get-value">
            {t('trade_value', { value: formatMoney(getValue, lang) })}
          </p>
        </section>
        <section>
          <h3>{t('trade_you_give')}</h3>
          <SideList side={give} lang={lang} testid="trade-give" />
          <p class="muted" data-testid="trade-give-value">
            {t('trade_value', { value: formatMoney(giveValue, lang) })}
          </p>
        </section>
      </div>
      {hasCoins(get.coins) && (
        <p data-testid="trade-fee">{t('trade_fee', { fee: formatMoney(fee, lang) })}</p>
      )}
      <Flags flags={trade.flags} />
      {trade.note && <p class="trade-note">{t('trade_note', { note: trade.note })}</p>}
      {pending ? (
        <p class="muted" data-testid="trade-countdown" role="timer" aria-live="off">
          {left > 0 ? t('trade_expires_in', { time: clock(left) }) : t('trade_expired_now')}
        </p>
      ) : (
        trade.resolved_at && (
          <p class="muted">{t('trade_resolved', { time: formatTime(trade.resolved_at, lang) })}</p>
        )
      )}
      {notice && (
        <p class={notice.ok ? 'status' : 'error'} role={notice.ok ? 'status' : 'alert'} data-testid="trade-notice">
          {notice.text}
        </p>
      )}
      {pending && incoming && confirming && (
        <div class="trade-confirm" data-testid="accept-confirm">
          <LowValueWarning give={giveValue} get={getValue} lang={lang} />
          <Understand checked={understood} onChange={setUnderstood} />
          <div class="buy-actions">
            <button
              type="button"
              data-testid="accept-anyway"
              disabled={busy || !understood}
              onClick={() => void accept(true)}
            >
              {t('trade_accept_anyway')}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              {t('trade_back')}
            </button>
          </div>
        </div>
      )}
      {pending && !confirming && (
        <div class="buy-actions">
          {incoming ? (
            <>
              <button type="button" data-testid="trade-accept" disabled={busy} onClick={() => void accept(false)}>
                {busy ? t('trade_busy') : t('trade_accept')}
              </button>
              <button type="button" class="danger" data-testid="trade-decline" disabled={busy} onClick={() => void cancel()}>
                {t('trade_decline')}
              </button>
            </>
          ) : (
            <>
              <a
                class="button secondary"
                href={`/trades/new?edit=${trade.id}`}
                onClick={onLinkClick}
                data-testid="trade-change"
              >
                {t('trade_change')}
              </a>
              <button type="button" class="danger" data-testid="trade-cancel" disabled={busy} onClick={() => void cancel()}>
                {t('trade_cancel')}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

export function TradesPage({ user }: { user: User }) {
  const lang = useLanguage();
  const [tab, setTab] = useState<TradeListState>('pending');
  const [items, setItems] = useState<Trade[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [now, setNow] = useState(Date.now());
  const latest = useRef(0); // only the newest reading counts
  const shown = useRef(0);
  const seen = useRef(new Set<string>()); // "id:version" of received offers marked seen
  shown.current = items?.length ?? 0;

  // A received open offer on screen has been seen: the server records its version.
  const markSeen = (list: readonly Trade[]) => {
    for (const tr of list) {
      const k = `${tr.id}:${tr.version}`;
      if (tr.to !== user.id || tr.state !== 'pending' || tr.seen_version >= tr.version || seen.current.has(k)) continue;
      seen.current.add(k);
      api.trade(tr.id).catch(() => seen.current.delete(k));
    }
  };

  const fetchPage = (state: TradeListState, before: number | undefined, limit: number) => {
    const mine = ++latest.current;
    setBusy(true);
    setError(null);
    return api.trades(state, limit, before).then(
      (p) => {
        if (mine !== latest.current) return;
        setItems((now) => (before === undefined ? p.items : [...(now ?? []), ...p.items]));
        setNext(p.next_before);
        setBusy(false);
        markSeen(p.items);
      },
      (e: unknown) => {
        if (mine !== latest.current) return;
        setError(tradeRefusal(e));
        setBusy(false);
      },
    );
  };
  // Read again as many as are shown (after an action, or a notification).
  const refresh = () => fetchPage(tab, undefined, Math.min(100, Math.max(PAGE, shown.current)));
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  useEffect(() => {
    setItems(null);
    setNext(null);
    void fetchPage(tab, undefined, PAGE);
  }, [tab, user.id]);

  // A trade of mine changed somewhere else: read the list again.
  useEffect(
    () =>
      listen((m) => {
        if (typeof m.id === 'number' && TRADE_EVENTS.has(m.type)) void refreshRef.current();
      }),
    [],
  );

  const ticking = tab === 'pending' && (items?.length ?? 0) > 0;
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);

  // Accept the version shown; true: the server wants "I understand" first.
  const accept = async (tr: Trade, confirm: boolean): Promise<boolean> => {
    setNotice(null);
    try {
      const done = await api.acceptTrade(tr.id, tr.version, confirm);
      setNotice({ id: tr.id, ok: true, text: t('trade_done_accepted', { id: done.id }) });
      void refresh();
      return false;
    } catch (e) {
      const reason = reasonOf(e);
      if (reason === 'confirm_low_value') return true;
      setNotice({ id: tr.id, ok: false, text: tradeRefusal(e) });
      if (STALE.has(reason) || (e instanceof ApiError && e.status === 404)) void refresh();
      return false;
    }
  };
  // The initiator cancels, the recipient declines; a finished trade is answered as it is.
  const cancel = async (tr: Trade) => {
    setNotice(null);
    try {
      const done = await api.cancelTrade(tr.id);
      const key: Key =
        done.state === 'declined'
          ? 'trade_done_declined'
          : done.state === 'cancelled'
            ? 'trade_done_cancelled'
            : 'trade_err_not_pending';
      setNotice({ id: tr.id, ok: !done.replayed, text: t(key, { id: done.id, state: stateText(done.state) }) });
    } catch (e) {
      setNotice({ id: tr.id, ok: false, text: tradeRefusal(e) });
    }
    void refresh();
  };

  const orphan = notice && !items?.some((tr) => tr.id === notice.id) ? notice : null;
  return (
    <section class="card" aria-labelledby="trades-title">
      <div class="section-head first">
        <h1 id="trades-title">{t('trades_title')}</h1>
        <a class="button" href="/trades/new" onClick={onLinkClick} data-testid="trade-offer">
          {t('trades_offer')}
        </a>
      </div>
      <p class="muted hint">{t('trades_intro')}</p>
      <div class="switch" role="group" aria-label={t('trades_tabs')}>
        {tabs.map((x) => (
          <button
            type="button"
            key={x.value}
            data-tab={x.value}
            aria-pressed={tab === x.value}
            onClick={() => {
              setNotice(null);
              setTab(x.value);
            }}
          >
            {t(x.label)}
          </button>
        ))}
      </div>
      {orphan && (
        <p class={orphan.ok ? 'status' : 'error'} role={orphan.ok ? 'status' : 'alert'} data-testid="trades-notice">
          {orphan.text}
        </p>
      )}
      {error && <ErrorRetry message={error} onRetry={() => void refresh()} />}
      {items === null && !error && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && (
        <p class="muted" data-testid="trades-empty">
          {t(tab === 'pending' ? 'trades_empty_open' : 'trades_empty_done')}
        </p>
      )}
      <ul class="trade-list" data-testid="trades" data-tab={tab} aria-busy={busy}>
        {items?.map((tr) => (
          <TradeCard
            key={tr.id}
            trade={tr}
            me={user.id}
            lang={lang}
            now={now}
            notice={notice?.id === tr.id ? notice : null}
            onAccept={accept}
            onCancel={cancel}
          />
        ))}
      </ul>
      {next !== null && (
        <MoreButton testid="trades-more" busy={busy} onMore={() => void fetchPage(tab, next, PAGE)} />
      )}
    </section>
  );
}
