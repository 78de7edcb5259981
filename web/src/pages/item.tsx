// One item of the shop (/shop/{id}): its description, price and weekly trend, what is left, the
// last 30 days' prices as a sparkline, and the Buy flow (shop-parts.tsx).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type ShopItemDetail, type User } from '../api';
import { t, useLanguage } from '../i18n';
import { formatMoney } from '../money';
import { onLinkClick } from '../router';
import { ErrorRetry } from '../fields';
import { BuyPanel, itemDescription, itemName, rarityKey, Sparkline, Stock, Trend, trendOf } from './shop-parts';

export function ItemPage({ id }: { user: User; id: number }) {
  const lang = useLanguage();
  const [item, setItem] = useState<ShopItemDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const load = () => {
    setError(null);
    return api.shopItem(id).then(
      (i) => setItem(i),
      (e) => {
        if (e instanceof ApiError && e.status === 404) setMissing(true);
        else if (e instanceof ApiError)
          setError(e.status === 0 ? t('error_network') : e.message || t('error_generic', { status: e.status }));
        else setError(String(e));
      },
    );
  };
  useEffect(() => {
    setItem(null);
    setMissing(false);
    void load();
  }, [id]);

  const back = (
    <a class="button secondary item-back" href="/shop" onClick={onLinkClick}>
      {t('shop_back')}
    </a>
  );
  if (missing) {
    return (
      <section class="card">
        <h1>{t('shop_not_found')}</h1>
        {back}
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="item-title" data-testid="item-page">
      {back}
      {error && <ErrorRetry message={error} onRetry={load} />}
      {item === null && !error && <p class="muted">{t('loading')}</p>}
      {item && (
        <>
          <h1 id="item-title">{itemName(item, lang)}</h1>
          <p>{itemDescription(item, lang)}</p>
          <dl class="facts">
            <dt>{t('shop_price')}</dt>
            <dd>
              <strong data-testid="price">{formatMoney(item.price, lang)}</strong>{' '}
              <Trend bp={trendOf(item.price_history)} />
            </dd>
            <dt>{t('shop_facts_rarity')}</dt>
            <dd>{t(rarityKey[item.rarity])}</dd>
            <dt>{t('shop_facts_category')}</dt>
            <dd>{item.category}</dd>
            <dt>{t('shop_facts_stock')}</dt>
            <dd>
              <Stock item={item} />
              {item.per_user_limit !== null && (
                <span class="muted"> · {t('shop_per_user', { limit: item.per_user_limit })}</span>
              )}
              {item.serialized && <span class="muted"> · {t('shop_numbered')}</span>}
            </dd>
          </dl>
          <h2>{t('shop_history')}</h2>
          <Sparkline history={item.price_history} lang={lang} />
          {item.left !== 0 && <BuyPanel item={item} onChanged={() => void load()} />}
        </>
      )}
    </section>
  );
}
