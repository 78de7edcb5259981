// One auction (/auctions/{id}): its facts, a countdown to its end, the recent bids, and a bid form
// prefilled with the least next bid (next_min) — with "Buy now" when there is a buyout. A bid is
// POST /api/v1/auctions/{id}/bids with one Idempotency-Key per attempt, kept while the amount is
// unchanged, so a retry after a lost answer makes no second bid. Live: while the page is open it
// subscribes to the topic auctions.<id>; each auction.bid frame moves the top bid, the bid count,
// the end (a late bid extends it: the countdown jumps) and the next minimum at once, and the page
// then reads the auction again for the bid list. The seller sees "Withdraw" while nobody has bid.
// Every refusal is said in words, and nothing moved.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type AuctionDetail, type Bid, type User } from '../api';
import { formatTime, t, useLanguage, type Lang } from '../i18n';
import { listen, subscribe } from '../live';
import { formatMoney } from '../money';
import { onLinkClick } from '../router';
import { ErrorRetry } from '../fields';
import { minorUnits, newKey } from './shop-parts';
import { coinsFromMinor } from './trade-parts';
import { AuctionFacts, auctionFee, auctionName, auctionRefusal, auctionStateText, Countdown, useNow } from './auction-parts';

// The data of an auction.bid frame on the topic auctions.<id>.
interface BidFrame {
  auction_id: number;
  bid_id: number;
  bidder: number;
  amount: string;
  bids: number;
  state: AuctionDetail['state'];
  ends_at: string;
  next_min: string;
}
const isBidFrame = (d: unknown): d is BidFrame => {
  const f = d as Partial<BidFrame> | null;
  return !!f && typeof f.auction_id === 'number' && typeof f.amount === 'string' && typeof f.bids === 'number' &&
    typeof f.ends_at === 'string' && typeof f.next_min === 'string';
};
// The notifications of mine that concern an auction.
const MY_EVENTS = new Set(['auction.outbid', 'auction.won', 'auction.sold', 'auction.unsold']);

// "12.5" -> "12.50"; anything that is not an amount -> null.
const amountOf = (text: string): string | null => {
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  return m ? `${String(Number(m[1]))}.${(m[2] ?? '').padEnd(2, '0')}` : null;
};

function BidList({ bids, me, lang }: { bids: readonly Bid[]; me: number; lang: Lang }) {
  if (bids.length === 0) return <p class="muted" data-testid="auction-no-bids">{t('auction_no_bids')}</p>;
  return (
    <ul class="rows auction-bids" data-testid="auction-bid-list">
      {bids.map((b) => (
        <li key={b.id} data-bid-id={b.id} data-state={b.state}>
          <span class="what">
            <strong>{b.bidder === me ? t('auction_bidder_you') : t('auction_bidder', { id: b.bidder })}</strong>
            <span class="muted when">{formatTime(b.created_at, lang)}</span>
          </span>
          <span class="sum">{formatMoney(b.amount, lang)}</span>
        </li>
      ))}
    </ul>
  );
}

