// What the shop's pages share: an item's name in the reader's language, its rarity, the weekly
// trend (an arrow and a percent), the price history as a sparkline, and the Buy flow — quantity,
// a quote whose price is held for a minute (with a countdown), the confirmation (one
// Idempotency-Key per confirmation, the same on a retry), and the result with the serial numbers.
// Every refusal of the API is said in words; after one nothing was charged.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  type Money,
  type PricePoint,
  type Rarity,
  type ShopItem,
  type ShopListedItem,
  type ShopPurchase,
  type ShopQuote,
} from '../api';
import { t, useLanguage, type Key, type Lang } from '../i18n';
import { formatMoney } from '../money';
import { onLinkClick } from '../router';

export const rarityKey: Record<Rarity, Key> = {
  common: 'rarity_common',
  uncommon: 'rarity_uncommon',
  rare: 'rarity_rare',
  epic: 'rarity_epic',
  legendary: 'rarity_legendary',
};

export const itemName = (item: Pick<ShopItem, 'name'>, lang: Lang): string =>
  item.name[lang] || item.name.ru;
export const itemDescription = (item: Pick<ShopItem, 'description'>, lang: Lang): string =>
  item.description[lang] || item.description.ru;

export const serialList = (serials: readonly number[]): string =>
  serials.map((n) => t('serial', { n })).join(', ');

// "12.34" -> 1234 (minor units), without floating point.
export function minorUnits(amount: string): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) return 0;
  const [, minus, whole = '0', fraction = ''] = m;
  return (minus ? -1 : 1) * Number(whole + fraction);
}

// 1234 minor units of a currency with `scale` fraction digits -> "12.34".
export function fromMinor(minor: number, scale: number): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(minor))).padStart(scale + 1, '0');
  return scale === 0
    ? sign + digits
    : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const scaleOf = (m: Money): number => m.amount.split('.')[1]?.length ?? 0;

// Basis points as a percent: 150 -> "1.5 %", 2000 -> "20 %", -5 -> "0.05 %" (the sign is the arrow's).
export function percent(bp: number): string {
  const a = Math.abs(Math.round(bp));
  const fraction = String(a % 100).padStart(2, '0').replace(/0+$/, '');
  return `${Math.floor(a / 100)}${fraction ? '.' + fraction : ''}\u00a0%`;
}

// The weekly trend from the price history: the last price against the one 7 days before it (0
// when there is none that old), in basis points — as the listing's trend_bp.
export function trendOf(history: readonly PricePoint[]): number {
  const last = history[history.length - 1];
  if (!last) return 0;
  const weekAgo = Date.parse(last.day) - 7 * 86_400_000;
  const then = history.find((p) => Date.parse(p.day) === weekAgo);
  if (!then) return 0;
  const a = minorUnits(then.price.amount);
  return a > 0 ? Math.round(((minorUnits(last.price.amount) - a) * 10_000) / a) : 0;
}

export function Trend({ bp }: { bp: number }) {
  const p = percent(bp);
  const [arrow, cls, label] =
    bp > 0
      ? ['↑', 'up', t('shop_trend_label_up', { percent: p })]
      : bp < 0
        ? ['↓', 'down', t('shop_trend_label_down', { percent: p })]
        : ['·', 'flat', t('shop_trend_label_flat')];
  return (
    <span class={`trend ${cls}`} data-testid="trend" data-bp={bp}>
      <span aria-hidden="true">{t('shop_trend', { arrow, percent: p })}</span>
      <span class="sr-only">{label}</span>
    </span>
  );
}

// The daily prices as a line (oldest on the left), with the lowest and highest named.
export function Sparkline({ history, lang }: { history: readonly PricePoint[]; lang: Lang }) {
  const first = history[0];
  const last = history[history.length - 1];
  if (!first || !last) return null;
  const values = history.map((p) => minorUnits(p.price.amount));
  const min = Math.min(...values);
  const max = Math.max(...values);
  const W = 240;
  const H = 48;
  const pad = 3;
  const x = (i: number) => (values.length === 1 ? W - pad : pad + (i * (W - 2 * pad)) / (values.length - 1));
  const y = (v: number) => (max === min ? H / 2 : pad + ((max - v) * (H - 2 * pad)) / (max - min));
  const points =
    values.length === 1
      ? `${pad},${H / 2} ${W - pad},${H / 2}`
      : values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const scale = scaleOf(first.price);
  const money = (minor: number) => formatMoney({ currency: first.price.currency, amount: fromMinor(minor, scale) }, lang);
  const lastValue = values[values.length - 1] ?? 0;
  return (
    <figure class="sparkline" data-testid="sparkline" data-points={values.length}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={t('shop_history_label', {
          days: values.length,
          from: formatMoney(first.price, lang),
          to: formatMoney(last.price, lang),
        })}
      >
        <polyline points={points} fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke" />
        <circle cx={x(values.length - 1)} cy={y(lastValue)} r="3" fill="currentColor" />
      </svg>
      <figcaption class="muted">{t('shop_history_range', { min: money(min), max: money(max) })}</figcaption>
    </figure>
  );
}

