// The shop: the items on sale now, filtered by category and rarity and sorted (name, price, trend),
// 20 at a time ("show more" follows next_offset), each with its price, its weekly trend and what is
// left, and a Buy flow in place (shop-parts.tsx). My balance on top, re-read after every purchase.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Money, type ShopListedItem, type Rarity, type ShopQuery, type User } from '../api';
import { t, useLanguage, type Lang } from '../i18n';
import { formatMoney } from '../money';
import { onLinkClick } from '../router';
import { ErrorRetry, MoreButton, SelectField, type Choice } from '../fields';
import { BuyPanel, itemDescription, itemName, rarityKey, Stock, Trend } from './shop-parts';

const PAGE = 20;
const rarities: Choice[] = [
  { value: '', label: 'shop_rarity_all' },
  ...(Object.keys(rarityKey) as (keyof typeof rarityKey)[]).map((r) => ({ value: r, label: rarityKey[r] })),
];
const sorts: Choice[] = [
  { value: 'name', label: 'shop_sort_name' },
  { value: 'price', label: 'shop_sort_price' },
  { value: '-price', label: 'shop_sort_price_desc' },
  { value: 'trend', label: 'shop_sort_trend' },
];

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    return e.status === 0 ? t('error_network') : e.message || t('error_generic', { status: e.status });
  }
  return String(e);
}

function ItemCard({
  item,
  lang,
  open,
  onOpen,
  onClose,
  onChanged,
}: {
  item: ShopListedItem;
  lang: Lang;
  open: boolean;
  onOpen: () => void;
  onClose: () => void;
  onChanged: () => void;
}) {
  const href = `/shop/${item.id}`;
  return (
    <li class="shop-item" data-item-id={item.id} data-slug={item.slug}>
      <h2>{itemName(item, lang)}</h2>
      <p class="muted item-meta">
        <span class={`rarity ${item.rarity}`}>{t(rarityKey[item.rarity])}</span> · {item.category}
      </p>
      <p class="item-desc">{itemDescription(item, lang)}</p>
      <p class="item-price">
        <strong data-testid="price">{formatMoney(item.price, lang)}</strong> <Trend bp={item.trend_bp} />
      </p>
      <p class="item-stock">
        <Stock item={item} />
        {item.per_user_limit !== null && (
          <span class="muted"> · {t('shop_per_user', { limit: item.per_user_limit })}</span>
        )}
      </p>
      {open ? (
        <BuyPanel item={item} onChanged={onChanged} onClose={onClose} />
      ) : (
        <div class="buy-actions">
          <button type="button" data-testid="buy" disabled={item.left === 0} onClick={onOpen}>
            {t('shop_buy')}
          </button>
          <a class="button secondary" href={href} onClick={onLinkClick}>
            {t('shop_details')}
          </a>
        </div>
      )}
    </li>
  );
}

export function ShopPage({ user }: { user: User }) {
  const lang = useLanguage();
  const [category, setCategory] = useState('');
  const [rarity, setRarity] = useState('');
  const [sort, setSort] = useState('name');
  // Every category seen so far: choosing one keeps the others on offer.
  const [categories, setCategories] = useState<string[]>([]);
  const [items, setItems] = useState<ShopListedItem[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [balance, setBalance] = useState<Money | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const query: ShopQuery = {
    ...(category ? { category } : {}),
    ...(rarity ? { rarity: rarity as Rarity } : {}),
    sort: sort as NonNullable<ShopQuery['sort']>,
  };
  const key = JSON.stringify(query);

  const latest = useRef(0); // only the newest request's answer counts
  const fetchPage = (offset: number, replace: boolean) => {
    const mine = ++latest.current;
    setBusy(true);
    setError(null);
    return api.shopItems(query, PAGE, offset).then(
      (p) => {
        if (mine !== latest.current) return;
        setItems((now) => (replace ? p.items : [...(now ?? []), ...p.items]));
        setNext(p.next_offset);
        setCategories((now) => [...new Set([...now, ...p.items.map((i) => i.category)])].sort());
        setBusy(false);
      },
      (e) => {
        if (mine !== latest.current) return;
        setError(errorText(e));
        setBusy(false);
      },
    );
  };
  const loadBalance = () =>
    api.balance(user.id).then(
      (b) => setBalance(b.balance),
      () => setBalance(null),
    );
  // After a purchase or a refusal: what is left and my balance, for the items already shown.
  const refresh = () => {
    void loadBalance();
    const mine = ++latest.current;
    const shown = items?.length ?? PAGE;
    void api.shopItems(query, Math.min(100, Math.max(PAGE, shown)), 0).then(
      (p) => {
        if (mine !== latest.current) return;
        setItems(p.items);
        setNext(p.next_offset);
      },
      () => {},
    );
  };

  useEffect(() => {
    void loadBalance();
  }, [user.id]);
  useEffect(() => {
    setItems(null);
    setNext(null);
    setOpenId(null);
    void fetchPage(0, true);
  }, [key]);

  const categoryChoices = category && !categories.includes(category) ? [...categories, category] : categories;
  return (
    <section class="card" aria-labelledby="shop-title">
      <div class="section-head first">
        <h1 id="shop-title">{t('shop_title')}</h1>
        <div class="head-links">
          <a class="button secondary" href="/inventory" onClick={onLinkClick} data-testid="to-inventory">
            {t('nav_inventory')}
          </a>
          <a class="button secondary" href="/trades" onClick={onLinkClick} data-testid="to-trades">
            {t('nav_trades')}
          </a>
          <a class="button secondary" href="/auctions" onClick={onLinkClick} data-testid="to-auctions">
            {t('nav_auctions')}
          </a>
        </div>
      </div>
      <p class="muted hint">{t('shop_intro')}</p>
      {balance && (
        <p data-testid="shop-balance">{t('shop_balance', { balance: formatMoney(balance, lang) })}</p>
      )}
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('shop_filters')}>
        <label>
          <span>{t('shop_category')}</span>
          <select
            name="category"
            value={category}
            onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t('shop_category_all')}</option>
            {categoryChoices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <SelectField name="rarity" label="shop_rarity" value={rarity} choices={rarities} onChange={setRarity} />
        <SelectField name="sort" label="shop_sort" value={sort} choices={sorts} onChange={setSort} />
      </form>
      {error && <ErrorRetry message={error} onRetry={() => fetchPage(0, true)} />}
      {items === null && !error && <p class="muted">{t('loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('shop_empty')}</p>}
      <ul class="shop-grid" data-testid="shop-items" aria-busy={busy}>
        {items?.map((i) => (
          <ItemCard
            key={i.id}
            item={i}
            lang={lang}
            open={openId === i.id}
            onOpen={() => setOpenId(i.id)}
            onClose={() => setOpenId(null)}
            onChanged={refresh}
          />
        ))}
      </ul>
      {next !== null && <MoreButton testid="shop-more" busy={busy} onMore={() => fetchPage(next, false)} />}
    </section>
  );
}