export function AuctionPage({ user, id }: { user: User; id: number }) {
  const lang = useLanguage();
  const [a, setA] = useState<AuctionDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [touched, setTouched] = useState(false); // typed by hand: live frames leave it alone
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ text: string; ok: boolean } | null>(null);
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const latest = useRef(0);

  const read = () => {
    const mine = ++latest.current;
    return api.auction(id).then(
      (d) => {
        if (mine !== latest.current) return;
        setA(d);
        setLoadError(null);
      },
      (e: unknown) => {
        if (mine === latest.current) setLoadError(auctionRefusal(e, lang));
      },
    );
  };
  const readRef = useRef(read);
  readRef.current = read;

  useEffect(() => {
    setA(null);
    setTouched(false);
    void read();
    const topic = `auctions.${id}`;
    const unsubscribe = subscribe(topic);
    const unlisten = listen((m) => {
      if (m.type === 'auction.bid' && 'topic' in m && m.topic === topic && isBidFrame(m.data)) {
        const f = m.data;
        // At once: the top bid, the count, the end and the next minimum; then the bid list.
        setA((now) =>
          now && f.bids >= now.bids
            ? {
                ...now,
                bids: f.bids,
                state: f.state,
                ends_at: f.ends_at,
                top_bidder: f.bidder,
                top_amount: { currency: 'COIN', amount: f.amount },
                next_min: f.state === 'open' ? { currency: 'COIN', amount: f.next_min } : null,
              }
            : now,
        );
        void readRef.current();
      } else if (m.type === 'welcome') {
        void readRef.current(); // a reconnect: topic frames are not replayed
      } else if (typeof m.id === 'number' && MY_EVENTS.has(m.type) && (m.data as { id?: unknown } | null)?.id === id) {
        void readRef.current();
      }
    });
    return () => {
      unlisten();
      unsubscribe();
    };
  }, [id]);

  // The form follows the next minimum until the bidder types their own amount.
  const nextMin = a?.next_min?.amount ?? '';
  useEffect(() => {
    if (!touched) setAmount(nextMin);
  }, [nextMin, touched]);

  const now = useNow(a?.state === 'open');

  const place = async (value: string, kind: 'bid' | 'buyout') => {
    if (!a) return;
    setNotice(null);
    const sum = amountOf(value);
    if (sum === null) {
      setNotice({ ok: false, text: t('auction_err_amount') });
      return;
    }
    // Below the minimum the server refuses with the minimum it knows (the page's may be a bid late).
    // One key per attempt at this amount: a retry after a lost answer sends it again.
    const sig = `${kind}:${sum}`;
    if (attempt.current?.sig !== sig) attempt.current = { sig, key: newKey() };
    setBusy(true);
    try {
      const b = await api.bid(a.id, sum, attempt.current.key);
      attempt.current = null;
      setTouched(false);
      setNotice({
        ok: true,
        text: b.state === 'won' ? t('auction_bid_won', { amount: formatMoney(b.amount, lang) }) : t('auction_bid_leading', { amount: formatMoney(b.amount, lang) }),
      });
    } catch (e) {
      // A refusal moved nothing: the next attempt is a new one. A lost answer keeps the key.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) attempt.current = null;
      setNotice({ ok: false, text: auctionRefusal(e, lang) });
    } finally {
      setBusy(false);
    }
    void read();
  };

  const withdraw = async () => {
    if (!a) return;
    setNotice(null);
    setBusy(true);
    try {
      await api.cancelAuction(a.id);
      setNotice({ ok: true, text: t('auction_withdrawn') });
    } catch (e) {
      setNotice({ ok: false, text: auctionRefusal(e, lang, 'auction_err_not_seller') });
    } finally {
      setBusy(false);
    }
    void read();
  };

  const back = (
    <a class="button secondary item-back" href="/auctions" onClick={onLinkClick}>
      {t('auctions_back')}
    </a>
  );
  if (!a) {
    return (
      <section class="card" data-testid="auction-page">
        {back}
        {loadError ? <ErrorRetry message={loadError} onRetry={() => void read()} /> : <p class="muted">{t('loading')}</p>}
      </section>
    );
  }
  const seller = a.seller === user.id;
  const biddable = a.state === 'open' && Date.parse(a.ends_at) > now && !seller;
  const fee = a.top_amount ? auctionFee(minorUnits(a.top_amount.amount)) : 0;
  return (
    <section class="card" aria-labelledby="auction-title" data-testid="auction-page" data-state={a.state} data-bids={a.bids}>
      {back}
      <div class="trade-head">
        <h1 id="auction-title">{t('auction_title', { id: a.id, name: auctionName(a, lang) })}</h1>
        <span class={`state ${a.state}`} data-testid="auction-state">
          {auctionStateText(a.state)}
        </span>
      </div>
      <p class="muted">{seller ? t('auction_yours') : t('auction_seller', { id: a.seller })}</p>
      <AuctionFacts auction={a} lang={lang} />
      <Countdown auction={a} now={now} />
      {a.state === 'open' && a.top_bidder === user.id && (
        <p class="status" data-testid="auction-leading">{t('auction_you_lead')}</p>
      )}
      {a.state === 'sold' && (
        <p class="status" data-testid="auction-result">
          {a.top_bidder === user.id
            ? t('auction_result_won', { amount: formatMoney(a.top_amount ?? a.start_price, lang) })
            : seller
              ? t('auction_result_sold', { amount: formatMoney(a.top_amount ?? a.start_price, lang), fee: formatMoney(a.fee, lang) })
              : t('auction_result_other', { id: a.top_bidder ?? 0, amount: formatMoney(a.top_amount ?? a.start_price, lang) })}
        </p>
      )}
      {notice && (
        <p class={notice.ok ? 'status' : 'error'} role={notice.ok ? 'status' : 'alert'} data-testid="auction-notice">
          {notice.text}
        </p>
      )}
      {biddable && a.next_min && (
        <form
          class="trade-form auction-bid"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void place(amount, 'bid');
          }}
        >
          <label class="trade-field">
            <span>{t('auction_your_bid', { min: formatMoney(a.next_min, lang) })}</span>
            <input
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              value={amount}
              onInput={(e) => {
                setTouched(true);
                setAmount((e.currentTarget as HTMLInputElement).value);
              }}
            />
          </label>
          <p class="muted hint">{t('auction_bid_hold')}</p>
          <div class="buy-actions">
            <button type="submit" data-testid="auction-bid" disabled={busy}>
              {busy ? t('trade_busy') : t('auction_bid_submit')}
            </button>
            {a.buyout && (
              <button type="button" class="secondary" data-testid="auction-buy-now" disabled={busy} onClick={() => a.buyout && void place(a.buyout.amount, 'buyout')}>
                {t('auction_buy_now', { amount: formatMoney(a.buyout, lang) })}
              </button>
            )}
          </div>
        </form>
      )}
      {seller && a.state === 'open' && (
        <div class="buy-actions">
          {a.bids === 0 ? (
            <button type="button" class="danger" data-testid="auction-withdraw" disabled={busy} onClick={() => void withdraw()}>
              {t('auction_withdraw')}
            </button>
          ) : (
            <p class="muted">{t('auction_seller_fee', { fee: formatMoney(coinsFromMinor(fee), lang) })}</p>
          )}
        </div>
      )}
      <h2 class="auction-bids-title">{t('auction_recent_bids')}</h2>
      <BidList bids={a.recent_bids} me={user.id} lang={lang} />
    </section>
  );
}