// A key for one confirmation: random, so that a retry with it is recognised as the same purchase.
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const detail = (e: ApiError, name: string): number => {
  const v = e.details[name];
  return typeof v === 'number' ? v : Number(v ?? 0);
};

// A refusal of a quote or a purchase in words; `again`: the answer calls for a new quote.
function refusal(e: unknown, unit: Money | null, lang: Lang): { text: string; again: boolean } {
  if (!(e instanceof ApiError)) return { text: String(e), again: false };
  if (e.status === 0) return { text: t('error_network'), again: false };
  if (e.code === 'INSUFFICIENT_FUNDS') return { text: t('buy_err_funds'), again: true };
  const reason = typeof e.details['reason'] === 'string' ? e.details['reason'] : '';
  switch (reason) {
    case 'quote_expired': {
      const currency = unit?.currency ?? 'COIN';
      const price = fromMinor(detail(e, 'current'), unit ? scaleOf(unit) : 2);
      return { text: t('buy_err_expired', { price: formatMoney({ currency, amount: price }, lang) }), again: true };
    }
    case 'quote_used':
      return { text: t('buy_err_used'), again: true };
    case 'sold_out': {
      const left = detail(e, 'left');
      return { text: left > 0 ? t('buy_err_only_left', { left }) : t('buy_err_sold_out'), again: true };
    }
    case 'limit':
      return { text: t('buy_err_limit', { may_buy: detail(e, 'may_buy') }), again: true };
    case 'not_on_sale':
      return { text: t('buy_err_not_on_sale'), again: true };
  }
  return { text: e.message || t('error_generic', { status: e.status }), again: false };
}

// What is left: "3 of 500 left", "sold out" or unlimited.
export function Stock({ item }: { item: Pick<ShopListedItem, 'left' | 'total_supply'> }) {
  if (item.left === null) return <span class="stock">{t('shop_unlimited')}</span>;
  return (
    <span class={item.left === 0 ? 'stock none' : 'stock'} data-testid="stock" data-left={item.left}>
      {item.left === 0
        ? t('shop_left_none')
        : t('shop_left', { left: item.left, total: item.total_supply ?? item.left })}
    </span>
  );
}

type Step =
  | { at: 'pick' }
  | { at: 'quoting' }
  | { at: 'quote'; quote: ShopQuote }
  | { at: 'buying'; quote: ShopQuote }
  | { at: 'done'; purchase: ShopPurchase };

// Seconds until `iso`, at least 0.
const secondsTo = (iso: string, now: number): number => Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));

