// What the auction pages share: an auction's item in the reader's language, its facts (units and
// serial numbers, the top bid or the starting price, bids, the buyout), a countdown to its end
// that ticks every second ("ending soon" in the last 2 minutes, when a bid extends it), the state
// in words, the 10 % house fee rounded up, and the refusals of the auction API in words (a
// refusal's sums come in minor units).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Auction, type Money } from '../api';
import './trades.css';
import './auctions.css';
import { t, type Key, type Lang } from '../i18n';
import { formatMoney } from '../money';
import { serialList } from './shop-parts';
import { clock, coinsFromMinor, detailNumber, reasonOf } from './trade-parts';

// The last 2 minutes: a bid then extends the end by 2 minutes (anti-sniping).
export const ENDING_SOON_S = 120;

export const auctionName = (a: Pick<Auction, 'name' | 'item_id'>, lang: Lang): string =>
  a.name[lang] || a.name.ru || `#${a.item_id}`;

// The house keeps 10 % of the price, rounded up to the kopeck: minor units in, minor units out.
export const auctionFee = (minor: number): number => Math.ceil(minor / 10);

const stateKey: Record<Auction['state'], Key> = {
  open: 'auction_state_open',
  sold: 'auction_state_sold',
  unsold: 'auction_state_unsold',
  cancelled: 'auction_state_cancelled',
};
export const auctionStateText = (state: string): string =>
  state in stateKey ? t(stateKey[state as Auction['state']]) : state;

// The time now, ticking every second while `active`.
export function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

// "Ends in 0:01:59", marked as ending soon in the last 2 minutes; "the time is up" until settled.
export function Countdown({ auction, now }: { auction: Pick<Auction, 'state' | 'ends_at'>; now: number }) {
  if (auction.state !== 'open') return null;
  const left = Math.ceil((Date.parse(auction.ends_at) - now) / 1000);
  const soon = left > 0 && left <= ENDING_SOON_S;
  return (
    <p
      class={soon ? 'auction-countdown soon' : 'auction-countdown muted'}
      data-testid="auction-countdown"
      data-soon={soon ? 'true' : undefined}
      role="timer"
      aria-live="off"
    >
      {left > 0 ? t(soon ? 'auction_ends_soon' : 'auction_ends_in', { time: clock(left) }) : t('auction_time_up')}
    </p>
  );
}

// The facts of an auction as a list of terms: what is sold, the price so far, bids, the buyout.
export function AuctionFacts({ auction: a, lang }: { auction: Auction; lang: Lang }) {
  const top = a.top_amount;
  return (
    <dl class="facts auction-facts">
      <dt>{t('auction_quantity')}</dt>
      <dd data-testid="auction-quantity">{a.quantity}</dd>
      {a.serials.length > 0 && (
        <>
          <dt>{t('auction_serials')}</dt>
          <dd data-testid="auction-serials">{serialList(a.serials)}</dd>
        </>
      )}
      <dt>{top ? t('auction_top_bid') : t('auction_start_price')}</dt>
      <dd data-testid="auction-price">{formatMoney(top ?? a.start_price, lang)}</dd>
      <dt>{t('auction_bids')}</dt>
      <dd data-testid="auction-bids">{a.bids}</dd>
      {a.buyout && (
        <>
          <dt>{t('auction_buyout')}</dt>
          <dd data-testid="auction-buyout">{formatMoney(a.buyout, lang)}</dd>
        </>
      )}
    </dl>
  );
}

export const money = (m: Money | null, lang: Lang): string => (m ? formatMoney(m, lang) : '—');

// A refusal of the auction API in words (nothing moved on any of them).
export function auctionRefusal(e: unknown, lang: Lang, forbidden: Key = 'auction_err_own'): string {
  if (!(e instanceof ApiError)) return String(e);
  if (e.status === 0) return t('error_network');
  if (e.code === 'INSUFFICIENT_FUNDS') return t('auction_err_funds');
  switch (reasonOf(e)) {
    case 'bid_too_low':
      return t('auction_err_too_low', { min: formatMoney(coinsFromMinor(detailNumber(e, 'min')), lang) });
    case 'ended':
      return t('auction_err_ended');
    case 'not_open':
      return t('auction_err_not_open');
    case 'has_bids':
      return t('auction_err_has_bids');
    case 'not_tradeable':
      return t('auction_err_not_tradeable');
    case 'too_many_open':
      return t('auction_err_too_many', { limit: detailNumber(e, 'limit') || 10 });
    case 'serial_not_owned':
      return t('auction_err_serial');
  }
  if (e.status === 403) return t(forbidden);
  if (e.status === 404) return t('auction_not_found');
  if (e.status === 429) return t('trade_err_rate');
  return e.message || t('error_generic', { status: e.status });
}
