// Auctions (/auctions): open ones, ended ones and mine (sold or bid on), newest first, 20 at a
// time ("show more" follows next_before). Each card names the item in the reader's language with
// its quantity and serial numbers, the top bid or the starting price, the number of bids, the
// buyout, and while open a countdown to its end, ticking every second ("ending soon" in the last
// 2 minutes). A card opens the auction; "Put up an item" opens /auctions/new.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Auction, type AuctionListState, type User } from '../api';
import { t, useLanguage, type Key, type Lang } from '../i18n';
import { onLinkClick } from '../router';
import { ErrorRetry, MoreButton } from '../fields';
import { AuctionFacts, auctionName, auctionRefusal, auctionStateText, Countdown, useNow } from './auction-parts';

const PAGE = 20;

const tabs: { value: AuctionListState; label: Key }[] = [
  { value: 'open', label: 'auctions_tab_open' },
  { value: 'ended', label: 'auctions_tab_ended' },
  { value: 'mine', label: 'auctions_tab_mine' },
];
const emptyKey: Record<AuctionListState, Key> = {
  open: 'auctions_empty_open',
  ended: 'auctions_empty_ended',
  mine: 'auctions_empty_mine',
};

function AuctionCard({ auction: a, me, lang, now }: { auction: Auction; me: number; lang: Lang; now: number }) {
  return (
    <li class="trade-card auction-card" data-auction-id={a.id} data-state={a.state}>
      <div class="trade-head">
        <h2>
          <a class="line-link" href={`/auctions/${a.id}`} onClick={onLinkClick} data-testid="auction-link">
            {t('auction_title', { id: a.id, name: auctionName(a, lang) })}
          </a>
        </h2>
        <span class={`state ${a.state}`} data-testid="auction-state">
          {auctionStateText(a.state)}
        </span>
      </div>
      <AuctionFacts auction={a} lang={lang} />
      {a.seller === me ? (
        <p class="muted">{t('auction_yours')}</p>
      ) : (
        a.top_bidder === me && (
          <p class="status" data-testid="auction-leading">
            {t(a.state === 'open' ? 'auction_you_lead' : 'auction_you_won')}
          </p>
        )
      )}
      <Countdown auction={a} now={now} />
    </li>
  );
}

export function AuctionsPage({ user }: { user: User }) {
  const lang = useLanguage();
  const [tab, setTab] = useState<AuctionListState>('open');
  const [items, setItems] = useState<Auction[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0); // only the newest reading counts

  const fetchPage = (state: AuctionListState, before: number | undefined) => {
    const mine = ++latest.current;
    setBusy(true);
    setError(null);
    return api.auctions(state, PAGE, before).then(
      (p) => {
        if (mine !== latest.current) return;
        setItems((now) => (before === undefined ? p.items : [...(now ?? []), ...p.items]));
        setNext(p.next_before);
        setBusy(false);
      },
      (e: unknown) => {
        if (mine !== latest.current) return;
        setError(auctionRefusal(e, lang));
        setBusy(false);
      },
    );
  };

  useEffect(() => {
    setItems(null);
    setNext(null);
    void fetchPage(tab, undefined);
  }, [tab, user.id]);

  const now = useNow((items ?? []).some((a) => a.state === 'open'));

  return (
    <section class="card" aria-labelledby="auctions-title">
      <div class="section-head first">
        <h1 id="auctions-title">{t('auctions_title')}</h1>
        <a class="button" href="/auctions/new" onClick={onLinkClick} data-testid="auction-put-up">
          {t('auctions_put_up')}
        </a>
      </div>
      <p class="muted hint">{t('auctions_intro')}</p>
      <div class="switch" role="group" aria-label={t('auctions_tabs')}>
        {tabs.map((x) => (
          <button type="button" key={x.value} data-tab={x.value} aria-pressed={tab === x.value} onClick={() => setTab(x.value)}>
            {t(x.label)}
          </button>
        ))}
      </div>
      {error && <ErrorRetry message={error} onRetry={() => void fetchPage(tab, undefined)} />}
      {items === null && !error && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && (
        <p class="muted" data-testid="auctions-empty">
          {t(emptyKey[tab])}
        </p>
      )}
      <ul class="trade-list" data-testid="auctions" data-tab={tab} aria-busy={busy}>
        {items?.map((a) => <AuctionCard key={a.id} auction={a} me={user.id} lang={lang} now={now} />)}
      </ul>
      {next !== null && <MoreButton testid="auctions-more" busy={busy} onMore={() => void fetchPage(tab, next)} />}
    </section>
  );
}