export function BuyPanel({
  item,
  onChanged,
  onClose,
}: {
  item: ShopItem;
  onChanged: () => void;
  onClose?: () => void;
}) {
  const lang = useLanguage();
  const [quantity, setQuantity] = useState('1');
  const [step, setStep] = useState<Step>({ at: 'pick' });
  const [error, setError] = useState<{ text: string; again: boolean; refused: boolean } | null>(null);
  const [now, setNow] = useState(Date.now());
  const key = useRef<{ quote: string; key: string } | null>(null);
  const name = itemName(item, lang);

  const quote = step.at === 'quote' || step.at === 'buying' ? step.quote : null;
  const left = quote ? secondsTo(quote.expires_at, now) : 0;
  useEffect(() => {
    if (!quote) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [quote?.id]);

  const n = Number(quantity);
  const goodQuantity = /^\d+$/.test(quantity.trim()) && n >= 1 && n <= 100;

  const getQuote = async () => {
    if (!goodQuantity) {
      setError({ text: t('buy_bad_quantity'), again: false, refused: false });
      return;
    }
    setError(null);
    setStep({ at: 'quoting' });
    try {
      const q = await api.quote(item.id, n);
      setStep({ at: 'quote', quote: q });
    } catch (e) {
      setStep({ at: 'pick' });
      const r = refusal(e, item.price, lang);
      setError({ ...r, refused: false });
      if (r.again) onChanged();
    }
  };

  const confirm = async (q: ShopQuote) => {
    // One key per confirmation of a quote: a retry (after a network failure) sends it again.
    if (key.current?.quote !== q.id) key.current = { quote: q.id, key: newKey() };
    setError(null);
    setStep({ at: 'buying', quote: q });
    try {
      const p = await api.buy(q.id, key.current.key);
      setStep({ at: 'done', purchase: p });
      onChanged();
    } catch (e) {
      const r = refusal(e, q.unit_price, lang);
      // A refusal moved nothing. After a failure of the network the quote stays: Confirm sends the
      // same key again, and the server answers the first purchase if there was one.
      const refused = e instanceof ApiError && e.status >= 400 && e.status < 500;
      setError({ ...r, refused });
      setStep(r.again ? { at: 'pick' } : { at: 'quote', quote: q });
      if (r.again) onChanged();
    }
  };

  const reset = () => {
    setError(null);
    setStep({ at: 'pick' });
  };

  return (
    <div class="buy" data-testid="buy-panel" aria-live="polite">
      <h3 class="buy-title">{t('buy_title', { name })}</h3>
      {(step.at === 'pick' || step.at === 'quoting') && (
        <form
          class="buy-form"
          onSubmit={(e) => {
            e.preventDefault();
            void getQuote();
          }}
        >
          <label>
            <span>{t('buy_quantity')}</span>
            <input
              type="number"
              name="quantity"
              inputMode="numeric"
              min={1}
              max={100}
              step={1}
              value={quantity}
              onInput={(e) => setQuantity((e.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" data-testid="buy-quote" disabled={step.at === 'quoting'}>
            {t('buy_get_quote')}
          </button>
          {onClose && (
            <button type="button" class="secondary" onClick={onClose}>
              {t('buy_cancel')}
            </button>
          )}
        </form>
      )}
      {quote && (
        <div class="quote" data-testid="buy-quote-shown" data-quote-id={quote.id}>
          <p class="quote-sum">
            {t('buy_quote', {
              quantity: quote.quantity,
              unit: formatMoney(quote.unit_price, lang),
              total: formatMoney(quote.total, lang),
            })}
          </p>
          {left > 0 ? (
            <>
              <p class="muted" data-testid="buy-countdown" role="timer" aria-live="off">
                {t('buy_countdown', { seconds: left })}
              </p>
              <div class="buy-actions">
                <button
                  type="button"
                  data-testid="buy-confirm"
                  disabled={step.at === 'buying'}
                  onClick={() => void confirm(quote)}
                >
                  {step.at === 'buying' ? t('buy_busy') : t('buy_confirm')}
                </button>
                <button type="button" class="secondary" disabled={step.at === 'buying'} onClick={reset}>
                  {t('buy_cancel')}
                </button>
              </div>
            </>
          ) : (
            <>
              <p class="error" data-testid="buy-expired">
                {t('buy_expired')}
              </p>
              <button type="button" data-testid="buy-requote" onClick={() => void getQuote()}>
                {t('buy_requote')}
              </button>
            </>
          )}
        </div>
      )}
      {step.at === 'done' && (
        <div class="bought" data-testid="buy-done" role="status">
          <p>
            {t('buy_done', {
              name,
              quantity: step.purchase.quantity,
              total: formatMoney(step.purchase.total, lang),
            })}
          </p>
          {step.purchase.replayed && <p class="muted">{t('buy_replayed')}</p>}
          {step.purchase.serials.length > 0 && (
            <p data-testid="buy-serials">{t('buy_serials', { serials: serialList(step.purchase.serials) })}</p>
          )}
          <div class="buy-actions">
            <button type="button" onClick={reset}>
              {t('buy_more')}
            </button>
            <a class="button secondary" href="/inventory" onClick={onLinkClick}>
              {t('nav_inventory')}
            </a>
          </div>
        </div>
      )}
      {error && (
        <div class="error" role="alert" data-testid="buy-error">
          <p>
            {error.text}
            {error.refused ? ` ${t('buy_nothing_charged')}` : ''}
          </p>
        </div>
      )}
    </div>
  );
}
