// My items: what I hold, most units first, with the serial numbers of numbered ones ("№ 17"), and
// an offer of a trade: of any of them ("Trade" puts it on my side) or from scratch, and "Sell at
// auction" of a tradeable one (/auctions/new with it picked).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type InventoryEntry, type User } from '../api';
import { t, useLanguage } from '../i18n';
import { onLinkClick } from '../router';
import { ErrorRetry } from '../fields';
import { itemName, rarityKey, serialList } from './shop-parts';

export function InventoryPage({ user }: { user: User }) {
  const lang = useLanguage();
  const [items, setItems] = useState<InventoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    return api.inventory(user.id).then(
      (r) => setItems(r.items),
      (e) =>
        setError(
          e instanceof ApiError
            ? e.status === 0
              ? t('error_network')
              : e.message || t('error_generic', { status: e.status })
            : String(e),
        ),
    );
  };
  useEffect(() => {
    void load();
  }, [user.id]);

  return (
    <section class="card" aria-labelledby="inventory-title">
      <div class="section-head first">
        <h1 id="inventory-title">{t('inventory_title')}</h1>
        <div class="head-links">
          <a class="button secondary" href="/shop" onClick={onLinkClick}>
            {t('inventory_to_shop')}
          </a>
          <a class="button secondary" href="/trades" onClick={onLinkClick} data-testid="to-trades">
            {t('nav_trades')}
          </a>
          <a class="button secondary" href="/auctions" onClick={onLinkClick} data-testid="to-auctions">
            {t('nav_auctions')}
          </a>
          <a class="button" href="/trades/new" onClick={onLinkClick} data-testid="offer-trade">
            {t('trades_offer')}
          </a>
        </div>
      </div>
      {error && <ErrorRetry message={error} onRetry={load} />}
      {items === null && !error && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('inventory_empty')}</p>}
      <ul class="rows inventory" data-testid="inventory">
        {items?.map((h) => (
          <li key={h.item.id} data-item-id={h.item.id}>
            <div class="what">
              <strong>{itemName(h.item, lang)}</strong>
              <span class="muted when">
                {t(rarityKey[h.item.rarity])} · {h.item.category}
              </span>
              {h.serials.length > 0 && (
                <span data-testid="serials">{t('inventory_serials', { serials: serialList(h.serials) })}</span>
              )}
            </div>
            <span class="sum" data-testid="quantity">
              {t('inventory_quantity', { quantity: h.quantity })}
            </span>
            {h.item.tradeable && (
              <a
                class="button secondary"
                href={`/trades/new?give=${h.item.id}`}
                onClick={onLinkClick}
                aria-label={t('inventory_trade_named', { name: itemName(h.item, lang) })}
                data-testid="trade-item"
              >
                {t('inventory_trade')}
              </a>
            )}
            {h.item.tradeable && (
              <a
                class="button secondary"
                href={`/auctions/new?item=${h.item.id}`}
                onClick={onLinkClick}
                aria-label={t('inventory_auction_named', { name: itemName(h.item, lang) })}
                data-testid="auction-item"
              >
                {t('inventory_auction')}
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
