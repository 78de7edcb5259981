// Put an item up for auction (/auctions/new; ?item=<id> picks one of my items): a tradeable item
// of my inventory and how many (no more than I hold; numbered ones go by their lowest serials), a
// starting price (at least 1.00), an optional increment (default 5 % of the start) and buyout
// (above the start), and 1, 3, 7 or 14 days. The page explains the 10 % house fee, rounded up, and
// what I would receive at the starting price and at the buyout. The units are held at once.
// Sending is POST /api/v1/auctions with one Idempotency-Key per attempt, kept while the form is
// unchanged; the server's 400 goes beside the field it names, every other refusal in words.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Auction, type AuctionDraft, type InventoryEntry, type User } from '../api';
import { t, useLanguage, type Key, type Lang } from '../i18n';
import { formatMoney } from '../money';
import { onLinkClick } from '../router';
import { ErrorRetry } from '../fields';
import { itemName, minorUnits, newKey, serialList } from './shop-parts';
import { coinsFromMinor } from './trade-parts';
import { auctionFee, auctionRefusal } from './auction-parts';

type Field = 'item_id' | 'quantity' | 'serials' | 'start_price' | 'increment' | 'buyout' | 'days';
type Errors = Partial<Record<Field, string>>;
// The server's 400 names a field: its rule, in the reader's words, goes beside it.
const fieldKey: Record<Field, Key> = {
  item_id: 'auction_new_err_item',
  quantity: 'auction_new_err_quantity',
  serials: 'auction_new_err_serials',
  start_price: 'auction_new_err_start',
  increment: 'auction_new_err_increment',
  buyout: 'auction_new_err_buyout',
  days: 'auction_new_err_days',
};
const DAYS = [1, 3, 7, 14] as const;

interface Form {
  item: string;
  quantity: string;
  start: string;
  increment: string;
  buyout: string;
  days: number;
}

// "12.5" -> "12.50", "" -> "" (none), anything else -> null.
function amount(text: string): string | null {
  const s = text.trim();
  if (s === '') return '';
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(s);
  return m ? `${String(Number(m[1]))}.${(m[2] ?? '').padEnd(2, '0')}` : null;
}

function toDraft(form: Form, held: InventoryEntry | undefined, lang: Lang): { draft: AuctionDraft; errors: Errors } {
  const errors: Errors = {};
  if (!held) errors.item_id = t('auction_new_err_item');
  const q = /^\d{1,4}$/.test(form.quantity.trim()) ? Number(form.quantity.trim()) : 0;
  if (q < 1 || q > 1000) errors.quantity = t('auction_new_err_quantity');
  else if (held && q > held.quantity) errors.quantity = t('trade_err_held', { name: itemName(held.item, lang), n: held.quantity });
  const start = amount(form.start);
  if (!start || minorUnits(start) < 100) errors.start_price = t('auction_new_err_start');
  const inc = amount(form.increment);
  if (inc === null || (inc !== '' && (minorUnits(inc) < 1 || (start && minorUnits(inc) > minorUnits(start))))) {
    errors.increment = t('auction_new_err_increment');
  }
  const buyout = amount(form.buyout);
  if (buyout === null || (buyout !== '' && start && minorUnits(buyout) <= minorUnits(start))) {
    errors.buyout = t('auction_new_err_buyout');
  }
  const draft: AuctionDraft = {
    item_id: held?.item.id ?? 0,
    quantity: q,
    start_price: start ?? '',
    days: form.days,
    ...(inc ? { increment: inc } : {}),
    ...(buyout ? { buyout } : {}),
  };
  return { draft, errors };
}

function FieldError({ field, errors }: { field: Field; errors: Errors }) {
  const text = errors[field];
  if (!text) return null;
  return (
    <p class="error" id={`auction-${field}-error`} data-testid={`field-error-${field}`}>
      {text}
    </p>
  );
}

// What the seller receives at a price: the price less the 10 % fee, rounded up.
function FeeLine({ label, price, lang, testid }: { label: string; price: string; lang: Lang; testid: string }) {
  const p = minorUnits(price);
  const fee = auctionFee(p);
  return (
    <p data-testid={testid}>
      {t('auction_new_receive', {
        at: label,
        price: formatMoney(coinsFromMinor(p), lang),
        fee: formatMoney(coinsFromMinor(fee), lang),
        net: formatMoney(coinsFromMinor(p - fee), lang),
      })}
    </p>
  );
}

export function AuctionNewPage({ user }: { user: User }) {
  const lang = useLanguage();
  const wanted = new URLSearchParams(location.search).get('item') ?? '';
  const [form, setForm] = useState<Form>({ item: /^\d{1,15}$/.test(wanted) ? wanted : '', quantity: '1', start: '', increment: '', buyout: '', days: 1 });
  const [inventory, setInventory] = useState<InventoryEntry[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [tried, setTried] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState<Auction | null>(null);
  const attempt = useRef<{ sig: string; key: string } | null>(null);

  const load = () => {
    setLoadError(null);
    api.inventory(user.id).then(
      (r) => setInventory(r.items.filter((h) => h.item.tradeable && h.quantity > 0)),
      (e: unknown) => setLoadError(auctionRefusal(e, lang)),
    );
  };
  useEffect(load, [user.id]);

  const held = inventory?.find((h) => String(h.item.id) === form.item);
  const { draft, errors: local } = toDraft(form, held, lang);
  const valid = Object.keys(local).length === 0;
  const sig = JSON.stringify(draft);

  const change = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setServerErrors({});
    setFailure(null);
  };

  const submit = async () => {
    setTried(true);
    setFailure(null);
    if (!valid) return;
    if (attempt.current?.sig !== sig) attempt.current = { sig, key: newKey() };
    setSending(true);
    try {
      const a = await api.createAuction(draft, attempt.current.key);
      attempt.current = null;
      setDone(a);
    } catch (e) {
      const field = e instanceof ApiError ? e.details['field'] : undefined;
      if (e instanceof ApiError && typeof field === 'string' && field in fieldKey) {
        setServerErrors({ [field]: t(fieldKey[field as Field]) });
      } else {
        setFailure(auctionRefusal(e, lang));
      }
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) attempt.current = null;
    } finally {
      setSending(false);
    }
  };

  const errors: Errors = { ...(tried ? local : {}), ...serverErrors };
  const back = (
    <a class="button secondary item-back" href="/auctions" onClick={onLinkClick}>
      {t('auctions_back')}
    </a>
  );
  if (done) {
    return (
      <section class="card" aria-labelledby="auction-new-title" data-testid="auction-new-page">
        {back}
        <h1 id="auction-new-title">{t('auction_new_title')}</h1>
        <p class="status" role="status" data-testid="auction-created" data-auction-id={done.id}>
          {t('auction_new_done', { id: done.id })}
        </p>
        <div class="buy-actions">
          <a class="button" href={`/auctions/${done.id}`} onClick={onLinkClick} data-testid="auction-open">
            {t('auction_new_open')}
          </a>
        </div>
      </section>
    );
  }
  const input = (name: Field, key: keyof Form, label: string, hint?: string) => (
    <>
      <label class="trade-field">
        <span>{label}</span>
        <input
          name={name}
          inputMode="decimal"
          autoComplete="off"
          placeholder="0.00"
          value={String(form[key])}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={errors[name] ? `auction-${name}-error` : undefined}
          onInput={(e) => change({ [key]: (e.currentTarget as HTMLInputElement).value })}
        />
        {hint && <span class="muted hint">{hint}</span>}
      </label>
      <FieldError field={name} errors={errors} />
    </>
  );
  const start = amount(form.start);
  const buyout = amount(form.buyout);
  return (
    <section class="card" aria-labelledby="auction-new-title" data-testid="auction-new-page">
      {back}
      <h1 id="auction-new-title">{t('auction_new_title')}</h1>
      <p class="muted hint">{t('auction_new_intro')}</p>
      {loadError && <ErrorRetry message={loadError} onRetry={load} />}
      <form
        class="trade-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label class="trade-field">
          <span>{t('auction_new_item')}</span>
          <select
            name="item"
            value={form.item}
            aria-invalid={errors.item_id ? true : undefined}
            onChange={(e) => change({ item: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">{inventory ? t('trade_pick_none') : t('loading')}</option>
            {inventory?.map((h) => (
              <option key={h.item.id} value={String(h.item.id)}>
                {t('auction_new_held', { name: itemName(h.item, lang), n: h.quantity })}
              </option>
            ))}
          </select>
        </label>
        {inventory?.length === 0 && <p class="muted">{t('trade_no_items_to_give')}</p>}
        <FieldError field="item_id" errors={errors} />
        {held && held.serials.length > 0 && (
          <p class="muted hint" data-testid="auction-new-serials">
            {t('auction_new_serials', { serials: serialList(held.serials) })}
          </p>
        )}
        <label class="trade-field">
          <span>{t('auction_quantity')}</span>
          <input
            name="quantity"
            inputMode="numeric"
            autoComplete="off"
            value={form.quantity}
            aria-invalid={errors.quantity ? true : undefined}
            onInput={(e) => change({ quantity: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <FieldError field="quantity" errors={errors} />
        <FieldError field="serials" errors={errors} />
        {input('start_price', 'start', t('auction_new_start'))}
        {input('increment', 'increment', t('auction_new_increment'), t('auction_new_increment_hint'))}
        {input('buyout', 'buyout', t('auction_new_buyout'))}
        <div class="trade-field">
          <span id="auction-days-label">{t('auction_new_days')}</span>
          <div class="switch" role="group" aria-labelledby="auction-days-label">
            {DAYS.map((d) => (
              <button type="button" key={d} data-days={d} aria-pressed={form.days === d} onClick={() => change({ days: d })}>
                {t('auction_new_days_n', { n: d })}
              </button>
            ))}
          </div>
        </div>
        <FieldError field="days" errors={errors} />
        <div class="trade-preview" data-testid="auction-fee">
          <h2>{t('auction_new_fee_title')}</h2>
          <p>{t('auction_new_fee_rule')}</p>
          {start && minorUnits(start) > 0 && <FeeLine label={t('auction_new_at_start')} price={start} lang={lang} testid="auction-fee-start" />}
          {buyout && minorUnits(buyout) > 0 && <FeeLine label={t('auction_new_at_buyout')} price={buyout} lang={lang} testid="auction-fee-buyout" />}
        </div>
        {failure && (
          <p class="error" role="alert" data-testid="auction-new-error">
            {failure}
          </p>
        )}
        {tried && !valid && (
          <p class="error" role="alert">
            {t('trade_fix')}
          </p>
        )}
        <div class="buy-actions">
          <button type="submit" data-testid="auction-submit" disabled={sending}>
            {sending ? t('trade_sending') : t('auction_new_submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
